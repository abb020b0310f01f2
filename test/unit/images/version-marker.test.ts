import { describe, expect, it } from 'vitest';
import { createVersionMarkerScanner } from '../../../electron/engine/images/version-marker.ts';

function scan(chunks: string[]): string | null {
  const scanner = createVersionMarkerScanner();
  for (const chunk of chunks) scanner.push(Buffer.from(chunk, 'latin1'));
  return scanner.finish();
}

describe('OTA_BENCH_VERSION marker scanner', () => {
  it('finds a NUL-terminated marker', () => {
    expect(scan(['\x00\x01OTA_BENCH_VERSION=1.2.3+build.5\x00rest'])).toBe('1.2.3+build.5');
  });

  it('finds a marker split across chunks, wherever the cut falls', () => {
    const text = 'garbage OTA_BENCH_VERSION=2.0.0-rc.1\x00tail';
    for (let cut = 1; cut < text.length; cut += 1) {
      expect(scan([text.slice(0, cut), text.slice(cut)])).toBe('2.0.0-rc.1');
    }
  });

  it('takes a value that runs to the end of the file, and the first of several markers', () => {
    expect(scan(['OTA_BENCH_VERSION=', '9.9'])).toBe('9.9');
    expect(scan(['OTA_BENCH_VERSION=1\x00 OTA_BENCH_VERSION=2\x00'])).toBe('1');
  });

  it('ignores a marker with no value', () => {
    expect(scan(['OTA_BENCH_VERSION=\x00nothing here'])).toBeNull();
    expect(scan(['no marker at all'])).toBeNull();
  });
});
