// Filtering and grouping the board list: by transport (LAN / BLE / serial) and by text. Pure, so the rules are
// unit-tested; DeviceFilter.tsx is the control and DeviceGroups.tsx the sections it shapes.
import type { Device, Transport } from '../../../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../../../shared/domain.ts';
import { usbIds } from './serial.ts';
import { deviceEndpoint } from './transport.ts';

export type TransportFilter = 'all' | Transport;

export interface DeviceFilterState {
  transport: TransportFilter;
  /** Free text; every word must appear somewhere in what the row shows (or its host name, MAC, id). */
  text: string;
}

export const NO_FILTER: DeviceFilterState = { transport: 'all', text: '' };

export const TRANSPORT_LABELS: Record<Transport, string> = { lan: 'LAN', ble: 'BLE', serial: 'Serial' };

/** LAN first (where most pushes go), then Bluetooth LE, then serial ports. */
export const TRANSPORT_ORDER: Transport[] = ['lan', 'ble', 'serial'];

/** What a device can be found by: what its row shows, plus the names a developer types from memory. */
function searchableText(device: Device): string {
  return [
    device.name,
    deviceEndpoint(device),
    device.hostname,
    device.address,
    device.mac,
    device.id,
    device.firmwareVersion,
    device.app,
    device.arch,
    PROTOCOL_LABELS[device.protocol],
    TRANSPORT_LABELS[device.transport],
    // A serial port is found by its cable: the USB ids, the board they name, the maker.
    device.serial ? usbIds(device.serial) : null,
    device.serial?.knownBoard,
    device.serial?.manufacturer,
    device.serial?.serialNumber,
  ]
    .filter((part): part is string => typeof part === 'string' && part.length > 0)
    .join('\n')
    .toLowerCase();
}

function words(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}

export function matchesText(device: Device, text: string): boolean {
  const wanted = words(text);
  if (wanted.length === 0) return true;
  const haystack = searchableText(device);
  return wanted.every((word) => haystack.includes(word));
}

export function isFiltering(filter: DeviceFilterState): boolean {
  return filter.transport !== 'all' || words(filter.text).length > 0;
}

export interface DeviceGroup {
  transport: Transport;
  /** The rows shown, in the list's order. */
  devices: Device[];
  /** How many devices of this transport there are before the text filter. */
  total: number;
}

/**
 * The sections of the list: one per transport that has devices, in TRANSPORT_ORDER, each with the
 * devices that pass the filter. A transport filtered away has no section; a section whose devices
 * all fail the text filter stays, empty, so its count says "0 of 3" rather than vanishing.
 */
export function groupDevices(devices: Device[], filter: DeviceFilterState): DeviceGroup[] {
  return TRANSPORT_ORDER.filter((transport) => filter.transport === 'all' || filter.transport === transport)
    .map((transport) => {
      const ofTransport = devices.filter((device) => device.transport === transport);
      return {
        transport,
        devices: ofTransport.filter((device) => matchesText(device, filter.text)),
        total: ofTransport.length,
      };
    })
    .filter((group) => group.total > 0);
}

/** How many devices each transport has, for the filter's buttons. */
export function transportCounts(devices: Device[]): Record<Transport, number> {
  const counts: Record<Transport, number> = { lan: 0, ble: 0, serial: 0 };
  for (const device of devices) counts[device.transport] += 1;
  return counts;
}

/** Filtering by transport means something only when at least two transports are in the list. */
export function hasBothTransports(devices: Device[]): boolean {
  const counts = transportCounts(devices);
  return TRANSPORT_ORDER.filter((transport) => counts[transport] > 0).length >= 2;
}

/**
 * The filter as it applies to this list: none below two devices (the filter is not shown), and no
 * transport choice unless both transports are listed (its buttons are not shown), so nothing stays
 * hidden by a control that is no longer on screen.
 */
export function applicableFilter(devices: Device[], filter: DeviceFilterState): DeviceFilterState {
  if (devices.length < 2) return NO_FILTER;
  return hasBothTransports(devices) ? filter : { ...filter, transport: 'all' };
}
