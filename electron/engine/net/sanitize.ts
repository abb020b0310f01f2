// mDNS data comes from anything on the LAN: names with control characters, bidi overrides, HTML,
// megabyte TXT records, keys without values, binary junk. Everything a device says passes through
// here before it reaches a Device, a log line or the screen. It sits in net/, the lowest layer that
// hears devices, so discovery/, protocols/ and net/ itself can all use it.
import net from 'node:net';

const MAX_NAME = 64;
const MAX_TXT_KEYS = 32;
const MAX_TXT_VALUE = 200;

/**
 * What no screen should get from a device or a file: C0 and C1 controls (ESC and CSI start terminal
 * sequences, OSC sets titles, BEL rings), DEL, zero-width characters, bidi overrides and isolates
 * (RLO turns text around), BOM and U+FFFD (binary junk). The CLI reuses it for every line it prints.
 */
export const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]/g;

/** Removes control characters, bidi overrides and zero-width characters; collapses whitespace. */
export function cleanText(value: unknown, max: number): string {
  const text =
    typeof value === 'string'
      ? value
      : Buffer.isBuffer(value)
        ? value.toString('utf8')
        : value == null
          ? ''
          : String(value);
  const cleaned = text.replace(UNSAFE_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

export function cleanName(value: unknown): string {
  return cleanText(value, MAX_NAME);
}

/** A version string as a board reports it, or null when it is empty or junk. */
export function cleanVersion(value: unknown): string | null {
  const text = cleanText(value, 64);
  return text ? text : null;
}

/**
 * Decodes raw TXT strings (RFC 6763 §6: `key=value`, `key` alone means a boolean attribute) into a
 * plain object without a prototype, so keys such as `__proto__` are just keys. Keys are
 * case-insensitive and the first occurrence wins, as the RFC says.
 */
export function decodeTxt(raw: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const entries = Array.isArray(raw) ? raw : [];
  let count = 0;
  for (const entry of entries) {
    if (count >= MAX_TXT_KEYS) break;
    const text = Buffer.isBuffer(entry) ? entry.toString('utf8') : typeof entry === 'string' ? entry : '';
    const eq = text.indexOf('=');
    const key = cleanText(eq === -1 ? text : text.slice(0, eq), 32).toLowerCase();
    if (!key || !/^[\x20-\x7e]+$/.test(key) || key in out) continue;
    out[key] = eq === -1 ? 'true' : cleanText(text.slice(eq + 1), MAX_TXT_VALUE);
    count++;
  }
  return { ...out };
}

export function isUsableAddress(value: unknown): value is string {
  return typeof value === 'string' && net.isIP(value) !== 0 && value !== '0.0.0.0' && value !== '::';
}

export function isUsablePort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 65536;
}

/** Normalises a MAC to 12 lowercase hex digits, or null. */
export function normaliseMac(value: unknown): string | null {
  const hex = cleanText(value, 40)
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '');
  return hex.length === 12 ? hex : null;
}

export function normaliseHostName(value: unknown): string | null {
  const host = cleanText(value, 253).toLowerCase().replace(/\.$/, '');
  return /^[a-z0-9._-]+$/.test(host) ? host : null;
}
