// A test/confirm/erase whose answer is lost (a UDP datagram dropped, a serial line garbled): the board's
// own image list decides (smp/confirmed-write.ts). Done → the push carries on and the log says the answer
// was lost and the state was read; not done → sent once more; no answer to the read either → a failure
// that says the board stopped answering after the write. Over UDP an unanswered reset is "not
// acknowledged", never a rollback, when the old image still runs with the test mark pending.
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job, JobState, SmpCommitMode } from '../../../shared/domain.ts';
import { runSmpJob } from '../../../electron/engine/jobs/smp-job.ts';
import { runSlotAction } from '../../../electron/engine/jobs/slot-actions.ts';
import type { JobContext } from '../../../electron/engine/jobs/job-context.ts';
import { UpdateError } from '../../../electron/engine/update-error.ts';
import type { SmpConnector, SmpTransportKind } from '../../../electron/engine/smp/smp-transport.ts';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { scratchDir } from '../images/builders.ts';
import { FakeMcubootBoard } from './support/fake-mcuboot-board.ts';
import { lossyConnector, type Fate, type SeenRequest } from './support/lossy-link.ts';

const scratch = scratchDir();
afterAll(() => scratch.remove());

const image = (major: number, minor: number) =>
  buildMcubootImage({ version: { major, minor, revision: 0 }, payloadSize: 6_000, seed: major * 100 + minor });
const v1 = image(1, 0);
const v11 = image(1, 1);

/** A state write that carries a hash, with confirm true or false. */
const isMark = (r: SeenRequest, confirm: boolean) =>
  r.key === 'write 1/0' && 'hash' in r.body && r.body.confirm === confirm;

interface Run {
  job: Job;
  states: JobState[];
  logs: string[];
  error: UpdateError | null;
}

async function push(connect: SmpConnector, mode: SmpCommitMode = 'test-and-confirm'): Promise<Run> {
  const path = scratch.write(`app-${Math.random().toString(16).slice(2)}.signed.bin`, v11);
  const job = { id: 'j1', state: 'queued', log: [] } as unknown as Job;
  const states: JobState[] = [];
  const logs: string[] = [];
  const ctx = {
    job: () => job,
    update: (patch: Partial<Job>) => Object.assign(job, patch),
    setState: (state: JobState, patch?: Partial<Job>) => {
      states.push(state);
      Object.assign(job, patch ?? {}, { state });
    },
    log: (text: string) => logs.push(text),
    request: { deviceId: 'udp:10.0.0.7:1337', imageId: 'i1', mode },
    image: { path, info: { fileName: 'app.signed.bin', sha256: createHash('sha256').update(v11).digest('hex') } },
    device: () => ({ id: 'udp:10.0.0.7:1337', name: 'zephyr-board' }),
    timeouts: { upload: {}, rebootGoneMs: 300, rebootComeBackMs: 2_000, pollMs: 50, rollbackGraceMs: 1_000 },
    signal: new AbortController().signal,
    decisions: {},
  } as unknown as JobContext;
  let error: UpdateError | null = null;
  try {
    await runSmpJob(ctx, { connect, recordFirmware: () => {}, connectTimeoutMs: 1_000, commandTimeoutMs: 150 });
  } catch (caught) {
    if (!(caught instanceof UpdateError)) throw caught;
    error = caught;
  }
  return { job, states, logs, error };
}

function swapBoard(fate: (r: SeenRequest) => Fate, kind: SmpTransportKind = 'udp') {
  const board = new FakeMcubootBoard({ bootloader: 'swap', initialImage: v1, bootloaderMode: 3 });
  return { board, connect: lossyConnector(board.connect, fate, kind) };
}

const marks = (board: FakeMcubootBoard) => board.requests.filter((r) => r === 'write 1/0 confirm,hash').length;

describe('a state write whose answer is lost', () => {
  it('test answer lost (the board marked it): the push carries on, reads the list, ends committed', async () => {
    const { board, connect } = swapBoard((r) => (isMark(r, false) ? 'lose-answer' : 'deliver'));
    const run = await push(connect);
    expect(run.error).toBeNull();
    expect(run.job.state).toBe('committed');
    expect(run.logs).toContain(
      'The image test got no answer; read the image list instead: it shows the image marked for a test boot, so the board did it and only its answer was lost.',
    );
    expect(marks(board)).toBe(2); // the test once (not sent again), the confirm after the reset
    expect(board.running.version).toBe('1.1.0');
    expect(board.runningUnconfirmed).toBe(false);
  });

  it('confirm answer lost after the reset: the list shows it confirmed → committed', async () => {
    const { board, connect } = swapBoard((r) => (isMark(r, true) ? 'lose-answer' : 'deliver'));
    const run = await push(connect);
    expect(run.error).toBeNull();
    expect(run.job.state).toBe('committed');
    expect(
      run.logs.some((l) =>
        /image confirm got no answer; .* it shows the image confirmed, so the board did it and only its answer was lost/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(board.runningUnconfirmed).toBe(false);
  });

  it('confirm-only: the permanent mark whose answer is lost is read as pending + permanent', async () => {
    const { board, connect } = swapBoard((r) => (isMark(r, true) && r.nth === 0 ? 'lose-answer' : 'deliver'));
    const run = await push(connect, 'confirm-only');
    expect(run.job.state).toBe('committed');
    expect(run.logs.some((l) => /image confirm got no answer; .* only its answer was lost/.test(l))).toBe(true);
    expect(board.running.version).toBe('1.1.0');
  });

  it('the test request itself lost (nothing marked): sent once more, then the push goes on', async () => {
    const { board, connect } = swapBoard((r) => (isMark(r, false) && r.nth === 0 ? 'lose-request' : 'deliver'));
    const run = await push(connect);
    expect(run.job.state).toBe('committed');
    expect(run.logs).toContain(
      'The image test got no answer; read the image list instead: it does not show the image marked for a test boot yet (the request itself was lost), so the image test is sent once more.',
    );
    expect(board.requests.filter((r) => r === 'write 1/0 confirm,hash').length).toBe(2); // one test + the confirm
  });

  it('the test lost twice: fails saying the board did not take it', async () => {
    const { connect } = swapBoard((r) => (isMark(r, false) ? 'lose-request' : 'deliver'));
    const run = await push(connect);
    expect(run.error?.code).toBe('connection-lost');
    expect(run.error?.message).toMatch(/did not answer the image test twice, and its image list still does not show/);
  });

  it('the board stops answering after the test write: fails saying exactly that', async () => {
    let stopped = false;
    const { connect } = swapBoard((r) => {
      if (isMark(r, false)) stopped = true;
      return stopped ? 'lose-answer' : 'deliver';
    });
    const run = await push(connect);
    expect(run.error?.code).toBe('connection-lost');
    expect(run.error?.message).toMatch(
      /^The board stopped answering after the image test: neither the image test nor the read of its image list that followed got an answer, so whether it took the image test is unknown\. If it took it, its next reset boots the new image once as a test .* if not, the next reset boots the running image again\. Read its slots once it answers again\.$/,
    );
    expect(run.states).not.toContain('rebooting');
  });
});

describe('an unanswered reset over UDP', () => {
  it('the old image still runs with the test mark pending: "not acknowledged", not a rollback', async () => {
    const { board, connect } = swapBoard((r) => (r.key === 'write 0/5' ? 'lose-request' : 'deliver'));
    const run = await push(connect);
    expect(board.resets).toBe(0);
    expect(run.logs).toContain(
      'The board did not acknowledge the reset (its answer may have been lost); what runs after it tells whether it reset.',
    );
    expect(run.error?.code).toBe('update-failed');
    expect(run.error?.message).toMatch(
      /^The reset was not acknowledged, and zephyr-board still runs 1\.0\.0 \(.*\) with 1\.1\.0 still marked pending: it most likely never reset \(this is not a rollback/,
    );
  });

  it('reset done but its answer lost: the new image runs, the push ends committed', async () => {
    const { board, connect } = swapBoard((r) => (r.key === 'write 0/5' ? 'lose-answer' : 'deliver'));
    const run = await push(connect);
    expect(board.resets).toBe(1);
    expect(run.job.state).toBe('committed');
  });
});

describe('slot actions with lost answers', () => {
  const act = (connect: SmpConnector, input: Parameters<typeof runSlotAction>[0]) =>
    runSlotAction(input, {
      deviceId: 'udp:10.0.0.7:1337',
      name: 'zephyr-board',
      connect,
      connectTimeoutMs: 1_000,
      rebootGoneMs: 300,
      rebootComeBackMs: 2_000,
      commandTimeoutMs: 150,
    });

  it('test: answer lost, the list shows it marked → done', async () => {
    const { board, connect } = swapBoard((r) => (isMark(r, false) ? 'lose-answer' : 'deliver'));
    board.place(1, v11);
    const result = await act(connect, { action: 'test' });
    expect(result.done).toBe(true);
    expect(board.pending).toBe('test');
  });

  it('reset over UDP with the request lost and a test pending: not done, "it never reset"', async () => {
    const { board, connect } = swapBoard((r) => (r.key === 'write 0/5' ? 'lose-request' : 'deliver'));
    board.place(1, v11);
    board.pending = 'test';
    const result = await act(connect, { action: 'reset' });
    expect(board.resets).toBe(0);
    expect(result.done).toBe(false);
    expect(result.message).toBe(
      'zephyr-board did not acknowledge the reset and lists the same slots as before, still running 1.0.0: it never reset (a reset would have changed them). Nothing was changed; try again.',
    );
  });

  it('revert of an unconfirmed test over UDP, reset lost: not "MCUboot booted it again"', async () => {
    const { board, connect } = swapBoard((r) => (r.key === 'write 0/5' ? 'lose-request' : 'deliver'));
    board.place(1, v11);
    board.runningUnconfirmed = true;
    const result = await act(connect, { action: 'revert' });
    expect(result.done).toBe(false);
    expect(result.message).toMatch(/did not acknowledge the reset .* it never reset/);
    expect(result.message).not.toMatch(/booted it again/);
  });

  it('reset over UDP unanswered with nothing pending: says whether it reset cannot be told, never claims it', async () => {
    const { board, connect } = swapBoard((r) => (r.key === 'write 0/5' ? 'lose-request' : 'deliver'));
    const result = await act(connect, { action: 'reset' });
    expect(board.resets).toBe(0);
    expect(result.done).toBe(false);
    expect(result.message).toBe(
      'zephyr-board did not acknowledge the reset; it lists the same slots as before, running 1.0.0, which a reset with nothing pending leaves as they are, so whether it reset cannot be told from them.',
    );
  });

  it('erase: answer lost, the list shows slot 1 empty → done', async () => {
    const { board, connect } = swapBoard((r) => (r.key === 'write 1/5' ? 'lose-answer' : 'deliver'));
    board.place(1, v11);
    const result = await act(connect, { action: 'erase' });
    expect(result.done).toBe(true);
    expect(board.slots[1]).toBeNull();
    expect(board.requests.filter((r) => r.startsWith('write 1/5')).length).toBe(1);
  });
});

describe('params after the reset', () => {
  it('serial: params known before the reset, none after → the job log says so before the link line', async () => {
    const { connect } = swapBoard((r) => (r.key === 'read 0/6' && r.nth > 0 ? 'lose-request' : 'deliver'), 'serial');
    const run = await push(connect);
    expect(run.job.state).toBe('committed');
    const lost = run.logs.findIndex((l) =>
      /did not answer the MCUmgr params read on this link although it gave 2048 B × 4 before/.test(l),
    );
    expect(lost).toBeGreaterThan(-1);
    expect(run.logs[lost + 1]).toMatch(/^Reconnected to zephyr-board over serial lossy test link: no MCUmgr params/);
  }, 10_000);
});
