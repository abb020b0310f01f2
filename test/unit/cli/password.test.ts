// The CLI's password: --password, else OTA_BENCH_PASSWORD, else asked for without echo in a
// terminal; refused in words where no one can be asked; never on the screen.
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { askCredentials, askWithoutEcho, checkPair, passwordFor } from '../../../electron/cli/password.ts';

const secret = 'hunter2-s3cret';

describe('where the password comes from', () => {
  it('--password first, then OTA_BENCH_PASSWORD, then the terminal', async () => {
    const ask = vi.fn(async () => 'typed');
    const env = { OTA_BENCH_PASSWORD: 'from-env' };
    expect(await passwordFor({ user: 'admin', password: 'given' }, { env, ask })).toBe('given');
    expect(await passwordFor({ user: 'admin' }, { env, ask })).toBe('from-env');
    expect(await passwordFor({ user: 'admin' }, { env: {}, ask })).toBe('typed');
    expect(ask).toHaveBeenCalledOnce();
    expect(ask).toHaveBeenCalledWith('Password for admin: ');
  });

  it('OTA_BENCH_PASSWORD alone is not sent anywhere: only with --user', async () => {
    const ask = vi.fn(async () => 'typed');
    expect(await passwordFor({}, { env: { OTA_BENCH_PASSWORD: secret }, ask })).toBeUndefined();
    expect(ask).not.toHaveBeenCalled();
  });

  it('--user without a password where no one can be asked (not a TTY) is a usage error', async () => {
    await expect(passwordFor({ user: 'admin' }, { env: {} })).rejects.toThrow(
      '--user needs a password: --password PASSWORD, OTA_BENCH_PASSWORD, or a terminal to type it in.',
    );
  });

  it('a pair or nothing', () => {
    expect(() => checkPair('admin', secret)).not.toThrow();
    expect(() => checkPair(undefined, undefined)).not.toThrow();
    expect(() => checkPair('admin', undefined)).toThrow(/--user needs a password/);
    // Password-only boards (ESPHome native OTA, ArduinoOTA): --password alone is a whole answer.
    expect(() => checkPair(undefined, secret)).not.toThrow();
  });
});

describe('asking in a terminal', () => {
  function terminal() {
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: vi.fn() });
    const output = new PassThrough();
    let shown = '';
    output.on('data', (chunk: Buffer) => (shown += chunk.toString('utf8')));
    return { input, output, shown: () => shown };
  }

  it('reads one line and echoes nothing of it', async () => {
    const { input, output, shown } = terminal();
    const answer = askWithoutEcho('Password for admin: ', input, output);
    input.write(`${secret}\r`);
    expect(await answer).toBe(secret);
    expect(shown()).toBe('Password for admin: \n');
    expect(shown()).not.toContain(secret);
  });

  it('Ctrl-C or the end of input is "No password given", not an empty password', async () => {
    const { input, output } = terminal();
    const answer = askWithoutEcho('Password: ', input, output);
    input.write('hun\x03');
    await expect(answer).rejects.toThrow('No password given.');
    const other = terminal();
    const ended = askWithoutEcho('Password: ', other.input, other.output);
    other.input.end();
    await expect(ended).rejects.toThrow('No password given.');
  });

  it("asks a board's user name (echoed) and password (not) when the board needs one and none was given", async () => {
    const { input, output, shown } = terminal();
    const asked = askCredentials('garage-door', input, output);
    input.write('admin\r');
    await new Promise((resolve) => setImmediate(resolve));
    input.write(`${secret}\r`);
    expect(await asked).toEqual({ user: 'admin', password: secret });
    // Without the cursor moves readline draws a terminal's line with.
    const screen = shown().replace(/\x1b\[\d*[A-Za-z]/g, '');
    expect(screen).toContain('garage-door asks for a password. User: admin');
    expect(screen).toContain('Password for admin: \n');
    expect(shown()).not.toContain(secret);
  });

  it('an empty user name or Ctrl-C gives up (the push is then refused as without a password)', async () => {
    const empty = terminal();
    const none = askCredentials('garage-door', empty.input, empty.output);
    empty.input.write('\r');
    expect(await none).toBeNull();
    const interrupted = terminal();
    const gaveUp = askCredentials('garage-door', interrupted.input, interrupted.output);
    interrupted.input.write('admin\r');
    await new Promise((resolve) => setImmediate(resolve));
    interrupted.input.write('\x03');
    expect(await gaveUp).toBeNull();
  });
});
