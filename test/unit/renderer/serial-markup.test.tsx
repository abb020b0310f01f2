// What a serial port's row, the discovery badge, the push card and an SMP job card show for serial
// ports and UDP boards (#13), rendered as the app renders them (static: no effects, no API calls).
import { renderToStaticMarkup } from 'react-dom/server';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { OtaBenchApi } from '../../../shared/contract.ts';
import type { Device, Job } from '../../../shared/domain.ts';
import { ApiContext } from '../../../renderer/src/api.ts';
import { DeviceRow } from '../../../renderer/src/features/devices/DeviceRow.tsx';
import { DevicesEmpty } from '../../../renderer/src/features/devices/DevicesEmpty.tsx';
import { DiscoveryBadge } from '../../../renderer/src/features/devices/DiscoveryBadge.tsx';
import { JobCard } from '../../../renderer/src/features/jobs/JobCard.tsx';
import { PushPanel } from '../../../renderer/src/features/push/PushPanel.tsx';
import { aDevice, aJob, aSerial } from './support/builders.ts';

const NOW = 1_700_000_000_000;
const api = new Proxy({}, { get: () => () => new Promise(() => {}) }) as OtaBenchApi;
const render = (node: ReactNode) => renderToStaticMarkup(<ApiContext value={api}>{node}</ApiContext>);
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

const port = (over: Partial<Device> = {}, serial: Parameters<typeof aSerial>[0] = {}) =>
  aDevice({
    id: 'serial:usb:1366:1015:000683012345',
    transport: 'serial',
    name: 'nRF52840 DK',
    address: null,
    port: 0,
    protocol: 'mcumgr-smp',
    protocolEvidence: 'probe',
    services: [],
    lastSeen: NOW - 2000,
    ...over,
    serial: aSerial(serial),
  });
const row = (device: Device) => render(<DeviceRow device={device} selected={false} now={NOW} onSelect={() => {}} />);

describe('a serial port’s row', () => {
  it('shows the cable: name, path, baud, vendor:product, the known board, and the probe’s answer', () => {
    const html = row(port());
    expect(text(html)).toContain('nRF52840 DK');
    expect(text(html)).toContain('/dev/ttyACM0');
    expect(text(html)).toContain('115200 baud');
    expect(text(html)).toContain('1366:1015 · Nordic nRF52840 DK (J-Link)');
    expect(html).toContain('data-probe="smp"');
    expect(text(html)).toContain('answers MCUmgr');
    expect(text(html)).toContain('online');
    expect(html).not.toContain('serial-allow');
  });

  it('a port not allowed says OTA Bench does not write to it, with Allow beside the row', () => {
    const html = row(port({ protocol: 'unknown', pushSupported: false }, { allowed: false, probe: 'unprobed' }));
    expect(text(html)).toContain('not allowed');
    expect(text(html)).toContain('OTA Bench does not write to a port you have not allowed.');
    expect(html).toContain('data-testid="serial-allow-button"');
    // Allow is a sibling of the row's button, not inside it (a button cannot hold another).
    expect(html.indexOf('serial-allow-button')).toBeGreaterThan(html.indexOf('</button>'));
  });

  it('a port that went away stays listed, grey, with its last-known facts and when it was seen', () => {
    const html = row(port({ online: false, lastSeen: NOW - 40_000 }, { probe: 'silent' }));
    expect(html).toContain('data-online="false"');
    expect(text(html)).toContain('offline · last seen 40 s ago');
    expect(text(html)).toContain('/dev/ttyACM0');
    expect(text(html)).toContain('silent');
  });

  it('a UART without USB ids says so; a busy port says another program has it', () => {
    const html = row(
      port({}, { vendorId: null, productId: null, knownBoard: null, manufacturer: null, probe: 'busy' }),
    );
    expect(text(html)).toContain('UART');
    expect(text(html)).toContain('busy (another program)');
  });

  it('a UDP board is a LAN row with udp://host:port and MCUmgr/SMP over UDP', () => {
    const udp = aDevice({
      id: 'udp:192.168.1.90:1337',
      name: 'zephyr-eth-node',
      address: '192.168.1.90',
      port: 1337,
      protocol: 'mcumgr-smp',
    });
    const html = row(udp);
    expect(html).toContain('data-transport="lan"');
    expect(text(html)).toContain('udp://192.168.1.90:1337');
    expect(text(html)).toContain('MCUmgr/SMP over UDP');
  });
});

describe('the discovery badge', () => {
  it('says the serial watch beside mDNS', () => {
    const html = render(
      <DiscoveryBadge
        status={{ state: 'running', message: '', serial: { state: 'watching', message: 'polled', ports: 2 } }}
      />,
    );
    expect(html).toContain('data-testid="serial-status"');
    expect(text(html)).toContain('Serial · 2 ports');
    const off = render(
      <DiscoveryBadge
        status={{
          state: 'running',
          message: '',
          serial: { state: 'unavailable', message: 'no native module', ports: 0 },
        }}
      />,
    );
    expect(text(off)).toContain('Serial unavailable: no native module');
    expect(render(<DiscoveryBadge status={{ state: 'running', message: '' }} />)).not.toContain('serial-status');
  });
});

describe('an empty list', () => {
  it('says why serial ports cannot be listed, or that a USB board shows up as a port', () => {
    const unavailable = render(
      <DevicesEmpty
        discovery={{
          state: 'running',
          message: '',
          serial: { state: 'unavailable', message: 'no native module', ports: 0 },
        }}
      />,
    );
    expect(text(unavailable)).toContain('Serial ports: no native module');
    const watching = render(
      <DevicesEmpty
        discovery={{ state: 'running', message: '', serial: { state: 'watching', message: '', ports: 0 } }}
      />,
    );
    expect(text(watching)).toContain('shows up here as a serial port');
    expect(text(render(<DevicesEmpty discovery={{ state: 'running', message: '' }} />))).not.toContain('serial port');
  });
});

describe('the push card for SMP boards on serial and UDP', () => {
  const panel = (device: Device) =>
    render(<PushPanel device={device} image={null} inspecting={false} jobs={[]} onPushed={() => {}} />);

  it('a serial port has its settings (baud, flow control, allow) and no credentials', () => {
    const html = panel(port());
    expect(html).toContain('data-testid="serial-settings"');
    expect(html).toContain('data-testid="serial-baud-select"');
    expect(html).toContain('<option value="921600"');
    expect(html).toContain('RTS/CTS');
    expect(html).toContain('data-testid="serial-allowed"');
    expect(text(html)).toContain('MCUmgr/SMP over serial');
    expect(html).not.toContain('credentials-user');
    expect(html).toContain('data-testid="smp-mode-picker"');
  });

  it('a UDP board takes no credentials either; a Mongoose OS board still does', () => {
    const udp = aDevice({ id: 'udp:10.0.0.7:1337', protocol: 'mcumgr-smp', address: '10.0.0.7', port: 1337 });
    expect(panel(udp)).not.toContain('credentials-user');
    expect(panel(udp)).not.toContain('serial-settings');
    expect(panel(aDevice())).toContain('credentials-user');
  });
});

describe('an SMP job card when the bootloader cannot test or confirm', () => {
  const recovery: Job['bootMode'] = {
    bootloader: 'MCUboot',
    mode: 'serial recovery',
    stateWrites: false,
    source: 'rc8-answer',
    summary: 'MCUboot serial recovery: uploads go to slot 0; no test or confirm.',
  };
  const card = (over: Partial<Job>) =>
    render(
      <JobCard
        job={aJob({ protocol: 'mcumgr-smp', mode: 'test-and-confirm', target: '/dev/ttyACM1', ...over })}
        now={NOW}
        upsert={() => {}}
        remove={() => {}}
      />,
    );

  it('says upload and reset, offers no Commit and no commit mode', () => {
    const html = card({ bootMode: recovery, state: 'awaiting-commit' });
    expect(text(html)).toContain('Upload and reset');
    expect(text(html)).toContain('cannot test or confirm an image: the push ends after the upload and a reset');
    expect(html).not.toContain('commit-button');
    expect(text(html)).not.toContain('Test, then confirm');
    expect(text(html)).not.toContain('Awaiting commit —');
  });

  it('a serial link line instead of the ATT MTU', () => {
    const html = card({
      link: {
        transport: 'serial',
        linkLabel: 'serial /dev/ttyACM0, 115200 baud',
        attMtu: null,
        bufSize: 384,
        bufCount: 4,
        maxPacketBytes: 384,
        chunkBytes: 320,
        window: 3,
        resumedFrom: [],
      },
    });
    expect(text(html)).toContain('serial /dev/ttyACM0, 115200 baud · packets of 384 B, 3 in flight');
    expect(text(html)).not.toContain('MTU');
    expect(text(html)).toContain('Test, then confirm');
  });
});
