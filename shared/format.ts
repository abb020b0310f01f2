// One way to say a number, for the CLI, the engine's messages and the UI alike: a size, a rate, a
// duration or a time reads the same wherever it appears. Pure functions: no node: built-ins, no DOM,
// nothing from electron/ or renderer/ (the renderer bundles this file).
import type { BleLinkFacts, ProtocolId } from './domain.ts';

/** What any formatter prints for a value it cannot say (NaN, Infinity, a negative size). */
export const NO_VALUE = '—';

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Three significant digits: 4.00, 12.3, 345 (a bigger number keeps all its whole digits: 1023). */
function decimalsFor(value: number): number {
  const size = Math.abs(value);
  return size >= 100 ? 0 : size >= 10 ? 1 : 2;
}

interface ByteScale {
  divisor: number;
  unit: string;
  decimals: number;
}

/** The unit a size is said in, moved up when rounding would print "1024 KiB". */
function byteScale(bytes: number): ByteScale {
  let index = 0;
  while (index < BYTE_UNITS.length - 1 && Math.abs(bytes) >= 1024 ** (index + 1)) index++;
  if (index === 0) return { divisor: 1, unit: 'B', decimals: 0 };
  const value = bytes / 1024 ** index;
  const decimals = decimalsFor(value);
  if (index < BYTE_UNITS.length - 1 && Math.abs(Number(value.toFixed(decimals))) >= 1024) {
    return { divisor: 1024 ** (index + 1), unit: BYTE_UNITS[index + 1], decimals: 2 };
  }
  return { divisor: 1024 ** index, unit: BYTE_UNITS[index], decimals };
}

function inScale(bytes: number, scale: ByteScale): string {
  return `${(bytes / scale.divisor).toFixed(scale.decimals)} ${scale.unit}`;
}

const isSize = (bytes: number) => Number.isFinite(bytes) && bytes >= 0;

/**
 * 0 B, 1023 B, 1.00 KiB, 12.3 KiB, 345 KiB, 4.00 MiB. Binary units (flash sizes are powers of two)
 * with three significant digits, so a size never jumps between one and two decimals.
 */
export function formatBytes(bytes: number): string {
  if (!isSize(bytes)) return NO_VALUE;
  const value = bytes < 1024 ? Math.round(bytes) : bytes; // 1023.6 B/s is 1024 B/s, said as 1.00 KiB/s
  return inScale(value, byteScale(value));
}

/** "1.30 MiB of 5.72 MiB": both in the total's unit and decimals, so the text does not jump while uploading. */
export function formatBytesOf(done: number, total: number): string {
  if (!isSize(total) || total === 0) return formatBytes(done);
  const scale = byteScale(total);
  const shown = Math.min(Math.max(0, Number.isFinite(done) ? done : 0), total);
  return `${inScale(scale.divisor === 1 ? Math.round(shown) : shown, scale)} of ${inScale(total, scale)}`;
}

/** 4,096 and 1,234,567: a whole number with its digits grouped in threes (a byte offset, a count). */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return NO_VALUE;
  return Math.round(value).toLocaleString('en-US');
}

/** 1,234,567 bytes: the exact size, for tooltips and checks against a slot's room. */
export function formatExactBytes(bytes: number): string {
  if (!isSize(bytes)) return NO_VALUE;
  return `${formatCount(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
}

/** 1.23 MiB/s. No rate yet (0) or nonsense is "—": a transfer that has not been measured is not "0 B/s". */
export function formatRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return NO_VALUE;
  return `${formatBytes(bytesPerSecond)}/s`;
}

/**
 * 18.4 kB/s with 1 kB = 1000 bytes: Bluetooth LE throughput is quoted that way everywhere (nRF Connect
 * Device Manager, the MCUmgr issue trackers), so the figure compares with what developers already know.
 */
export function formatBleRate(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return NO_VALUE;
  const kB = bytesPerSecond / 1000;
  return `${kB.toFixed(kB >= 100 ? 0 : 1)} kB/s`;
}

const BLE_PROTOCOLS: readonly ProtocolId[] = ['mcumgr-smp', 'mongoose-os-ble', 'esp-ble-ota'];

/** Whether this protocol's rate is quoted as BLE rates are (kB/s, 1 kB = 1000 bytes). */
export function quotesBleRate(protocol: ProtocolId): boolean {
  return BLE_PROTOCOLS.includes(protocol);
}

/** The upload rate of a job as its transport is usually quoted: kB/s over BLE, KiB/s or MiB/s over the LAN. */
export function formatUploadRate(bytesPerSecond: number, protocol: ProtocolId): string {
  return quotesBleRate(protocol) ? formatBleRate(bytesPerSecond) : formatRate(bytesPerSecond);
}

/** Whole percent, 0–100, rounded down so 100 means all of it. */
export function percentOf(done: number, total: number): number {
  if (!Number.isFinite(total) || total <= 0 || !Number.isFinite(done)) return 0;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

/** "42%". */
export function formatPercent(done: number, total: number): string {
  return `${percentOf(done, total)}%`;
}

const twoDigits = (n: number) => String(n).padStart(2, '0');
const isDuration = (seconds: number) => Number.isFinite(seconds) && seconds >= 0;

/**
 * A duration in a phrase: "45 s", "2 min 05 s", "5 min", "1 h 02 min". For how long something took,
 * lasts or may last ("took 2 min 05 s", "within 5 min", "10 s health check").
 */
export function formatDuration(seconds: number): string {
  if (!isDuration(seconds)) return NO_VALUE;
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  if (total < 3600)
    return total % 60 === 0 ? `${total / 60} min` : `${Math.floor(total / 60)} min ${twoDigits(total % 60)} s`;
  const minutes = Math.floor((total % 3600) / 60);
  return `${Math.floor(total / 3600)} h${minutes === 0 ? '' : ` ${twoDigits(minutes)} min`}`;
}

/** Estimated time left of an upload, rounded up so "0 s" only appears when it is really done. */
export function formatEta(etaSeconds: number | null | undefined): string {
  if (etaSeconds == null || !isDuration(etaSeconds)) return NO_VALUE;
  return formatDuration(Math.ceil(etaSeconds));
}

/**
 * Time left on a running clock, as m:ss (h:mm:ss past an hour), rounded up and clamped at 0:00: the
 * commit window ("reverts in 4:10", "4:10 left"), shown the same whether it ticks in the UI or is
 * read once by the CLI.
 */
export function formatCountdown(secondsLeft: number): string {
  if (Number.isNaN(secondsLeft)) return NO_VALUE;
  const total = Math.max(0, Math.ceil(secondsLeft));
  if (!Number.isFinite(total)) return NO_VALUE;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}:${twoDigits(total % 60)}`;
  return `${Math.floor(minutes / 60)}:${twoDigits(minutes % 60)}:${twoDigits(total % 60)}`;
}

/** When something was last heard, from now: "just now", "12 s ago", "2 min ago", "3 h ago", "4 d ago". */
export function formatRelativeTime(then: number, now: number): string {
  if (!Number.isFinite(then) || !Number.isFinite(now)) return NO_VALUE;
  const seconds = Math.max(0, Math.floor((now - then) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** A moment of today on the local clock, 24-hour: "14:03:07" (a file modified during an upload, a lock taken). */
export function formatClockTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return NO_VALUE;
  const at = new Date(epochMs);
  return `${twoDigits(at.getHours())}:${twoDigits(at.getMinutes())}:${twoDigits(at.getSeconds())}`;
}

/** A log entry's time since its job started: "+0.0 s", "+12.3 s". */
export function formatLogOffset(ms: number): string {
  if (!Number.isFinite(ms)) return NO_VALUE;
  return `+${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** First 12 hex digits, like a short git hash: enough to tell builds apart at a glance. */
export function shortHash(sha256: string): string {
  return sha256.length > 12 ? sha256.slice(0, 12) : sha256;
}

/** host:port, with IPv6 literals bracketed; falls back to the mDNS host name. */
export function formatEndpoint(address: string | null, hostname: string | null, port: number): string {
  const host = address ?? hostname;
  if (!host) return 'no address yet';
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** −67 dBm (a real minus sign, like the dBm figures in radio data sheets). */
export function formatRssi(rssi: number | null): string {
  if (rssi === null || !Number.isFinite(rssi)) return 'no signal reading';
  const value = Math.round(rssi);
  return `${value < 0 ? '−' : ''}${Math.abs(value)} dBm`;
}

/** "MTU 247 · packet 2475 B · window 3" ("MTU unknown" when the radio does not report it). */
export function formatLinkFacts(link: BleLinkFacts): string {
  const mtu = link.attMtu === null ? 'MTU unknown' : `MTU ${link.attMtu}`;
  return `${mtu} · packet ${link.maxPacketBytes} B · window ${link.window}`;
}
