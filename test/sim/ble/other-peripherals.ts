// The UUIDs of the BLE update services other than SMP, shared by their simulated devices and the tests,
// and the address a simulated device takes from its id. The devices themselves run the firmware's
// protocol: Mongoose OS RPC over GATT in mongoose-ble-peripheral.ts (ble-protocols.md §2), Espressif BLE
// OTA in esp-ota-peripheral.ts (§3).

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

// The Espressif BLE OTA device runs the firmware's protocol now (esp-ota-peripheral.ts); re-exported
// here for the scenario loader and the tests that import it from this file.
export { EspOtaPeripheral } from './esp-ota-peripheral.ts';

/** A public-looking address from the last 12 hex digits of an id (`c0de00000004` → `c0:de:00:00:00:04`). */
export function addressFromId(id: string): string {
  return id.padStart(12, '0').slice(-12).match(/../g)!.join(':');
}
