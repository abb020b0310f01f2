// ArduinoOTA boards connect back to OTA Bench for the image: the push form asks for that port (blank =
// any free port) for them, and only for them, with the firewall hint.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { OtaBenchApi } from '../../../shared/contract.ts';
import type { Device } from '../../../shared/domain.ts';
import { ApiContext } from '../../../renderer/src/api.ts';
import { PushPanel } from '../../../renderer/src/features/push/PushPanel.tsx';
import { otaListenPortFrom } from '../../../renderer/src/features/push/ota-listen-port.ts';
import { aDevice } from './support/builders.ts';

// Static rendering runs no effects: the panel never calls the API, it only needs one to exist.
const api = new Proxy({}, { get: () => () => new Promise(() => {}) }) as OtaBenchApi;
const panel = (device: Device) =>
  renderToStaticMarkup(
    <ApiContext value={api}>
      <PushPanel device={device} image={null} inspecting={false} jobs={[]} onPushed={() => {}} />
    </ApiContext>,
  );

describe('the connect-back port field of the push form', () => {
  it('appears for an ArduinoOTA board, blank (any free port), with the firewall hint', () => {
    const html = panel(aDevice({ protocol: 'arduino-ota', port: 3232, services: ['_arduino._tcp'] }));
    expect(html).toContain('data-testid="ota-listen-port-input"');
    expect(html).toContain('Port the board connects back to');
    expect(html).toContain('placeholder="any free port"');
    expect(html).toContain('A host firewall must allow this TCP port inbound');
  });

  it.each(['mongoose-os', 'esp-link', 'esphome-native', 'mcumgr-smp'] as const)('is absent for %s', (protocol) => {
    expect(panel(aDevice({ protocol }))).not.toContain('ota-listen-port');
  });

  it('is absent for an ArduinoOTA board OTA Bench cannot push to', () => {
    expect(panel(aDevice({ protocol: 'arduino-ota', pushSupported: false }))).not.toContain('ota-listen-port');
  });

  it('reads blank as any free port and refuses what is no unprivileged port', () => {
    expect(otaListenPortFrom('')).toBeUndefined();
    expect(otaListenPortFrom('47124')).toBe(47124);
    expect(otaListenPortFrom('1024')).toBe(1024);
    expect(otaListenPortFrom('65535')).toBe(65535);
    for (const typed of ['80', '1023', '70000', '1.5', '-1', 'abc', '1e4']) expect(otaListenPortFrom(typed)).toBeNull();
  });
});
