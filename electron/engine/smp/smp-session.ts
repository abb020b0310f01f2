// One connection to an SMP device: connect, subscribe, read MCUmgr params (which decide the packet
// size and window, §1.7–1.8), and the image-management commands the job needs.
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
import { maxSmpPacket, uploadWindow } from './upload-chunks.ts';

// Until the session opens an SmpTransport (the next commit): the slice of ble/ble-radio.ts it uses, by shape.
interface GattConnection {
  readonly attMtu: number | null;
  readonly connected: boolean;
  openNotifyChannel(serviceUuid: string, characteristicUuid: string, signal?: AbortSignal): Promise<NotifyChannel>;
  onDisconnect(listener: (reason: string) => void): () => void;
  disconnect(): Promise<void>;
}
interface NotifyChannel {
  write(data: Buffer): Promise<void>;
  onNotification(listener: (data: Buffer) => void): () => void;
}
interface BleRadio {
  connect(
    peripheralId: string,
    options: { mtu?: number; timeoutMs: number; signal?: AbortSignal },
  ): Promise<GattConnection>;
}

export const SMP_SERVICE_UUID = '8d53dc1d1db74cd3868b8a527460aa84';
export const SMP_CHARACTERISTIC_UUID = 'da2e7828fbce4e01ae9e261174997c48';

/** Nordic asks for 498: two full 251-byte LL packets per ATT PDU (§6.1). */
const REQUESTED_MTU = 498;
/** Android gives the params read 1 s; a device without the command may also just stay silent. */
const PARAMS_TIMEOUT_MS = 1_000;
const COMMAND_TIMEOUT_MS = 10_000;
/** Zephyr erases synchronously before answering: a 448 KiB slot of 4 KiB pages at ~85 ms is ~10 s. Nordic gives the erasing first upload chunk 40 s. */
const ERASE_TIMEOUT_MS = 40_000;

/** How an upload uses this connection: what the plan shows and the job card reports. */
export interface SmpLink {
  attMtu: number | null;
  bufSize: number | null;
  bufCount: number | null;
  maxPacket: number;
  window: number;
}

export interface SessionOptions {
  connectTimeoutMs: number;
  signal?: AbortSignal;
}

export class SmpSession {
  readonly connection: GattConnection;
  readonly client: SmpClient;
  /** null when the device does not answer the params request (no reassembly assumed then). */
  readonly params: McumgrParams | null;

  private constructor(connection: GattConnection, client: SmpClient, params: McumgrParams | null) {
    this.connection = connection;
    this.client = client;
    this.params = params;
  }

  static async open(radio: BleRadio, peripheralId: string, options: SessionOptions): Promise<SmpSession> {
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
      const channel = await connection.openNotifyChannel(SMP_SERVICE_UUID, SMP_CHARACTERISTIC_UUID, options.signal);
      const client = new SmpClient(connection, channel);
      const params = await readParams(client);
      return new SmpSession(connection, client, params);
    } catch (error) {
      await connection.disconnect();
      if (error instanceof UpdateError) throw error;
      throw new UpdateError(
        'unsupported-protocol',
        `The device does not offer a usable MCUmgr SMP service: ${(error as Error).message}.`,
      );
    }
  }

  /** ATT MTU as negotiated (null: the radio does not say; 23 is assumed). */
  get attMtu(): number | null {
    return this.connection.attMtu;
  }

  /** Largest SMP packet: buf_size when the device gave it, else one ATT write. */
  get maxPacket(): number {
    return maxSmpPacket({ bufSize: this.params?.bufSize ?? null, attMtu: this.client.attMtu });
  }

  get window(): number {
    return uploadWindow(this.params?.bufCount ?? null);
  }

  get link(): SmpLink {
    return {
      attMtu: this.attMtu,
      bufSize: this.params?.bufSize ?? null,
      bufCount: this.params?.bufCount ?? null,
      maxPacket: this.maxPacket,
      window: this.window,
    };
  }

  async readImageState(): Promise<ImageSlotState[]> {
    return parseImageState(await this.command(imageStateReadRequest()));
  }

  /** Marks the image with this TLV hash for one test boot (`confirm: false`). */
  async testImage(hash: Buffer): Promise<ImageSlotState[]> {
    return parseImageState(await this.command(imageStateWriteRequest(hash, false)), 'image test');
  }

  /** Confirms the image with this hash (the running one, or slot 1 for a permanent swap). */
  async confirmImage(hash: Buffer): Promise<ImageSlotState[]> {
    return parseImageState(await this.command(imageStateWriteRequest(hash, true)), 'image confirm');
  }

  /** Erases a slot (1: the secondary); the device refuses one in use with NO_FREE_SLOT. */
  async eraseSlot(slot: number): Promise<void> {
    await this.command(imageEraseRequest(slot), ERASE_TIMEOUT_MS);
  }

  /**
   * Resets the device and closes this session once the link is down (or after `goneMs`: a lost
   * disconnect event must not hold us).
   */
  async resetAndClose(goneMs: number): Promise<void> {
    const down = new Promise<void>((resolve) => this.connection.onDisconnect(() => resolve()));
    let timer: NodeJS.Timeout | undefined;
    try {
      await this.reset();
      await Promise.race([
        down,
        new Promise((resolve) => {
          timer = setTimeout(resolve, goneMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      await this.close();
    }
  }

  /**
   * Asks the device to reset. It answers, then goes down ~250 ms later; an answer lost to the
   * reset itself (the link drops first) counts as done.
   */
  async reset(): Promise<void> {
    try {
      await this.client.request(resetRequest(), COMMAND_TIMEOUT_MS);
    } catch (error) {
      if (this.connection.connected) throw error;
    }
  }

  private closed = false;

  /** Idempotent: a job's last-resort close may follow resetAndClose's. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
    await this.connection.disconnect();
  }

  private async command(request: ReturnType<typeof imageStateReadRequest>, timeoutMs = COMMAND_TIMEOUT_MS) {
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

async function readParams(client: SmpClient): Promise<McumgrParams | null> {
  try {
    return parseMcumgrParams(await client.request(mcumgrParamsRequest(), PARAMS_TIMEOUT_MS));
  } catch (error) {
    // Params are opt-in firmware (CONFIG_MCUMGR_GRP_OS_MCUMGR_PARAMS): ENOTSUP or silence is normal.
    if (error instanceof SmpDeviceError || error instanceof SmpTimeoutError) return null;
    throw error;
  }
}
