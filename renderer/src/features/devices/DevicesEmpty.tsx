import type { DiscoveryStatus } from '../../../../shared/contract.ts';

/** Not a blank list: say what usually hides a board from mDNS, BLE and the serial port list, and what to do instead. */
export function DevicesEmpty({ discovery }: { discovery: DiscoveryStatus | null }) {
  const unavailable = discovery?.state === 'unavailable';
  const ble = discovery?.ble;
  return (
    <div className="devices-empty" data-testid="devices-empty">
      <p className="devices-empty__title">{unavailable ? 'Discovery is not running' : 'No boards found yet'}</p>
      {unavailable && discovery?.message && <p className="devices-empty__why">{discovery.message}</p>}
      <ul>
        <li>Is the board on the same subnet as this computer? mDNS does not cross routers, VLANs or most VPNs.</li>
        <li>
          Does the firmware announce itself? Enable mDNS on the board (e.g. ArduinoOTA, ESPHome, Mongoose OS dns-sd).
        </li>
        <li>Firewalls must let UDP 5353 (multicast) in.</li>
        {ble?.state === 'scanning' && (
          <li>
            A BLE board shows up while it advertises; most stop advertising while a phone (nRF Connect…) is connected to
            them.
          </li>
        )}
        {ble?.state === 'unavailable' && <li>Bluetooth: {ble.message}</li>}
        {discovery?.serial?.state === 'unavailable' && <li>Serial ports: {discovery.serial.message}</li>}
        {discovery?.serial?.state === 'watching' && (
          <li>A board on a USB cable shows up here as a serial port once the OS lists it.</li>
        )}
        <li>Know its IP? Add it by address below.</li>
      </ul>
    </div>
  );
}
