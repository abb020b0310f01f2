// A TCP connection read in exact byte counts, every read bounded by a timeout and the job's signal:
// ESPHome's native OTA is a lock-step exchange of single bytes and short strings, and a board that
// goes quiet or closes must end the wait with words, never leave it hanging.
import net from 'node:net';
import { UpdateError } from '../update-error.ts';
import type { Target } from '../net/http-types.ts';
import { cannotConnect, closedWhileWaiting, silentWhileWaiting } from './esphome-native-messages.ts';

/** The connection closed under a read: the caller decides what that means at its step. */
export class ConnectionClosed extends UpdateError {
  constructor(what: string) {
    super('connection-lost', closedWhileWaiting(what));
  }
}

export class ByteConnection {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private wake: (() => void) | null = null;

  readonly socket: net.Socket;
  private readonly signal: AbortSignal;

  private constructor(socket: net.Socket, signal: AbortSignal) {
    this.socket = socket;
    this.signal = signal;
    socket.on('data', (data: Buffer) => {
      this.chunks.push(data);
      this.buffered += data.length;
      this.wake?.();
    });
    const end = () => {
      this.ended = true;
      this.wake?.();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  static open(target: Target, connectMs: number, signal: AbortSignal): Promise<ByteConnection> {
    const where = `${target.host}:${target.port}`;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: target.host, port: target.port });
      const fail = (reason: string) => {
        socket.destroy();
        signal.removeEventListener('abort', onAbort);
        reject(
          signal.aborted
            ? new UpdateError('cancelled', 'Cancelled by you before anything was sent.')
            : new UpdateError('connection-lost', cannotConnect(where, reason)),
        );
      };
      const onAbort = () => fail('cancelled');
      const timer = setTimeout(() => fail(`no answer within ${connectMs / 1000} s`), connectMs);
      signal.addEventListener('abort', onAbort, { once: true });
      socket.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        fail(error.code === 'ECONNREFUSED' ? 'connection refused' : (error.code ?? error.message));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        socket.removeAllListeners('error');
        socket.setNoDelay(true);
        resolve(new ByteConnection(socket, signal));
      });
    });
  }

  /** Exactly `count` bytes, or an UpdateError naming `what` was awaited. */
  async read(count: number, timeoutMs: number, what: string): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.buffered < count) {
      if (this.signal.aborted) throw new UpdateError('cancelled', `Cancelled by you while waiting for ${what}.`);
      if (this.ended) throw new ConnectionClosed(what);
      const left = deadline - Date.now();
      if (left <= 0) throw new UpdateError('connection-lost', silentWhileWaiting(what, timeoutMs));
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.signal.removeEventListener('abort', done);
          this.wake = null;
          resolve();
        };
        const timer = setTimeout(done, left);
        this.signal.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
    const all = Buffer.concat(this.chunks);
    this.chunks.length = 0;
    if (all.length > count) this.chunks.push(all.subarray(count));
    this.buffered = all.length - count;
    return all.subarray(0, count);
  }

  readByte(timeoutMs: number, what: string): Promise<number> {
    return this.read(1, timeoutMs, what).then((bytes) => bytes[0]!);
  }

  /**
   * Writes and waits until the kernel took the bytes (backpressure), bounded: a board that stops
   * reading (protocol v1 sends no acknowledgements) ends the wait after `timeoutMs`.
   */
  write(data: Buffer | string, timeoutMs = 30_000): Promise<void> {
    const what = 'the board to take more data';
    return new Promise((resolve, reject) => {
      if (this.ended) return reject(new ConnectionClosed(what));
      const settle = (error: UpdateError | null) => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => settle(new UpdateError('cancelled', 'Cancelled by you while sending the image.'));
      const timer = setTimeout(
        () => settle(new UpdateError('connection-lost', silentWhileWaiting(what, timeoutMs))),
        timeoutMs,
      );
      this.signal.addEventListener('abort', onAbort, { once: true });
      this.socket.write(data, (error) => settle(error ? new ConnectionClosed(what) : null));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
