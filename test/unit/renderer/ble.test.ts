import { describe, expect, it } from 'vitest';
import {
  explainLinkFacts,
  formatResume,
  signalLevel,
  signalWord,
  weakSignalNote,
} from '../../../renderer/src/lib/ble.ts';
import type { BleLinkFacts } from '../../../shared/domain.ts';
// The numbers beside them are said by shared/format.ts, like the CLI's.
import { formatBleRate, formatLinkFacts, formatRssi } from '../../../shared/format.ts';

const link = (over: Partial<BleLinkFacts> = {}): BleLinkFacts => ({
  attMtu: 247,
  bufSize: 2475,
  bufCount: 4,
  maxPacketBytes: 2475,
  chunkBytes: 2404,
  window: 3,
  resumedFrom: [],
  ...over,
});

describe('RSSI', () => {
  it('writes dBm with a real minus sign', () => {
    expect(formatRssi(-67)).toBe('−67 dBm');
    expect(formatRssi(-67.4)).toBe('−67 dBm');
    expect(formatRssi(0)).toBe('0 dBm');
    expect(formatRssi(null)).toBe('no signal reading');
  });

  it('maps to four bars at the usual BLE thresholds', () => {
    expect([-45, -60, -61, -70, -71, -80, -81, -90, -91].map(signalLevel)).toEqual([4, 4, 3, 3, 2, 2, 1, 1, 0]);
    expect(signalLevel(null)).toBe(0);
    expect(signalLevel(Number.NaN)).toBe(0);
    expect(signalWord(-58)).toBe('strong');
    expect(signalWord(-95)).toBe('very weak');
    expect(signalWord(null)).toBe('unknown');
  });

  it('warns before a push only when the signal is weak', () => {
    expect(weakSignalNote(-70)).toBeNull();
    expect(weakSignalNote(-80)).toBeNull();
    expect(weakSignalNote(null)).toBeNull();
    expect(weakSignalNote(-88)).toBe(
      'The signal is weak (−88 dBm): expect a slow upload and a dropped link or two. Moving the board closer helps.',
    );
  });
});

describe('link facts', () => {
  it('says MTU, packet and window in one line', () => {
    expect(formatLinkFacts(link())).toBe('MTU 247 · packet 2475 B · window 3');
  });

  it('says "MTU unknown" when the radio does not report it', () => {
    expect(formatLinkFacts(link({ attMtu: null, bufSize: null, bufCount: null, maxPacketBytes: 244, window: 1 }))).toBe(
      'MTU unknown · packet 244 B · window 1',
    );
  });

  it('explains where the packet size comes from', () => {
    expect(explainLinkFacts(link())).toBe(
      "The device's MCUmgr buffer is 2475 B × 4; each upload request carries 2404 image bytes, 3 requests in flight.",
    );
    expect(explainLinkFacts(link({ bufSize: null, bufCount: null, window: 1, chunkBytes: 196 }))).toBe(
      'The device did not report its MCUmgr buffer, so packets are one ATT write (MTU − 3); each upload request carries 196 image bytes, one request at a time.',
    );
  });

  it('writes one resume line with the offset grouped in threes, as the job log says it', () => {
    expect(formatResume(123_456)).toBe('Resumed at byte 123,456 after the link dropped');
    expect(formatResume(4096)).toBe('Resumed at byte 4,096 after the link dropped');
  });
});

describe('formatBleRate', () => {
  it('uses kB = 1000 bytes, as BLE rates are quoted', () => {
    expect(formatBleRate(18_400)).toBe('18.4 kB/s');
    expect(formatBleRate(2_600)).toBe('2.6 kB/s');
    expect(formatBleRate(123_456)).toBe('123 kB/s');
  });

  it('shows a dash rather than 0 or NaN', () => {
    expect(formatBleRate(0)).toBe('—');
    expect(formatBleRate(Number.NaN)).toBe('—');
  });
});
