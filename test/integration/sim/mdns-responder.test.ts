// The simulators' mDNS, seen by an ordinary browser (bonjour-service) and by a raw multicast-dns
// listener: announcements, answers to queries, goodbyes, re-announcement from a new address,
// hostile raw records, and boards in another process (the bench CLI).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bonjour, type Service } from 'bonjour-service';
import makeMdns from 'multicast-dns';
import type { Answer } from 'dns-packet';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ArduinoBoard } from '../../sim/boards/arduino-board.ts';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import { MdnsResponder } from '../../sim/mdns-responder.ts';
import type { HttpBoard } from '../../sim/http-board.ts';
import { nextEvent, waitUntil } from './sim-test-kit.ts';

let bonjour: Bonjour;
let listener: makeMdns.MulticastDNS;
const heard: Answer[] = [];
beforeAll(() => {
  bonjour = new Bonjour();
  listener = makeMdns();
  listener.on('response', (packet) => heard.push(...packet.answers, ...packet.additionals));
});
afterAll(async () => {
  await new Promise<void>((resolve) => bonjour.destroy(() => resolve()));
  listener.destroy();
});

const stoppables: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(stoppables.splice(0).map((item) => item.stop()));
});

let nextHost = 10;
async function started<T extends HttpBoard>(board: T): Promise<T> {
  stoppables.push(board);
  await board.start();
  return board;
}
const address = () => `127.0.5.${nextHost++}`;

function browse(type: string, name: string) {
  const browser = bonjour.find({ type });
  const found = new Promise<Service>((resolve) => {
    const check = (service: Service) => service.name === name && resolve(service);
    browser.services.forEach(check);
    browser.on('up', check);
  });
  return { browser, found };
}

describe('simulator mDNS', () => {
  it('announces a Mongoose board: PTR, SRV, TXT and an A record with its own address', async () => {
    const board = new MongooseBoard({ address: address(), announceIntervalMs: 200 });
    const { browser, found } = browse('http', board.hostname);
    await started(board);
    const service = await found;
    expect(service.port).toBe(80);
    expect(service.host).toBe(`${board.hostname}.local`);
    expect(service.addresses).toContain(board.address);
    expect(service.txt).toMatchObject({ id: board.deviceId, arch: 'esp32', fw_version: '1.0.0' });
    // The packets leave from the board's own address, like a real device's.
    expect(service.referer?.address).toBe(board.address);
    browser.stop();
  });

  it('answers a browser that starts after the announcements, and says goodbye on stop', async () => {
    const board = await started(new ArduinoBoard({ variant: 'esp8266', address: address(), announceCount: 0 }));
    const { browser, found } = browse('arduino', board.hostname);
    const service = await found;
    expect(service.port).toBe(8266);
    expect(service.txt).toEqual({ tcp_check: 'no', ssh_upload: 'no', board: 'generic', auth_upload: 'no' });
    const down = nextEvent<[Service]>(browser, 'down');
    await board.stop();
    expect((await down)[0].name).toBe(board.hostname);
    browser.stop();
  });

  it('re-announces after a reboot on a new address, with the new TXT', async () => {
    const board = await started(new MongooseBoard({ address: address(), bootMs: 30, announceIntervalMs: 100 }));
    const target = address();
    heard.length = 0;
    await board.reboot({ delayMs: 0, newAddress: target });
    await waitUntil(
      () =>
        heard.some(
          (record) =>
            record.type === 'A' &&
            record.name === `${board.hostname}.local` &&
            record.data === target &&
            (record.ttl ?? 0) > 0,
        ),
      3000,
      'the new A record',
    );
    expect(heard.some((record) => record.type === 'A' && record.data !== target && record.ttl === 0)).toBe(true); // goodbye for the old one
  });

  it('answers _services._dns-sd._udp.local with its service types', async () => {
    const board = await started(new ArduinoBoard({ variant: 'esp32', address: address(), announceCount: 0 }));
    heard.length = 0;
    listener.query({ questions: [{ name: '_services._dns-sd._udp.local', type: 'PTR' }] });
    await waitUntil(
      () => heard.some((record) => record.type === 'PTR' && record.data === '_arduino._tcp.local'),
      3000,
      'service types',
    );
    expect(heard.some((record) => record.type === 'PTR' && record.data === '_http._tcp.local')).toBe(true);
    expect(board.hostname).toMatch(/^esp32-[0-9a-f]{12}$/);
  });

  it('sends hostile records as they are: control characters, HTML, TXT without "=", binary, huge TXT, a host with no A', async () => {
    const responder = new MdnsResponder({
      host: 'hostile',
      address: address(),
      ttl: 30,
      announceCount: 1,
      services: [
        {
          type: '_http._tcp',
          instance: 'evil\u0007<script>alert(1)</script>',
          port: 80,
          host: 'ghost-host',
          txt: [
            'noequals',
            '=emptykey',
            'dup=1',
            'dup=2',
            Buffer.from([0x66, 0x77, 0x3d, 0x00, 0xff, 0xfe]),
            `big=${'x'.repeat(250)}`,
          ],
        },
      ],
    });
    stoppables.push(responder);
    heard.length = 0;
    await responder.start();
    await waitUntil(
      () => heard.some((record) => record.type === 'TXT' && record.name.startsWith('evil')),
      3000,
      'hostile TXT',
    );
    const txt = heard.find((record) => record.type === 'TXT' && record.name.startsWith('evil')) as {
      data: Buffer[];
      ttl: number;
    };
    expect(txt.ttl).toBe(30);
    expect(txt.data.map((entry) => entry.toString('latin1'))).toContain('noequals');
    expect(txt.data.some((entry) => entry.includes(0xff))).toBe(true);
    expect(
      heard.some(
        (record) => record.type === 'SRV' && (record.data as { target: string }).target === 'ghost-host.local',
      ),
    ).toBe(true);
    expect(heard.some((record) => record.type === 'A' && record.name === 'ghost-host.local')).toBe(false);

    // Long names across labels, and bytes no decoder should choke on.
    await responder.sendRecords([
      {
        name: `${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}._http._tcp.local`,
        type: 'PTR',
        ttl: 30,
        data: 'x._http._tcp.local',
      },
    ]);
    await responder.sendRawBytes(Buffer.from('00008400000100000000000003666f6fc0ff', 'hex'));
    await waitUntil(() => heard.some((record) => record.name.startsWith('a'.repeat(60))), 3000, 'long name');
  });

  it('runs boards in another process: the bench CLI announces, and says goodbye on Ctrl-C', async () => {
    const bench = spawn(
      process.execPath,
      [
        fileURLToPath(new URL('../../sim/bench.ts', import.meta.url)),
        '--esphome',
        '1',
        '--first-address',
        '127.0.5.200',
      ],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    bench.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const { browser, found } = browse('esphomelib', 'esphome-0005c8');
    const service = await found;
    expect(service.port).toBe(6053);
    expect(service.txt).toMatchObject({
      network: 'wifi',
      platform: 'ESP32',
      version: '2026.10.1',
      project_version: '1.0.0',
    });
    expect(output).toContain('esphome-0005c8');
    const down = nextEvent(browser, 'down');
    const exited = nextEvent<[number]>(bench, 'exit');
    bench.kill('SIGINT');
    await down;
    expect((await exited)[0]).toBe(0);
    browser.stop();
  });
});
