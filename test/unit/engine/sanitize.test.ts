import { describe, expect, it } from 'vitest';
import {
  cleanName,
  decodeTxt,
  isUsableAddress,
  normaliseHostName,
  normaliseMac,
} from '../../../electron/engine/net/sanitize.ts';
import { parseTarget } from '../../../electron/engine/net/parse-target.ts';

describe('hostile mDNS data is cleaned before anyone sees it', () => {
  it('strips control characters, bidi overrides and zero-width characters from names', () => {
    expect(cleanName('evil\u0000\u001b[31mboard\u202Egnp.exe\u200b')).toBe('evil [31mboard gnp.exe');
    expect(cleanName('\n\t  ')).toBe('');
  });

  it('keeps HTML as text and cuts very long names', () => {
    const name = cleanName(`<img src=x onerror=alert(1)>${'A'.repeat(500)}`);
    expect(name.startsWith('<img src=x onerror=alert(1)>')).toBe(true);
    expect(name.length).toBe(64);
  });

  it('decodes TXT entries: keys without "=", binary junk, duplicates, __proto__, too many keys', () => {
    const txt = decodeTxt([
      Buffer.from('id=esp32-1'),
      Buffer.from('ID=second-wins-not'),
      Buffer.from('flag'),
      Buffer.from([0xff, 0xfe, 0x00, 0x3d, 0x01]),
      Buffer.from('__proto__=polluted'),
      Buffer.from('=novalue'),
      ...Array.from({ length: 100 }, (_, i) => Buffer.from(`k${i}=v`)),
    ]);
    expect(txt.id).toBe('esp32-1');
    expect(txt.flag).toBe('true');
    expect(Object.prototype.hasOwnProperty.call(txt, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(txt).length).toBeLessThanOrEqual(32);
    expect(decodeTxt('not an array')).toEqual({});
    expect(decodeTxt([Buffer.from(`v=${'x'.repeat(5000)}`)]).v.length).toBe(200);
  });

  it('accepts only real addresses, MACs and host names', () => {
    expect(isUsableAddress('192.168.1.20')).toBe(true);
    expect(isUsableAddress('0.0.0.0')).toBe(false);
    expect(isUsableAddress('999.1.1.1')).toBe(false);
    expect(normaliseMac('AA:bb:CC:00:11:22')).toBe('aabbcc001122');
    expect(normaliseMac('nope')).toBeNull();
    expect(normaliseHostName('Board-1.local.')).toBe('board-1.local');
    expect(normaliseHostName('bad host<>')).toBeNull();
  });
});

describe('parseTarget', () => {
  it('reads host, host:port, [v6]:port and URLs', () => {
    expect(parseTarget('192.168.4.1')).toEqual({ host: '192.168.4.1', port: 80 });
    expect(parseTarget('board.local:8080')).toEqual({ host: 'board.local', port: 8080 });
    expect(parseTarget('[fe80::1]:81')).toEqual({ host: 'fe80::1', port: 81 });
    expect(parseTarget('http://10.0.0.5:8000/update')).toEqual({ host: '10.0.0.5', port: 8000 });
  });

  it('refuses nonsense', () => {
    expect(parseTarget('host:99999')).toBeNull();
    expect(parseTarget('rm -rf /')).toBeNull();
    expect(parseTarget('')).toBeNull();
  });
});
