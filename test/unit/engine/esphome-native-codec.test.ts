// ESPHome native OTA's bytes, checked against what espota2.py and ota_esphome.cpp say on the wire.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MAGIC,
  OFFERED_FEATURES,
  authResponse,
  authScheme,
  chunkAcks,
  featureAnswer,
  isErrorByte,
  sizeBytes,
} from '../../../electron/engine/protocols/esphome-native-codec.ts';
import { boardRefused } from '../../../electron/engine/protocols/esphome-native-messages.ts';

describe('ESPHome native OTA codec', () => {
  it('greets with the five magic bytes and offers gzip and SHA-256 auth, never the extended protocol', () => {
    expect([...MAGIC]).toEqual([0x6c, 0x26, 0xf7, 0x5c, 0x45]);
    expect(OFFERED_FEATURES).toBe(0x03);
  });

  it('reads the feature answer: plain, gzip, or the extended protocol it did not ask for', () => {
    expect(featureAnswer(0x40)).toEqual({ kind: 'plain' });
    expect(featureAnswer(0x46)).toEqual({ kind: 'compression' });
    expect(featureAnswer(0x48)).toEqual({ kind: 'extended' });
    expect(featureAnswer(0x41)).toBeNull();
  });

  it('tells the challenge from its first byte: SHA-256 with 64 hex digits, MD5 with 32, or none', () => {
    expect(authScheme(0x41)).toBe('none');
    expect(authScheme(0x02)).toEqual({ kind: 'sha256', nonceLength: 64 });
    expect(authScheme(0x01)).toEqual({ kind: 'md5', nonceLength: 32 });
    expect(authScheme(0x82)).toBeNull();
  });

  it('answers a challenge with hex(hash(password ‖ nonce ‖ cnonce))', () => {
    const nonce = 'a'.repeat(64);
    const cnonce = 'b'.repeat(64);
    const sha = createHash('sha256').update(`secret${nonce}${cnonce}`).digest('hex');
    expect(authResponse('sha256', 'secret', nonce, cnonce)).toBe(sha);
    const md5 = createHash('md5')
      .update(`pässword${'c'.repeat(32)}${'d'.repeat(32)}`, 'utf8')
      .digest('hex');
    expect(authResponse('md5', 'pässword', 'c'.repeat(32), 'd'.repeat(32))).toBe(md5);
  });

  it('sends the size big-endian in four bytes and expects one ack per 8 KiB block, the partial last one too', () => {
    expect([...sizeBytes(0x0102_0304)]).toEqual([1, 2, 3, 4]);
    expect(chunkAcks(8192)).toBe(1);
    expect(chunkAcks(8193)).toBe(2);
    expect(chunkAcks(1_048_576)).toBe(128);
  });

  it('says each error byte in words with a result code', () => {
    expect(isErrorByte(0x80)).toBe(true);
    expect(isErrorByte(0x47)).toBe(false);
    expect(boardRefused(0x82, '(waiting for the password verdict)')).toMatchObject({
      code: 'auth-failed',
      words: expect.stringContaining('Wrong OTA password'),
    });
    expect(boardRefused(0x8b, '').code).toBe('integrity-failure');
    expect(boardRefused(0x89, '').code).toBe('not-enough-space');
    expect(boardRefused(0x85, '').words).toContain('reset button');
    expect(boardRefused(0x99, '').words).toContain('0x99');
    for (let byte = 0x80; byte <= 0x90; byte++) expect(boardRefused(byte, '').words).not.toContain('does not know');
  });
});
