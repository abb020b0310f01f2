// Virtual peripherals for the BLE update protocols the simulator does not run yet: they advertise, accept
// a connection and expose the protocol's GATT with the right characteristic properties, so discovery,
// recognition and connect/discover paths can be exercised. Writes are accepted and recorded, not acted on.
//   Mongoose OS RPC over GATT (ble-protocols.md §2.1, mongoose-os-libs/rpc-gatts)
//   Espressif BLE OTA (§3.1, esp-iot-solution ble_ota), with the Device Information service it also exposes

import {
  type CentralLink,
  type SimAdvertisement,
  type SimService,
  type VirtualPeripheral,
  ATT,
  nobleUuid,
} from './sim-bindings.ts';

export const MOS_RPC_SERVICE_UUID = '5f6d4f53-5f52-5043-5f53-56435f49445f'; // "_mOS_RPC_SVC_ID_"
export const MOS_RPC_DATA_UUID = '5f6d4f53-5f52-5043-5f64-6174615f5f5f'; // "_mOS_RPC_data___"
export const MOS_RPC_TX_CTL_UUID = '5f6d4f53-5f52-5043-5f74-785f63746c5f'; // "_mOS_RPC_tx_ctl_"
export const MOS_RPC_RX_CTL_UUID = '5f6d4f53-5f52-5043-5f72-785f63746c5f'; // "_mOS_RPC_rx_ctl_"

export const ESP_OTA_SERVICE_UUID = '8018';
export const ESP_OTA_RECV_FW_UUID = '8020';
export const ESP_OTA_PROGRESS_UUID = '8021';
export const ESP_OTA_COMMAND_UUID = '8022';
export const ESP_OTA_CUSTOMER_UUID = '8023';
export const DEVICE_INFORMATION_UUID = '180a';

export interface GattPeripheralOptions {
  /** Hex id (noble's peripheral id). */
  id: string;
  address?: string;
  name?: string;
  rssi?: number;
  maxMtu?: number;
}

export interface RecordedWrite {
  service: string;
  characteristic: string;
  data: Buffer;
  withoutResponse: boolean;
}

/** Advertises while nobody is connected (one connection at a time, like the firmware); accepts writes. */
abstract class GattPeripheral implements VirtualPeripheral {
  readonly id: string;
  readonly address: string;
  readonly addressType = 'public' as const;
  rssi: number;
  readonly maxMtu: number;
  readonly name: string | undefined;
  /** The last writes (at most 100), for tests. */
  readonly writes: RecordedWrite[] = [];
  protected central: CentralLink | null = null;

  constructor(options: GattPeripheralOptions) {
    this.id = options.id;
    this.address = options.address ?? addressFromId(options.id);
    this.name = options.name;
    this.rssi = options.rssi ?? -60;
    this.maxMtu = options.maxMtu ?? 247;
  }

  protected abstract advertisedServices(): string[];
  abstract gatt(): SimService[];

  get connected(): boolean {
    return this.central !== null;
  }

  advertisement(): SimAdvertisement | null {
    if (this.central) return null;
    return { localName: this.name, serviceUuids: this.advertisedServices(), connectable: true };
  }

  onConnect(central: CentralLink): void {
    this.central = central;
  }

  onDisconnect(): void {
    this.central = null;
  }

  onWrite(serviceUuid: string, characteristicUuid: string, data: Buffer, withoutResponse: boolean): number | void {
    if (!this.characteristic(serviceUuid, characteristicUuid)) return ATT.INVALID_HANDLE;
    this.writes.push({
      service: nobleUuid(serviceUuid),
      characteristic: nobleUuid(characteristicUuid),
      data: Buffer.from(data),
      withoutResponse,
    });
    if (this.writes.length > 100) this.writes.shift();
  }

  onRead(serviceUuid: string, characteristicUuid: string): Buffer | number {
    if (!this.characteristic(serviceUuid, characteristicUuid)) return ATT.INVALID_HANDLE;
    return this.readValue(nobleUuid(serviceUuid), nobleUuid(characteristicUuid));
  }

  protected readValue(_service: string, _characteristic: string): Buffer {
    return Buffer.alloc(0);
  }

  private characteristic(serviceUuid: string, characteristicUuid: string) {
    const service = this.gatt().find((s) => nobleUuid(s.uuid) === nobleUuid(serviceUuid));
    return service?.characteristics.find((c) => nobleUuid(c.uuid) === nobleUuid(characteristicUuid));
  }
}

/** Mongoose OS with rpc-gatts: data (read, write), tx_ctl (write), rx_ctl (read, notify, indicate); all
 *  writes are write requests (MGOS_BT_GATT_PROP_RWNI has no write-without-response). */
export class MongooseRpcPeripheral extends GattPeripheral {
  protected advertisedServices(): string[] {
    return [MOS_RPC_SERVICE_UUID];
  }

  gatt(): SimService[] {
    return [
      {
        uuid: MOS_RPC_SERVICE_UUID,
        characteristics: [
          { uuid: MOS_RPC_DATA_UUID, properties: ['read', 'write'] },
          { uuid: MOS_RPC_TX_CTL_UUID, properties: ['write'] },
          { uuid: MOS_RPC_RX_CTL_UUID, properties: ['read', 'notify', 'indicate'] },
        ],
      },
    ];
  }

  protected readValue(_service: string, characteristic: string): Buffer {
    // rx_ctl: length of the pending outgoing frame, big-endian; there never is one here.
    return characteristic === nobleUuid(MOS_RPC_RX_CTL_UUID) ? Buffer.alloc(4) : Buffer.alloc(0);
  }
}

// The Espressif BLE OTA device runs the firmware's protocol now (esp-ota-peripheral.ts); re-exported
// here for the scenario loader and the tests that import it from this file.
export { EspOtaPeripheral } from './esp-ota-peripheral.ts';

/** A public-looking address from the last 12 hex digits of an id (`c0de00000004` → `c0:de:00:00:00:04`). */
export function addressFromId(id: string): string {
  return id.padStart(12, '0').slice(-12).match(/../g)!.join(':');
}
