// Middle-top card: the chosen firmware (one file or a user1/user2 pair), or where to drop one.
import type { ImageState } from './useImage.ts';
import { ImageSummary } from './ImageSummary.tsx';
import './image.css';

export function ImagePanel({ state }: { state: ImageState }) {
  const { image, inspecting, error } = state;
  return (
    <section className="card image-panel" aria-label="Firmware file" data-testid="image-panel">
      <header className="panel-header">
        <h2 className="panel-title">Firmware</h2>
        <div className="panel-header__actions">
          <button
            type="button"
            className="button button--small"
            data-testid="choose-file-button"
            title="One firmware file, or select both user1.bin and user2.bin"
            disabled={inspecting}
            onClick={() => void state.choose()}
          >
            Open image…
          </button>
          <button
            type="button"
            className="button button--small"
            data-testid="choose-folder-button"
            title="A build folder holding user1.bin and user2.bin"
            disabled={inspecting}
            onClick={() => void state.chooseFolder()}
          >
            Open build folder…
          </button>
        </div>
      </header>
      {inspecting && (
        <p className="muted" data-testid="image-inspecting" role="status">
          Inspecting…
        </p>
      )}
      {error && (
        <p className="callout callout--danger" data-testid="image-error" role="alert">
          {error}
        </p>
      )}
      {image ? (
        <ImageSummary image={image} />
      ) : (
        !inspecting && (
          <div className="image-empty">
            <p>Drop a firmware file anywhere in this window.</p>
            <p className="muted">Mongoose OS .zip, ESP32 / ESP8266 app .bin, .bin.gz</p>
            <p className="muted">ESP8266 user1/user2: drop both files, or their build folder</p>
            <p className="muted">MCUboot (MCUmgr): zephyr.signed.bin, not zephyr.bin</p>
          </div>
        )
      )}
    </section>
  );
}
