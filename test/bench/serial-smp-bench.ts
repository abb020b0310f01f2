// MCUmgr SMP over a serial port against the real Zephyr 4.4.0 smp_server M0 build under QEMU
// (BENCH_ONLY_SERIAL=1 runs only this). The image is the M0 build's own .signed.bin re-versioned to 1.2.3.
//  (a) our throughput ÷ the line-rate ceiling of MCUmgr's console framing at 115200 baud: every request
//      byte as it goes on the wire (8-byte SMP header + CBOR map + data, length + CRC16, base64 per line,
//      2-byte line markers and "\n" per 93 raw bytes) at 10 bits per byte (8N1). The answers travel the
//      other way on a full-duplex line, so the ceiling counts requests only.
//  (b) our windowed upload (window = buf_count − 1) ÷ stop-and-wait (window 1), same board, same image
//      (and window 2 beside them: requests sent again after a timeout are counted per run).
// Both on QEMU's pty as it is (NOT throttled to 115200 baud: bytes move as fast as the emulator runs, so
// the ratio to the 115200 ceiling can exceed 1 and then only says the emulated UART is faster than a real
// one), and on a pty paced to 11,520 B/s each way (socat + paced-pty.ts in front of QEMU's TCP chardev),
// which is what a real 115200-baud cable gives. Each upload runs on a freshly started board.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { encodeConsoleFrames } from '../../electron/engine/smp/console-framing.ts';
import { encodeSmpRequest, imageUploadRequest } from '../../electron/engine/smp/smp-messages.ts';
import { uploadImage } from '../../electron/engine/smp/smp-upload.ts';
import { planChunk, planFirstChunk } from '../../electron/engine/smp/upload-chunks.ts';
import { writeQemuFirmware } from '../sim/qemu/mcuboot-restamp.ts';
import { qemuSkipReason, startQemuBoard, type QemuBoard } from '../sim/qemu/qemu-board.ts';
import { startPacedPty, type PacedPty } from '../sim/qemu/paced-pty.ts';
import { openQemuSmp } from '../sim/qemu/qemu-smp.ts';
import { findZephyrTestdata, ZEPHYR_PREFIX } from '../sim/qemu/zephyr-testdata.ts';

const BAUD = 115_200;
const BITS_PER_BYTE = 10; // 8N1: start bit, 8 data bits, stop bit
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Every byte the upload requests put on the wire, chunked as smp-upload.ts chunks them. */
export function framingCeiling(
  file: Buffer,
  maxPacket: number,
): { wireBytes: number; chunks: number; seconds: number } {
  const sha = createHash('sha256').update(file).digest();
  const first = planFirstChunk(file.length, maxPacket);
  if (!first) throw new Error(`a ${maxPacket}-byte packet cannot carry the first chunk`);
  const shaBytes = first.shaBytes;
  let wireBytes = 0;
  let chunks = 0;
  for (let off = 0; off < file.length;) {
    const fields = off === 0 ? { off, len: file.length, shaBytes } : { off };
    const { dataBytes } = planChunk(fields, file.length, maxPacket);
    const data = file.subarray(off, off + dataBytes);
    const request = imageUploadRequest(
      off === 0 ? { off, len: file.length, sha: sha.subarray(0, shaBytes), data } : { off, data },
    );
    wireBytes += encodeConsoleFrames(encodeSmpRequest(request, chunks & 0xff, 2)).length;
    chunks += 1;
    off += dataBytes;
  }
  return { wireBytes, chunks, seconds: (wireBytes * BITS_PER_BYTE) / BAUD };
}

interface Line {
  label: string;
  repetitions: number;
  start(): Promise<{ ptyPath: string; stop(): Promise<void> }>;
}

/**
 * A session whose params read was answered: the engine gives that read 1 s, and a board QEMU just started
 * on a busy machine may still be booting; a run without params would measure 256-byte stop-and-wait.
 */
async function openReadySession(ptyPath: string) {
  for (let attempt = 1; ; attempt++) {
    const session = await openQemuSmp(ptyPath);
    if (session.params || attempt === 5) return session;
    await session.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function uploadOnce(
  line: Line,
  file: Buffer,
  window: 'board' | number,
): Promise<{ seconds: number; maxPacket: number; window: number; resent: number }> {
  const started = await line.start();
  const session = await openReadySession(started.ptyPath);
  try {
    // What the job uses: the session's packet size (buf_size less the frame's length and CRC) and window.
    const maxPacket = session.maxPacket;
    const inFlight = window === 'board' ? session.window : window;
    const sha = createHash('sha256').update(file).digest();
    const first = planFirstChunk(file.length, maxPacket);
    const t0 = process.hrtime.bigint();
    const result = await uploadImage({
      client: session.client,
      file,
      sha,
      shaBytes: first?.shaBytes,
      maxPacket,
      window: inFlight,
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (result.match === false || result.startedAt !== 0)
      throw new Error(`unexpected upload result ${JSON.stringify(result)}`);
    return { seconds, maxPacket, window: inFlight, resent: result.resent };
  } finally {
    await session.close();
    await started.stop();
  }
}

export async function serialSmpBench(): Promise<void> {
  const skip = qemuSkipReason();
  if (skip) {
    console.log(`\n[serial SMP on QEMU] ${skip}`);
    return;
  }
  const dir = findZephyrTestdata()!;
  const files = writeQemuFirmware(dir, ZEPHYR_PREFIX, '1.2.3');
  const file = readFileSync(files.m0Update);
  files.cleanup();
  const hasSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
  let nextPort = 47_300;
  const lines: Line[] = [
    {
      label: "QEMU's pty as it is (not throttled)",
      repetitions: 5,
      start: async () => {
        const board = await startQemuBoard({ build: 'm0', serial: { kind: 'pty' } });
        return { ptyPath: board.ptyPath!, stop: () => board.stop() };
      },
    },
  ];
  if (hasSocat) {
    lines.push({
      label: 'pty paced to 115200 baud (11,520 B/s each way)',
      repetitions: 3,
      start: async () => {
        const port = nextPort++;
        const board: QemuBoard = await startQemuBoard({ build: 'm0', serial: { kind: 'tcp', port } });
        let paced: PacedPty;
        try {
          paced = await startPacedPty({ tcpPort: port, bytesPerSecond: BAUD / BITS_PER_BYTE });
        } catch (error) {
          await board.stop();
          throw error;
        }
        return {
          ptyPath: paced.ptyPath,
          stop: async () => {
            await paced.stop();
            await board.stop();
          },
        };
      },
    });
  }

  console.log(
    `\n[serial SMP on QEMU] ${file.length.toLocaleString('en-US')}-byte M0 image (1.2.3), fresh board per run`,
  );
  let ceilingShown = false;
  for (const line of lines) {
    const runs: Record<'windowed' | 'two' | 'stopAndWait', Array<{ seconds: number; resent: number }>> = {
      windowed: [],
      two: [],
      stopAndWait: [],
    };
    let maxPacket = 0;
    let window = 0;
    for (let i = 0; i < line.repetitions; i++) {
      const w = await uploadOnce(line, file, 'board');
      runs.windowed.push(w);
      if (w.maxPacket !== maxPacket && maxPacket !== 0) throw new Error('the packet size changed between runs');
      maxPacket = w.maxPacket;
      window = w.window;
      runs.stopAndWait.push(await uploadOnce(line, file, 1));
      // Window 2: the M0 sometimes drops one of 3 requests in flight (its UART receive buffers), costing a
      // 2.5 s timeout each; one fewer in flight shows what that costs.
      runs.two.push(await uploadOnce(line, file, 2));
    }
    const ceiling = framingCeiling(file, maxPacket);
    const ceilingRate = file.length / ceiling.seconds;
    if (!ceilingShown) {
      ceilingShown = true;
      console.log(
        `  line-rate ceiling at ${BAUD} baud (8N1): ${ceiling.chunks} requests of ≤ ${maxPacket} B (buf_size − 4) = ` +
          `${ceiling.wireBytes.toLocaleString('en-US')} B on the wire (${(ceiling.wireBytes / file.length).toFixed(3)} × the image) ` +
          `→ ${ceiling.seconds.toFixed(2)} s, ${(ceilingRate / 1024).toFixed(2)} KiB/s`,
      );
    }
    const rate = (s: number) => file.length / s;
    console.log(`  ${line.label}, ${line.repetitions} runs each`);
    console.log(
      `    ${'mode'.padEnd(28)}${'runs (s)'.padEnd(36)}${'median s'.padStart(9)}${'KiB/s'.padStart(8)}${'÷ ceiling'.padStart(11)}  resent`,
    );
    for (const [name, xs] of [
      [`window ${window} (buf_count − 1)`, runs.windowed],
      ['window 2', runs.two],
      ['window 1 (stop-and-wait)', runs.stopAndWait],
    ] as const) {
      const m = median(xs.map((x) => x.seconds));
      console.log(
        `    ${name.padEnd(28)}${xs
          .map((x) => x.seconds.toFixed(2))
          .join(' ')
          .padEnd(
            36,
          )}${m.toFixed(2).padStart(9)}${(rate(m) / 1024).toFixed(2).padStart(8)}${(rate(m) / ceilingRate).toFixed(3).padStart(11)}  ${xs.map((x) => x.resent).join(' ')}`,
      );
    }
    const ratio = median(runs.stopAndWait.map((x) => x.seconds)) / median(runs.windowed.map((x) => x.seconds));
    console.log(`    windowed ÷ stop-and-wait (throughput, medians): ${ratio.toFixed(2)}`);
  }
  if (!hasSocat) console.log('  (socat not installed: the 115200-baud paced line was not measured)');
  console.log(
    "  QEMU's pty is not throttled to 115200 baud: there a ratio above 1 means the emulated UART outruns a real one, " +
      'not that we beat the line rate.',
  );
}

if (process.argv[1]?.endsWith('serial-smp-bench.ts')) {
  await serialSmpBench();
}
