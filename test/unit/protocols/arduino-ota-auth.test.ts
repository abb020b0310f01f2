// ArduinoOTA's invitation and both password schemes against known vectors: the ≥ 3.3.1 ones from
// fleet-history-and-more.md §4.1 (computed there with Python hashlib from espota.py 3.3.x's
// authenticate()), the classic one computed the same way from espota's MD5 formula.
import { describe, expect, it } from 'vitest';
import {
  authReply,
  invitation,
  md5Response,
  parseChallenge,
  pbkdf2Response,
} from '../../../electron/engine/protocols/arduino-ota-auth.ts';

const NONCE_64 = '0'.repeat(64);
const CNONCE_64 = '2add49c9e266467a38abe1c6b3e025d3c0df0fd56c59084689192bdfb0c6c255';

describe('ArduinoOTA invitation and authentication', () => {
  it('writes the invitation line espota sends', () => {
    expect(invitation(0, 41234, 1048576, 'a'.repeat(32))).toBe(`0 41234 1048576 ${'a'.repeat(32)}\n`);
    expect(invitation(100, 5000, 12, 'b'.repeat(32))).toBe(`100 5000 12 ${'b'.repeat(32)}\n`);
  });

  it('tells the scheme from the nonce length', () => {
    expect(parseChallenge(`AUTH ${'1'.repeat(32)}`)).toEqual({ nonce: '1'.repeat(32), scheme: 'md5' });
    expect(parseChallenge(`AUTH ${'f'.repeat(64)}`)).toEqual({ nonce: 'f'.repeat(64), scheme: 'pbkdf2-sha256' });
    expect(parseChallenge('OK')).toBeNull();
    expect(parseChallenge(`AUTH ${'1'.repeat(40)}`)).toBeNull();
  });

  it('answers the ≥ 3.3.1 challenge with PBKDF2-HMAC-SHA256 (reference vector)', () => {
    expect(pbkdf2Response('admin', NONCE_64, CNONCE_64, 'sha256')).toBe(
      'e3293c09f840c04d9bb25e0f8225478f9c84c218a53df6b69f194aaf510ac42a',
    );
  });

  it('falls back to the MD5 password hash the way espota does (reference vector)', () => {
    expect(pbkdf2Response('admin', NONCE_64, CNONCE_64, 'md5')).toBe(
      '3e9806e8f58e9a4046c4e10d7afb340c4469350b832f5d97fbd63c67ad795d9f',
    );
  });

  it('answers the classic challenge with MD5(MD5(password):nonce:cnonce)', () => {
    const nonce = '0123456789abcdef'.repeat(2);
    const cnonce = 'fedcba9876543210'.repeat(2);
    expect(md5Response('admin', nonce, cnonce)).toBe('199cd366606a4c7b55e82b1277ecd8ec');
  });

  it('builds the 200 reply with a client nonce as long as the board’s', () => {
    const reply = authReply('pw', { nonce: 'a'.repeat(64), scheme: 'pbkdf2-sha256' });
    expect(reply).toMatch(/^200 [0-9a-f]{64} [0-9a-f]{64}\n$/);
    const classic = authReply('pw', { nonce: 'a'.repeat(32), scheme: 'md5' });
    expect(classic).toMatch(/^200 [0-9a-f]{32} [0-9a-f]{32}\n$/);
  });
});
