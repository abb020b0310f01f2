// The Espressif BLE OTA job's longer sentences (esp-ble-ota-job.ts), kept out of its control flow.
import { formatBytes, formatCount, formatDuration } from '../../../shared/format.ts';

export function espLinkOpened(purpose: string, name: string, attMtu: number | null, packet: number, kind: string) {
  const mtu = attMtu === null ? 'ATT MTU not reported' : `ATT MTU ${attMtu}`;
  const writes =
    kind === 'command' ? 'write commands' : 'write requests (the firmware offers no write-without-response)';
  return `${purpose} ${name} over Bluetooth (${mtu}; ${packet}-byte firmware packets as ${writes}).`;
}

export function espStarted(bytes: number, sectors: number, window: number | null, stoppedEarlier: boolean): string {
  const earlier = stoppedEarlier ? 'The device was still in an earlier transfer: stopped it and started again. ' : '';
  const buffer = window === null ? '' : ` (it can buffer ${window} sector${window === 1 ? '' : 's'})`;
  return `${earlier}The device accepted START for ${formatBytes(bytes)} in ${formatCount(sectors)} sectors of 4 KiB${buffer}.`;
}

export function espSectorsDone(sectors: number, crcRetries: number, resyncs: number): string {
  const extra: string[] = [];
  if (crcRetries) extra.push(`${crcRetries} resent after a CRC error`);
  if (resyncs) extra.push(`${resyncs} resync${resyncs === 1 ? '' : 's'} to the sector the device expected`);
  return `The device acknowledged all ${formatCount(sectors)} sectors${extra.length ? ` (${extra.join(', ')})` : ''}.`;
}

/** Espressif BLE OTA firmware cannot resume: a new START begins at sector 0. */
export function espLinkDropped(confirmed: number, total: number, reason: string): string {
  return (
    `The link dropped after ${formatCount(confirmed)} of ${formatCount(total)} bytes (${reason}). ` +
    'Espressif BLE OTA cannot resume a transfer: reconnecting and starting again from sector 0.'
  );
}

export function espLinkKeptDropping(drops: number, reason: string): string {
  return `The Bluetooth link dropped ${drops} times during the transfer (last: ${reason}); giving up. Move the device closer to the adapter and push again.`;
}

export function espNotRestarted(name: string, waitedMs: number): string {
  return (
    `${name} took every sector but did not restart within ${formatDuration(waitedMs / 1000)}. ` +
    "Its firmware restarts once esp_ota_end accepts the image; it stays on the old firmware when esp_ota_end refuses it (an image for another chip or revision, one that does not fit the OTA partition, or a failed signature check). The device's serial log says which."
  );
}

export function espNotBack(name: string, waitedMs: number, why: string): string {
  return `${name} restarted but did not accept a Bluetooth connection within ${formatDuration(waitedMs / 1000)} (${why}). If the new firmware does not advertise over BLE, check it over its serial port.`;
}

/** The outcome when the device is back: what is known, and what this service cannot tell. */
export function espBack(name: string, version: string | null, stillOffersOta: boolean): string {
  const image = version ? `the image (${version})` : 'the image';
  const ota = stillOffersOta
    ? 'It still offers Espressif BLE OTA.'
    : 'It no longer offers Espressif BLE OTA: the new firmware does not include it, so later pushes need another way.';
  return (
    `${name} took ${image}, restarted and accepts connections again. ${ota} ` +
    'Espressif BLE OTA cannot report which image runs, so OTA Bench cannot confirm the version; if the new image failed to boot, ESP-IDF app rollback (when enabled) would have gone back without telling.'
  );
}
