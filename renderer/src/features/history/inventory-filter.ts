// The Devices view's filter: a text found in any of a board's names, ids or notes, and online only.
import type { InventoryDevice } from '../../../../shared/history.ts';

export interface InventoryFilter {
  text: string;
  onlineOnly: boolean;
}

export function filterInventory(devices: InventoryDevice[], filter: InventoryFilter): InventoryDevice[] {
  const needle = filter.text.trim().toLowerCase();
  return devices
    .filter((device) => !filter.onlineOnly || device.online)
    .filter((device) => {
      if (!needle) return true;
      const { identities } = device;
      return [
        device.name,
        device.label,
        device.notes,
        device.deviceId,
        device.protocol,
        device.reportedVersion,
        identities.mdnsId,
        identities.mac,
        identities.bleAddress,
        identities.hostname,
        identities.address,
      ].some((field) => field?.toLowerCase().includes(needle));
    })
    .sort(onlineFirstThenRecent);
}

/** Online boards first, then the most recently seen: a board that did not come back is near the top. */
function onlineFirstThenRecent(a: InventoryDevice, b: InventoryDevice): number {
  if (a.online !== b.online) return a.online ? -1 : 1;
  return b.lastSeen - a.lastSeen || a.name.localeCompare(b.name);
}
