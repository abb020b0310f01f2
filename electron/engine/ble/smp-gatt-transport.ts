// SMP over Bluetooth LE (ble-protocols.md §1.1): one characteristic of the SMP service, written
// without response and heard back from by notification. Each packet goes out in ATT writes of at most
// ATT MTU − 3 bytes, back to back (never interleaved with another packet's, the server has one
// reassembly context); notifications are put back together by the header's length. The SMP client
// (smp/smp-client.ts) sees whole packets only.
import { UpdateError } from '../update-error.ts';
import { encodeSmpPacket, fragmentSmpPacket, SmpReassembler } from '../smp/smp-frame.ts';
import type { SmpConnector, SmpTransport } from '../smp/smp-transport.ts';
import type { BleRadio, GattConnection, NotifyChannel } from './ble-radio.ts';

export const SMP_SERVICE_UUID = '8d53dc1d1db74cd3868b8a527460aa84';
export const SMP_CHARACTERISTIC_UUID = 'da2e7828fbce4e01ae9e261174997c48';

/** Nordic asks for 498: two full 251-byte LL packets per ATT PDU (§6.1). */
const REQUESTED_MTU = 498;
/** The ATT MTU every BLE link has, assumed when the radio does not report the negotiated one. */
const DEFAULT_ATT_MTU = 23;

export class SmpGattTransport implements SmpTransport {
  readonly kind = 'ble' as const;
  readonly label: string;
  private readonly connection: GattConnection;
  private readonly channel: NotifyChannel;
  private readonly reassembler = new SmpReassembler();

  constructor(connection: GattConnection, channel: NotifyChannel, label = 'BLE') {
    this.connection = connection;
    this.channel = channel;
    this.label = label;
    // A partial packet cannot be finished on a new link.
    connection.onDisconnect(() => this.reassembler.reset());
  }

  get attMtu(): number | null {
    return this.connection.attMtu;
  }

  /** One ATT write: MTU − 3 (20 bytes when the radio does not report the MTU). */
  get defaultMaxPacket(): number {
    return (this.connection.attMtu ?? DEFAULT_ATT_MTU) - 3;
  }

  get connected(): boolean {
    return this.connection.connected;
  }

  /** Queues every fragment in this tick, so two packets sent back to back never interleave. */
  send(packet: Buffer): Promise<void> {
    if (!this.connection.connected) return Promise.reject(new Error('the Bluetooth link is down'));
    const fragments = fragmentSmpPacket(packet, this.connection.attMtu ?? DEFAULT_ATT_MTU);
    return Promise.all(fragments.map((fragment) => this.channel.write(fragment))).then(() => undefined);
  }

  onPacket(listener: (packet: Buffer) => void): () => void {
    return this.channel.onNotification((data) => {
      let packets;
      try {
        packets = this.reassembler.push(data);
      } catch {
        // Not an SMP header: dropped (the reassembler starts over); the client's timeouts retry.
        return;
      }
      for (const packet of packets) listener(encodeSmpPacket(packet.header, packet.body));
    });
  }

  onClose(listener: (reason: string) => void): () => void {
    return this.connection.onDisconnect(listener);
  }

  discardPartial(): void {
    this.reassembler.reset();
  }

  close(): Promise<void> {
    return this.connection.disconnect();
  }
}

/**
 * Opens the SMP characteristic of the peripheral the radio knows by `peripheralId()` now (asked again
 * on every connect: after a reset the radio may know the board by a new id). Errors are UpdateError
 * sentences: out of range, cannot connect, no usable SMP service, cancelled.
 */
export function bleSmpConnector(radio: BleRadio, peripheralId: () => string | null, deviceName: string): SmpConnector {
  return async ({ timeoutMs, signal }) => {
    const id = peripheralId();
    if (!id) throw new UpdateError('connection-lost', `${deviceName} is no longer in range of this Bluetooth adapter.`);
    let connection: GattConnection;
    try {
      connection = await radio.connect(id, { mtu: REQUESTED_MTU, timeoutMs, signal });
    } catch (error) {
      if (signal?.aborted) throw new UpdateError('cancelled', 'Cancelled while connecting.');
      throw new UpdateError('connection-lost', `Cannot connect over Bluetooth: ${(error as Error).message}.`);
    }
    try {
      const channel = await connection.openNotifyChannel(SMP_SERVICE_UUID, SMP_CHARACTERISTIC_UUID, signal);
      return new SmpGattTransport(connection, channel, `BLE ${deviceName}`);
    } catch (error) {
      await connection.disconnect();
      if (error instanceof UpdateError) throw error;
      throw new UpdateError(
        'unsupported-protocol',
        `The device does not offer a usable MCUmgr SMP service: ${(error as Error).message}.`,
      );
    }
  };
}
