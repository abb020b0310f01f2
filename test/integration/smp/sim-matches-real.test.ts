// The simulated SMP boards hold to the real ones: every request recorded from the Zephyr 4.4.0
// smp_server builds under QEMU (test/sim/smp/recorded-zephyr-answers.json, by record-zephyr-answers.ts)
// is sent to the simulator in the matching mode over its serial console (a pty, the simulator's own
// framing) and over UDP, and the answers are compared header field by header field (length included) and
// CBOR map key by key. Hashes come from the image bytes, so they are compared by type and size.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode } from 'cborg';
import { afterEach, describe, expect, it } from 'vitest';
import { buildMcubootImage, parseMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { ConsoleFrameReader, encodeConsoleFrame, smpPacket } from '../../sim/smp/console-frames.ts';
import {
  fromJsonValue,
  toJsonValue,
  type RecordedAnswers,
  type RecordedExchange,
} from '../../sim/smp/recorded-answers.ts';
import { SerialSmpBoard } from '../../sim/smp/serial-smp-board.ts';
import { UdpSmpBoard } from '../../sim/smp/udp-smp-board.ts';
import { createSocket, type Socket } from 'node:dgram';
import { SerialPort } from 'serialport';

const here = path.dirname(fileURLToPath(import.meta.url));
const recorded = JSON.parse(
  readFileSync(path.join(here, '../../sim/smp/recorded-zephyr-answers.json'), 'utf8'),
) as RecordedAnswers;

/**
 * Fields whose value depends on the image bytes, not on the firmware's behaviour. Versions are compared
 * exactly: the test's images carry the recorded ones (0.0.0, then 0.0.1), so slot order shows.
 */
const IMAGE_FIELDS = new Set(['hash']);

/** Same keys in the same order, same types; same values except image-dependent ones (same kind and size). */
function compareBodies(real: unknown, sim: unknown, where: string): void {
  if (Array.isArray(real)) {
    expect(Array.isArray(sim), `${where}: array`).toBe(true);
    expect((sim as unknown[]).length, `${where}: length`).toBe(real.length);
    real.forEach((item, i) => compareBodies(item, (sim as unknown[])[i], `${where}[${i}]`));
    return;
  }
  if (real && typeof real === 'object' && !('$bytes' in real)) {
    expect(sim && typeof sim === 'object', `${where}: map`).toBeTruthy();
    expect(Object.keys(sim as object), `${where}: keys`).toEqual(Object.keys(real));
    for (const [key, value] of Object.entries(real)) {
      const inner = (sim as Record<string, unknown>)[key];
      if (IMAGE_FIELDS.has(key)) {
        expect(typeof inner, `${where}.${key}: type`).toBe(typeof value);
        if (key === 'hash') {
          expect((inner as { $bytes: string }).$bytes.length, `${where}.${key}: size`).toBe(
            (value as { $bytes: string }).$bytes.length,
          );
        }
      } else compareBodies(value, inner, `${where}.${key}`);
    }
    return;
  }
  expect(sim, where).toEqual(real);
}

/** Sends one request packet and waits for the answer with its sequence number (null: none in time). */
type Exchange = (packet: Buffer, timeoutMs?: number) => Promise<Buffer | null>;

function waiter() {
  let waiting: { seq: number; resolve: (packet: Buffer | null) => void } | null = null;
  return {
    deliver(packet: Buffer) {
      if (waiting && packet[6] === waiting.seq) {
        waiting.resolve(packet);
        waiting = null;
      }
    },
    wait(seq: number, timeoutMs: number): Promise<Buffer | null> {
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), timeoutMs);
        waiting = {
          seq,
          resolve: (packet) => {
            clearTimeout(timer);
            resolve(packet);
          },
        };
      });
    },
  };
}

/** A minimal SMP console client on the pty, through the real serialport package and the simulator's own framing. */
async function serialClient(board: SerialSmpBoard): Promise<{ exchange: Exchange; close(): Promise<void> }> {
  const port = new SerialPort({ path: board.path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  const answers = waiter();
  const reader = new ConsoleFrameReader((packet) => answers.deliver(packet));
  port.on('data', (bytes: Buffer) => reader.push(bytes));
  return {
    exchange: async (packet, timeoutMs = 1500) => {
      const answer = answers.wait(packet[6]!, timeoutMs);
      port.write(encodeConsoleFrame(packet));
      return answer;
    },
    close: () => new Promise<void>((resolve) => port.close(() => resolve())),
  };
}

async function udpClient(board: UdpSmpBoard): Promise<{ exchange: Exchange; close(): Promise<void> }> {
  const socket: Socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.connect(board.port, board.host, resolve));
  const answers = waiter();
  socket.on('message', (packet) => answers.deliver(packet));
  return {
    exchange: async (packet, timeoutMs = 1500) => {
      const answer = answers.wait(packet[6]!, timeoutMs);
      socket.send(packet);
      return answer;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** An MCUboot image of exactly `bytes` bytes, version 0.0.0 like the real builds' own images. */
function imageOfSize(bytes: number, revision = 0): Buffer {
  const probe = buildMcubootImage({ version: { major: 0, minor: 0, revision: 0 }, payloadSize: 1000 });
  const image = buildMcubootImage({
    version: { major: 0, minor: 0, revision },
    payloadSize: 1000 + bytes - probe.length,
    seed: 7,
  });
  expect(image.length).toBe(bytes);
  return image;
}

function header(answer: Buffer) {
  return {
    version: (answer[0]! >> 3) & 0x03,
    op: answer[0]! & 0x07,
    flags: answer[1]!,
    length: answer.readUInt16BE(2),
    group: answer.readUInt16BE(4),
    id: answer[7]!,
  };
}

function compare(name: string, real: RecordedExchange['answer'], answer: Buffer | null): void {
  if (real === null) {
    expect(answer, `${name}: the real board did not answer`).toBeNull();
    return;
  }
  expect(answer, `${name}: an answer`).not.toBeNull();
  expect(header(answer!), `${name}: header`).toEqual(real.header);
  compareBodies(real.body, toJsonValue(decode(answer!.subarray(8))), name);
}

const boards: Array<[string, 'zephyr-swap' | 'no-state-writes']> = [
  ['serial', 'zephyr-swap'],
  ['serial', 'no-state-writes'],
  ['udp', 'zephyr-swap'],
  ['udp', 'no-state-writes'],
];

describe('the simulated SMP board answers like the real Zephyr 4.4.0 builds', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it.each(boards)('over %s in mode %s', async (transport, mode) => {
    const real = recorded.boards[mode];
    const image = imageOfSize(real.uploadFile.bytes);
    const sha = createHash('sha256').update(image).digest();
    // The recorder's second upload: the same image re-versioned 0.0.1 (restampMcubootImage).
    const newer = imageOfSize(real.uploadFile.bytes, 1);
    const options = { initialImage: image, mode, port: 0, logLines: true };
    const board = transport === 'serial' ? await SerialSmpBoard.start(options) : await UdpSmpBoard.start(options);
    cleanups.push(() => board.close());
    const client = board instanceof SerialSmpBoard ? await serialClient(board) : await udpClient(board);
    cleanups.push(() => client.close());
    let seq = 0;
    const send = (request: RecordedExchange['request'], body = fromJsonValue(request.body), timeoutMs?: number) =>
      client.exchange(
        smpPacket(request.op, request.group, request.id, seq++, encode(body as object), request.version),
        timeoutMs,
      );

    let compared = 0;
    for (const exchange of real.exchanges) {
      const { name, request } = exchange;
      if (name === 'upload first chunk' || name === 'upload last chunk') continue; // below, as one upload
      if (name === 'image list after upload') {
        const chunk = real.uploadFile.chunk;
        let off = 0;
        const first = real.exchanges.find((e) => e.name === 'upload first chunk')!;
        const last = real.exchanges.find((e) => e.name === 'upload last chunk')!;
        while (off < image.length) {
          const data = image.subarray(off, off + chunk);
          const body = off === 0 ? { image: 0, len: image.length, off, sha, data } : { off, data };
          const answer = await send(first.request, body);
          if (off === 0) compare(first.name, first.answer, answer);
          const next = (decode(answer!.subarray(8)) as { off: number }).off;
          if (next === image.length) compare(last.name, last.answer, answer);
          expect(next).toBeGreaterThan(off);
          off = next;
        }
        compared += 2;
      }
      if (name === 'newer: image list after upload') {
        let off = 0;
        const newerSha = createHash('sha256').update(newer).digest();
        while (off < newer.length) {
          const data = newer.subarray(off, off + real.uploadFile.chunk);
          const body = off === 0 ? { image: 0, len: newer.length, off, sha: newerSha, data } : { off, data };
          const answer = await send({ version: 1, op: 2, group: 1, id: 1, body: {} }, body);
          off = (decode(answer!.subarray(8)) as { off: number }).off;
        }
      }
      if (name === 'echo after reset' || name === 'newer: image list after reset') {
        await new Promise((resolve) => setTimeout(resolve, 1200));
      }
      // The recorder sent slot 1's hash from the image list (the image's hash TLV, not the file's sha).
      const slotHash = board.server.slots[1]?.info.hash;
      const body =
        name === 'state write test slot 1'
          ? { confirm: false, hash: slotHash }
          : name === 'newer: state write test'
            ? { confirm: false, hash: parseMcubootImage(newer)!.hash }
            : undefined;
      compare(name, exchange.answer, await send(request, body, exchange.answer ? 1500 : 500));
      compared += 1;
    }
    expect(compared).toBe(real.exchanges.length);
  });
});
