// One connection to an Espressif BLE OTA device (ble-protocols.md §3): the COMMAND and RECV_FW
// characteristics, each written as the firmware declares it (write-without-response where offered,
// write requests on the NimBLE variant) and heard back from by notification or indication; commands
// wait for their ACK, sector ACKs are queued in arrival order for the uploader.
import { formatDuration } from '../../../shared/format.ts';
import { UpdateError } from '../update-error.ts';
import type { BleRadio, GattConnection, WriteNotifyChannel } from './ble-radio.ts';
import { LinkLostError } from '../smp/smp-client.ts';
import {
  ESP_OTA_COMMAND_UUID,
  ESP_OTA_RECV_FW_UUID,
  ESP_OTA_SERVICE_UUID,
  parseCommandAck,
  parseSectorAck,
  type CommandAck,
  type SectorAck,
} from './esp-ble-ota.ts';

/** Android's app asks for 500 and sends 463-byte packets; 498 fills two 251-byte LL packets (§6.1). */
const REQUESTED_MTU = 498;

export class EspOtaTimeoutError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'EspOtaTimeoutError';
  }
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

export class EspOtaSession {
  readonly connection: GattConnection;
  private readonly commands: WriteNotifyChannel;
  private readonly firmware: WriteNotifyChannel;
  private lost: string | null = null;
  private readonly commandAcks: CommandAck[] = [];
  private readonly sectorAcks: SectorAck[] = [];
  private commandWaiter: Waiter<CommandAck> | null = null;
  private sectorWaiter: Waiter<SectorAck> | null = null;

  private constructor(connection: GattConnection, commands: WriteNotifyChannel, firmware: WriteNotifyChannel) {
    this.connection = connection;
    this.commands = commands;
    this.firmware = firmware;
    commands.onNotification((data) => {
      const ack = parseCommandAck(data);
      if (ack) this.deliver(ack, this.commandAcks, 'commandWaiter');
    });
    firmware.onNotification((data) => {
      const ack = parseSectorAck(data);
      if (ack) this.deliver(ack, this.sectorAcks, 'sectorWaiter');
    });
    connection.onDisconnect((reason) => {
      this.lost = reason;
      const error = new LinkLostError(reason);
      this.commandWaiter?.reject(error);
      this.sectorWaiter?.reject(error);
      this.commandWaiter = this.sectorWaiter = null;
    });
  }

  static async open(
    radio: BleRadio,
    peripheralId: string,
    options: { connectTimeoutMs: number; signal?: AbortSignal },
  ): Promise<EspOtaSession> {
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
      if (!connection.openWriteNotifyChannels) throw new Error('this Bluetooth radio cannot open such channels');
      const [commands, firmware] = await connection.openWriteNotifyChannels(
        ESP_OTA_SERVICE_UUID,
        [ESP_OTA_COMMAND_UUID, ESP_OTA_RECV_FW_UUID],
        options.signal,
      );
      return new EspOtaSession(connection, commands!, firmware!);
    } catch (error) {
      await connection.disconnect();
      if (options.signal?.aborted) throw new UpdateError('cancelled', 'Cancelled while connecting.');
      throw new UpdateError(
        'unsupported-protocol',
        `The device does not offer a usable Espressif BLE OTA service: ${(error as Error).message}.`,
      );
    }
  }

  /** Firmware packet room: ATT MTU − 3 (23 when the radio does not say). */
  get maxPacket(): number {
    return (this.connection.attMtu ?? 23) - 3;
  }

  get attMtu(): number | null {
    return this.connection.attMtu;
  }

  /** How firmware packets go out: write commands, or write requests (one ATT round trip each). */
  get writeKind(): 'command' | 'request' {
    return this.firmware.writeKind;
  }

  get connected(): boolean {
    return this.lost === null && this.connection.connected;
  }

  /** Sends a 20-byte command and waits for the ACK naming it (other commands' ACKs are dropped). */
  async command(packet: Buffer, timeoutMs: number, signal?: AbortSignal): Promise<CommandAck> {
    const id = packet.readUInt16LE(0);
    this.commandAcks.length = 0;
    await this.write(this.commands, packet);
    for (;;) {
      const ack = await this.next(this.commandAcks, 'commandWaiter', timeoutMs, signal, `the ACK of command ${id}`);
      if (ack.command === id) return ack;
    }
  }

  async writeFirmware(packet: Buffer): Promise<void> {
    await this.write(this.firmware, packet);
  }

  /** Whether an ACK naming this sector is waiting (before the sector's last packet: an error). */
  hasSectorAckFor(sector: number): boolean {
    return this.sectorAcks.some((ack) => ack.sector === sector);
  }

  /** The next sector ACK in arrival order. */
  nextSectorAck(timeoutMs: number, signal?: AbortSignal): Promise<SectorAck> {
    return this.next(this.sectorAcks, 'sectorWaiter', timeoutMs, signal, 'a sector ACK');
  }

  /** Resolves true once the link goes down (the device restarting), false after `timeoutMs`. */
  waitForDisconnect(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (!this.connected) return Promise.resolve(true);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(() => resolve(false)), timeoutMs);
      const off = this.connection.onDisconnect(() => finish(() => resolve(true)));
      const onAbort = () => finish(() => reject(new UpdateError('cancelled', 'Cancelled.')));
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (then: () => void) => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener('abort', onAbort);
        then();
      };
    });
  }

  async close(): Promise<void> {
    await this.connection.disconnect();
  }

  private async write(channel: WriteNotifyChannel, packet: Buffer): Promise<void> {
    if (this.lost !== null) throw new LinkLostError(this.lost);
    try {
      await channel.write(packet);
    } catch (error) {
      if (this.lost !== null || !this.connection.connected) throw new LinkLostError(this.lost ?? 'the link is down');
      throw error;
    }
  }

  private deliver<T>(ack: T, queue: T[], waiter: 'commandWaiter' | 'sectorWaiter'): void {
    const w = this[waiter] as Waiter<T> | null;
    if (w) {
      this[waiter] = null;
      w.resolve(ack);
    } else {
      queue.push(ack);
    }
  }

  private next<T>(
    queue: T[],
    waiter: 'commandWaiter' | 'sectorWaiter',
    timeoutMs: number,
    signal: AbortSignal | undefined,
    what: string,
  ): Promise<T> {
    const queued = queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.lost !== null) return Promise.reject(new LinkLostError(this.lost));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          finish(() =>
            reject(new EspOtaTimeoutError(`no answer within ${formatDuration(timeoutMs / 1000)} to ${what}`)),
          ),
        timeoutMs,
      );
      const onAbort = () => finish(() => reject(new UpdateError('cancelled', 'Cancelled.')));
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (then: () => void) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (this[waiter] === entry) this[waiter] = null;
        then();
      };
      const entry: Waiter<T> = {
        resolve: (value) => finish(() => resolve(value)),
        reject: (error) => finish(() => reject(error)),
      };
      (this as unknown as Record<string, Waiter<T> | null>)[waiter] = entry;
    });
  }
}
