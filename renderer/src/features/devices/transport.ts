// LAN boards and Bluetooth LE devices share one list; these pure helpers say where each one is and
// what the BLE scanner is doing, in the words the device panel and the push card use.
import type { DiscoveryStatus } from '../../../../shared/contract.ts';
import type { Device } from '../../../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../../../shared/domain.ts';
import { formatEndpoint } from '../../../../shared/format.ts';
import { isUdpSmp, serialPath } from './serial.ts';

/**
 * host:port on the LAN (`udp://host:port` for MCUmgr over UDP); the Bluetooth address for BLE (no port;
 * the radio's id where the OS hides the address); the port's path for a serial port.
 */
export function deviceEndpoint(device: Device): string {
  if (device.transport === 'ble') return device.address || device.id.replace(/^ble:/, '') || 'no address yet';
  if (device.transport === 'serial') return serialPath(device);
  const endpoint = formatEndpoint(device.address, device.hostname, device.port);
  return isUdpSmp(device) ? `udp://${endpoint}` : endpoint;
}

const SMP_CARRIERS: Record<Device['transport'], string> = { ble: 'BLE', serial: 'serial', lan: 'UDP' };

/**
 * The protocol as the list and the push card name it: MCUmgr/SMP runs over three links, so it says
 * which ("MCUmgr/SMP over UDP"); every other protocol has one link and its plain name.
 */
export function protocolLabel(device: Pick<Device, 'protocol' | 'transport'>): string {
  const label = PROTOCOL_LABELS[device.protocol];
  return device.protocol === 'mcumgr-smp' ? `${label} over ${SMP_CARRIERS[device.transport]}` : label;
}

export type BleStatus = NonNullable<DiscoveryStatus['ble']>;

/** The BLE half of the discovery badge; null when the engine reports no BLE status at all. */
export function bleStatusLabel(ble: BleStatus | undefined): string | null {
  if (!ble) return null;
  switch (ble.state) {
    case 'scanning':
      return 'Scanning BLE';
    case 'starting':
      return 'Starting BLE…';
    case 'off':
      return 'BLE off';
    case 'unavailable':
      return ble.message ? `BLE: ${ble.message}` : 'BLE unavailable';
  }
}

/**
 * Shown when a board is selected that OTA Bench lists but cannot push to yet. BLE services are
 * named, so nobody wonders whether the board was recognised at all.
 */
export function pushLaterNote(device: Device): string | null {
  if (device.pushSupported || device.protocol === 'unknown') return null;
  const protocol = PROTOCOL_LABELS[device.protocol];
  if (device.transport === 'ble') {
    return `${device.name} advertises ${protocol}. OTA Bench lists it now; pushing over that service comes in a later version.`;
  }
  return `${device.name} speaks ${protocol}. Pushing over it comes in a later version of OTA Bench.`;
}
