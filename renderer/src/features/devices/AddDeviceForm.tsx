import type { Device } from '../../../../shared/domain.ts';
import { ADDRESS_FORMS, useAddDevice } from './useAddDevice.ts';

export function AddDeviceForm({ onAdded }: { onAdded: (device: Device) => void }) {
  const form = useAddDevice(onAdded);
  return (
    <form
      className="add-device"
      onSubmit={(event) => {
        event.preventDefault();
        void form.submit();
      }}
    >
      <label className="field-label" htmlFor="add-device-target">
        Add by address
      </label>
      <div className="add-device__row">
        <input
          id="add-device-target"
          className="input mono"
          data-testid="add-device-input"
          placeholder="192.168.1.42:80"
          title={`Takes ${ADDRESS_FORMS}`}
          spellCheck={false}
          autoComplete="off"
          value={form.target}
          aria-invalid={form.error !== null}
          aria-describedby={form.error ? 'add-device-error add-device-hint' : 'add-device-hint'}
          onChange={(event) => form.change(event.target.value)}
        />
        <button type="submit" className="button" data-testid="add-device-button" disabled={form.pending}>
          {form.pending ? 'Probing…' : 'Add'}
        </button>
      </div>
      {/* Shown while the field is in use (focused or filled), so the list keeps its room otherwise. */}
      <p id="add-device-hint" className="hint add-device__hint" data-testid="add-device-hint">
        Also <span className="mono">udp://host[:port]</span> (MCUmgr over UDP, port 1337) or{' '}
        <span className="mono">serial:/dev/ttyACM0@115200</span>.
      </p>
      {form.error && (
        <p id="add-device-error" className="field-error" data-testid="add-device-error" role="alert">
          {form.error}
        </p>
      )}
    </form>
  );
}
