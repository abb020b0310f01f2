// Lost answers to state writes over UDP, through the whole engine, on the simulated Zephyr swap board
// (test/sim/smp/udp-smp-board.ts): the push reads the board's image list instead of failing with "did not
// answer" (smp/confirmed-write.ts). The test write's answer lost (the board marked it) → the list shows it
// marked, the push carries on and ends committed; the test write's request lost (dropEveryNth timed to hit
// it) → the list shows nothing marked, the write is sent once more; the confirm's answer lost after the
// reset → the list shows it confirmed → committed. Sockets: run inside the private netns.
import { decode } from 'cborg';
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, type OtaEngine } from '../../../electron/engine/index.ts';
import type { Job } from '../../../shared/domain.ts';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { UdpSmpBoard } from '../../sim/smp/udp-smp-board.ts';
import type { SmpRequestSeen } from '../../sim/smp/board-pump.ts';
import { scratchDir } from '../../unit/images/builders.ts';

const scratch = scratchDir();
const v1 = buildMcubootImage({ version: { major: 1, minor: 0, revision: 0 }, payloadSize: 8_000, seed: 31 });
const v11 = buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 30_000, seed: 32 });

let engine: OtaEngine | null = null;
let board: UdpSmpBoard | null = null;
afterEach(async () => {
  await engine?.close();
  await board?.close();
  engine = null;
  board = null;
});

const body = (r: SmpRequestSeen) => decode(r.packet.subarray(8)) as Record<string, unknown>;
/** An image state write with a hash: the push's test (confirm false) or confirm (true). */
const isMark = (r: SmpRequestSeen, confirm: boolean) =>
  r.op === 2 && r.group === 1 && r.id === 0 && 'hash' in body(r) && body(r).confirm === confirm;

async function startBoard(): Promise<UdpSmpBoard> {
  board = await UdpSmpBoard.start({
    initialImage: v1,
    mode: 'zephyr-swap',
    port: 0,
    resetDelayMs: 50,
    bootMs: 100,
    swapMs: 200,
  });
  return board;
}

async function push(target: UdpSmpBoard): Promise<Job> {
  engine = createEngine({
    timeouts: { rebootGoneMs: 1_000, rebootComeBackMs: 8_000, pollMs: 50, healthSeconds: 1 },
    sides: { serial: { enabled: false } },
  });
  const device = await engine.resolveDevice(target.url);
  const info = await engine.inspectImage(scratch.write(`app-${Math.random().toString(16).slice(2)}.bin`, v11));
  const started = engine.push({
    deviceId: device.id,
    imageId: info.imageId,
    commitPolicy: 'auto',
    commitTimeoutSeconds: 60,
  });
  return engine.waitForJob(started.id);
}

const logOf = (job: Job) => job.log.map((l) => l.text);

describe('lost answers to state writes over UDP (simulated Zephyr swap board, through the engine)', () => {
  it('the image test answer lost (the board marked it): the list is read, the push ends committed', async () => {
    const target = await startBoard();
    let lost = 0;
    target.faults.loseAnswerTo = (r) => isMark(r, false) && lost++ === 0;
    const job = await push(target);
    expect(job.state, job.result?.message).toBe('committed');
    expect(target.counters.answersLostByFault).toBe(1);
    expect(logOf(job)).toContain(
      'The image test got no answer; read the image list instead: it shows the image marked for a test boot, so the board did it and only its answer was lost.',
    );
    expect(target.server.activeVersion).toBe('1.1.0');
  }, 40_000);

  it('dropEveryNth timed to hit the image test request: nothing marked, sent once more, committed', async () => {
    const target = await startBoard();
    // Arm the drop as the upload's last chunk is answered: the very next request is the test write.
    target.faults.loseAnswerTo = (r) => {
      if (r.group === 1 && r.id === 1) {
        const chunk = body(r);
        const end = (chunk.off as number) + (chunk.data as Uint8Array).length;
        if (end === v11.length) target.faults.dropEveryNth = target.counters.requests + 1;
      }
      return false;
    };
    const job = await push(target);
    expect(job.state, job.result?.message).toBe('committed');
    expect(target.counters.droppedByFault).toBe(1);
    expect(logOf(job)).toContain(
      'The image test got no answer; read the image list instead: it does not show the image marked for a test boot yet (the request itself was lost), so the image test is sent once more.',
    );
  }, 40_000);

  it('the confirm answer lost after the reset: the list shows it confirmed → committed', async () => {
    const target = await startBoard();
    target.faults.loseAnswerTo = (r) => isMark(r, true) && target.server.activeVersion === '1.1.0';
    const job = await push(target);
    expect(job.state, job.result?.message).toBe('committed');
    expect(target.counters.answersLostByFault).toBe(1);
    expect(logOf(job).some((l) => /^The image confirm got no answer; .* it shows the image confirmed/.test(l))).toBe(
      true,
    );
  }, 40_000);
});

describe('an unanswered reset over UDP (simulated Zephyr swap board, through the engine)', () => {
  it('the reset request lost: "not acknowledged", the old image still runs with the mark pending, not a rollback', async () => {
    const target = await startBoard();
    // Arm the drop as the test write is answered: the very next request is the reset.
    target.faults.loseAnswerTo = (r) => {
      if (isMark(r, false)) target.faults.dropEveryNth = target.counters.requests + 1;
      return false;
    };
    const job = await push(target);
    expect(target.counters.droppedByFault).toBe(1);
    expect(target.server.activeVersion).toBe('1.0.0');
    expect(logOf(job)).toContain(
      'The board did not acknowledge the reset (its answer may have been lost); what runs after it tells whether it reset.',
    );
    expect(job.state).toBe('failed');
    expect(job.result?.code).toBe('update-failed');
    expect(job.result?.message).toMatch(
      /^The reset was not acknowledged, and .* still runs 1\.0\.0 \(.*\) with 1\.1\.0 still marked pending: it most likely never reset \(this is not a rollback/,
    );
  }, 40_000);
});
