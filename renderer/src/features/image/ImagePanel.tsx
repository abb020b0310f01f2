// Middle-top card: the chosen firmware file, or where to drop one.
import type { ImageState } from './useImage.ts';
import { ImageSummary } from './ImageSummary.tsx';
import './image.css';

export function ImagePanel({ state }: { state: ImageState }) {
  const { image, inspecting, error } = state;
  return (
    <section className="card image-panel" aria-label="Firmware file" data-testid="image-panel">
      <header className="panel-header">
        <h2 className="panel-title">Firmware</h2>
        <button
          type="button"
          className="button button--small"
          data-testid="choose-file-button"
          disabled={inspecting}
          onClick={() => void state.choose()}
        >
          {image ? 'Choose another…' : 'Choose file…'}
        </button>
      </header>
      {inspecting && (
        <p className="muted" data-testid="image-inspecting" role="status">
          Inspecting file…
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
          </div>
        )
      )}
    </section>
  );
}
