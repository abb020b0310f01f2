// https:// is refused in words: it used to be pushed over plain HTTP to port 80 without a word.
import { describe, expect, it } from 'vitest';
import { HTTPS_NOT_SUPPORTED, parseTarget } from '../../../electron/engine/net/parse-target.ts';
import { UpdateError } from '../../../electron/engine/update-error.ts';

describe('parseTarget and the https scheme', () => {
  it('refuses https:// with a sentence saying what to type instead', () => {
    for (const text of ['https://10.0.0.5', 'HTTPS://board.local:8443/update', '  https://[fe80::1]:443 ']) {
      expect(() => parseTarget(text)).toThrow(UpdateError);
      expect(() => parseTarget(text)).toThrow(HTTPS_NOT_SUPPORTED);
    }
    expect(HTTPS_NOT_SUPPORTED).toMatch(/plain HTTP.*https:\/\/ is not supported yet.*host\[:port\]/);
  });

  it('still reads http:// URLs and bare addresses', () => {
    expect(parseTarget('http://10.0.0.5:8000/update')).toEqual({ host: '10.0.0.5', port: 8000 });
    expect(parseTarget('10.0.0.5')).toEqual({ host: '10.0.0.5', port: 80 });
    expect(parseTarget('ftp://10.0.0.5')).toBeNull();
  });
});

describe('the engine and the https scheme', () => {
  it('resolving https://host (add form, CLI) is refused in those words, before any probe', async () => {
    const { createEngine } = await import('../../../electron/engine/index.ts');
    const engine = createEngine();
    await expect(engine.resolveDevice('https://10.0.0.5:8443')).rejects.toThrow(HTTPS_NOT_SUPPORTED);
    await engine.close();
  });
});
