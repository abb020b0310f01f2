// `ota-bench push FILE… --to A --to B,C` against a scripted engine: the boards it picks, what it prints
// (a line per board phase, a table and totals; with --json a result line per board and a summary that
// adds up), the one "Commit all healthy" question, Ctrl-C, and the exit status.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fleetCommand, type FleetIo, type FleetPushOptions } from '../../../electron/cli/fleet-command.ts';
import { fleetRequestOptions } from '../../../electron/cli/fleet-request.ts';
import { FleetReporter } from '../../../electron/cli/fleet-output.ts';
import { Output } from '../../../electron/cli/output.ts';
import type { Job } from '../../../shared/domain.ts';
import { FakeFleetEngine, device, image, type Script } from './fake-fleet-engine.ts';

const boards = ['a', 'b', 'c', 'd', 'e'].map((n, i) => device(n, { address: `10.0.0.${10 + i}` }));

function io(over: Partial<FleetIo> = {}): FleetIo & { interrupt: () => void } {
  let listener = () => {};
  return {
    ask: vi.fn(async () => 'commit' as const),
    onInterrupt: (l) => {
      listener = l;
      return () => {};
    },
    quit: vi.fn(),
    sleep: async () => {},
    interrupt: () => listener(),
    ...over,
  };
}

let restore: (() => void) | null = null;
afterEach(() => restore?.());

async function run(
  fake: FakeFleetEngine,
  over: Partial<FleetPushOptions> & { json?: boolean; policy?: 'auto' | 'prompt' | 'never' } = {},
  fleetIo: FleetIo = io(),
): Promise<{ code: number; text: string; lines: Array<Record<string, unknown>> }> {
  const writes: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  restore = () => spy.mockRestore();
  const { json = true, policy = 'auto', ...options } = over;
  const code = await fleetCommand(
    fake.engine,
    new Output(json),
    {
      files: ['app.zip'],
      refs: fake.devices.map((d) => d.id),
      all: false,
      request: { ...fleetRequestOptions({}, { interactive: false }), commitPolicy: policy },
      discoverSeconds: 0.2,
      ...options,
    },
    fleetIo,
  );
  spy.mockRestore();
  const text = writes.join('');
  const lines = json
    ? text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
    : [];
  return { code, text, lines };
}

const scripts = (...ends: Script[]) => Object.fromEntries(ends.map((end, i) => [boards[i]!.id, end]));

describe('fleet push --json', () => {
  it('prints one result line per board and a summary that adds up; a failed board makes exit 1', async () => {
    const fake = new FakeFleetEngine(boards, scripts('succeeded', 'succeeded', 'failed', 'rolled-back', 'skipped'));
    const { code, lines } = await run(fake);
    expect(code).toBe(1);
    const results = lines.filter((l) => l.type === 'result');
    expect(results.map((r) => [r.deviceId, r.outcome, r.result])).toEqual([
      ['id:a', 'succeeded', 'success'],
      ['id:b', 'succeeded', 'success'],
      ['id:c', 'failed', 'not-enough-space'],
      ['id:d', 'rolled-back', 'rolled-back'],
      ['id:e', 'skipped', 'skipped'],
    ]);
    expect(results[0]).toMatchObject({
      state: 'committed',
      fromVersion: '1.0.0',
      toVersion: '1.1.0',
      fleetId: 'fleet-1',
    });
    expect(results[2]).toMatchObject({ state: 'failed', deviceMessage: 'Not Enough Space' });
    expect(results[4]).toMatchObject({ state: 'skipped', message: 'Already runs 1.1.0.', fromVersion: '1.0.0' });
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({
      type: 'summary',
      succeeded: 2,
      failed: 1,
      rolledBack: 1,
      skipped: 1,
      cancelled: 0,
    });
    expect(summary.boards).toBe(5);
    // Every event names its board (null for the run's own: its images and itself) and board events their run.
    for (const line of lines) expect(line).toHaveProperty('deviceId');
    for (const line of lines.filter((l) => ['member', 'job', 'progress', 'log', 'result'].includes(String(l.type))))
      expect(line).toMatchObject({ fleetId: 'fleet-1', deviceId: expect.stringMatching(/^id:/) });
    expect(lines.filter((l) => l.type === 'job' && l.deviceId === 'id:a').map((l) => l.state)).toEqual([
      'connecting',
      'transferring',
      'rebooting',
      'committed',
    ]);
  });

  it('a refused password says to check --user and --password when they were given, to give them otherwise', async () => {
    const given = fleetRequestOptions({ user: 'admin', password: 'x' }, { interactive: false });
    for (const [request, hint] of [
      [given, 'Check --user and --password.'],
      [fleetRequestOptions({}, { interactive: false }), 'Give them with --user USER --password PASSWORD.'],
    ] as const) {
      const fake = new FakeFleetEngine(boards.slice(0, 1), scripts('auth'));
      const { lines } = await run(fake, { request });
      expect(lines.find((l) => l.type === 'result')).toMatchObject({
        result: 'auth-failed',
        message: `The board refused the user name or password. ${hint}`,
      });
    }
  });

  it('exits 0 when every board pushed succeeded: skipped boards do not fail the run', async () => {
    const fake = new FakeFleetEngine(boards.slice(0, 3), scripts('succeeded', 'skipped', 'succeeded'));
    const { code, lines } = await run(fake);
    expect(code).toBe(0);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', succeeded: 2, skipped: 1 });
  });

  it('pushes a board named twice (by id and by address) once', async () => {
    const fake = new FakeFleetEngine(boards.slice(0, 2), {});
    await run(fake, { refs: ['id:a', '10.0.0.10:80', 'id:b'] });
    expect(fake.request!.deviceIds).toEqual(['id:a', 'id:b']);
  });

  it('sends the checked options and every image in one request', async () => {
    const fake = new FakeFleetEngine(boards.slice(0, 2), {}, [image('app.zip'), image('app.signed.bin')]);
    const request = fleetRequestOptions({ concurrency: '2', outdated: true, staged: true }, { interactive: false });
    await run(fake, { files: ['app.zip', 'app.signed.bin'], request });
    expect(fake.request).toMatchObject({
      imageIds: ['img-app.zip', 'img-app.signed.bin'],
      concurrency: 2,
      onlyOutdated: true,
      staged: true,
      commitPolicy: 'never',
    });
  });

  it('refuses an image with a problem before anything is sent', async () => {
    const fake = new FakeFleetEngine(boards, {}, [image('app.zip', { problem: 'The file is cut short.' })]);
    await expect(run(fake)).rejects.toThrow('Not pushed to any board: app.zip: The file is cut short.');
    expect(fake.calls).not.toContain('startFleet');
  });
});

describe('choosing the boards', () => {
  it('--all takes every discovered board one of the files fits', async () => {
    const lan = [device('m1'), device('link', { protocol: 'esp-link' }), device('m2')];
    const fake = new FakeFleetEngine(lan, {});
    const { code } = await run(fake, { all: true, refs: [] });
    expect(code).toBe(0);
    expect(fake.request!.deviceIds).toEqual(['id:m1', 'id:m2']);
  });

  it('--all with no board that takes the files says what was seen', async () => {
    const fake = new FakeFleetEngine([device('link', { protocol: 'esp-link' })], {});
    await expect(run(fake, { all: true, refs: [] })).rejects.toThrow(
      /no discovered board can take app.zip \(they go with mongoose-os; seen: link \(esp-link\)\)/,
    );
  });

  it('a board nobody answered to stops the run before it starts, unless --skip-offline leaves it out', async () => {
    const fake = new FakeFleetEngine(boards.slice(0, 1), {});
    await expect(run(fake, { refs: ['id:a', 'ghost'] })).rejects.toThrow(/no board called "ghost" has been seen/);
    expect(fake.calls).not.toContain('startFleet');

    const request = fleetRequestOptions({ 'skip-offline': true }, { interactive: false });
    const { code, lines } = await run(fake, { refs: ['id:a', 'ghost'], request });
    expect(code).toBe(0);
    expect(lines.filter((l) => l.type === 'result').at(-1)).toMatchObject({
      deviceId: null,
      deviceName: 'ghost',
      outcome: 'skipped',
      message: expect.stringMatching(/^Skipped: no board called "ghost"/),
    });
    expect(lines.at(-1)).toMatchObject({ type: 'summary', succeeded: 1, skipped: 1 });
  });
});

describe('commit decisions and Ctrl-C', () => {
  it('prompt: asks once when the run settles, and "commit all" commits every healthy board', async () => {
    const fake = new FakeFleetEngine(boards.slice(0, 3), scripts('awaiting', 'awaiting', 'failed'));
    const fleetIo = io();
    const { code, lines } = await run(fake, { policy: 'prompt' }, fleetIo);
    expect(fleetIo.ask).toHaveBeenCalledTimes(1);
    expect(vi.mocked(fleetIo.ask).mock.calls[0]![1]).toMatch(
      /^Commit all 2 healthy boards \(the first reverts in 5:00\)\? \[c\]ommit all \/ \[r\]evert all \/ \[w\]ait $/,
    );
    expect(fake.calls).toContain('commitFleet');
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({ succeeded: 2, failed: 1 });
  });

  it('prompt: "revert all" reverts each healthy board', async () => {
    const fake = new FakeFleetEngine(boards.slice(0, 2), scripts('awaiting', 'awaiting'));
    const { code, lines } = await run(fake, { policy: 'prompt' }, io({ ask: async () => 'revert' }));
    expect(fake.calls.filter((c) => c.startsWith('revertJob'))).toHaveLength(2);
    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({ rolledBack: 2 });
  });

  it('never: boards left waiting for a decision succeed, each result saying how to keep the firmware', async () => {
    const fake = new FakeFleetEngine(boards.slice(0, 2), scripts('awaiting', 'awaiting'));
    const fleetIo = io();
    const { code, lines } = await run(fake, { policy: 'never' }, fleetIo);
    expect(code).toBe(0);
    expect(fleetIo.ask).not.toHaveBeenCalled();
    const results = lines.filter((l) => l.type === 'result');
    expect(results[0]).toMatchObject({ state: 'awaiting-commit', result: 'success', outcome: 'succeeded' });
    expect(String(results[0]!.message)).toContain('ota-bench commit id:a');
  });

  it('Ctrl-C cancels the run, waits for it to end, and exits 130; a second Ctrl-C quits at once', async () => {
    const fake = new FakeFleetEngine(boards.slice(0, 2), scripts('hang', 'hang'));
    const fleetIo = io();
    const pending = run(fake, {}, fleetIo);
    await vi.waitFor(() => expect(fake.getFleet().members.every((m) => m.state === 'running')).toBe(true));
    fleetIo.interrupt();
    const { code, lines } = await pending;
    expect(fake.calls).toContain('cancelFleet');
    expect(code).toBe(130);
    expect(lines.at(-1)).toMatchObject({ type: 'summary', cancelled: 2 });
    fleetIo.interrupt();
    expect(fleetIo.quit).toHaveBeenCalledWith(130);
  });
});

describe('human output', () => {
  it('a line per board phase, then a table and the totals', async () => {
    const fake = new FakeFleetEngine(boards.slice(0, 3), scripts('succeeded', 'failed', 'skipped'));
    const { code, text } = await run(fake, { json: false });
    expect(code).toBe(1);
    expect(text).toContain('Pushing to 3 board(s), 3 at a time; each board committed after its own health check.');
    expect(text).toMatch(/ {2}a {2}connecting\n/);
    expect(text).toMatch(
      / {2}b {2}✖ failed: The board has no room for this image\. The board said: Not Enough Space\n/,
    );
    expect(text).toMatch(/ {2}c {2}– skipped: Already runs 1\.1\.0\.\n/);
    expect(text).toMatch(/BOARD +FILE +RESULT +VERSION +MESSAGE\n/);
    expect(text).toMatch(/a +app\.zip +succeeded +1\.0\.0 → 1\.1\.0 +Committed 1\.1\.0\.\n/);
    expect(text).toMatch(/c +app\.zip +skipped +1\.0\.0 +Already runs 1\.1\.0\.\n/);
    expect(text.trim().split('\n').at(-1)).toBe('1 succeeded, 1 failed, 0 rolled back, 1 skipped');
  });

  it('says a board’s percent at most every few seconds, however often its job reports', () => {
    let now = 0;
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    restore = () => spy.mockRestore();
    const reporter = new FleetReporter(new Output(false), [boards[0]!], { now: () => now });
    const fake = new FakeFleetEngine([boards[0]!], {});
    const job: Job = { ...fake.newJob({ deviceId: 'id:a', deviceName: 'a' }), state: 'transferring' };
    reporter.jobChanged(job);
    for (let i = 0; i < 40; i++) {
      now += 250; // the engine's 4 Hz, for 10 s
      reporter.jobChanged({ ...job, progress: { ...job.progress, bytesSent: i * 2000 } });
    }
    spy.mockRestore();
    expect(printed.filter((l) => /sending \d+%/.test(l))).toHaveLength(2);
  });
});
