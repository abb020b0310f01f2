// Anything on the LAN can announce anything. Hostile names, junk TXT, records pointing nowhere and
// undecodable packets must give clean devices or nothing — never a crash or a poisoned registry.
import { afterEach, describe, expect, it } from 'vitest';
import { MdnsResponder } from '../../sim/mdns-responder.ts';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import type { OtaEngine } from '../../../electron/engine/engine-api.ts';
import { discovered, testEngine, waitFor } from './engine-harness.ts';

let engine: OtaEngine | undefined;
const cleanup: Array<() => Promise<void>> = [];

afterEach(async () => {
  await engine?.close();
  await Promise.all(cleanup.splice(0).map((stop) => stop()));
});

describe('hostile mDNS data', () => {
  it('sanitises names and TXT, ignores junk, and keeps discovering real boards', async () => {
    const responder = new MdnsResponder({
      host: 'evil',
      address: '127.0.3.10',
      announceIntervalMs: 200,
      services: [
        {
          type: '_http._tcp',
          instance: 'Evil\u0007\u202Egnp <script>alert(1)</script>',
          port: 80,
          txt: [
            Buffer.from('id=evil\u0000\u001b[2J'),
            Buffer.from('fw_version=' + 'x'.repeat(240)),
            Buffer.from('arch=esp32'),
            Buffer.from('__proto__=oops'),
            Buffer.from([0xff, 0xfe, 0x3d, 0x00]),
            'novalue',
          ],
        },
        { type: '_http._tcp', instance: 'nowhere', port: 80, host: 'no-such-host' },
        { type: '_arduino._tcp', instance: 'zero-port', port: 0 },
      ],
    });
    cleanup.push(() => responder.stop());
    engine = testEngine();
    await engine.startDiscovery();
    await responder.start();
    await responder.sendRawBytes(Buffer.from([0x00, 0x00, 0x84, 0x00, 0x00, 0x00, 0x00, 0x05, 0xde, 0xad, 0xbe, 0xef]));

    const evil = await waitFor('the hostile board', () =>
      engine!.listDevices().find((d) => d.address === '127.0.3.10'),
    );
    expect(evil.name).toBe('Evil gnp <script>alert(1)</script>');
    expect(evil.name).not.toMatch(/[\u0000-\u001f\u202e]/);
    expect(evil.name.length).toBeLessThanOrEqual(64);
    expect(evil.firmwareVersion!.length).toBeLessThanOrEqual(64);
    expect(evil.id).toBe('id:evil [2J');
    expect(({} as Record<string, unknown>).oops).toBeUndefined();
    expect(JSON.parse(JSON.stringify(evil)).txt.novalue).toBe('true');

    // A real board announced after the junk is still found and usable.
    const board = new MongooseBoard({ address: '127.0.3.11', announceIntervalMs: 200 });
    cleanup.push(() => board.stop());
    await board.start();
    const device = await discovered(engine, board);
    expect(device.protocol).toBe('mongoose-os');
  });

  it('marks a board offline on goodbye and keeps its last-seen time', async () => {
    const board = new MongooseBoard({ address: '127.0.3.12', announceIntervalMs: 200 });
    await board.start();
    engine = testEngine();
    await engine.startDiscovery();
    const device = await discovered(engine, board);
    await board.stop();
    const offline = await waitFor('offline', () => engine!.listDevices().find((d) => d.id === device.id && !d.online));
    expect(offline.lastSeen).toBeGreaterThanOrEqual(device.lastSeen);
    expect(offline.lastSeen).toBeLessThanOrEqual(Date.now());
  });
});
