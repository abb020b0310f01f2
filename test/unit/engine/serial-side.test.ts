// The serial side with a fake OS (port list, opener, USB ids) and fake boards: ports listed live, known
// USB ids probed, unknown ports never written to, allowing probes at once, serial:PATH for a port the
// OS does not list, settings remembered, and the connector waiting for a port that went away to return
// (at another path when USB re-enumerated it).
import { afterEach, describe, expect, it } from 'vitest';
import {
  SerialSide,
  parseSerialRef,
  serialDeviceId,
  type ListedSerialPort,
  type SerialPortAccess,
} from '../../../electron/engine/sides/serial-side.ts';
import type { SmpBoardAccess, SmpOps } from '../../../electron/engine/sides/smp-ops.ts';
import { DEFAULT_JOB_TIMEOUTS } from '../../../electron/engine/jobs/job-context.ts';
import { FakeSmpLink, fakeBoard, type FakeBoard } from './fake-smp-link.ts';
import type { Job } from '../../../shared/domain.ts';

const NORDIC = { vendorId: '1366', productId: '1015' };

function port(path: string, partial: Partial<ListedSerialPort> = {}): ListedSerialPort {
  return {
    path,
    vendorId: null,
    productId: null,
    manufacturer: null,
    serialNumber: null,
    friendlyName: null,
    ...partial,
  };
}

class FakeOs implements SerialPortAccess {
  ports: ListedSerialPort[] = [];
  boards = new Map<string, FakeBoard>();
  links: FakeSmpLink[] = [];
  opened: Array<{ path: string; baudRate: number }> = [];
  list = async () => [...this.ports];
  open = async (path: string, settings: { baudRate: number }) => {
    const board = this.boards.get(path);
    if (!board || !this.ports.some((p) => p.path === path)) throw new Error(`ENOENT: ${path}`);
    this.opened.push({ path, baudRate: settings.baudRate });
    const link = new FakeSmpLink(board, path);
    this.links.push(link);
    return link;
  };
  knownBoard = (vendorId: string | null) =>
    vendorId === NORDIC.vendorId
      ? { name: 'Nordic J-Link CDC', carriesMcumgr: true }
      : vendorId === '0403'
        ? { name: 'FTDI USB-serial bridge', carriesMcumgr: false }
        : null;
}

let sides: SerialSide[] = [];
afterEach(async () => {
  await Promise.all(sides.map((s) => s.close()));
  sides = [];
});

function makeSide(os: FakeOs, activeJob: Job | null = null, smpOps?: (access: SmpBoardAccess) => SmpOps) {
  let changes = 0;
  const side = new SerialSide(
    { activeJobFor: () => activeJob, devicesChanged: () => changes++, statusChanged: () => {} },
    DEFAULT_JOB_TIMEOUTS,
    { access: os, enabled: true, pollMs: 50, probeQuestionMs: 50, smpOps },
  );
  sides.push(side);
  return { side, changes: () => changes };
}

const settle = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));

describe('parseSerialRef', () => {
  it('reads serial:PATH and serial:PATH@BAUD, refuses a bad baud, leaves other forms alone', () => {
    expect(parseSerialRef('serial:/dev/ttyACM0')).toEqual({ path: '/dev/ttyACM0', baudRate: null });
    expect(parseSerialRef('serial:/dev/pts/5@921600')).toEqual({ path: '/dev/pts/5', baudRate: 921600 });
    expect(parseSerialRef('SERIAL:COM5@115200')).toEqual({ path: 'COM5', baudRate: 115200 });
    expect(() => parseSerialRef('serial:/dev/ttyACM0@12345')).toThrow(/12345 baud is not a rate/);
    expect(() => parseSerialRef('serial:kitchen')).toThrow(/not a serial port path/);
    expect(parseSerialRef('192.168.1.20:80')).toBeNull();
    expect(parseSerialRef('udp://10.0.0.7')).toBeNull();
  });

  it('names a port by its USB serial number when it has one, else by its path', () => {
    expect(serialDeviceId(port('/dev/ttyACM0', { ...NORDIC, serialNumber: '000683' }))).toBe(
      'serial:usb:1366:1015:000683',
    );
    expect(serialDeviceId(port('/dev/ttyUSB0'))).toBe('serial:/dev/ttyUSB0');
  });
});

describe('the serial side', () => {
  it('lists ports live, probes a known USB id, never writes to an unknown port', async () => {
    const os = new FakeOs();
    const known = port('/dev/ttyACM0', { ...NORDIC, serialNumber: 'A1', friendlyName: 'nRF52840 DK' });
    const unknown = port('/dev/ttyUSB0', { vendorId: '0403', productId: '6001', manufacturer: 'FTDI' });
    os.ports = [known, unknown];
    os.boards.set('/dev/ttyACM0', fakeBoard());
    const other = fakeBoard();
    os.boards.set('/dev/ttyUSB0', other);
    const { side } = makeSide(os);
    await side.start();
    await settle();

    const [dk, ftdi] = side.list();
    expect(dk).toMatchObject({
      id: 'serial:usb:1366:1015:A1',
      transport: 'serial',
      name: 'nRF52840 DK',
      address: '/dev/ttyACM0',
      protocol: 'mcumgr-smp',
      protocolEvidence: 'probe',
      pushSupported: true,
      online: true,
    });
    expect(dk?.serial).toMatchObject({
      knownBoard: 'Nordic J-Link CDC',
      allowed: true,
      probe: 'smp',
      baudRate: 115200,
    });
    expect(ftdi).toMatchObject({
      name: 'FTDI USB-serial bridge',
      protocol: 'unknown',
      pushSupported: false,
      online: true,
    });
    expect(ftdi?.serial).toMatchObject({ allowed: false, probe: 'unprobed', knownBoard: 'FTDI USB-serial bridge' });
    expect(ftdi?.probeNote).toMatch(/nothing was written to it/);
    expect(other.writes).toBe(0);
    expect(side.discoveryStatus().serial).toMatchObject({ state: 'watching', ports: 2 });

    // Unplugged: an unknown port leaves the list; the known one stays, offline.
    os.ports = [];
    await settle();
    expect(side.list().map((d) => [d.id, d.online])).toEqual([['serial:usb:1366:1015:A1', false]]);
  });

  it('probes a port as soon as the user allows it, and remembers its settings', async () => {
    const os = new FakeOs();
    os.ports = [port('/dev/ttyUSB0')];
    const board = fakeBoard({ bufSize: null });
    os.boards.set('/dev/ttyUSB0', board);
    const { side } = makeSide(os);
    await side.start();
    const device = side.list()[0]!;
    const row = await side.setSerialPort(device, { deviceId: device.id, allowed: true, baudRate: 921600 });
    expect(row.serial).toMatchObject({ allowed: true, baudRate: 921600 });
    await settle();
    const after = side.get(device.id)!;
    expect(after).toMatchObject({ protocol: 'mcumgr-smp', protocolEvidence: 'probe', pushSupported: true });
    expect(after.serial?.probeMessage).toMatch(/answers MCUmgr/);
    expect(os.opened.at(-1)).toEqual({ path: '/dev/ttyUSB0', baudRate: 921600 });
    // Forbidding it again: not probed, not pushable.
    const forbidden = await side.setSerialPort(after, { deviceId: after.id, allowed: false });
    expect(forbidden.serial?.allowed).toBe(false);
    expect(() => side.pushSequence(forbidden, { deviceId: forbidden.id, imageId: 'x' } as never)).toThrow(
      /not allowed yet/,
    );
  });

  it('reports a silent port in words', async () => {
    const os = new FakeOs();
    os.ports = [port('/dev/ttyACM1', NORDIC)];
    os.boards.set('/dev/ttyACM1', fakeBoard({ answers: false }));
    const { side } = makeSide(os);
    await side.start();
    await settle(300);
    expect(side.list()[0]?.serial).toMatchObject({ probe: 'silent' });
    expect(side.list()[0]?.serial?.probeMessage).toMatch(/No MCUmgr answer at 115200 baud/);
  });

  it('does not probe a port a job holds', async () => {
    const os = new FakeOs();
    os.ports = [port('/dev/ttyACM0', NORDIC)];
    const board = fakeBoard();
    os.boards.set('/dev/ttyACM0', board);
    const { side } = makeSide(os, { id: 'job' } as Job);
    await side.start();
    await settle();
    expect(board.writes).toBe(0);
    expect(side.list()[0]?.serial?.probe).toBe('unprobed');
  });

  it('takes serial:PATH@BAUD for a path the OS does not list (a pty), probed at once', async () => {
    const os = new FakeOs();
    const { side } = makeSide(os);
    // /dev/null exists but no lister lists it: as a pty from QEMU.
    os.open = async (path, settings) => {
      os.opened.push({ path, baudRate: settings.baudRate });
      return new FakeSmpLink(fakeBoard(), path);
    };
    const device = await side.resolve('serial:/dev/null@230400')!;
    expect(device).toMatchObject({ id: 'serial:/dev/null', protocol: 'mcumgr-smp', online: true });
    expect(device.serial).toMatchObject({ allowed: true, probe: 'smp', baudRate: 230400 });
    await expect(side.resolve('serial:/dev/not-there')!).rejects.toThrow(/no serial port at \/dev\/not-there/);
    expect(side.resolve('kitchen')).toBeNull();
  });

  it('says serial is off with OTA_BENCH_SERIAL=off', () => {
    const side = new SerialSide(
      { activeJobFor: () => null, devicesChanged: () => {}, statusChanged: () => {} },
      DEFAULT_JOB_TIMEOUTS,
      { access: new FakeOs(), enabled: false },
    );
    sides.push(side);
    expect(side.discoveryStatus().serial).toMatchObject({
      state: 'off',
      message: expect.stringMatching(/OTA_BENCH_SERIAL=off/),
    });
  });

  it('connector: waits for a pulled port to come back at another path, matched by USB serial number', async () => {
    const os = new FakeOs();
    const first = port('/dev/ttyACM0', { ...NORDIC, serialNumber: 'SN9' });
    os.ports = [first];
    const board = fakeBoard();
    os.boards.set('/dev/ttyACM0', board);
    os.boards.set('/dev/ttyACM3', board);
    let access: SmpBoardAccess | null = null;
    const { side } = makeSide(os, null, (a) => {
      access = a;
      return { pushSequence: () => ({}) } as unknown as SmpOps;
    });
    await side.start();
    await settle();
    const device = side.list()[0]!;
    side.pushSequence(device, { deviceId: device.id } as never);
    const connector = access!.connector;
    const link = await connector({ timeoutMs: 2000 });
    expect(link.label).toBe('/dev/ttyACM0');
    // The cable is pulled; it comes back 300 ms later at another path.
    os.links.at(-1)!.drop();
    os.ports = [];
    setTimeout(() => {
      os.ports = [{ ...first, path: '/dev/ttyACM3' }];
    }, 300);
    const again = await connector({ timeoutMs: 3000 });
    expect(again.label).toBe('/dev/ttyACM3');
    expect(side.get(device.id)?.address).toBe('/dev/ttyACM3');
    // Gone for good: a sentence, bounded by the timeout.
    os.ports = [];
    await expect(connector({ timeoutMs: 400 })).rejects.toThrow(/serial port \/dev\/ttyACM3 is not there/);
  });
});

describe('serial port settings between runs', () => {
  it('are saved to the settings file and read back by the next side; a damaged file is a fresh start', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const file = `${mkdtempSync(`${tmpdir()}/ota-bench-serial-`)}/serial-ports.json`;
    const os = new FakeOs();
    os.ports = [port('/dev/ttyUSB0', { vendorId: '0403', productId: '6001', serialNumber: 'FT1' })];
    os.boards.set('/dev/ttyUSB0', fakeBoard());
    const host = { activeJobFor: () => null, devicesChanged: () => {}, statusChanged: () => {} };
    const first = new SerialSide(host, DEFAULT_JOB_TIMEOUTS, {
      access: os,
      enabled: true,
      pollMs: 50,
      settingsFile: file,
    });
    sides.push(first);
    await first.start();
    const device = first.list()[0]!;
    await first.setSerialPort(device, { deviceId: device.id, allowed: true, baudRate: 921600, flowControl: 'rts-cts' });
    await first.close();

    const second = new SerialSide(host, DEFAULT_JOB_TIMEOUTS, {
      access: os,
      enabled: true,
      pollMs: 50,
      settingsFile: file,
    });
    sides.push(second);
    await second.start();
    expect(second.get(device.id)?.serial).toMatchObject({ allowed: true, baudRate: 921600, flowControl: 'rts-cts' });

    writeFileSync(file, '{ not json');
    const third = new SerialSide(host, DEFAULT_JOB_TIMEOUTS, {
      access: os,
      enabled: true,
      pollMs: 50,
      settingsFile: file,
    });
    sides.push(third);
    await third.start();
    expect(third.get(device.id)?.serial).toMatchObject({ allowed: false, baudRate: 115200 });
  });
});

describe('closingOnWriteError', () => {
  it('reports the link closed before a failed write rejects, once', async () => {
    const { closingOnWriteError } = await import('../../../electron/engine/sides/serial-side.ts');
    const link = new FakeSmpLink(fakeBoard());
    link.send = async () => {
      throw new Error('EIO: i/o error, write');
    };
    const wrapped = closingOnWriteError(link);
    const reasons: string[] = [];
    wrapped.onClose((reason) => reasons.push(reason));
    await expect(wrapped.send(Buffer.alloc(8))).rejects.toThrow(/EIO/);
    await expect(wrapped.send(Buffer.alloc(8))).rejects.toThrow(/EIO/);
    expect(reasons).toEqual(['writing to the port failed: EIO: i/o error, write']);
    expect(wrapped.connected).toBe(false);
  });
});
