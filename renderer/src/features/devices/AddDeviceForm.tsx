import type { Device } from '../../../../shared/domain.ts';
import { useAddDevice } from './useAddDevice.ts';

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
          spellCheck={false}
          autoComplete="off"
          value={form.target}
          aria-invalid={form.error !== null}
          aria-describedby={form.error ? 'add-device-error' : undefined}
          onChange={(event) => form.change(event.target.value)}
        />
        <button type="submit" className="button" data-testid="add-device-button" disabled={form.pending}>
          {form.pending ? 'Probing…' : 'Add'}
        </button>
      </div>
      {form.error && (
        <p id="add-device-error" className="field-error" data-testid="add-device-error" role="alert">
          {form.error}
        </p>
      )}
    </form>
  );
}
