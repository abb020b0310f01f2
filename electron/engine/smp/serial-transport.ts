// SMP over a serial port (UART, USB CDC-ACM) with MCUmgr's console framing (console-framing.ts), on the
// `serialport` package. The native module is loaded lazily: a machine where it fails to load gets a
// sentence from loadSerialPort(), never a crash at start-up. Tests inject `openPort` instead.
import { cleanText } from '../net/sanitize.ts';
import { UpdateError } from '../update-error.ts';
import { ConsoleFrameDecoder, DEFAULT_LINE_LENGTH_MAX, encodeConsoleFrames } from './console-framing.ts';
import {
  SERIAL_OPEN_CANCELLED,
  serialBusy,
  serialClosed,
  serialDisconnected,
  serialLabel,
  serialMissing,
  serialNoPermission,
  serialOpenFailed,
  serialOpenTimedOut,
  serialPortError,
  serialSkippedSummary,
  serialUnavailable,
  serialWriteFailed,
} from './serial-transport-messages.ts';
import type { SmpTransport } from './smp-transport.ts';

/**
 * The SMP packet size used when the board does not answer the MCUmgr params request: 256 bytes.
 * Zephyr's application side takes up to CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE (default 384, the M0 build
 * reports 384) minus the frame's length and CRC, and its UART transport's own MTU
 * (CONFIG_MCUMGR_TRANSPORT_UART_MTU) defaults to 256; MCUboot serial recovery takes up to
 * CONFIG_BOOT_SERIAL_MAX_RECEIVE_SIZE (default 1024; older MCUboot releases had a fixed 512). A request
 * larger than the buffer is dropped without an answer (measured on the M0 build), so the default is the
 * smallest of these: 256.
 */
export const SERIAL_DEFAULT_MAX_PACKET = 256;

export type SerialFlowControlSetting = 'none' | 'rts-cts';

/** The part of a `serialport` SerialPort this transport uses (tests pass a fake). */
export interface SerialPortLike {
  write(data: Buffer, callback: (error: Error | null | undefined) => void): boolean;
  close(callback?: (error: Error | null) => void): void;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'close', listener: (error?: (Error & { disconnected?: boolean }) | null) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'drain', listener: () => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
}

export interface SerialOpenOptions {
  path: string;
  baudRate: number;
  rtscts: boolean;
}

/** Opens the port; rejects with the binding's own error (classified by serialErrorKind). */
export type OpenSerialPort = (options: SerialOpenOptions) => Promise<SerialPortLike>;

export type SerialPortModule = typeof import('serialport');
export type SerialPortLoad = { ok: true; module: SerialPortModule } | { ok: false; reason: string };

let loading: Promise<SerialPortLoad> | null = null;

/** The `serialport` module, or why it is unavailable (its native part failed to load). Loaded once. */
export function loadSerialPort(): Promise<SerialPortLoad> {
  loading ??= import('serialport').then(
    (module): SerialPortLoad => ({ ok: true, module }),
    (error: unknown): SerialPortLoad => ({ ok: false, reason: cleanText(errorText(error), 200) }),
  );
  return loading;
}

/** The default openPort: the real `serialport` SerialPort. */
export const openRealSerialPort: OpenSerialPort = async ({ path, baudRate, rtscts }) => {
  const loaded = await loadSerialPort();
  if (!loaded.ok) throw new SerialOpenError('unavailable', serialUnavailable(loaded.reason));
  const port = new loaded.module.SerialPort({ path, baudRate, rtscts, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  return port as unknown as SerialPortLike;
};

export type SerialErrorKind = 'busy' | 'missing' | 'permission' | 'unavailable' | 'timeout' | 'cancelled' | 'other';

/** An open that failed, with its kind so discovery can say `busy` rather than `error`. */
export class SerialOpenError extends UpdateError {
  readonly kind: SerialErrorKind;
  constructor(kind: SerialErrorKind, message: string) {
    super(kind === 'cancelled' ? 'cancelled' : 'connection-lost', message);
    this.kind = kind;
  }
}

/** Sorts a binding error (Linux/macOS strerror text, Windows wording, Node codes) into a kind. */
export function serialErrorKind(error: unknown, platform: NodeJS.Platform = process.platform): SerialErrorKind {
  if (error instanceof SerialOpenError) return error.kind;
  const code = (error as { code?: unknown } | null)?.code;
  const text = `${typeof code === 'string' ? code : ''} ${errorText(error)}`;
  if (/EBUSY|Cannot lock port|Resource busy|Device or resource busy/i.test(text)) return 'busy';
  if (/ENOENT|ENODEV|ENXIO|No such file|No such device|File not found|cannot find the file/i.test(text)) {
    return 'missing';
  }
  // On Windows "Access denied" is what a port held by another program answers.
  if (/Access denied/i.test(text) && platform === 'win32') return 'busy';
  if (/EACCES|EPERM|Permission denied|Access denied/i.test(text)) return 'permission';
  return 'other';
}

/** The sentence for a failed open. */
export function serialOpenErrorMessage(error: unknown, path: string, platform = process.platform): string {
  if (error instanceof SerialOpenError) return error.message;
  switch (serialErrorKind(error, platform)) {
    case 'busy':
      return serialBusy(path);
    case 'missing':
      return serialMissing(path);
    case 'permission':
      return serialNoPermission(path, platform);
    default:
      return serialOpenFailed(path, cleanText(errorText(error), 200));
  }
}

export interface SerialSmpTransportOptions {
  path: string;
  baudRate: number;
  flowControl: SerialFlowControlSetting;
  /** The board's line_length_max (Zephyr CONFIG_UART_MCUMGR_RX_BUF_SIZE); 128 by default. */
  lineLengthMax?: number;
  /** How long to keep trying while the port is absent (a board re-enumerating after a reset). */
  timeoutMs: number;
  signal?: AbortSignal;
  openPort?: OpenSerialPort;
  /** The board's own console output between SMP frames, sanitised and cut to 200 characters. */
  onConsoleLine?: (text: string) => void;
}

export interface SerialSmpTransport extends SmpTransport {
  readonly kind: 'serial';
  readonly path: string;
  /** What was skipped between SMP answers so far, in words for the job log (null when nothing). */
  skippedSummary(): string | null;
}

const RETRY_MISSING_MS = 250;
const ANSI_SEQUENCE = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/**
 * Opens the port and speaks SMP over it. While the port is missing it retries until `timeoutMs` (so it
 * serves as an SmpConnector after a reset); busy / permission errors fail at once with their sentence.
 */
export async function openSerialSmpTransport(options: SerialSmpTransportOptions): Promise<SerialSmpTransport> {
  const openPort = options.openPort ?? openRealSerialPort;
  const deadline = Date.now() + options.timeoutMs;
  const rtscts = options.flowControl === 'rts-cts';
  for (;;) {
    if (options.signal?.aborted) throw new SerialOpenError('cancelled', SERIAL_OPEN_CANCELLED);
    try {
      const port = await withDeadline(openPort({ path: options.path, baudRate: options.baudRate, rtscts }), options);
      return wrapSerialPort(port, options);
    } catch (error) {
      if (error instanceof SerialOpenError && (error.kind === 'cancelled' || error.kind === 'timeout')) throw error;
      const kind = serialErrorKind(error);
      const message = serialOpenErrorMessage(error, options.path);
      if (kind !== 'missing' || Date.now() + RETRY_MISSING_MS > deadline) throw new SerialOpenError(kind, message);
      await sleep(RETRY_MISSING_MS, options.signal);
    }
  }
}

function withDeadline(opening: Promise<SerialPortLike>, options: SerialSmpTransportOptions): Promise<SerialPortLike> {
  return new Promise<SerialPortLike>((resolve, reject) => {
    let gaveUp = false;
    const giveUp = (error: SerialOpenError) => {
      gaveUp = true;
      reject(error);
    };
    const waitMs = Math.max(options.timeoutMs, 1000);
    const timer = setTimeout(
      () => giveUp(new SerialOpenError('timeout', serialOpenTimedOut(options.path, waitMs / 1000))),
      waitMs,
    );
    const onAbort = () => giveUp(new SerialOpenError('cancelled', SERIAL_OPEN_CANCELLED));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    opening.then(
      (port) => {
        cleanup();
        // A port that opens after we gave up is closed again, not leaked.
        if (gaveUp) port.close(() => undefined);
        else resolve(port);
      },
      (error: unknown) => {
        cleanup();
        reject(error);
      },
    );
  });
}

/**
 * The SMP transport over an already open port (or anything shaped like one: the QEMU tests wrap a TCP
 * socket to the emulated UART this way). openSerialSmpTransport is this after opening.
 */
export function wrapSerialPort(
  port: SerialPortLike,
  options: Pick<SerialSmpTransportOptions, 'path' | 'baudRate' | 'lineLengthMax' | 'onConsoleLine'>,
): SerialSmpTransport {
  const { path, baudRate } = options;
  const lineLengthMax = options.lineLengthMax ?? DEFAULT_LINE_LENGTH_MAX;
  const packetListeners = new Set<(packet: Buffer) => void>();
  const closeListeners = new Set<(reason: string) => void>();
  let connected = true;
  let closedByUs = false;
  let writeChain: Promise<void> = Promise.resolve();
  const pendingRejects = new Set<(error: Error) => void>();

  const decoder = new ConsoleFrameDecoder({
    onConsoleLine: (text) => {
      // Zephyr's log colours (ESC [ … m) are dropped whole rather than left as "[0m" litter.
      const clean = cleanText(text.replace(ANSI_SEQUENCE, ''), 200);
      if (clean && options.onConsoleLine) options.onConsoleLine(clean);
    },
  });

  const goDown = (reason: string, byItself: boolean) => {
    if (!connected) return;
    connected = false;
    for (const reject of pendingRejects) reject(new Error(reason));
    pendingRejects.clear();
    if (!byItself) return;
    for (const listener of [...closeListeners]) {
      try {
        listener(reason);
      } catch {
        // A listener's mistake must not stop the others from hearing the link went down.
      }
    }
  };

  port.on('data', (data: Buffer) => {
    if (!connected) return;
    for (const packet of decoder.push(data)) {
      for (const listener of [...packetListeners]) listener(packet);
    }
  });
  port.on('close', (error) => {
    if (closedByUs) return;
    goDown(error?.disconnected ? serialDisconnected(path) : serialClosed(path), true);
  });
  port.on('error', (error: Error) => {
    if (closedByUs) return;
    goDown(serialPortError(path, cleanText(errorText(error), 200)), true);
    port.close(() => undefined);
  });

  const writeWhole = (bytes: Buffer) =>
    new Promise<void>((resolve, reject) => {
      if (!connected) return reject(new Error(serialClosed(path)));
      pendingRejects.add(reject);
      const finish = (error?: Error | null) => {
        pendingRejects.delete(reject);
        if (error) reject(new Error(serialWriteFailed(path, cleanText(errorText(error), 200))));
        else resolve();
      };
      let written = false;
      let drained = true;
      const settle = () => {
        if (written && drained) finish();
      };
      // write() returning false means the stream's buffer is full: wait for 'drain' before the next packet.
      drained = port.write(bytes, (error) => {
        if (error) return finish(error);
        written = true;
        settle();
      });
      if (!drained) {
        port.once('drain', () => {
          drained = true;
          settle();
        });
      }
    });

  return {
    kind: 'serial',
    path,
    label: serialLabel(path, baudRate),
    defaultMaxPacket: SERIAL_DEFAULT_MAX_PACKET,
    attMtu: null,
    get connected() {
      return connected;
    },
    send(packet: Buffer): Promise<void> {
      if (!connected) return Promise.reject(new Error(serialClosed(path)));
      let frames: Buffer;
      try {
        frames = encodeConsoleFrames(packet, lineLengthMax);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      // One packet's lines go out whole before the next packet's: writes are chained.
      const sending = writeChain.then(() => writeWhole(frames));
      writeChain = sending.catch(() => undefined);
      return sending;
    },
    onPacket(listener) {
      packetListeners.add(listener);
      return () => packetListeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
      return () => closeListeners.delete(listener);
    },
    skippedSummary: () => serialSkippedSummary(decoder.getStats()),
    // No discardPartial(): a half-received frame is dropped by the decoder as soon as the next frame's start
    // marker arrives, so a stale one can never swallow a later answer.
    close(): Promise<void> {
      if (closedByUs) return Promise.resolve();
      closedByUs = true;
      goDown(serialClosed(path), false);
      return new Promise<void>((resolve) => port.close(() => resolve()));
    },
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
