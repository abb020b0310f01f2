// Lists the machine's serial ports and watches them come and go (a board plugged in, reset into its
// bootloader, unplugged). On Linux the listing reads /sys/class/tty directly: `serialport`'s
// SerialPort.list() spawns `udevadm`, which containers and CI lack, and the failed spawn crashed Node with
// an unhandled error. On macOS and Windows SerialPort.list() is used, guarded: whatever goes wrong
// becomes an "unavailable: <reason>" status, never a crash. Everything a port says about itself (USB
// strings) is sanitised: a device can name itself anything.
import { readFile, readdir, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { cleanText } from '../net/sanitize.ts';
import { loadSerialPort } from '../smp/serial-transport.ts';
import { formatUsbId, knownUsbBoard, type UsbBoardFamily } from './usb-boards.ts';

/** One port as the OS lists it (strings already sanitised). */
export interface SerialPortListing {
  /** /dev/ttyACM0, /dev/cu.usbmodem1101, COM5. */
  path: string;
  /** 4 lowercase hex digits, when the port is a USB device. */
  vendorId: string | null;
  productId: string | null;
  manufacturer: string | null;
  /** The USB product string ("nRF52840 DK", "Zephyr CDC ACM sample"). */
  product: string | null;
  serialNumber: string | null;
}

export interface ListedSerialPort extends SerialPortListing {
  /** The product string, else the known board's name, else the path. */
  friendlyName: string;
  knownBoard: UsbBoardFamily | null;
}

export type ListSerialPorts = () => Promise<SerialPortListing[]>;

const MAX_TEXT = 64;
/** Real serial devices: USB CDC-ACM, USB-serial bridges, PL011 (Raspberry Pi, QEMU), 8250-family UARTs. */
const SERIAL_TTY_NAME = /^tty(ACM|USB|AMA|S|THS|SAC|MFD|XRUSB)\d+$/;
/** How far up from the tty's device link the USB device directory (the one with idVendor) may be. */
const USB_DEVICE_SEARCH_DEPTH = 4;

export function cleanPortText(value: unknown): string | null {
  const text = cleanText(value, MAX_TEXT);
  return text ? text : null;
}

async function readSysText(file: string): Promise<string | null> {
  try {
    return (await readFile(file, 'utf8')).slice(0, 8192);
  } catch {
    return null;
  }
}

/**
 * Linux: the ports under `sysRoot`/class/tty that have a real device behind them. ttyS* ports whose device
 * is the serial8250 placeholder (the 32 legacy ports every PC kernel creates) or whose UART type is 0
 * (no hardware) are skipped, as are the virtual consoles (no device link).
 */
export async function listLinuxSerialPorts(sysRoot = '/sys', devRoot = '/dev'): Promise<SerialPortListing[]> {
  const classDir = path.join(sysRoot, 'class', 'tty');
  let names: string[];
  try {
    names = await readdir(classDir);
  } catch {
    return [];
  }
  const ports: SerialPortListing[] = [];
  for (const name of names.filter((entry) => SERIAL_TTY_NAME.test(entry)).sort(naturalOrder)) {
    const port = await readLinuxPort(path.join(classDir, name), path.join(devRoot, name));
    if (port) ports.push(port);
  }
  return ports;
}

async function readLinuxPort(ttyDir: string, devicePath: string): Promise<SerialPortListing | null> {
  let deviceDir: string;
  try {
    await readlink(path.join(ttyDir, 'device'));
    deviceDir = await realpath(path.join(ttyDir, 'device'));
  } catch {
    return null; // no device link: a virtual console or a pty
  }
  if (path.basename(ttyDir).startsWith('ttyS')) {
    if (path.basename(deviceDir) === 'serial8250') return null;
    if ((await readSysText(path.join(ttyDir, 'type')))?.trim() === '0') return null;
  }
  const usbDir = await findUsbDevice(deviceDir);
  const blank = {
    path: devicePath,
    vendorId: null,
    productId: null,
    manufacturer: null,
    product: null,
    serialNumber: null,
  };
  if (!usbDir) return blank;
  const [vendor, product, manufacturer, productName, serial] = await Promise.all(
    ['idVendor', 'idProduct', 'manufacturer', 'product', 'serial'].map((file) => readSysText(path.join(usbDir, file))),
  );
  return {
    ...blank,
    vendorId: formatUsbId(vendor),
    productId: formatUsbId(product),
    manufacturer: cleanPortText(manufacturer),
    product: cleanPortText(productName),
    serialNumber: cleanPortText(serial),
  };
}

/** The USB device directory: the device link itself (rare), or a parent of the interface it points at. */
async function findUsbDevice(deviceDir: string): Promise<string | null> {
  let dir = deviceDir;
  for (let depth = 0; depth <= USB_DEVICE_SEARCH_DEPTH; depth++) {
    if ((await readSysText(path.join(dir, 'idVendor'))) !== null) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** macOS / Windows: serialport's own listing (IOKit / SetupAPI), guarded. Throws with a reason. */
export async function listWithSerialPortModule(): Promise<SerialPortListing[]> {
  const loaded = await loadSerialPort();
  if (!loaded.ok) throw new Error(loaded.reason);
  const listed = await loaded.module.SerialPort.list();
  return listed
    .filter((port) => typeof port.path === 'string' && port.path.length > 0)
    .map((port) => ({
      path: cleanText(port.path, 256),
      vendorId: formatUsbId(port.vendorId),
      productId: formatUsbId(port.productId),
      manufacturer: cleanPortText(port.manufacturer),
      product: null,
      serialNumber: cleanPortText(port.serialNumber),
    }));
}

/** The lister for this platform: /sys on Linux, SerialPort.list() elsewhere. */
export function platformSerialPortLister(platform: NodeJS.Platform = process.platform): ListSerialPorts {
  return platform === 'linux' ? () => listLinuxSerialPorts() : listWithSerialPortModule;
}

/** Adds the friendly name and the known board to a listing. */
export function describeSerialPort(port: SerialPortListing): ListedSerialPort {
  const knownBoard = knownUsbBoard(port.vendorId, port.productId);
  return { ...port, knownBoard, friendlyName: port.product ?? knownBoard?.name ?? port.path };
}

export interface SerialPortWatchStatus {
  state: 'starting' | 'watching' | 'unavailable' | 'stopped';
  message: string;
  ports: number;
}

export interface SerialPortWatcherOptions {
  list?: ListSerialPorts;
  /** Between the end of one listing and the start of the next (about 1.5 s). */
  intervalMs?: number;
  /** After a failed listing, wait this long before trying again. */
  retryMs?: number;
  onAdded?: (port: ListedSerialPort) => void;
  onRemoved?: (port: ListedSerialPort) => void;
  onChanged?: (port: ListedSerialPort, before: ListedSerialPort) => void;
  onStatus?: (status: SerialPortWatchStatus) => void;
}

/**
 * Polls the listing while started and reports ports added, removed and changed (keyed by path). The next
 * listing is scheduled only after the previous one ended, so two never run at once.
 */
export class SerialPortWatcher {
  private readonly list: ListSerialPorts;
  private readonly intervalMs: number;
  private readonly retryMs: number;
  private readonly options: SerialPortWatcherOptions;
  private ports = new Map<string, ListedSerialPort>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private inFlight: Promise<void> | null = null;
  private currentStatus: SerialPortWatchStatus = {
    state: 'stopped',
    message: 'serial ports are not watched',
    ports: 0,
  };

  constructor(options: SerialPortWatcherOptions = {}) {
    this.options = options;
    this.list = options.list ?? platformSerialPortLister();
    this.intervalMs = options.intervalMs ?? 1500;
    this.retryMs = options.retryMs ?? 10_000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.setStatus({ state: 'starting', message: 'listing serial ports', ports: this.ports.size });
    void this.poll();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.setStatus({ state: 'stopped', message: 'serial ports are not watched', ports: this.ports.size });
  }

  /** The ports of the last listing, in path order. */
  current(): ListedSerialPort[] {
    return [...this.ports.values()];
  }

  status(): SerialPortWatchStatus {
    return { ...this.currentStatus };
  }

  /** Lists now (joining a listing already in flight rather than starting a second one). */
  refresh(): Promise<void> {
    this.inFlight ??= this.listOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async poll(): Promise<void> {
    if (!this.running) return;
    await this.refresh();
    if (!this.running) return;
    const wait = this.currentStatus.state === 'unavailable' ? this.retryMs : this.intervalMs;
    this.timer = setTimeout(() => void this.poll(), wait);
    this.timer.unref?.();
  }

  private async listOnce(): Promise<void> {
    let listed: SerialPortListing[];
    try {
      listed = await this.list();
    } catch (error) {
      const reason = cleanText(error instanceof Error ? error.message : String(error), 200) || 'unknown error';
      this.setStatus({ state: 'unavailable', message: `unavailable: ${reason}`, ports: this.ports.size });
      return;
    }
    const next = new Map<string, ListedSerialPort>();
    for (const port of listed) next.set(port.path, describeSerialPort(port));
    const before = this.ports;
    this.ports = next;
    for (const [portPath, port] of next) {
      const old = before.get(portPath);
      if (!old) this.emit(() => this.options.onAdded?.(port));
      else if (JSON.stringify(old) !== JSON.stringify(port)) this.emit(() => this.options.onChanged?.(port, old));
    }
    for (const [portPath, port] of before) {
      if (!next.has(portPath)) this.emit(() => this.options.onRemoved?.(port));
    }
    const count = next.size;
    this.setStatus({
      state: this.running ? 'watching' : this.currentStatus.state,
      message: count === 1 ? '1 serial port' : `${count} serial ports`,
      ports: count,
    });
  }

  private emit(call: () => void): void {
    try {
      call();
    } catch {
      // A listener's mistake must not stop the watch.
    }
  }

  private setStatus(status: SerialPortWatchStatus): void {
    const changed = JSON.stringify(status) !== JSON.stringify(this.currentStatus);
    this.currentStatus = status;
    if (changed) this.emit(() => this.options.onStatus?.(status));
  }
}
