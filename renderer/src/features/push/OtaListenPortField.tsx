// ArduinoOTA only: the port the board connects back to for the image (espota's --host_port).
import type { PushForm } from './usePushForm.ts';

export function OtaListenPortField({ form }: { form: PushForm }) {
  return (
    <div className="ota-listen-port" data-testid="ota-listen-port">
      <label className="field-label" htmlFor="ota-listen-port">
        Port the board connects back to
      </label>
      <input
        id="ota-listen-port"
        className="input input--narrow mono"
        data-testid="ota-listen-port-input"
        inputMode="numeric"
        placeholder="any free port"
        value={form.otaPortText}
        aria-invalid={form.otaListenPort === null}
        onChange={(event) => form.setOtaPortText(event.target.value.trim())}
      />
      <p className="hint">A host firewall must allow this TCP port inbound, or the board cannot fetch the image.</p>
    </div>
  );
}
