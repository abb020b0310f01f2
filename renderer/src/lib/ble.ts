// Pure formatting for Bluetooth LE devices and SMP uploads (over BLE, serial or UDP): signal strength,
// the link facts beside the rate, resumes after a dropped link. No React, no window: unit-tested under Node.
import type { BleLinkFacts } from '../../../shared/domain.ts';
import { formatCount, formatLinkFacts, formatRssi } from '../../../shared/format.ts';

export type SignalLevel = 0 | 1 | 2 | 3 | 4;

const SIGNAL_WORDS: Record<SignalLevel, string> = { 4: 'strong', 3: 'good', 2: 'fair', 1: 'weak', 0: 'very weak' };

/**
 * Bars out of four. The steps are the usual BLE rules of thumb: above −60 dBm the link runs at full
 * speed, below −80 dBm packets get lost and an SMP upload slows down and may drop.
 */
export function signalLevel(rssi: number | null): SignalLevel {
  if (rssi === null || !Number.isFinite(rssi)) return 0;
  if (rssi >= -60) return 4;
  if (rssi >= -70) return 3;
  if (rssi >= -80) return 2;
  if (rssi >= -90) return 1;
  return 0;
}

export function signalWord(rssi: number | null): string {
  return rssi === null ? 'unknown' : SIGNAL_WORDS[signalLevel(rssi)];
}

/** A sentence worth showing before a push when the signal is poor; null when it is fine. */
export function weakSignalNote(rssi: number | null): string | null {
  if (rssi === null || signalLevel(rssi) >= 2) return null;
  return `The signal is ${signalWord(rssi)} (${formatRssi(rssi)}): expect a slow upload and a dropped link or two. Moving the board closer helps.`;
}

/** The link is Bluetooth (records from before serial and UDP carry no `transport`: they are BLE). */
function overBle(link: BleLinkFacts): boolean {
  return link.transport === undefined || link.transport === 'ble';
}

/**
 * The line on the job card: over BLE the ATT MTU, packet and window ("MTU 247 · packet 2475 B ·
 * window 3"); over serial or UDP there is no MTU, so the link itself and how it is used ("serial
 * /dev/ttyACM0, 115200 baud · packets of 384 B, 3 in flight").
 */
export function linkFactsLine(link: BleLinkFacts): string {
  if (overBle(link)) return formatLinkFacts(link);
  const label = link.linkLabel ?? (link.transport === 'serial' ? 'serial port' : 'UDP');
  const inFlight = link.window === 1 ? 'one at a time' : `${link.window} in flight`;
  return `${label} · packets of ${link.maxPacketBytes} B, ${inFlight}`;
}

/** The longer story for the tooltip: where the packet size comes from and what a request carries. */
export function explainLinkFacts(link: BleLinkFacts): string {
  const buffer =
    link.bufSize !== null
      ? `The device's MCUmgr buffer is ${link.bufSize} B${link.bufCount !== null ? ` × ${link.bufCount}` : ''}`
      : overBle(link)
        ? 'The device did not report its MCUmgr buffer, so packets are one ATT write (MTU − 3)'
        : `The device did not report its MCUmgr buffer, so packets keep to ${link.maxPacketBytes} B`;
  const window = link.window === 1 ? 'one request at a time' : `${link.window} requests in flight`;
  return `${buffer}; each upload request carries ${link.chunkBytes} image bytes, ${window}.`;
}

/** One line per resume: "Resumed at byte 123,456 after the link dropped", as the job log says it. */
export function formatResume(offset: number): string {
  return `Resumed at byte ${formatCount(offset)} after the link dropped`;
}
