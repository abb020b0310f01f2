// One connection to an SMP device over any SmpTransport (BLE, serial, UDP): open the transport, read
// MCUmgr params (which decide the packet size and window, §1.7–1.8), and the image-management commands
// the job needs.
import { UpdateError } from '../update-error.ts';
import { SmpClient, SmpTimeoutError } from './smp-client.ts';
import {
  imageEraseRequest,
  imageStateReadRequest,
  imageStateWriteRequest,
  mcumgrParamsRequest,
  parseImageState,
  parseMcumgrParams,
  resetRequest,
  SmpDeviceError,
  type ImageSlotState,
  type McumgrParams,
} from './smp-messages.ts';
import type { SmpConnector, SmpTransport, SmpTransportKind } from './smp-transport.ts';
import { confirmedWrite, isDone, type ConfirmedWrite } from './confirmed-write.ts';
import { paramsLostAfterReconnect, RESET_NOT_ACKNOWLEDGED } from './lost-answer-messages.ts';
import type { SmpBootMode } from '../../../shared/domain.ts';
import { readBootMode } from './boot-mode.ts';
import { uploadWindow } from './upload-chunks.ts';

/** The length prefix and CRC16 of MCUmgr's console framing, which share the board's buf_size with the packet. */
const SERIAL_FRAME_BYTES = 4;
/**
 * Requests in flight over serial, whatever buf_count says: with buf_count − 1 = 3 the real M0 build drops
 * one now and then ("uart_mcumgr: Insufficient buffers, fragment dropped": its UART receive buffers run out
 * before its MCUmgr buffers), each costing a 2.5 s timeout; 2 never dropped one and came within 4 % of 3's
 * rate on a line paced to 115200 baud (README, the serial benchmark).
 */
const SERIAL_MAX_WINDOW = 2;
/**
 * How long the MCUmgr params read may take; a device without the command may also just stay silent.
 * BLE: 1 s, as Nordic's Android library. Serial and UDP: 2.5 s, because right after a reset the real
 * Zephyr boards under QEMU (and a USB board re-enumerating) answer later than 1 s, and a missed answer
 * drops the whole rest of the job to the default packet size.
 */
export const PARAMS_TIMEOUT_MS: Record<SmpTransportKind, number> = { ble: 1_000, serial: 2_500, udp: 2_500 };
/** UDP may lose the params request or its answer: sent once more (if the transport re-sends reads at all). */
const PARAMS_RESENDS = 1;
const COMMAND_TIMEOUT_MS = 10_000;
/** Reading the image list after a write's answer was lost: the board was answering a moment ago. */
const READ_AFTER_LOST_ANSWER_MS = 3_000;
/** Zephyr erases synchronously before answering: a 448 KiB slot of 4 KiB pages at ~85 ms is ~10 s. Nordic gives the erasing first upload chunk 40 s. */
const ERASE_TIMEOUT_MS = 40_000;

/** How an upload uses this connection: what the plan shows and the job card reports. */
export interface SmpLink {
  /** Which link carries the packets, and that link in a few words ("serial /dev/ttyACM0, 115200 baud"). */
  transport: SmpTransportKind;
  label: string;
  attMtu: number | null;
  bufSize: number | null;
  bufCount: number | null;
  maxPacket: number;
  window: number;
}

export interface SessionOptions {
  /** How long the connector may wait for the board (in range, port present, answering). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** The params this board gave on an earlier link (before a reset or a drop): losing them is logged. */
  knownParams?: McumgrParams | null;
  /** Where the session says what the caller should know (a lost answer, params gone): the job's log. */
  log?: (line: string) => void;
  /** Tests: shorter waits than a real board needs. */
  commandTimeoutMs?: number;
  paramsTimeoutMs?: number;
}

export class SmpSession {
  readonly transport: SmpTransport;
  readonly client: SmpClient;
  /** null when the device does not answer the params request (no reassembly assumed then). */
  readonly params: McumgrParams | null;

  private readonly options: SessionOptions;

  private constructor(
    transport: SmpTransport,
    client: SmpClient,
    params: McumgrParams | null,
    options: SessionOptions,
  ) {
    this.transport = transport;
    this.client = client;
    this.params = params;
    this.options = options;
  }

  /**
   * Opens a fresh transport with `connect` and reads the MCUmgr params. Errors are UpdateError
   * sentences: the connector's own (out of range, port gone, cancelled), or no usable SMP service.
   */
  static async open(connect: SmpConnector, options: SessionOptions): Promise<SmpSession> {
    let transport: SmpTransport;
    try {
      transport = await connect({ timeoutMs: options.timeoutMs, signal: options.signal });
    } catch (error) {
      if (options.signal?.aborted) throw new UpdateError('cancelled', 'Cancelled while connecting.');
      if (error instanceof UpdateError) throw error;
      throw new UpdateError('connection-lost', `Cannot connect: ${(error as Error).message}.`);
    }
    try {
      const client = new SmpClient(transport);
      const params = await readParams(client, options.paramsTimeoutMs ?? PARAMS_TIMEOUT_MS[transport.kind]);
      const session = new SmpSession(transport, client, params, options);
      const known = options.knownParams;
      if (!params && known) options.log?.(paramsLostAfterReconnect(known.bufSize, known.bufCount, session.maxPacket));
      return session;
    } catch (error) {
      await transport.close();
      if (error instanceof UpdateError) throw error;
      throw new UpdateError(
        'unsupported-protocol',
        `The device does not offer a usable MCUmgr SMP service: ${(error as Error).message}.`,
      );
    }
  }

  /** ATT MTU as negotiated (BLE; null: the radio does not say, 23 is assumed; null for serial and UDP). */
  get attMtu(): number | null {
    return this.transport.attMtu;
  }

  /**
   * Largest SMP packet: buf_size when the device gave it, else the transport's default (one ATT write on
   * BLE). Over serial the board's buffer also holds the frame's 2-byte length and 2-byte CRC: measured on the
   * real Zephyr 4.4.0 builds under QEMU, the M0 (buf_size 384) silently drops a 381-byte packet and takes
   * 380, the mps2 MCUboot (2048) drops 2045 and takes 2044. Over UDP one packet is one datagram, and
   * Zephyr's UDP transport reads at most CONFIG_MCUMGR_TRANSPORT_UDP_MTU (1500) bytes of it while its
   * buf_size defaults to 2048: never more than the transport's default (1452, one Ethernet/Wi-Fi frame
   * without IP fragmentation, which Zephyr's IP stack does not reassemble by default).
   */
  get maxPacket(): number {
    const bufSize = this.params?.bufSize;
    if (!bufSize || bufSize <= 0) return this.transport.defaultMaxPacket;
    if (this.transport.kind === 'udp') return Math.min(bufSize, this.transport.defaultMaxPacket);
    return this.transport.kind === 'serial' ? bufSize - SERIAL_FRAME_BYTES : bufSize;
  }

  get window(): number {
    const window = uploadWindow(this.params?.bufCount ?? null);
    return this.transport.kind === 'serial' ? Math.min(window, SERIAL_MAX_WINDOW) : window;
  }

  get link(): SmpLink {
    return {
      transport: this.transport.kind,
      label: this.transport.label,
      attMtu: this.attMtu,
      bufSize: this.params?.bufSize ?? null,
      bufCount: this.params?.bufCount ?? null,
      maxPacket: this.maxPacket,
      window: this.window,
    };
  }

  /**
   * What the bootloader can do with an upload (smp/boot-mode.ts): bootloader info, else a harmless
   * confirm of the already-confirmed running image (`slots`: the list just read), else swap assumed.
   * At most three requests of 2 s each; a dropped link throws.
   */
  async readBootMode(slots: ImageSlotState[]): Promise<SmpBootMode> {
    return readBootMode(this.client, slots);
  }

  async readImageState(): Promise<ImageSlotState[]> {
    return parseImageState(await this.command(imageStateReadRequest()));
  }

  /**
   * Marks the image with this TLV hash for one test boot (`confirm: false`). A lost answer is settled by
   * reading the list (smp/confirmed-write.ts); the list returned is then the one read.
   */
  async testImage(hash: Buffer): Promise<ImageSlotState[]> {
    const request = imageStateWriteRequest(hash, false);
    const outcome = await this.write({ request, change: 'test', done: isDone.test(hash.toString('hex')) });
    return outcome.slots ?? parseImageState(outcome.answer!, 'image test');
  }

  /** Confirms the image with this hash (the running one, or slot 1 for a permanent swap); a lost answer as testImage. */
  async confirmImage(hash: Buffer): Promise<ImageSlotState[]> {
    const request = imageStateWriteRequest(hash, true);
    const outcome = await this.write({ request, change: 'confirm', done: isDone.confirm(hash.toString('hex')) });
    return outcome.slots ?? parseImageState(outcome.answer!, 'image confirm');
  }

  /** Erases a slot (1: the secondary); the device refuses one in use with NO_FREE_SLOT. A lost answer as testImage. */
  async eraseSlot(slot: number): Promise<void> {
    const timeoutMs = this.options.commandTimeoutMs ?? ERASE_TIMEOUT_MS;
    await this.write({ request: imageEraseRequest(slot), change: 'erase', done: isDone.erase(slot) }, timeoutMs);
  }

  private async write(
    write: Pick<ConfirmedWrite, 'request' | 'change' | 'done'>,
    timeoutMs = this.options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
  ) {
    const readTimeoutMs = Math.min(READ_AFTER_LOST_ANSWER_MS, this.options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS);
    try {
      return await confirmedWrite(this.client, { ...write, timeoutMs, readTimeoutMs, log: this.options.log });
    } catch (error) {
      if (error instanceof UpdateError) throw error;
      throw new UpdateError(
        'connection-lost',
        `The device did not complete ${write.request.what}: ${(error as Error).message}.`,
      );
    }
  }

  /**
   * Resets the device and closes this session once the link is down (or after `goneMs`: a lost
   * disconnect event must not hold us). Resolves whether the board acknowledged the reset (see reset()).
   */
  async resetAndClose(goneMs: number): Promise<boolean> {
    let stopWaiting = (): void => {};
    const down = new Promise<void>((resolve) => {
      stopWaiting = this.transport.onClose(() => resolve());
      if (!this.transport.connected) resolve();
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const acknowledged = await this.reset();
      await Promise.race([
        down,
        new Promise((resolve) => {
          timer = setTimeout(resolve, goneMs);
        }),
      ]);
      return acknowledged;
    } finally {
      clearTimeout(timer);
      stopWaiting();
      await this.close();
    }
  }

  /**
   * Asks the device to reset. It answers, then goes down ~250 ms later; an answer lost to the
   * reset itself (the link drops first) counts as done (true). Over UDP there is no link to drop: an
   * unanswered reset resolves false (not acknowledged, logged), never sent again (a second reset could
   * land in MCUboot's swap), and the caller's reconnect-and-read tells whether the board reset.
   */
  async reset(): Promise<boolean> {
    try {
      await this.client.request(resetRequest(), this.options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS);
      return true;
    } catch (error) {
      if (!this.transport.connected) return true;
      if (error instanceof SmpTimeoutError && this.transport.kind === 'udp') {
        this.options.log?.(RESET_NOT_ACKNOWLEDGED);
        return false;
      }
      throw error;
    }
  }

  private closed = false;

  /** Idempotent: a job's last-resort close may follow resetAndClose's. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
    await this.transport.close();
  }

  private async command(
    request: ReturnType<typeof imageStateReadRequest>,
    timeoutMs = this.options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
  ) {
    try {
      return await this.client.request(request, timeoutMs);
    } catch (error) {
      if (error instanceof UpdateError) throw error;
      throw new UpdateError(
        'connection-lost',
        `The device did not complete ${request.what}: ${(error as Error).message}.`,
      );
    }
  }
}

/**
 * The MCUmgr params, or null when the board has none. Sent once, and over UDP once more after a
 * timeout (not the transport's full read re-sends: a board without params would make every open wait).
 */
async function readParams(client: SmpClient, timeoutMs: number): Promise<McumgrParams | null> {
  try {
    return parseMcumgrParams(await client.request(mcumgrParamsRequest(), timeoutMs, PARAMS_RESENDS));
  } catch (error) {
    // Params are opt-in firmware (CONFIG_MCUMGR_GRP_OS_MCUMGR_PARAMS): ENOTSUP or silence is normal.
    if (error instanceof SmpDeviceError || error instanceof SmpTimeoutError) return null;
    throw error;
  }
}
