// The push form for two boards or more (it takes the single push panel's place while they are
// ticked): which file each board gets, how many at once, the commit policy, stop on failure,
// staged rollout, then "Push to N boards".
import type { Device, ImageInfo } from '../../../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../../../shared/domain.ts';
import type { FleetRun } from '../../../../shared/fleet.ts';
import { imageFor } from '../devices/selection.ts';
import { boardsWord, CONCURRENCY_HINT, FLEET_POLICIES } from './fleet-messages.ts';
import { useFleetForm } from './useFleetForm.ts';
import type { FleetImages } from './useFleetImages.ts';
import './fleet.css';

interface FleetPushPanelProps {
  devices: Device[];
  image: ImageInfo | null;
  /** The open image and any extra ones (held by the app: the list's "select all" counts them too). */
  offered: FleetImages;
  skipOffline: boolean;
  onStarted: (run: FleetRun) => void;
  onClear: () => void;
}

export function FleetPushPanel({ devices, image, offered, skipOffline, onStarted, onClear }: FleetPushPanelProps) {
  const images = offered.images;
  const form = useFleetForm({ devices, images, skipOffline, onStarted });
  const unfit = devices.filter((device) => imageFor(device, images) === null);
  const policy = FLEET_POLICIES.find((known) => known.value === form.commitPolicy) ?? FLEET_POLICIES[0];
  return (
    <section className="card push-panel fleet-form" aria-label="Push to several boards" data-testid="fleet-form">
      <header className="panel-header">
        <h2 className="panel-title">
          Push to several boards <span className="count">{boardsWord(devices.length)} selected</span>
        </h2>
        <button type="button" className="button button--small button--ghost" onClick={onClear}>
          Back to one board
        </button>
      </header>

      <div className="fleet-form__files" data-testid="fleet-form-files">
        <h3 className="subsection-title">Each board gets</h3>
        {images.length === 0 && <p className="hint">No file yet: open one in the Firmware card.</p>}
        <ul className="fleet-form__plan">
          {images.map((file) => {
            const takers = devices.filter((device) => imageFor(device, images)?.imageId === file.imageId);
            const extra = file.imageId !== image?.imageId;
            return (
              <li key={file.imageId} className="fleet-form__image" data-testid="fleet-form-image">
                <span className="mono truncate" title={file.fileName}>
                  {file.fileName}
                </span>
                {file.version && <span className="tag mono">{file.version}</span>}
                <span className="fleet-form__takers" data-testid="fleet-form-takers">
                  → {boardsWord(takers.length)}
                  {takers.length > 0 && ` (${protocolsOf(takers)})`}
                </span>
                {extra && (
                  <button
                    type="button"
                    className="button button--small button--ghost"
                    aria-label={`Remove ${file.fileName}`}
                    onClick={() => offered.remove(file.imageId)}
                  >
                    Remove
                  </button>
                )}
              </li>
            );
          })}
          {unfit.length > 0 && images.length > 0 && (
            <li className="fleet-form__image fleet-form__image--none" data-testid="fleet-form-unfit">
              <span>No file fits</span>
              <span className="fleet-form__takers truncate" title={unfit.map((device) => device.name).join(', ')}>
                → {boardsWord(unfit.length)} skipped ({unfit.map((device) => device.name).join(', ')})
              </span>
            </li>
          )}
        </ul>
        <button
          type="button"
          className="button button--small"
          data-testid="fleet-add-image"
          disabled={offered.opening}
          onClick={() => void offered.add()}
        >
          {offered.opening ? 'Opening…' : 'Add a file for another kind of board…'}
        </button>
      </div>

      <fieldset className="fleet-form__options">
        <legend className="field-label">How</legend>
        <div className="fleet-form__row">
          <label className="field-label" htmlFor="fleet-concurrency">
            At once
          </label>
          <input
            id="fleet-concurrency"
            className="input input--narrow mono"
            data-testid="fleet-concurrency"
            inputMode="numeric"
            value={form.concurrencyText}
            aria-invalid={!form.concurrencyValid}
            aria-describedby="fleet-concurrency-hint"
            onChange={(event) => form.setConcurrencyText(event.target.value.trim())}
          />
          <span id="fleet-concurrency-hint" className="hint">
            {CONCURRENCY_HINT}
          </span>
        </div>
        <div className="segmented" role="radiogroup" aria-label="Commit policy">
          {FLEET_POLICIES.map((option) => (
            <label key={option.value} className="segmented__option" data-checked={option.value === form.commitPolicy}>
              <input
                type="radio"
                name="fleet-commit-policy"
                value={option.value}
                data-testid={`fleet-policy-${option.value}`}
                checked={option.value === form.commitPolicy}
                onChange={() => form.setCommitPolicy(option.value)}
              />
              {option.label}
            </label>
          ))}
        </div>
        <p className="hint">{policy.explains}</p>
        <label className="fleet-form__check">
          <input
            type="checkbox"
            data-testid="fleet-stop-on-failure"
            checked={form.stopOnFailure}
            onChange={(event) => form.setStopOnFailure(event.target.checked)}
          />
          Stop on the first failure <span className="hint">(those already running finish)</span>
        </label>
        <label className="fleet-form__check">
          <input
            type="checkbox"
            data-testid="fleet-staged"
            checked={form.staged}
            onChange={(event) => form.setStaged(event.target.checked)}
          />
          One board first <span className="hint">(the rest start once it has proved healthy)</span>
        </label>
        {skipOffline && <p className="hint">Offline boards are skipped (the list’s “Skip offline”).</p>}
        <details className="credentials" data-testid="fleet-credentials">
          <summary className="field-label">
            Password for the boards that ask <span className="hint">optional</span>
          </summary>
          <p className="hint">
            Boards with saved credentials get their own; these go to the others that ask (never pre-filled).
          </p>
          <div className="credentials__grid">
            <label className="field-label" htmlFor="fleet-user">
              User
            </label>
            <input
              id="fleet-user"
              className="input"
              data-testid="fleet-user"
              autoComplete="off"
              spellCheck={false}
              placeholder="admin"
              value={form.user}
              onChange={(event) => form.setUser(event.target.value)}
            />
            <label className="field-label" htmlFor="fleet-password">
              Password
            </label>
            <input
              id="fleet-password"
              className="input"
              type="password"
              data-testid="fleet-password"
              autoComplete="off"
              value={form.password}
              onChange={(event) => form.setPassword(event.target.value)}
            />
          </div>
        </details>
      </fieldset>

      <div className="push-panel__action">
        <button
          type="button"
          className="button button--wide button--primary"
          data-testid="fleet-push-button"
          disabled={form.blocker !== null || form.pushing}
          aria-describedby="fleet-blocker"
          onClick={() => void form.push()}
        >
          {form.pushing ? 'Starting…' : `Push to ${boardsWord(devices.length)}`}
        </button>
        {form.blocker && (
          <p id="fleet-blocker" className="hint push-panel__blocker" data-testid="fleet-blocker">
            {form.blocker}
          </p>
        )}
        {offered.error && (
          <p className="callout callout--danger" role="alert">
            Could not open that file: {offered.error}
          </p>
        )}
        {form.error && (
          <p className="callout callout--danger" role="alert" data-testid="fleet-error">
            {form.error}
          </p>
        )}
      </div>
    </section>
  );
}

function protocolsOf(devices: Device[]): string {
  return [...new Set(devices.map((device) => PROTOCOL_LABELS[device.protocol]))].join(', ');
}
