// MCUmgr/SMP: what happens after the upload (ble-protocols.md §1.10). Each choice says its
// consequence in full: "confirm at once" has no way back, and that must not be a surprise.
import type { SmpCommitMode } from '../../../../shared/domain.ts';
import { SMP_COMMIT_MODES } from '../../../../shared/domain.ts';
import { DEFAULT_SMP_MODE, SMP_MODE_ORDER } from './smp.ts';

interface SmpModePickerProps {
  mode: SmpCommitMode;
  onChange: (mode: SmpCommitMode) => void;
  /** Why no mode applies (the bootloader cannot test or confirm): the choice is shown disabled with it. */
  lockedBecause?: string | null;
}

export function SmpModePicker({ mode, onChange, lockedBecause = null }: SmpModePickerProps) {
  return (
    <fieldset
      className="smp-modes"
      data-testid="smp-mode-picker"
      disabled={lockedBecause !== null}
      data-locked={lockedBecause !== null}
    >
      <legend className="field-label">After the upload</legend>
      {lockedBecause && (
        <p className="hint hint--warning smp-modes__reason" data-testid="smp-mode-locked">
          {lockedBecause} The push uploads the image and resets the board.
        </p>
      )}
      <div className="smp-modes__list" role="radiogroup" aria-label="Commit mode">
        {SMP_MODE_ORDER.map((value) => (
          <label key={value} className="smp-mode" data-checked={value === mode} data-mode={value}>
            <input
              type="radio"
              name="smp-mode"
              value={value}
              data-testid={`smp-mode-${value}`}
              checked={value === mode}
              onChange={() => onChange(value)}
            />
            <span className="smp-mode__text">
              <span className="smp-mode__label">
                {SMP_COMMIT_MODES[value].label}
                {value === DEFAULT_SMP_MODE && <span className="tag">recommended</span>}
                {value === 'confirm-only' && <span className="tag tag--warning">no rollback</span>}
              </span>
              <span className="smp-mode__description">{SMP_COMMIT_MODES[value].description}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
