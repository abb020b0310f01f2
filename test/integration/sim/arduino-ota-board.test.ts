// The simulated ArduinoOTA board behaves like the firmware at the invitation (fleet-history-and-more.md
// §4): a wrong command or an MD5 that is not 32 characters is dropped without a word, ESP32 answers
// OK at once, ESP8266 answers with the Updater's error when the image cannot fit, the challenge's
// nonce length gives the scheme, and a malformed auth reply sends the board back to idle.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { ArduinoOtaBoard, type ArduinoOtaBoardOptions } from '../../sim/boards/arduino-ota-board.ts';

let boards: ArduinoOtaBoard[] = [];
let sockets: dgram.Socket[] = [];
let next = 120;

async function board(options: Partial<ArduinoOtaBoardOptions> = {}) {
  const b = new ArduinoOtaBoard({ address: `127.0.6.${next++}`, ...options });
  boards.push(b);
  await b.start();
  return b;
}

/** Sends `text` to the board and returns its reply, or null after `waitMs`. */
async function ask(b: ArduinoOtaBoard, text: string, waitMs = 300): Promise<string | null> {
  const socket = dgram.createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), waitMs);
    socket.once('message', (data) => {
      clearTimeout(timer);
      resolve(data.toString('latin1'));
    });
    socket.send(text, b.port, b.address);
  });
}

const MD5 = '0123456789abcdef0123456789abcdef';

afterEach(async () => {
  for (const s of sockets) s.close();
  await Promise.all(boards.map((b) => b.stop()));
  boards = [];
  sockets = [];
});

describe('simulated ArduinoOTA board: the invitation', () => {
  it('drops an invitation whose MD5 is not 32 characters, and one with an unknown command, silently', async () => {
    const b = await board({ neverConnectsBack: true });
    const dropped: string[] = [];
    b.on('dropped', (why: string) => dropped.push(why));
    expect(await ask(b, `0 4000 1000 ${MD5.slice(1)}\n`)).toBeNull();
    expect(await ask(b, `7 4000 1000 ${MD5}\n`)).toBeNull();
    expect(dropped).toEqual(['bad md5 length', 'command']);
  });

  it('ESP32 answers OK at once; ESP8266 says the image does not fit', async () => {
    expect(await ask(await board({ neverConnectsBack: true }), `0 4000 1000 ${MD5}\n`)).toBe('OK');
    const small = await board({ platform: 'ESP8266', freeSpace: 500 });
    expect(await ask(small, `0 4000 1000 ${MD5}\n`)).toBe('ERR: ERROR[4]: Not Enough Space');
  });

  it('challenges with a 64-hex nonce on ESP32 ≥ 3.3.1 and a 32-hex one on older cores and ESP8266', async () => {
    expect(await ask(await board({ password: 'x' }), `0 4000 1000 ${MD5}\n`)).toMatch(/^AUTH [0-9a-f]{64}$/);
    expect(await ask(await board({ password: 'x', esp32Core: '3.2' }), `100 4000 1000 ${MD5}\n`)).toMatch(
      /^AUTH [0-9a-f]{32}$/,
    );
    expect(await ask(await board({ password: 'x', platform: 'ESP8266' }), `0 4000 1000 ${MD5}\n`)).toMatch(
      /^AUTH [0-9a-f]{32}$/,
    );
  });

  it('goes back to idle after a malformed auth reply, so the next invitation gets a new challenge', async () => {
    const b = await board({ password: 'x' });
    const first = await ask(b, `0 4000 1000 ${MD5}\n`);
    expect(await ask(b, `200 abc def\n`)).toBeNull();
    const second = await ask(b, `0 4000 1000 ${MD5}\n`);
    expect(second).toMatch(/^AUTH /);
    expect(second).not.toBe(first);
  });

  it('is named and listens like ESP8266 firmware (esp8266-<6 hex>, port 8266)', async () => {
    const b = await board({ password: 'x', platform: 'ESP8266' });
    expect(b.hostname).toMatch(/^esp8266-[0-9a-f]{6}$/);
    expect(b.port).toBe(8266);
  });
});
