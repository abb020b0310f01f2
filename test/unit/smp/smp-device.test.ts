// The MCUmgr operations of any side (sides/smp-device.ts) and the session under them over a transport
// that is not Bluetooth: a fake serial link with a tiny board behind it (test/unit/engine/fake-smp-link.ts).
// The BLE side's use of the same class is covered end to end by test/unit/ble/smp-*.test.ts.
import { describe, expect, it } from 'vitest';
import type { Device } from '../../../shared/domain.ts';
import { UpdateError } from '../../../electron/engine/update-error.ts';
import { DEFAULT_JOB_TIMEOUTS } from '../../../electron/engine/jobs/job-context.ts';
import { resettingWords, smpLinkOpened } from '../../../electron/engine/jobs/smp-job-messages.ts';
import { SmpSession } from '../../../electron/engine/smp/smp-session.ts';
import type { SmpConnector } from '../../../electron/engine/smp/smp-transport.ts';
import { SmpDeviceOps, smpSessionDetails } from '../../../electron/engine/sides/smp-device.ts';
import { FakeSmpLink, fakeBoard, type FakeBoard } from '../engine/fake-smp-link.ts';

const LABEL = 'serial /dev/ttyFAKE0, 115200 baud';
const device = { id: 'serial:/dev/ttyFAKE0', name: 'm0', firmwareVersion: null, protocol: 'mcumgr-smp' } as Device;

function connectorTo(board: FakeBoard): SmpConnector {
  return () => Promise.resolve(new FakeSmpLink(board, LABEL));
}

function ops(connector: (device: Device) => SmpConnector) {
  const firmware: Array<[string, string | null]> = [];
  const smp = new SmpDeviceOps({
    host: { activeJobFor: () => null, devicesChanged: () => {}, statusChanged: () => {} },
    timeouts: DEFAULT_JOB_TIMEOUTS,
    connector,
    connectTimeoutMs: 1_000,
    recordFirmware: (id, version) => firmware.push([id, version]),
    device: () => null,
    linkDetails: (session) => ({ Port: session.link.label, ...smpSessionDetails(session) }),
    targetLabel: () => 'serial /dev/ttyFAKE0',
  });
  return { smp, firmware };
}

describe('SmpSession over a serial transport', () => {
  it('names the transport and its label; without params the packet is the transport default', async () => {
    const session = await SmpSession.open(connectorTo(fakeBoard({ bufSize: null })), { timeoutMs: 1_000 });
    expect(session.link).toMatchObject({ transport: 'serial', label: LABEL, attMtu: null, bufSize: null });
    expect(session.maxPacket).toBe(256);
    await session.close();
  });

  it("a connector's sentence reaches the caller as it was", async () => {
    const refuse: SmpConnector = () => Promise.reject(new UpdateError('connection-lost', 'The port is gone.'));
    await expect(SmpSession.open(refuse, { timeoutMs: 1_000 })).rejects.toThrow('The port is gone.');
  });
});

describe('SmpDeviceOps over a serial transport', () => {
  it('reads the status: slots, the firmware recorded, the link facts from the side', async () => {
    const { smp, firmware } = ops(() => connectorTo(fakeBoard()));
    const status = await smp.deviceStatus(device);
    expect(status.reachable).toBe(true);
    expect(status.firmwareVersion).toBe('0.0.0');
    expect(status.imageSlots?.[0]).toMatchObject({ slot: 0, version: '0.0.0', active: true, confirmed: true });
    expect(status.details).toMatchObject({ Port: LABEL, 'MCUmgr buffers': '384 B × 4' });
    expect(firmware).toEqual([[device.id, '0.0.0']]);
    expect(smp.heldBy(device.id)).toBeNull();
  });

  it('a device the side cannot reach is unreachable with the side’s sentence', async () => {
    const { smp } = ops(() => {
      throw new UpdateError('connection-lost', 'm0 is not plugged in.');
    });
    const status = await smp.deviceStatus(device);
    expect(status.reachable).toBe(false);
    expect(status.details).toEqual({ error: 'm0 is not plugged in.' });
  });

  it('the push sequence carries the side’s target words', () => {
    const { smp } = ops(() => connectorTo(fakeBoard()));
    const sequence = smp.pushSequence(device);
    expect(sequence).toMatchObject({ protocolId: 'mcumgr-smp', target: 'serial /dev/ttyFAKE0' });
  });
});

describe("the job's link words", () => {
  const params = { bufSize: 384, bufCount: 4 };
  it('BLE keeps its sentence; serial and UDP name their link, not an ATT MTU', () => {
    expect(
      smpLinkOpened('Connected to', 'sensor', { transport: 'ble', label: 'BLE', attMtu: 247, maxPacket: 244 }, params),
    ).toBe('Connected to sensor over BLE: ATT MTU 247, MCUmgr buffers 384 B × 4.');
    expect(
      smpLinkOpened('Connected to', 'm0', { transport: 'serial', label: LABEL, attMtu: null, maxPacket: 380 }, null),
    ).toBe(`Connected to m0 over ${LABEL}: no MCUmgr params (packets of at most 380 B).`);
    expect(resettingWords('ble')).toBe(
      'Resetting; then waiting for MCUboot to swap the images and the device to advertise again.',
    );
    expect(resettingWords('serial')).toMatch(/serial port to come back/);
    expect(resettingWords('udp')).not.toMatch(/advertise|Bluetooth/);
  });
});
