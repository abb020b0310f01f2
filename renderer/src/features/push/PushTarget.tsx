// The two things being combined, and whether they fit, in one glance.
import type { Device, ImageInfo } from '../../../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../../../shared/domain.ts';
import { formatRssi, signalWord, weakSignalNote } from '../../lib/ble.ts';
import { deviceEndpoint } from '../devices/transport.ts';
import { mismatchReason, versionNote } from './push-readiness.ts';

interface PushTargetProps {
  device: Device | null;
  image: ImageInfo | null;
  /** The engine's pre-flight plan refused this pair: its verdict says why, so a red fit line would say it twice. */
  refused?: boolean;
}

export function PushTarget({ device, image, refused = false }: PushTargetProps) {
  const mismatch = device && image ? mismatchReason(device, image) : null;
  const note = device && image ? versionNote(device, image) : null;
  const ble = device?.transport === 'ble';
  const weak = ble ? weakSignalNote(device.rssi) : null;
  return (
    <div className="push-target">
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
            <dd className="mono">
              {device.firmwareVersion ?? 'unknown'}
              {image && (
                <>
                  <span className="muted">→</span> {image.version ?? 'not recorded'}
                </>
              )}
            </dd>
            <dt>Protocol</dt>
            <dd>{PROTOCOL_LABELS[device.protocol]}</dd>
            {ble && (
              <>
                <dt>Signal</dt>
                <dd data-testid="push-target-signal">
                  {formatRssi(device.rssi)} <span className={weak ? 'hint--warning' : 'muted'}>{signalWord(device.rssi)}</span>
                </dd>
              </>
            )}
          </>
        )}
      </dl>
      {device && image && !image.problem && !(mismatch && refused) && (
        <p
          className={`fit ${mismatch ? 'fit--bad' : 'fit--good'}`}
          data-testid="push-fit"
          data-fits={mismatch === null}
        >
          {mismatch ?? `${image.formatLabel} suits ${PROTOCOL_LABELS[device.protocol]}.`}
        </p>
      )}
      {note && <p className="hint">{note}</p>}
      {weak && (
        <p className="hint hint--warning" data-testid="push-weak-signal">
          {weak}
        </p>
      )}
    </div>
  );
}
