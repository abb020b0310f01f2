// Records the real answers of the two Zephyr 4.4.0 smp_server builds (../shared/testdata/zephyr-smp-server)
// under QEMU into recorded-zephyr-answers.json, the reference sim-matches-real.test.ts holds the simulator
// to. Run inside the private netns (QEMU's serial is a TCP socket on 127.0.0.1):
//   node test/support/run-in-netns.js node test/sim/smp/record-zephyr-answers.ts
// Uses the simulator's own console framing (console-frames.ts), not the engine's.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, encode } from 'cborg';
import { ConsoleFrameReader, encodeConsoleFrame, smpPacket } from './console-frames.ts';
import { restampMcubootImage } from '../qemu/mcuboot-restamp.ts';
import { toJsonValue, type RecordedExchange, type RecordedRequest, type RecordedBoard } from './recorded-answers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const testdata = path.resolve(here, '../../../../shared/testdata/zephyr-smp-server');
const BUILD = 'zephyr_4.4.0_smp_server_0eae053d';

interface BuildSpec {
  mode: 'zephyr-swap' | 'no-state-writes';
  build: string;
  qemu: (port: number) => string[];
  signedBin: string;
  chunk: number;
}

const builds: BuildSpec[] = [
  {
    mode: 'zephyr-swap',
    build: `${BUILD}_qemu_cortex_m0_serial`,
    signedBin: `${BUILD}_qemu_cortex_m0_serial.signed.bin`,
    chunk: 256,
    qemu: (port) => [
      '-cpu',
      'cortex-m0',
      '-machine',
      'microbit',
      '-nographic',
      '-chardev',
      `socket,id=con,host=127.0.0.1,port=${port},server=on,wait=off`,
      '-serial',
      'chardev:con',
      '-monitor',
      'none',
      '-device',
      `loader,file=${testdata}/${BUILD}_qemu_cortex_m0_serial.merged.hex`,
    ],
  },
  {
    mode: 'no-state-writes',
    build: `${BUILD}_mps2_an385_serial_recovery_buf2048`,
    signedBin: `${BUILD}_mps2_an385_serial_recovery_buf2048.signed.bin`,
    chunk: 1900,
    qemu: (port) => [
      '-cpu',
      'cortex-m3',
      '-machine',
      'mps2-an385',
      '-nographic',
      '-chardev',
      `socket,id=con,host=127.0.0.1,port=${port},server=on,wait=off`,
      '-serial',
      'chardev:con',
      '-serial',
      'null',
      '-monitor',
      'none',
      '-device',
      `loader,file=${testdata}/${BUILD}_mps2_an385_serial_recovery_buf2048.hex`,
      '-device',
      `loader,file=${testdata}/${BUILD}_mps2_an385_serial_recovery_buf2048.signed.bin,addr=0x20050000`,
    ],
  },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Console {
  private waiting = new Map<number, (packet: Buffer) => void>();
  readonly log: string[] = [];
  private seq = 0;
  private readonly reader = new ConsoleFrameReader(
    (packet) => {
      const resolve = this.waiting.get(packet[6]!);
      this.waiting.delete(packet[6]!);
      resolve?.(packet);
    },
    (line) => this.log.push(line),
  );
  private readonly socket: Socket;
  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (bytes: Buffer) => this.reader.push(bytes));
  }

  async exchange(request: RecordedRequest, timeoutMs = 3000): Promise<Buffer | null> {
    const seq = this.seq++ & 0xff;
    const packet = smpPacket(request.op, request.group, request.id, seq, encode(request.body), request.version);
    const answer = new Promise<Buffer | null>((resolve) => {
      this.waiting.set(seq, resolve);
      setTimeout(() => {
        if (this.waiting.delete(seq)) resolve(null);
      }, timeoutMs);
    });
    this.socket.write(encodeConsoleFrame(packet));
    return answer;
  }
}

async function openConsole(port: number): Promise<Socket> {
  for (let tries = 0; tries < 50; tries++) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => resolve(socket));
        socket.once('error', reject);
      });
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`QEMU's console on port ${port} never opened`);
}

function recorded(name: string, request: RecordedRequest, answer: Buffer | null): RecordedExchange {
  if (!answer) return { name, request, answer: null };
  return {
    name,
    request,
    answer: {
      header: {
        version: (answer[0]! >> 3) & 0x03,
        op: answer[0]! & 0x07,
        flags: answer[1]!,
        length: answer.readUInt16BE(2),
        group: answer.readUInt16BE(4),
        id: answer[7]!,
      },
      body: toJsonValue(decode(answer.subarray(8))),
    },
  };
}

/** Uploads a file stop-and-wait, re-sending a chunk whose answer was lost. */
async function uploadQuietly(console_: Console, file: Buffer, chunk: number): Promise<void> {
  const sha = createHash('sha256').update(file).digest();
  let off = 0;
  while (off < file.length) {
    const data = file.subarray(off, off + chunk);
    const body = off === 0 ? { image: 0, len: file.length, off, sha, data } : { off, data };
    let answer: Buffer | null = null;
    for (let tries = 0; tries < 4 && !answer; tries++) {
      answer = await console_.exchange({ version: 1, op: 2, group: 1, id: 1, body }, 5_000);
    }
    if (!answer) throw new Error(`no answer to the chunk at ${off}`);
    off = (decode(answer.subarray(8)) as { off: number }).off;
  }
}

async function recordBuild(spec: BuildSpec, port: number): Promise<RecordedBoard> {
  const qemu: ChildProcess = spawn('qemu-system-arm', spec.qemu(port), { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const socket = await openConsole(port);
    const console_ = new Console(socket);
    await sleep(1500); // boot
    const exchanges: RecordedExchange[] = [];
    const ask = async (name: string, request: RecordedRequest, timeoutMs?: number) => {
      const answer = await console_.exchange(request, timeoutMs);
      exchanges.push(recorded(name, request, answer));
      return answer;
    };
    await ask('echo', { version: 1, op: 2, group: 0, id: 0, body: { d: 'hello' } });
    await ask('echo v0 header', { version: 0, op: 2, group: 0, id: 0, body: { d: 'hello' } });
    await ask('params', { version: 1, op: 0, group: 0, id: 6, body: {} });
    await ask('os info', { version: 1, op: 0, group: 0, id: 7, body: {} });
    await ask('os info snmv', { version: 1, op: 0, group: 0, id: 7, body: { format: 'snmv' } });
    await ask('bootloader info', { version: 1, op: 0, group: 0, id: 8, body: {} });
    await ask('bootloader info mode', { version: 1, op: 0, group: 0, id: 8, body: { query: 'mode' } });
    await ask('image list', { version: 1, op: 0, group: 1, id: 0, body: {} });
    await ask('state write confirm', { version: 1, op: 2, group: 1, id: 0, body: { confirm: true } });
    await ask('unknown group', { version: 1, op: 0, group: 63, id: 0, body: {} });
    await ask(
      'oversize echo',
      { version: 1, op: 2, group: 0, id: 0, body: { d: 'x'.repeat(spec.mode === 'zephyr-swap' ? 400 : 2100) } },
      1500,
    );

    const file = readFileSync(path.join(testdata, spec.signedBin));
    const sha = createHash('sha256').update(file).digest();
    let off = 0;
    let first: RecordedExchange | null = null;
    let last: RecordedExchange | null = null;
    const started = Date.now();
    while (off < file.length) {
      const data = file.subarray(off, off + spec.chunk);
      const body: Record<string, unknown> = off === 0 ? { image: 0, len: file.length, off, sha, data } : { off, data };
      let answer: Buffer | null = null;
      for (let tries = 0; tries < 4 && !answer; tries++) {
        if (tries > 0) console.log(`  no answer to the chunk at ${off}: sent again`);
        answer = await console_.exchange({ version: 1, op: 2, group: 1, id: 1, body }, 5_000);
      }
      if (!answer) throw new Error(`no answer to the chunk at ${off}`);
      const map = decode(answer.subarray(8)) as { off?: number };
      const request: RecordedRequest = {
        version: 1,
        op: 2,
        group: 1,
        id: 1,
        body:
          off === 0
            ? { image: 0, len: file.length, off, sha: '$sha', data: `$chunk ${data.length}` }
            : { off, data: `$chunk ${data.length}` },
      };
      const exchange = recorded(off === 0 ? 'upload first chunk' : 'upload last chunk', request, answer);
      if (off === 0) first = exchange;
      else last = exchange;
      if (typeof map.off !== 'number' || map.off <= off)
        throw new Error(`upload stuck at ${off}: ${JSON.stringify(toJsonValue(map))}`);
      off = map.off;
    }
    const seconds = (Date.now() - started) / 1000;
    exchanges.push(first!, last!);
    await ask('image list after upload', { version: 1, op: 0, group: 1, id: 0, body: {} });
    const slot1 = exchanges.at(-1)?.answer?.body as { images?: Array<{ slot: number; hash: unknown }> } | undefined;
    const uploaded = slot1?.images?.find((img) => img.slot === 1);
    if (uploaded) {
      await ask('state write test slot 1', {
        version: 1,
        op: 2,
        group: 1,
        id: 0,
        body: {
          confirm: false,
          hash: (uploaded.hash as { $bytes: string }).$bytes
            ? Buffer.from((uploaded.hash as { $bytes: string }).$bytes, 'hex')
            : uploaded.hash,
        },
      });
    }
    await ask('reset', { version: 1, op: 2, group: 0, id: 5, body: {} });
    await sleep(3000);
    await ask('echo after reset', { version: 1, op: 2, group: 0, id: 0, body: { d: 'back' } });
    await ask('image list after reset', { version: 1, op: 0, group: 1, id: 0, body: {} });

    // A newer version of the same image (header version changed, SHA-256 TLV recomputed): what the
    // board does with it on test and reset, and what it runs afterwards.
    const newer = restampMcubootImage(file, '0.0.1');
    await uploadQuietly(console_, newer.image, spec.chunk);
    await ask('newer: image list after upload', { version: 1, op: 0, group: 1, id: 0, body: {} });
    await ask('newer: state write test', {
      version: 1,
      op: 2,
      group: 1,
      id: 0,
      body: { confirm: false, hash: Buffer.from(newer.hashHex, 'hex') },
    });
    await ask('newer: reset', { version: 1, op: 2, group: 0, id: 5, body: {} });
    await sleep(4000);
    await ask('newer: image list after reset', { version: 1, op: 0, group: 1, id: 0, body: {} });
    socket.destroy();
    return {
      build: spec.build,
      uploadFile: {
        name: spec.signedBin,
        bytes: file.length,
        chunk: spec.chunk,
        secondsUnderQemu: Number(seconds.toFixed(1)),
      },
      logLines: console_.log.slice(0, 20),
      exchanges: exchanges.map((e) => ({
        ...e,
        request: { ...e.request, body: toJsonValue(e.request.body) as Record<string, unknown> },
      })),
    };
  } finally {
    qemu.kill();
  }
}

const out: Record<string, RecordedBoard> = {};
let port = 47_000 + Math.floor(Math.random() * 1000);
for (const spec of builds) {
  console.log(`recording ${spec.build}…`);
  out[spec.mode] = await recordBuild(spec, port++);
}
const target = path.join(here, 'recorded-zephyr-answers.json');
writeFileSync(
  target,
  JSON.stringify(
    {
      recordedWith: 'test/sim/smp/record-zephyr-answers.ts',
      recordedAt: new Date().toISOString().slice(0, 10),
      boards: out,
    },
    null,
    2,
  ) + '\n',
);
console.log(`wrote ${target}`);
