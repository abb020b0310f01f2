// The bar over the list once a board is ticked: how many, "select all that can take this file",
// "only those not already on <version>", "skip offline" (it goes into the fleet request) and Clear.
import type { Device } from '../../../../shared/domain.ts';
import type { OfferedImage } from './selection.ts';
import { countUpToDate, selectFitting } from './selection.ts';
import type { DeviceSelection } from './useDeviceSelection.ts';

interface SelectionBarProps {
  devices: Device[];
  images: OfferedImage[];
  selection: DeviceSelection;
}

export function SelectionBar({ devices, images, selection }: SelectionBarProps) {
  const count = selection.selection.size;
  const usable = images.filter((image) => !image.problem);
  const fitting = selectFitting(devices, usable).size;
  const versions = [...new Set(usable.map((image) => image.version).filter((version) => version !== null))];
  const upToDate = countUpToDate(selection.selection, devices, usable);
  const versionWords = versions.length === 1 ? versions[0] : 'the version of their file';
  return (
    <div className="selection-bar" role="toolbar" aria-label="Selected boards" data-testid="selection-bar">
      <span className="selection-bar__count" data-testid="selection-count" aria-live="polite">
        {count} selected
      </span>
      <label className="selection-bar__toggle" title="Boards offline when their turn comes are skipped, not failed">
        <input
          type="checkbox"
          data-testid="selection-skip-offline"
          checked={selection.skipOffline}
          onChange={(event) => selection.setSkipOffline(event.target.checked)}
        />
        Skip offline
      </label>
      <button
        type="button"
        className="button button--small button--ghost"
        data-testid="selection-clear"
        onClick={selection.clear}
      >
        Clear
      </button>
      <div className="selection-bar__actions">
        <button
          type="button"
          className="button button--small"
          data-testid="select-fitting"
          disabled={usable.length === 0}
          title={
            usable.length === 0
              ? 'Open a firmware file first: this selects the boards it can be pushed to.'
              : `${fitting} listed board${fitting === 1 ? '' : 's'} can take ${fileWords(usable)}`
          }
          onClick={() => selection.selectFitting(devices, usable)}
        >
          Select all that can take this file
        </button>
        <button
          type="button"
          className="button button--small"
          data-testid="select-outdated"
          disabled={versions.length === 0 || upToDate === 0}
          title={
            versions.length === 0
              ? 'The open file records no version to compare with.'
              : upToDate === 0
                ? `No selected board reports ${versionWords}.`
                : `Deselects ${upToDate} board${upToDate === 1 ? '' : 's'} that already report ${versionWords}`
          }
          onClick={() => selection.dropUpToDate(devices, usable)}
        >
          Only those not already on {versions.length === 1 ? versions[0] : 'its version'}
        </button>
      </div>
    </div>
  );
}

function fileWords(images: OfferedImage[]): string {
  return images.length === 1 ? images[0].fileName : `one of the ${images.length} files`;
}
