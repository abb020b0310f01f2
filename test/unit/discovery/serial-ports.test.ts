import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SerialPortWatcher,
  describeSerialPort,
  listLinuxSerialPorts,
  type ListedSerialPort,
  type SerialPortListing,
} from '../../../electron/engine/discovery/serial-ports.ts';
import { allowedByDefault, knownUsbBoard } from '../../../electron/engine/discovery/usb-boards.ts';

let sys: string;

beforeEach(() => {
  sys = mkdtempSync(path.join(tmpdir(), 'fake-sys-'));
  mkdirSync(path.join(sys, 'class', 'tty'), { recursive: true });
});
afterEach(() => rmSync(sys, { recursive: true, force: true }));

function writeFiles(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
}

/** /sys/class/tty/<name> with a `device` link to `deviceDir` (relative to the fake /sys), plus extra files. */
function addTty(name: string, deviceDir: string | null, files: Record<string, string> = {}): void {
  const ttyDir = path.join(sys, 'class', 'tty', name);
  writeFiles(ttyDir, files);
  if (deviceDir) {
    mkdirSync(path.join(sys, deviceDir), { recursive: true });
    symlinkSync(path.join(sys, deviceDir), path.join(ttyDir, 'device'));
  }
}

/** A USB device directory with its descriptor strings, and the interface the tty hangs off. */
function addUsbDevice(dir: string, ids: Record<string, string>): string {
  writeFiles(path.join(sys, dir), ids);
  return path.join(dir, `${path.basename(dir)}:1.0`);
}

describe('listLinuxSerialPorts (from /sys, without udevadm)', () => {
  it('reads USB ids and strings for CDC-ACM and usb-serial ports, and keeps real UARTs', async () => {
    const nrf = addUsbDevice('devices/pci0000:00/usb1/1-2', {
      idVendor: '1366\n',
      idProduct: '1015\n',
      manufacturer: 'SEGGER\n',
      product: 'J-Link\n',
      serial: '001050012345\n',
    });
    addTty('ttyACM0', nrf);
    const ftdi = addUsbDevice('devices/pci0000:00/usb1/1-3', { idVendor: '0403\n', idProduct: '6001\n' });
    addTty('ttyUSB0', path.join(ftdi, 'ttyUSB0')); // usb-serial: the link points below the interface
    addTty('ttyAMA0', 'devices/platform/fe201000.serial');
    addTty('ttyS4', 'devices/pnp0/00:05', { type: '4\n' });
    const ports = await listLinuxSerialPorts(sys, '/dev');
    expect(ports).toEqual([
      {
        path: '/dev/ttyACM0',
        vendorId: '1366',
        productId: '1015',
        manufacturer: 'SEGGER',
        product: 'J-Link',
        serialNumber: '001050012345',
      },
      { path: '/dev/ttyAMA0', vendorId: null, productId: null, manufacturer: null, product: null, serialNumber: null },
      { path: '/dev/ttyS4', vendorId: null, productId: null, manufacturer: null, product: null, serialNumber: null },
      {
        path: '/dev/ttyUSB0',
        vendorId: '0403',
        productId: '6001',
        manufacturer: null,
        product: null,
        serialNumber: null,
      },
    ]);
  });

  it('skips virtual consoles, ports without a device, placeholder 8250 ports and UARTs of type 0', async () => {
    addTty('tty0', null);
    addTty('tty63', null);
    addTty('console', null);
    addTty('ptmx', null);
    addTty('ttyACM5', null);
    for (let n = 0; n < 4; n++) addTty(`ttyS${n}`, 'devices/platform/serial8250', { type: '0\n' });
    addTty('ttyS9', 'devices/pnp0/00:09', { type: '0\n' });
    expect(await listLinuxSerialPorts(sys, '/dev')).toEqual([]);
  });

  it('returns nothing (no throw) when /sys/class/tty is not there', async () => {
    expect(await listLinuxSerialPorts(path.join(sys, 'nowhere'), '/dev')).toEqual([]);
  });

  it('cleans hostile USB strings: control characters, bidi overrides, 5 KB product names', async () => {
    const dev = addUsbDevice('devices/usb1/1-4', {
      idVendor: 'zzzz\n',
      idProduct: '0100\n',
      manufacturer: '\u001b]0;pwned\u0007Evil\u202eCorp\n',
      product: `${'A'.repeat(5000)}\n`,
      serial: 'SN\u0000\u0001123\n',
    });
    addTty('ttyACM1', dev);
    const [port] = await listLinuxSerialPorts(sys, '/dev');
    expect(port.vendorId).toBeNull();
    expect(port.productId).toBe('0100');
    expect(port.manufacturer).toBe(']0;pwned Evil Corp');
    expect(port.product!.length).toBeLessThanOrEqual(64);
    expect(port.product!.endsWith('…')).toBe(true);
    expect(port.serialNumber).toBe('SN 123');
  });
});

describe('friendly names and known boards', () => {
  const base: SerialPortListing = {
    path: '/dev/ttyACM0',
    vendorId: null,
    productId: null,
    manufacturer: null,
    product: null,
    serialNumber: null,
  };

  it('names a port by its product string, else its known board, else its path', () => {
    expect(describeSerialPort({ ...base, vendorId: '2fe3', productId: '0100', product: 'smp_svr' }).friendlyName).toBe(
      'smp_svr',
    );
    expect(describeSerialPort({ ...base, vendorId: '2fe3', productId: '0100' }).friendlyName).toBe('Zephyr CDC-ACM');
    expect(describeSerialPort(base).friendlyName).toBe('/dev/ttyACM0');
  });

  it('allows known MCUmgr boards by default, and not plain USB-serial bridges', () => {
    expect(allowedByDefault('2fe3', '0100')).toBe(true);
    expect(allowedByDefault('2fe3', '0001')).toBe(true);
    expect(allowedByDefault('1915', '520f')).toBe(true);
    expect(allowedByDefault('1366', '1015')).toBe(true);
    expect(allowedByDefault('0d28', '0204')).toBe(true);
    expect(allowedByDefault('0483', '374b')).toBe(true);
    for (const [vendor, product] of [
      ['303a', '1001'],
      ['10c4', 'ea60'],
      ['1a86', '7523'],
      ['0403', '6001'],
      ['1234', '5678'],
      [null, null],
    ]) {
      expect(allowedByDefault(vendor, product)).toBe(false);
    }
    expect(knownUsbBoard('10c4', 'ea60')?.name).toMatch(/CP210x/);
    expect(knownUsbBoard('0x1366', 0x1015)?.name).toBe('Nordic nRF DK (J-Link)');
    expect(knownUsbBoard('0483', '3748')).toBeNull(); // an ST-LINK/V2 without a virtual COM port
  });
});

describe('SerialPortWatcher', () => {
  const port = (p: string, extra: Partial<SerialPortListing> = {}): SerialPortListing => ({
    path: p,
    vendorId: '2fe3',
    productId: '0100',
    manufacturer: null,
    product: null,
    serialNumber: null,
    ...extra,
  });

  it('reports ports added, changed and removed between listings', async () => {
    let listing: SerialPortListing[] = [port('/dev/ttyACM0')];
    const events: string[] = [];
    const watcher = new SerialPortWatcher({
      list: async () => listing,
      onAdded: (p) => events.push(`added ${p.path}`),
      onRemoved: (p) => events.push(`removed ${p.path}`),
      onChanged: (p, before) => events.push(`changed ${p.path} ${before.productId}→${p.productId}`),
    });
    await watcher.refresh();
    listing = [port('/dev/ttyACM0', { productId: '0001' }), port('/dev/ttyACM1')];
    await watcher.refresh();
    listing = [port('/dev/ttyACM1')];
    await watcher.refresh();
    await watcher.refresh();
    expect(events).toEqual([
      'added /dev/ttyACM0',
      'changed /dev/ttyACM0 0100→0001',
      'added /dev/ttyACM1',
      'removed /dev/ttyACM0',
    ]);
    expect(watcher.current().map((p: ListedSerialPort) => p.path)).toEqual(['/dev/ttyACM1']);
  });

  it('never runs two listings at once, and polls again after each one ends', async () => {
    let running = 0;
    let most = 0;
    let calls = 0;
    const watcher = new SerialPortWatcher({
      intervalMs: 5,
      list: async () => {
        calls++;
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
        return [];
      },
    });
    watcher.start();
    void watcher.refresh();
    void watcher.refresh();
    await new Promise((resolve) => setTimeout(resolve, 150));
    watcher.stop();
    expect(most).toBe(1);
    expect(calls).toBeGreaterThanOrEqual(3);
    const callsAtStop = calls;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls).toBeLessThanOrEqual(callsAtStop + 1);
  });

  it('turns a failing listing into an unavailable status, never a throw, and recovers', async () => {
    let fail = true;
    const statuses: string[] = [];
    const watcher = new SerialPortWatcher({
      intervalMs: 5,
      retryMs: 5,
      list: async () => {
        if (fail) throw new Error('spawn udevadm ENOENT');
        return [port('/dev/ttyACM0')];
      },
      onStatus: (status) => statuses.push(`${status.state}: ${status.message}`),
      onAdded: () => {
        throw new Error('listener bug');
      },
    });
    watcher.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(watcher.status()).toMatchObject({ state: 'unavailable', message: 'unavailable: spawn udevadm ENOENT' });
    fail = false;
    await new Promise((resolve) => setTimeout(resolve, 40));
    watcher.stop();
    expect(statuses).toContain('watching: 1 serial port');
    expect(statuses[0]).toBe('starting: listing serial ports');
  });
});
