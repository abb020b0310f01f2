import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatBytesOf,
  formatCountdown,
  formatDuration,
  formatEndpoint,
  formatEta,
  formatExactBytes,
  formatRelativeTime,
  formatSpeed,
  percentOf,
  phaseLabel,
  shortHash,
  stateTone,
} from '../../../renderer/src/lib/format.ts';
import type { JobState } from '../../../shared/domain.ts';

describe('formatBytes', () => {
  it('uses binary units with one decimal below 100, like the engine', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1280)).toBe('1.3 KiB');
    expect(formatBytes(345 * 1024)).toBe('345 KiB');
    expect(formatBytes(4 * 1024 ** 2)).toBe('4.0 MiB');
    expect(formatBytes(2.5 * 1024 ** 3)).toBe('2.5 GiB');
  });

  it('refuses nonsense instead of printing NaN', () => {
    expect(formatBytes(Number.NaN)).toBe('—');
    expect(formatBytes(-1)).toBe('—');
  });
});

describe('formatBytesOf', () => {
  const MiB = 1024 ** 2;
  it('writes both sides in the unit of the total', () => {
    expect(formatBytesOf(1.2 * MiB, 4 * MiB)).toBe('1.2 MiB of 4.0 MiB');
    expect(formatBytesOf(0, 4 * MiB)).toBe('0 MiB of 4.0 MiB');
    expect(formatBytesOf(500, 800)).toBe('500 B of 800 B');
  });

  it('never shows more sent than the total', () => {
    expect(formatBytesOf(5 * MiB, 4 * MiB)).toBe('4.0 MiB of 4.0 MiB');
  });

  it('falls back to the sent bytes when the total is unknown', () => {
    expect(formatBytesOf(1536, 0)).toBe('1.5 KiB');
  });
});

describe('formatExactBytes', () => {
  it('groups digits', () => {
    expect(formatExactBytes(1_234_567)).toBe('1,234,567 bytes');
    expect(formatExactBytes(1)).toBe('1 byte');
  });
});

describe('formatSpeed', () => {
  it('appends /s and shows a dash for no data', () => {
    expect(formatSpeed(245 * 1024)).toBe('245 KiB/s');
    expect(formatSpeed(1.25 * 1024 ** 2)).toBe('1.3 MiB/s');
    expect(formatSpeed(0)).toBe('—');
  });
});

describe('formatDuration / formatEta', () => {
  it('rounds up and pads seconds', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(0.2)).toBe('1 s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
  });

  it('shows a dash when the engine has no estimate', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(12)).toBe('12 s');
  });
});

describe('formatRelativeTime', () => {
  const now = 1_700_000_000_000;
  it('reads like a person would say it', () => {
    expect(formatRelativeTime(now - 2_000, now)).toBe('just now');
    expect(formatRelativeTime(now - 12_000, now)).toBe('12 s ago');
    expect(formatRelativeTime(now - 2 * 60_000, now)).toBe('2 min ago');
    expect(formatRelativeTime(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(formatRelativeTime(now - 4 * 86_400_000, now)).toBe('4 d ago');
  });

  it('treats clock skew (a time in the future) as just now', () => {
    expect(formatRelativeTime(now + 5_000, now)).toBe('just now');
  });
});

describe('formatCountdown', () => {
  it('prints m:ss and rounds partial seconds up', () => {
    expect(formatCountdown(292_000)).toBe('4:52');
    expect(formatCountdown(291_100)).toBe('4:52');
    expect(formatCountdown(7_000)).toBe('0:07');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
  });

  it('stops at 0:00', () => {
    expect(formatCountdown(-5_000)).toBe('0:00');
  });
});

describe('percentOf', () => {
  it('floors so 100 % only shows when everything is sent', () => {
    expect(percentOf(999, 1000)).toBe(99);
    expect(percentOf(1000, 1000)).toBe(100);
    expect(percentOf(10, 0)).toBe(0);
  });
});

describe('phase labels and tones', () => {
  const states: JobState[] = [
    'queued', 'connecting', 'transferring', 'rebooting', 'verifying', 'awaiting-commit', 'committing',
    'reverting', 'updated', 'committed', 'rolled-back', 'failed', 'cancelled',
  ];

  it('has a label for every state', () => {
    for (const state of states) expect(phaseLabel(state)).toMatch(/^[A-Z]/);
    expect(phaseLabel('transferring')).toBe('Uploading');
  });

  it("uses MCUboot's words for SMP jobs: reset and confirm", () => {
    expect(phaseLabel('committing', 'mcumgr-smp')).toBe('Confirming');
    expect(phaseLabel('committed', 'mcumgr-smp')).toBe('Confirmed');
    expect(phaseLabel('rebooting', 'mcumgr-smp')).toBe('Resetting');
    expect(phaseLabel('transferring', 'mcumgr-smp')).toBe('Uploading');
    expect(phaseLabel('committed', 'mongoose-os')).toBe('Committed');
  });

  it('keeps rollback, failure and success visibly different', () => {
    expect(stateTone('rolled-back')).toBe('warning');
    expect(stateTone('failed')).toBe('danger');
    expect(stateTone('committed')).toBe('success');
    expect(stateTone('updated')).toBe('success');
  });
});

describe('shortHash / formatEndpoint', () => {
  it('shortens hashes to 12 digits', () => {
    expect(shortHash('a'.repeat(64))).toBe('a'.repeat(12));
  });

  it('brackets IPv6 and falls back to the host name', () => {
    expect(formatEndpoint('192.168.1.20', null, 80)).toBe('192.168.1.20:80');
    expect(formatEndpoint('fe80::1', null, 8266)).toBe('[fe80::1]:8266');
    expect(formatEndpoint(null, 'esp.local', 80)).toBe('esp.local:80');
    expect(formatEndpoint(null, null, 80)).toBe('no address yet');
  });
});
