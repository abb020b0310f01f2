// The SMP job on boards whose bootloader can or cannot mark images (fake-mcuboot-board.ts): upload →
// reset → read what runs → 'updated' (never 'committed') where there are no state writes; the rc 8 to
// the push's own test write after a good upload does not fail the push; Job.bootMode is set as soon as
// it is known; a swap board (told by bootloader info or by the probe) still tests, resets and confirms.
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job, JobState, SmpBootMode, SmpCommitMode } from '../../../shared/domain.ts';
import { runSmpJob } from '../../../electron/engine/jobs/smp-job.ts';
import type { JobContext } from '../../../electron/engine/jobs/job-context.ts';
import { UpdateError } from '../../../electron/engine/update-error.ts';
import { buildMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { scratchDir } from '../images/builders.ts';
import { FakeMcubootBoard, type FakeBoardOptions } from './support/fake-mcuboot-board.ts';

const scratch = scratchDir();
afterAll(() => scratch.remove());

const image = (major: number, minor: number) =>
  buildMcubootImage({ version: { major, minor, revision: 0 }, payloadSize: 6_000, seed: major * 100 + minor });
const v1 = image(1, 0);
const v11 = image(1, 1);
const v09 = image(0, 9);

interface Run {
  job: Job;
  states: JobState[];
  bootModes: (SmpBootMode | null | undefined)[];
  logs: string[];
  error: UpdateError | null;
  board: FakeMcubootBoard;
}

async function push(board: FakeMcubootBoard, bytes: Buffer, mode?: SmpCommitMode): Promise<Run> {
  const path = scratch.write(`app-${Math.random().toString(16).slice(2)}.signed.bin`, bytes);
  const job = { id: 'j1', state: 'queued', log: [] } as unknown as Job;
  const states: JobState[] = [];
  const bootModes: (SmpBootMode | null | undefined)[] = [];
  const logs: string[] = [];
  const ctx: JobContext = {
    job: () => job,
    update: (patch) => {
      Object.assign(job, patch);
      if ('bootMode' in patch) bootModes.push(patch.bootMode);
    },
    setState: (state, patch) => {
      states.push(state);
      Object.assign(job, patch ?? {}, { state });
    },
    log: (text) => logs.push(text),
    request: { deviceId: 'serial:/dev/fake', imageId: 'i1', mode } as JobContext['request'],
    image: {
      path,
      info: {
        fileName: 'app.signed.bin',
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
    } as unknown as JobContext['image'],
    device: () => ({ id: 'serial:/dev/fake', name: 'zephyr-board' }) as ReturnType<JobContext['device']>,
    timeouts: {
      upload: {} as JobContext['timeouts']['upload'],
      rebootGoneMs: 300,
      rebootComeBackMs: 2_000,
      pollMs: 50,
      rollbackGraceMs: 1_000,
      healthSeconds: 1,
      versionAnnounceMs: 100,
    },
    signal: new AbortController().signal,
    decisions: {} as JobContext['decisions'],
  };
  let error: UpdateError | null = null;
  try {
    await runSmpJob(ctx, { connect: board.connect, recordFirmware: () => {}, connectTimeoutMs: 1_000 });
  } catch (caught) {
    if (!(caught instanceof UpdateError)) throw caught;
    error = caught;
  }
  return { job, states, bootModes, logs, error, board };
}

const fake = (options: Partial<FakeBoardOptions> & Pick<FakeBoardOptions, 'bootloader'>) =>
  new FakeMcubootBoard({ initialImage: v1, ...options });

describe('SMP pushes true to what the bootloader can do', () => {
  it('RAM load, mode unknown (the mps2 build): the probe answers rc 8; upload, reset, the new image runs → updated', async () => {
    const run = await push(fake({ bootloader: 'ram-load' }), v11);
    expect(run.error).toBeNull();
    expect(run.job.state).toBe('updated');
    expect(run.states).not.toContain('committed');
    expect(run.states).not.toContain('committing');
    expect(run.job.bootMode).toEqual({
      bootloader: null,
      mode: null,
      stateWrites: false,
      source: 'rc8-answer',
      summary: expect.stringMatching(/"not supported" \(MGMT_ERR_ENOTSUP, rc 8\)/),
    });
    // known before the upload started
    expect(run.states.indexOf('transferring')).toBeGreaterThan(-1);
    expect(run.bootModes[0]?.stateWrites).toBe(false);
    expect(run.job.result?.message).toBe(
      'zephyr-board runs 1.1.0: uploaded and booted. There is no confirm step on this bootloader, so nothing was tested or confirmed and nothing rolls back by itself.',
    );
    expect(run.job.toVersion).toBe('1.1.0');
    // the only state write was the harmless probe (no hash)
    expect(run.board.requests.filter((r) => r.startsWith('write 1/0'))).toEqual(['write 1/0 confirm']);
    expect(run.board.resets).toBe(1);
    expect(run.logs.some((l) => /commit mode "Test, then confirm" does not apply/.test(l))).toBe(true);
  });

  it('RAM load named by bootloader info: no probe, no state write at all', async () => {
    const run = await push(fake({ bootloader: 'ram-load', bootloaderMode: 6 }), v11, 'confirm-only');
    expect(run.job.state).toBe('updated');
    expect(run.job.bootMode).toMatchObject({
      bootloader: 'MCUboot',
      mode: 'RAM load',
      stateWrites: false,
      source: 'bootloader-info',
    });
    expect(run.board.stateWritesCount()).toBe(0);
    expect(run.job.result?.message).toMatch(/no confirm step on this bootloader \(MCUboot in RAM load mode\)/);
  });

  it('RAM load named by bootloader info refuses an older image before sending (it would never run)', async () => {
    const run = await push(fake({ bootloader: 'ram-load', bootloaderMode: 6 }), v09);
    expect(run.error?.code).toBe('unsupported-package');
    expect(run.error?.message).toMatch(
      /0\.9\.0 is older than the running 1\.0\.0: in RAM load mode MCUboot boots the newest version/,
    );
    expect(run.board.requests.some((r) => r.startsWith('write 1/1'))).toBe(false);
  });

  it('RAM load, mode unknown, older image: uploaded and reset, then a failure that says what runs instead', async () => {
    const run = await push(fake({ bootloader: 'ram-load' }), v09);
    expect(run.error?.code).toBe('update-failed');
    expect(run.error?.message).toMatch(
      /^After the reset zephyr-board runs 1\.0\.0 \([0-9a-f]{8}…, active, confirmed\), not the uploaded 0\.9\.0\./,
    );
    expect(run.error?.message).toMatch(/The upload is still in slot 1/);
    expect(run.job.state).not.toBe('committed');
  });

  it('MCUboot serial recovery (no flags listed, so no probe): rc 8 at the test write after the upload is not a failure', async () => {
    const run = await push(fake({ bootloader: 'serial-recovery' }), v11);
    expect(run.error).toBeNull();
    expect(run.job.state).toBe('updated');
    // first assumed (nothing told), then the rc 8 answer recorded
    expect(run.bootModes.map((m) => m?.source)).toEqual(['assumed', 'rc8-answer']);
    expect(run.job.bootMode).toMatchObject({ stateWrites: false, source: 'rc8-answer' });
    expect(
      run.logs.some((l) =>
        /answered the test write with "not supported" .* 1\.1\.0 is uploaded, so OTA Bench resets the board/.test(l),
      ),
    ).toBe(true);
    expect(run.board.requests.filter((r) => r.startsWith('write 1/0'))).toEqual(['write 1/0 confirm,hash']);
  });

  it('the swap build without bootloader info (the M0): the probe answers the list, then test, reset, confirm', async () => {
    const run = await push(fake({ bootloader: 'swap' }), v11);
    expect(run.error).toBeNull();
    expect(run.job.state).toBe('committed');
    expect(run.job.bootMode).toMatchObject({ stateWrites: true, source: 'confirm-probe', mode: null });
    expect(run.board.running.version).toBe('1.1.0');
    expect(run.board.runningUnconfirmed).toBe(false);
  });

  it('swap using move named by bootloader info: test, reset, confirm as before, with no probe', async () => {
    const run = await push(fake({ bootloader: 'swap', bootloaderMode: 3 }), v11);
    expect(run.job.state).toBe('committed');
    expect(run.job.bootMode).toMatchObject({
      bootloader: 'MCUboot',
      mode: 'swap using move',
      source: 'bootloader-info',
    });
    expect(run.logs).toContain(`Bootloader: ${run.job.bootMode!.summary}`);
    expect(run.board.requests.filter((r) => r.startsWith('write 1/0'))).toEqual([
      'write 1/0 confirm,hash',
      'write 1/0 confirm,hash',
    ]);
  });

  it('the image already runs on a board without state writes: updated, nothing to do, never committed', async () => {
    const run = await push(fake({ bootloader: 'ram-load' }), v1);
    expect(run.job.state).toBe('updated');
    expect(run.job.result?.message).toBe(
      'zephyr-board already runs 1.0.0: nothing to do (its bootloader has no confirm step).',
    );
  });
});
