// A device row's dot and "last seen" words, rendered as the list renders them: a BLE device that has
// stopped advertising is grey and says when it was last heard; one that advertises shows how recent
// its last advertisement is next to a green dot.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DeviceRow } from '../../../renderer/src/features/devices/DeviceRow.tsx';
import { aDevice } from './support/builders.ts';

const NOW = 1_700_000_000_000;
const ble = aDevice({
  id: 'ble:c0de00000001',
  transport: 'ble',
  name: 'smp-sensor',
  address: 'c0:de:00:00:00:01',
  protocol: 'mcumgr-smp',
  protocolEvidence: 'service-type',
  rssi: -52,
  services: ['MCUmgr SMP'],
});
const row = (over: Parameters<typeof aDevice>[0]) =>
  renderToStaticMarkup(<DeviceRow device={{ ...ble, ...over }} selected={false} now={NOW} onSelect={() => {}} />);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('DeviceRow', () => {
  it('a BLE device that stopped advertising is grey and says when it was last seen', () => {
    const html = row({ online: false, lastSeen: NOW - 20_000 });
    expect(html).toContain('data-online="false"');
    expect(html).not.toContain('status-dot--online');
    expect(text(html)).toContain('offline · last seen 20 s ago');
  });

  it('a board with an unproven new address says so, with the whole sentence in the tooltip (#10 §2b)', () => {
    const lan = {
      transport: 'lan' as const,
      id: 'id:esp32_00000A',
      address: '10.0.0.10',
      port: 80,
      protocol: 'mongoose-os' as const,
      rssi: null,
    };
    const message = 'Address changed, not verified: a board announcing itself as this one appeared at 10.0.0.77, but …';
    const html = row({ ...lan, addressChange: { address: '10.0.0.77', state: 'unverified', message } });
    expect(text(html)).toContain('address changed, not verified');
    expect(html).toContain(`title="${message}"`);
    expect(
      text(
        row({
          ...lan,
          addressChange: { address: '10.0.0.66', state: 'different-device', message: 'A different device…' },
        }),
      ),
    ).toContain('another device claims to be it');
    expect(row({ ...lan, addressChange: null })).not.toContain('address-change');
  });

  it('an advertising BLE device has a green dot and its last advertisement’s age', () => {
    const html = row({ online: true, lastSeen: NOW - 2000 });
    expect(html).toContain('status-dot--online');
    expect(text(html)).toContain('just now');
  });
});
