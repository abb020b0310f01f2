// The serial side's way to the OS (sides/serial-side.ts SerialPortAccess): the platform's port lister
// (/sys on Linux, never SerialPort.list() there: it spawns udevadm), MCUmgr's console framing over the
// serialport package, and the USB ids known for MCUmgr boards.
import { describeSerialPort, platformSerialPortLister } from '../discovery/serial-ports.ts';
import { knownUsbBoard } from '../discovery/usb-boards.ts';
import { openSerialSmpTransport } from '../smp/serial-transport.ts';
import type { SerialPortAccess } from './serial-side.ts';

/** How long one open keeps trying while the port is missing (the side's connector has its own wait). */
const OPEN_TRY_MS = 500;

export function osSerialAccess(platform: NodeJS.Platform = process.platform): SerialPortAccess {
  const list = platformSerialPortLister(platform);
  return {
    list: async () =>
      (await list()).map((listing) => {
        const port = describeSerialPort(listing);
        return {
          path: port.path,
          vendorId: port.vendorId,
          productId: port.productId,
          manufacturer: port.manufacturer,
          serialNumber: port.serialNumber,
          friendlyName: port.product,
        };
      }),
    open: (path, settings, signal) => openSerialSmpTransport({ path, ...settings, timeoutMs: OPEN_TRY_MS, signal }),
    knownBoard: (vendorId, productId) => knownUsbBoard(vendorId, productId),
  };
}
