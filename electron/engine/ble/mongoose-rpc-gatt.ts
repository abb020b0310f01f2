// Mongoose OS RPC over GATT (ble-protocols.md §2.1–2.2, mongoose-os-libs/rpc-gatts): one JSON-RPC frame
// at a time. Host → device: the frame length as a 4-byte big-endian integer to tx_ctl, then the frame to
// `data` in write requests of at most MTU − 3 bytes. Device → host: rx_ctl notifies the reply's length;
// each read of `data` returns the next chunk (the device ignores the ATT offset and sends at most MTU − 2
// bytes so no stack turns it into a long read). Every write is a write request: the service has no
// write-without-response.
import { UpdateError } from '../update-error.ts';
import type { BleRadio, GattCharacteristic, GattConnection } from './ble-radio.ts';

export const MOS_RPC_SERVICE_UUID = '5f6d4f53-5f52-5043-5f53-56435f49445f'; // "_mOS_RPC_SVC_ID_"
export const MOS_RPC_DATA_UUID = '5f6d4f53-5f52-5043-5f64-6174615f5f5f'; // "_mOS_RPC_data___"
export const MOS_RPC_TX_CTL_UUID = '5f6d4f53-5f52-5043-5f74-785f63746c5f'; // "_mOS_RPC_tx_ctl_"
export const MOS_RPC_RX_CTL_UUID = '5f6d4f53-5f52-5043-5f72-785f63746c5f'; // "_mOS_RPC_rx_ctl_"

/** rpc.gatts.max_frame_size's default (mongoose-os-libs/rpc-gatts: mos.yml): larger frames are refused. */
export const MOS_MAX_FRAME_BYTES = 4096;
/** A reply longer than this is not an RPC reply we asked for. */
const MAX_REPLY_BYTES = 64 * 1024;
/** Nordic's choice; the device settles lower if it must. */
const REQUESTED_MTU = 498;
const DEFAULT_CALL_TIMEOUT_MS = 10_000;

/** The device answered with {"error": {code, message}}. */
export class MongooseRpcError extends Error {
  readonly method: string;
  readonly code: number | null;
  readonly deviceMessage: string;
  constructor(method: string, code: number | null, deviceMessage: string) {
    super(`${method} failed on the device: ${deviceMessage}${code === null ? '' : ` (error ${code})`}`);
    this.method = method;
    this.code = code;
    this.deviceMessage = deviceMessage;
  }
}

/** The link went down (or never answered) during a call: the caller may reconnect. */
export class MongooseLinkError extends Error {}

export interface RpcGattOptions {
  connectTimeoutMs: number;
  signal?: AbortSignal;
}

export class MongooseRpcGatt {
  readonly connection: GattConnection;
  private readonly data: GattCharacteristic;
  private readonly txCtl: GattCharacteristic;
  private readonly rxCtl: GattCharacteristic;
  private nextId = 1;
  /** Reply lengths announced by rx_ctl, waiting for a call to take them. */
  private announced: number[] = [];
  private waiter: ((length: number) => void) | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(connection: GattConnection, chars: Map<string, GattCharacteristic>) {
    this.connection = connection;
    this.data = chars.get(MOS_RPC_DATA_UUID)!;
    this.txCtl = chars.get(MOS_RPC_TX_CTL_UUID)!;
    this.rxCtl = chars.get(MOS_RPC_RX_CTL_UUID)!;
  }

  static async open(radio: BleRadio, peripheralId: string, options: RpcGattOptions): Promise<MongooseRpcGatt> {
    let connection: GattConnection;
    try {
      connection = await radio.connect(peripheralId, {
        mtu: REQUESTED_MTU,
        timeoutMs: options.connectTimeoutMs,
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw new UpdateError('cancelled', 'Cancelled while connecting.');
      throw new UpdateError('connection-lost', `Cannot connect over Bluetooth: ${(error as Error).message}.`);
    }
    try {
      const chars = await connection.openService(
        MOS_RPC_SERVICE_UUID,
        [MOS_RPC_DATA_UUID, MOS_RPC_TX_CTL_UUID, MOS_RPC_RX_CTL_UUID],
        options.signal,
      );
      const rpc = new MongooseRpcGatt(connection, chars);
      await rpc.rxCtl.subscribe((value) => rpc.onAnnounce(value));
      return rpc;
    } catch (error) {
      await connection.disconnect();
      throw new UpdateError(
        'unsupported-protocol',
        `The device does not offer a usable Mongoose OS RPC service: ${(error as Error).message}.`,
      );
    }
  }

  /** ATT MTU as negotiated, 23 when the radio does not say. */
  get attMtu(): number {
    return this.connection.attMtu ?? 23;
  }

  get connected(): boolean {
    return this.connection.connected && !this.closed;
  }

  /** Bytes of the frame in one write request. */
  get writeBytes(): number {
    return this.attMtu - 3;
  }

  private onAnnounce(value: Buffer): void {
    if (value.length < 4) return;
    const length = value.readUInt32BE(0);
    if (this.waiter) this.waiter(length);
    else this.announced.push(length);
  }

  /** Calls one RPC and resolves with its `result`; one call at a time (the device holds one frame each way). */
  call(method: string, params: unknown = {}, timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Promise<unknown> {
    const next = this.queue.then(() => this.exchange(method, params, timeoutMs));
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** The frame a call sends, for sizing OTA.Write chunks to max_frame_size. */
  frameFor(method: string, params: unknown): Buffer {
    return Buffer.from(JSON.stringify({ id: this.nextId, method, params }));
  }

  private async exchange(method: string, params: unknown, timeoutMs: number): Promise<unknown> {
    const id = this.nextId++;
    const frame = Buffer.from(JSON.stringify({ id, method, params }));
    if (frame.length > MOS_MAX_FRAME_BYTES) {
      throw new UpdateError(
        'update-failed',
        `${method} would be ${frame.length} bytes, more than the ${MOS_MAX_FRAME_BYTES} a Mongoose OS device takes in one frame.`,
      );
    }
    this.announced = [];
    const reply = this.nextAnnouncement(timeoutMs, method);
    reply.catch(() => undefined);
    try {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(frame.length);
      await this.txCtl.write(length, false);
      for (let at = 0; at < frame.length; at += this.writeBytes)
        await this.data.write(frame.subarray(at, at + this.writeBytes), false);
    } catch (error) {
      this.waiter = null;
      throw this.lost(method, error);
    }
    const size = await reply;
    if (size === 0 || size > MAX_REPLY_BYTES)
      throw new UpdateError('update-failed', `The device announced a ${size}-byte reply to ${method}.`);
    const chunks: Buffer[] = [];
    let received = 0;
    try {
      while (received < size) {
        const chunk = await this.data.read();
        if (chunk.length === 0) break;
        chunks.push(chunk);
        received += chunk.length;
      }
    } catch (error) {
      throw this.lost(method, error);
    }
    const text = Buffer.concat(chunks).subarray(0, size).toString('utf8');
    return parseReply(method, id, text);
  }

  private nextAnnouncement(timeoutMs: number, method: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        off();
        reject(new MongooseLinkError(`the device did not answer ${method} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      const off = this.connection.onDisconnect((reason) => {
        clearTimeout(timer);
        this.waiter = null;
        reject(new MongooseLinkError(`the link went down: ${reason}`));
      });
      this.waiter = (length) => {
        clearTimeout(timer);
        off();
        this.waiter = null;
        resolve(length);
      };
    });
  }

  private lost(method: string, error: unknown): Error {
    if (error instanceof UpdateError) return error;
    const words = (error as Error).message;
    // An ATT error is the device refusing the frame; anything else is the link.
    if (/ATT error/.test(words))
      return new UpdateError('update-failed', `The device refused the ${method} frame (${words}).`);
    return new MongooseLinkError(words);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.connection.disconnect();
  }
}

function parseReply(method: string, id: number, text: string): unknown {
  let reply: { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown } };
  try {
    reply = JSON.parse(text) as typeof reply;
  } catch {
    throw new UpdateError('update-failed', `The device answered ${method} with something that is not JSON.`);
  }
  if (reply === null || typeof reply !== 'object')
    throw new UpdateError('update-failed', `The device answered ${method} with something that is not an RPC reply.`);
  if (reply.id !== undefined && reply.id !== id)
    throw new UpdateError(
      'update-failed',
      `The device answered another request (id ${String(reply.id)}) to ${method}.`,
    );
  if (reply.error) {
    const code = typeof reply.error.code === 'number' ? reply.error.code : null;
    const message = typeof reply.error.message === 'string' ? reply.error.message.slice(0, 300) : 'no message';
    throw new MongooseRpcError(method, code, message);
  }
  return reply.result ?? null;
}
