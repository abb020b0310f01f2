// Pure formatting helpers shared by every feature. No React, no window: unit-tested under Node.
import type { JobState, ProtocolId } from '../../../shared/domain.ts';

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB'] as const;

/**
 * Binary units (1 KiB = 1024 B), like the engine's own messages ("after 3.88 MiB of 5.72 MiB"), so a
 * job card never shows one size in two unit systems. Flash sizes are powers of two anyway.
 */
function byteUnit(bytes: number): { divisor: number; unit: string } {
  let index = 0;
  while (index < BYTE_UNITS.length - 1 && Math.abs(bytes) >= 1024 ** (index + 1)) index++;
  return { divisor: 1024 ** index, unit: BYTE_UNITS[index] };
}

function scaled(bytes: number, divisor: number): string {
  if (divisor === 1 || bytes === 0) return String(Math.round(bytes));
  const value = bytes / divisor;
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** 0 B, 812 B, 1.2 KiB, 345 KiB, 4.0 MiB. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const { divisor, unit } = byteUnit(bytes);
  return `${scaled(bytes, divisor)} ${unit}`;
}

/** "1.2 MiB of 4.0 MiB": both sides in the total's unit so the text does not jump while uploading. */
export function formatBytesOf(sent: number, total: number): string {
  if (!Number.isFinite(total) || total <= 0) return formatBytes(sent);
  const { divisor, unit } = byteUnit(total);
  return `${scaled(Math.min(sent, total), divisor)} ${unit} of ${scaled(total, divisor)} ${unit}`;
}

/** 1,234,567 bytes (exact size for tooltips). */
export function formatExactBytes(bytes: number): string {
  return `${bytes.toLocaleString('en-US')} ${bytes === 1 ? 'byte' : 'bytes'}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '—';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** 0 s, 45 s, 2 min 05 s, 1 h 02 min. Rounds up so "0 s" only appears when really done. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const total = Math.ceil(seconds);
  if (total < 60) return `${total} s`;
  if (total < 3600) return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(total / 3600)} h ${String(Math.floor((total % 3600) / 60)).padStart(2, '0')} min`;
}

export function formatEta(etaSeconds: number | null): string {
  return etaSeconds === null ? '—' : formatDuration(etaSeconds);
}

/** "just now", "12 s ago", "2 min ago", "3 h ago", "4 d ago". */
export function formatRelativeTime(then: number, now: number): string {
  const seconds = Math.max(0, Math.floor((now - then) / 1000));
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** Time left as m:ss (h:mm:ss past an hour), clamped at 0:00. */
export function formatCountdown(msLeft: number): string {
  const total = Math.max(0, Math.ceil(msLeft / 1000));
  const seconds = String(total % 60).padStart(2, '0');
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}:${seconds}`;
  return `${Math.floor(minutes / 60)}:${String(minutes % 60).padStart(2, '0')}:${seconds}`;
}

export function percentOf(done: number, total: number): number {
  if (!Number.isFinite(total) || total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((done / total) * 100)));
}

const PHASE_LABELS: Record<JobState, string> = {
  queued: 'Queued',
  connecting: 'Connecting',
  transferring: 'Uploading',
  rebooting: 'Rebooting',
  verifying: 'Checking new firmware',
  'awaiting-commit': 'Awaiting commit',
  committing: 'Committing',
  reverting: 'Reverting',
  updated: 'Updated',
  committed: 'Committed',
  'rolled-back': 'Rolled back',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** MCUboot's own words for the same states: it resets into the image and confirms it. */
const SMP_PHASE_LABELS: Partial<Record<JobState, string>> = {
  rebooting: 'Resetting',
  committing: 'Confirming',
  committed: 'Confirmed',
};

export function phaseLabel(state: JobState, protocol?: ProtocolId): string {
  return (protocol === 'mcumgr-smp' ? SMP_PHASE_LABELS[state] : undefined) ?? PHASE_LABELS[state];
}

/** Colour is reserved for state: every job state maps to exactly one tone. */
export type Tone = 'neutral' | 'active' | 'attention' | 'success' | 'warning' | 'danger';

const STATE_TONES: Record<JobState, Tone> = {
  queued: 'neutral',
  connecting: 'active',
  transferring: 'active',
  rebooting: 'active',
  verifying: 'active',
  'awaiting-commit': 'attention',
  committing: 'active',
  reverting: 'warning',
  updated: 'success',
  committed: 'success',
  'rolled-back': 'warning',
  failed: 'danger',
  cancelled: 'neutral',
};

export function stateTone(state: JobState): Tone {
  return STATE_TONES[state];
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
