// The two things being combined, and whether they fit, in one glance.
import type { Device, ImageInfo, Job } from '../../../../shared/domain.ts';
import { formatRssi } from '../../../../shared/format.ts';
import { signalWord, weakSignalNote } from '../../lib/ble.ts';
import { lineSettings, probeExplanation, probeWords, serialMaker, usbIds } from '../devices/serial.ts';
import { deviceEndpoint, protocolLabel } from '../devices/transport.ts';
import { mismatchReason, versionNote } from './push-readiness.ts';

interface PushTargetProps {
  device: Device | null;
  image: ImageInfo | null;
  /** The engine's pre-flight plan refused this pair: its verdict says why, so a red fit line would say it twice. */
  refused?: boolean;
  /** The push to this board still under way, if any: the board's version may be the one it put there. */
  activeJob?: Job;
}

export function PushTarget({ device, image, refused = false, activeJob }: PushTargetProps) {
  const mismatch = device && image ? mismatchReason(device, image) : null;
  const note = device && image ? versionNote(device, image, activeJob) : null;
  const awaitingCommit = activeJob?.state === 'awaiting-commit';
  // While a push awaits its commit, the job has just read the version the board booted; the list's
  // copy may still be the announcement from before the reboot.
  const running = (awaitingCommit ? activeJob?.toVersion : null) ?? device?.firmwareVersion ?? null;
  const ble = device?.transport === 'ble';
  const serial = device?.transport === 'serial' ? (device.serial ?? null) : null;
  const weak = ble ? weakSignalNote(device.rssi) : null;
  return (
    <div className="push-target" data-testid="push-target">
      <dl className="facts">
        <dt>Board</dt>
        <dd data-testid="push-target-device">
          {device ? (
            <>
              <span className="truncate strong" title={device.name}>
                {device.name}
              </span>
              <span className="mono muted">{deviceEndpoint(device)}</span>
            </>
          ) : (
            <span className="muted">none selected</span>
          )}
        </dd>
        {device && (
          <>
            <dt>Version</dt>
            {/* Versions wrap rather than being cut: 1.2.3-rc.4+build.5678 → 2.20.0-20240101-abcdef. */}
            <dd className="mono push-target__versions" data-testid="push-target-versions">
              <span
                className="version-text"
                data-testid="push-target-running"
                title={`The board reports ${running ?? 'no version'}`}
              >
                {running ?? 'unknown'}
              </span>
              {awaitingCommit && (
                <span
                  className="tag tag--attention"
                  data-testid="push-target-uncommitted"
                  title="The push under way put it there; Commit or Revert on its card"
                >
                  awaiting your commit
                </span>
              )}
              {image && (
                <span className="push-target__to">
                  <span className="muted">→</span>{' '}
                  <span
                    className="version-text"
                    data-testid="push-target-file-version"
                    title={`The file says ${image.version ?? 'no version'}`}
                  >
                    {image.version ?? 'not recorded'}
                  </span>
                </span>
              )}
            </dd>
            <dt>Protocol</dt>
            <dd data-testid="push-target-protocol">
              {protocolLabel(device)}
              {/* A port whose probe found nothing: what the probe found, rather than a bare "Unknown". */}
              {serial && device.protocol === 'unknown' && (
                <span className="muted" title={probeExplanation(serial)}>
                  {probeWords(serial)}
                </span>
              )}
            </dd>
            {serial && (
              <>
                <dt>Port</dt>
                <dd data-testid="push-target-port">
                  {/* One run of text that wraps as a sentence (the row's flex gap would split it in columns). */}
                  <span>
                    {lineSettings(serial)}
                    <span className="muted">
                      {usbIds(serial) ? ` · USB ${usbIds(serial)}` : ''}
                      {serialMaker(serial) ? ` · ${serialMaker(serial)}` : ''}
                    </span>
                  </span>
                </dd>
              </>
            )}
            {ble && (
              <>
                <dt>Signal</dt>
                <dd data-testid="push-target-signal">
                  {formatRssi(device.rssi)}{' '}
                  <span className={weak ? 'hint--warning' : 'muted'}>{signalWord(device.rssi)}</span>
                </dd>
              </>
            )}
          </>
        )}
      </dl>
      {/* A serial port not known to speak anything yet: the blocker under Push says what is missing. */}
      {device && image && !image.problem && !(mismatch && refused) && !(serial && device.protocol === 'unknown') && (
        <p
          className={`fit ${mismatch ? 'fit--bad' : 'fit--good'}`}
          data-testid="push-fit"
          data-fits={mismatch === null}
        >
          {mismatch ?? `${image.formatLabel} suits ${protocolLabel(device)}.`}
        </p>
      )}
      {note && (
        <p className="hint" data-testid="push-version-note">
          {note}
        </p>
      )}
      {weak && (
        <p className="hint hint--warning" data-testid="push-weak-signal">
          {weak}
        </p>
      )}
    </div>
  );
}
