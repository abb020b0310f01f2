// shared/format.ts is the one way the CLI, the engine's messages and the UI say a number.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  formatBleRate,
  formatBytes,
  formatBytesOf,
  formatClockTime,
  formatCount,
  formatCountdown,
  formatDuration,
  formatEndpoint,
  formatEta,
  formatExactBytes,
  formatLogOffset,
  formatPercent,
  formatRate,
  formatRelativeTime,
  formatRssi,
  formatUploadRate,
  percentOf,
  shortHash,
} from '../../../shared/format.ts';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('formatBytes', () => {
  it('says bytes as whole numbers up to 1023, then binary units with three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1)).toBe('1 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.00 KiB');
    expect(formatBytes(1280)).toBe('1.25 KiB');
    expect(formatBytes(12.34 * KiB)).toBe('12.3 KiB');
    expect(formatBytes(345 * KiB)).toBe('345 KiB');
    expect(formatBytes(4 * MiB)).toBe('4.00 MiB');
    expect(formatBytes(2.5 * GiB)).toBe('2.50 GiB');
  });

  it('keeps every whole digit rather than rounding 1023 KiB away', () => {
    expect(formatBytes(1023 * KiB)).toBe('1023 KiB');
  });

  it('moves up a unit instead of printing 1024 of one', () => {
    expect(formatBytes(MiB - 1)).toBe('1.00 MiB');
    expect(formatBytes(1023.6)).toBe('1.00 KiB');
  });

  it('says huge sizes in TiB, the largest unit, without giving up', () => {
    expect(formatBytes(5 * 1024 ** 4)).toBe('5.00 TiB');
    expect(formatBytes(2048 * 1024 ** 4)).toBe('2048 TiB');
    expect(formatBytes(Number.MAX_SAFE_INTEGER)).toBe('8192 TiB');
  });

  it('says "—" for nonsense instead of NaN or a negative size', () => {
    expect(formatBytes(Number.NaN)).toBe('—');
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('formatBytesOf', () => {
  it('writes both sides in the unit and decimals of the total', () => {
    expect(formatBytesOf(1.3 * MiB, 5.72 * MiB)).toBe('1.30 MiB of 5.72 MiB');
    expect(formatBytesOf(0, 4 * MiB)).toBe('0.00 MiB of 4.00 MiB');
    expect(formatBytesOf(500, 800)).toBe('500 B of 800 B');
  });

  it('never shows more done than the total, nor less than nothing', () => {
    expect(formatBytesOf(5 * MiB, 4 * MiB)).toBe('4.00 MiB of 4.00 MiB');
    expect(formatBytesOf(-3, 800)).toBe('0 B of 800 B');
    expect(formatBytesOf(Number.NaN, 800)).toBe('0 B of 800 B');
  });

  it('falls back to the done bytes when the total is unknown', () => {
    expect(formatBytesOf(1536, 0)).toBe('1.50 KiB');
    expect(formatBytesOf(1536, Number.NaN)).toBe('1.50 KiB');
  });
});

describe('formatCount', () => {
  it('groups digits in threes, whole numbers only', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(4096)).toBe('4,096');
    expect(formatCount(1_234_567.4)).toBe('1,234,567');
    expect(formatCount(-1200)).toBe('-1,200');
    expect(formatCount(Number.NaN)).toBe('—');
  });
});

describe('formatExactBytes', () => {
  it('groups digits and says one byte in the singular', () => {
    expect(formatExactBytes(1_234_567)).toBe('1,234,567 bytes');
    expect(formatExactBytes(0)).toBe('0 bytes');
    expect(formatExactBytes(1)).toBe('1 byte');
    expect(formatExactBytes(-1)).toBe('—');
  });
});

describe('rates', () => {
  it('says a LAN rate in binary units per second', () => {
    expect(formatRate(245 * KiB)).toBe('245 KiB/s');
    expect(formatRate(1.25 * MiB)).toBe('1.25 MiB/s');
    expect(formatRate(512)).toBe('512 B/s');
  });

  it('says a BLE rate in kB/s (1000 bytes), as BLE rates are quoted', () => {
    expect(formatBleRate(18_400)).toBe('18.4 kB/s');
    expect(formatBleRate(2_600)).toBe('2.6 kB/s');
    expect(formatBleRate(123_456)).toBe('123 kB/s');
  });

  it('says "—" for a rate not measured yet (0) or nonsense', () => {
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatRate(bad)).toBe('—');
      expect(formatBleRate(bad)).toBe('—');
    }
  });

  it('picks the unit by transport, for the CLI and the job card alike', () => {
    expect(formatUploadRate(18_400, 'mcumgr-smp')).toBe('18.4 kB/s');
    expect(formatUploadRate(18_400, 'mongoose-os')).toBe('18.0 KiB/s');
    expect(formatUploadRate(1_200, 'mongoose-os-ble')).toBe('1.2 kB/s');
    expect(formatUploadRate(9_500, 'esp-ble-ota')).toBe('9.5 kB/s');
  });
});

describe('percentages', () => {
  it('floors so 100 % only shows when everything is sent', () => {
    expect(percentOf(999, 1000)).toBe(99);
    expect(percentOf(1000, 1000)).toBe(100);
    expect(formatPercent(421, 1000)).toBe('42%');
  });

  it('stays within 0–100 and says 0 for an unknown total or nonsense', () => {
    expect(percentOf(10, 0)).toBe(0);
    expect(percentOf(2000, 1000)).toBe(100);
    expect(percentOf(-5, 1000)).toBe(0);
    expect(percentOf(Number.NaN, 1000)).toBe(0);
    expect(formatPercent(1, Number.NaN)).toBe('0%');
  });
});

describe('formatDuration: a duration in a phrase', () => {
  it('says seconds, minutes and hours, leaving out a zero part', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(0.4)).toBe('0 s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(59.6)).toBe('1 min');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(300)).toBe('5 min');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(100 * 3600)).toBe('100 h');
  });

  it('says "—" for a negative or unknown duration', () => {
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('formatEta', () => {
  it('rounds up, so "0 s" only shows when it is done', () => {
    expect(formatEta(0.2)).toBe('1 s');
    expect(formatEta(12)).toBe('12 s');
    expect(formatEta(0)).toBe('0 s');
  });

  it('says "—" when there is no estimate', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(undefined)).toBe('—');
    expect(formatEta(Number.NaN)).toBe('—');
  });
});

describe('formatCountdown: time left on a running clock', () => {
  it('prints m:ss and rounds partial seconds up', () => {
    expect(formatCountdown(292)).toBe('4:52');
    expect(formatCountdown(291.1)).toBe('4:52');
    expect(formatCountdown(7)).toBe('0:07');
    expect(formatCountdown(3723)).toBe('1:02:03');
  });

  it('stops at 0:00 and says "—" for nonsense', () => {
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-5)).toBe('0:00');
    expect(formatCountdown(Number.NaN)).toBe('—');
    expect(formatCountdown(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('times', () => {
  const now = 1_700_000_000_000;

  it('says when something was last heard the way a person would', () => {
    expect(formatRelativeTime(now - 2_000, now)).toBe('just now');
    expect(formatRelativeTime(now - 12_000, now)).toBe('12 s ago');
    expect(formatRelativeTime(now - 2 * 60_000, now)).toBe('2 min ago');
    expect(formatRelativeTime(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatRelativeTime(now - 4 * 86_400_000, now)).toBe('4 d ago');
  });

  it('treats clock skew (a time in the future) as just now, and nonsense as "—"', () => {
    expect(formatRelativeTime(now + 5_000, now)).toBe('just now');
    expect(formatRelativeTime(Number.NaN, now)).toBe('—');
  });

  it('says a moment on the 24-hour local clock', () => {
    expect(formatClockTime(new Date(2026, 0, 2, 14, 3, 7).getTime())).toBe('14:03:07');
    expect(formatClockTime(new Date(2026, 0, 2, 0, 0, 0).getTime())).toBe('00:00:00');
    expect(formatClockTime(Number.NaN)).toBe('—');
  });

  it('says a log entry’s offset from the start of its job', () => {
    expect(formatLogOffset(0)).toBe('+0.0 s');
    expect(formatLogOffset(12_345)).toBe('+12.3 s');
    expect(formatLogOffset(-20)).toBe('+0.0 s');
  });
});

describe('shortHash / formatEndpoint / formatRssi', () => {
  it('shortens hashes to 12 digits', () => {
    expect(shortHash('a'.repeat(64))).toBe('a'.repeat(12));
    expect(shortHash('abc')).toBe('abc');
  });

  it('brackets IPv6 and falls back to the host name', () => {
    expect(formatEndpoint('192.168.1.20', null, 80)).toBe('192.168.1.20:80');
    expect(formatEndpoint('fe80::1', null, 8266)).toBe('[fe80::1]:8266');
    expect(formatEndpoint(null, 'esp.local', 80)).toBe('esp.local:80');
    expect(formatEndpoint(null, null, 80)).toBe('no address yet');
  });

  it('says dBm with a real minus sign', () => {
    expect(formatRssi(-67.4)).toBe('−67 dBm');
    expect(formatRssi(null)).toBe('no signal reading');
  });
});

describe('shared/format.ts itself', () => {
  it('imports nothing but shared types: the renderer bundles it, the CLI loads it for --help', () => {
    const source = readFileSync(new URL('../../../shared/format.ts', import.meta.url), 'utf8');
    const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(imports).toEqual(['./domain.ts']);
    for (const line of source.match(/^import .*$/gm) ?? []) expect(line).toMatch(/^import type /);
  });
});
