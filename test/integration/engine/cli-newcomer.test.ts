// The CLI as a newcomer meets it (issue 9 §6, §8): --version, option mistakes in our words, a name
// nobody has seen, a Bluetooth setting that cannot work, a closed pipe, a slow reader that must
// still get the final result line, device strings that must not drive the terminal, and a commit
// prompt that ends when the board rolls back. Runs bin/ota-bench.js as a user would.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongooseBoard } from '../../sim/boards/mongoose-board.ts';
import { makeMongooseFwZip } from '../../sim/firmware-fixtures.ts';

/** OTA_BENCH_TEST_CLI runs these tests against another build (e.g. an older checkout) to see them fail. */
const CLI = process.env.OTA_BENCH_TEST_CLI ?? 'bin/ota-bench.js';
const folder = mkdtempSync(path.join(tmpdir(), 'ota-bench-cli-newcomer-'));

// ESC[2J (clear screen), OSC 0 (window title) ended by BEL, RLO (turns text around), CSI as a C1 control.
const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007\u202e\u009b31m';
const RAW_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

const plain = new MongooseBoard({ address: '127.0.8.10', fwVersion: '1.0.0', announceIntervalMs: 200, bootMs: 300 });
const hostile = new MongooseBoard({
  address: '127.0.8.11',
  fwVersion: `1.0.0${HOSTILE}`,
  announceIntervalMs: 200,
  bootMs: 300,
});
// A Mongoose board that nobody commits: it rolls back when the commit window (--commit-timeout) ends.
const rolling = new MongooseBoard({ address: '127.0.8.12', fwVersion: '1.0.0', announceIntervalMs: 200, bootMs: 300 });
const boards = [plain, hostile, rolling];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI; `onStdout` sees stdout as it arrives and may answer on stdin. */
function run(
  args: string[],
  options: {
    env?: Record<string, string>;
    onStdout?: (text: string, stdin: NodeJS.WritableStream) => void;
    command?: string[];
    input?: string;
  } = {},
): Promise<Run> {
  const [cmd, ...cmdArgs] = options.command ?? [process.execPath, CLI, ...args];
  const child = spawn(cmd!, cmdArgs, {
    env: { ...process.env, OTA_BENCH_BLE: 'off', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (options.input !== undefined) child.stdin.write(options.input);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    options.onStdout?.(stdout, child.stdin);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

function scenarioFile(name: string, scenario: unknown): string {
  const file = path.join(folder, name);
  writeFileSync(file, typeof scenario === 'string' ? scenario : JSON.stringify(scenario));
  return file;
}

beforeAll(async () => {
  await Promise.all(boards.map((b) => b.start()));
});
afterAll(async () => {
  await Promise.all(boards.map((b) => b.stop()));
});

describe('ota-bench for a newcomer', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    const result = await run(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `ota-bench ${version}\n` });
  });

  it('option mistakes are explained in our words, exit 2', async () => {
    const missing = await run(['push', 'fw.zip', '--to']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('ota-bench: --to needs a value (--to VALUE). See ota-bench --help.\n');
    const unknown = await run(['discover', '--colour']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('ota-bench: there is no option --colour. See ota-bench --help.\n');
    const valued = await run(['discover', '--json=yes']);
    expect(valued.stderr).toContain('--json is a switch and takes no value');
    // Mistakes a command finds in its own options are usage errors too.
    const noTarget = await run(['push', 'fw.zip']);
    expect(noTarget).toMatchObject({
      code: 2,
      stderr: 'ota-bench: push needs --to DEVICE (a discovered name or id, or host[:port]).\n',
    });
    const badCommit = await run(['push', 'fw.zip', '--to', '127.0.8.10', '--commit', 'later', '--json']);
    expect(badCommit.code).toBe(2);
    expect(jsonLines(badCommit.stdout)).toEqual([
      expect.objectContaining({
        type: 'result',
        result: 'error',
        message: '--commit must be auto, prompt or never, not "later".',
      }),
    ]);
    // The CLI takes the pushes the contract takes: a commit window under 10 s is refused, as in the UI.
    const noWindow = await run(['push', 'fw.zip', '--to', '127.0.8.10', '--commit-timeout', '0']);
    expect(noWindow).toMatchObject({
      code: 2,
      stderr: 'ota-bench: --commit-timeout wants whole seconds from 10 to 86400, not "0".\n',
    });
  });

  it('an unknown plain name says which boards were seen, not getaddrinfo', async () => {
    const result = await run(['status', 'no-such-board', '--timeout', '2']);
    expect(result.code).not.toBe(0);
    // Other test files' boards share the namespace: the list may be long and cut after 12 names.
    expect(result.stderr).toMatch(
      new RegExp(`no board called "no-such-board" has been seen \\(seen: .*(${plain.hostname}|more)`),
    );
    expect(result.stderr).not.toMatch(/getaddrinfo|EAI_AGAIN|ENOTFOUND/);
  });

  it('a BLE name that is not there is "not seen" too, listing the BLE devices', async () => {
    const image = makeMongooseFwZip({
      platform: 'esp32',
      version: '1.1.0',
      buildId: 'nb',
      size: 20_000,
      fileName: 'newcomer-ble.zip',
      dir: folder,
    });
    const result = await run(['push', image.path, '--to', 'smp-nothere', '--timeout', '2', '--json'], {
      env: { OTA_BENCH_BLE: 'sim:e2e' },
    });
    expect(result.code).not.toBe(0);
    const last = jsonLines(result.stdout).at(-1)!;
    expect(last).toMatchObject({ type: 'result', result: 'error' });
    expect(String(last.message)).toMatch(/no board called "smp-nothere" has been seen \(seen: .*(smp-sensor|more)/);
    expect(String(last.message)).not.toMatch(/getaddrinfo|EAI_AGAIN/);
  });

  it('OTA_BENCH_BLE=sim:missing.json is an error (exit 2), not "No Bluetooth adapter" and success', async () => {
    const human = await run(['discover', '--timeout', '1'], { env: { OTA_BENCH_BLE: 'sim:missing.json' } });
    expect(human.code).toBe(2);
    expect(human.stderr).toContain('The BLE scenario "missing.json" is neither a preset');
    const json = await run(['discover', '--timeout', '1', '--json'], { env: { OTA_BENCH_BLE: 'sim:missing.json' } });
    expect(json.code).toBe(2);
    expect(jsonLines(json.stdout)).toEqual([
      expect.objectContaining({ type: 'result', result: 'error', message: expect.stringContaining('missing.json') }),
    ]);
  });

  it('malformed scenarios exit 2 with the reason, in --json mode too', async () => {
    const cases: Array<[string, unknown, RegExp]> = [
      ['not-json.json', '{"devices": [', /is not valid JSON/],
      ['bad-device.json', { devices: [{ kind: 'smp', name: 'x', version: '1.0.0' }] }, /devices\[0\]\.id is missing/],
      ['slow-time.json', { timeScale: 1e308, devices: [] }, /timeScale must be ≤ 100/],
    ];
    for (const [name, scenario, words] of cases) {
      const result = await run(['discover', '--timeout', '1', '--json'], {
        env: { OTA_BENCH_BLE: `sim:${scenarioFile(name, scenario)}` },
      });
      expect(result.code, name).toBe(2);
      const lines = jsonLines(result.stdout);
      expect(
        lines.some((l) => String(l.message).includes('board(s) found')),
        name,
      ).toBe(false);
      expect(String(lines.at(-1)?.message), name).toMatch(words);
    }
  });

  it('a scenario whose stateDir is a file is a clear error, not an uncaught EEXIST', async () => {
    writeFileSync(path.join(folder, 'state-is-a-file'), 'not a folder');
    const file = scenarioFile('state-file.json', {
      stateDir: 'state-is-a-file',
      devices: [{ kind: 'smp', id: 'c0de00000601', name: 'nc-sensor', version: '1.0.0' }],
    });
    const result = await run(['status', 'nc-sensor', '--timeout', '1'], { env: { OTA_BENCH_BLE: `sim:${file}` } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('but that is a file, not a folder');
    expect(result.stderr).not.toMatch(/EEXIST|\n\s+at /);
  });

  it('a closed pipe (push … | head -3) ends quietly and the push still completes', async () => {
    const image = makeMongooseFwZip({
      platform: 'esp32',
      version: '2.0.0',
      buildId: 'pipe',
      size: 40_000,
      fileName: 'newcomer-pipe.zip',
      dir: folder,
    });
    const errors = path.join(folder, 'pipe-stderr.txt');
    const before = plain.uploads.length;
    const result = await run([], {
      command: [
        'sh',
        '-c',
        `"${process.execPath}" ${CLI} push ${image.path} --to ${plain.address}:80 --commit auto --health-seconds 1 2>${errors}; echo "exit $?" >&2`,
      ],
    });
    const stderr = readFileSync(errors, 'utf8');
    expect(stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(result.stderr.trim(), stderr).toBe('exit 0');
    expect(plain.uploads.length).toBe(before + 1);
    // Now with the reader gone after three lines:
    const cut = await run([], {
      command: [
        'sh',
        '-c',
        `"${process.execPath}" ${CLI} push ${image.path} --to ${plain.address}:80 --commit auto --health-seconds 1 --force 2>${errors} | head -3`,
      ],
    });
    expect(cut.stdout.trim().split('\n')).toHaveLength(3);
    expect(readFileSync(errors, 'utf8')).toBe('');
  });

  it('the final result line reaches a reader that reads late (stdout flushed before exit)', async () => {
    // 1000 simulated BLE devices with long names: far more JSON than a pipe buffer (64 KiB) holds.
    const devices = Array.from({ length: 1000 }, (_, i) => ({
      kind: 'esp-ota',
      id: `c0de0007${i.toString(16).padStart(4, '0')}`,
      name: `slow-reader-device-${i}-${'x'.repeat(40)}`,
    }));
    const file = scenarioFile('many.json', { timeScale: 0.05, devices });
    const result = await run([], {
      command: ['sh', '-c', `"${process.execPath}" ${CLI} discover --json --timeout 2 | (sleep 3; cat)`],
      env: { OTA_BENCH_BLE: `sim:${file}` },
    });
    const lines = jsonLines(result.stdout);
    expect(result.stdout.length).toBeGreaterThan(100 * 1024);
    const last = lines.at(-1)!;
    expect(last).toMatchObject({ type: 'result', result: 'success' });
    expect(lines.filter((l) => l.type === 'device')).toHaveLength(last.count as number);
  });

  it('a status that could not be read says so, not "status read."', async () => {
    const silent = new MongooseBoard({
      address: '127.0.8.13',
      fwVersion: '1.0.0',
      announceIntervalMs: 200,
      garbageResponses: true,
    });
    await silent.start();
    try {
      const result = await run(['status', silent.hostname, '--timeout', '3', '--json']);
      expect(result.code).toBe(1);
      const last = jsonLines(result.stdout).at(-1)!;
      expect(last).toMatchObject({ type: 'result', state: 'failed', result: 'connection-lost' });
      expect(String(last.message)).toContain(`${silent.hostname} did not answer: status not read`);
    } finally {
      await silent.stop();
    }
  });

  it('device strings cannot drive the terminal: status and push, human and --json', async () => {
    const status = await run(['status', `${hostile.address}:80`]);
    expect(status.stdout).toContain('pwned');
    expect(status.stdout).not.toMatch(RAW_UNSAFE);
    const statusJson = await run(['status', `${hostile.address}:80`, '--json']);
    expect(statusJson.stdout).not.toMatch(RAW_UNSAFE);
    // The data is kept, escaped: a JSON reader still gets exactly what the board said.
    expect(JSON.stringify(jsonLines(statusJson.stdout))).toContain('pwned');

    const image = makeMongooseFwZip({
      platform: 'esp32',
      version: `3.0.0${HOSTILE}`,
      buildId: 'hostile',
      size: 30_000,
      fileName: 'newcomer-hostile.zip',
      dir: folder,
    });
    const push = await run([
      'push',
      image.path,
      '--to',
      `${hostile.address}:80`,
      '--commit',
      'auto',
      '--health-seconds',
      '1',
    ]);
    expect(push.stdout + push.stderr).toContain('3.0.0');
    expect(push.stdout + push.stderr).not.toMatch(RAW_UNSAFE);
    const pushJson = await run([
      'push',
      image.path,
      '--to',
      `${hostile.address}:80`,
      '--commit',
      'auto',
      '--health-seconds',
      '1',
      '--force',
      '--json',
    ]);
    expect(pushJson.stdout).not.toMatch(RAW_UNSAFE);
    expect(jsonLines(pushJson.stdout).at(-1)).toMatchObject({ type: 'result' });
  });

  it('an explicit --commit prompt reads answers from a pipe; with --json the question goes to stderr', async () => {
    const image = makeMongooseFwZip({
      platform: 'esp32',
      version: '4.1.0',
      buildId: 'piped',
      size: 30_000,
      fileName: 'newcomer-piped.zip',
      dir: folder,
    });
    const result = await run(
      ['push', image.path, '--to', `${plain.address}:80`, '--commit', 'prompt', '--commit-timeout', '60', '--json'],
      { input: 'later\nc\n' },
    );
    expect(result.stderr).toContain('[c]ommit, [r]evert or [w]ait for rollback? ');
    expect(result.stderr).toContain('Please answer c (commit), r (revert) or w (wait), not "later".');
    const lines = jsonLines(result.stdout); // every stdout line is JSON
    expect(lines.at(-1)).toMatchObject({ type: 'result', state: 'committed', result: 'success', toVersion: '4.1.0' });
    expect(result.code).toBe(0);
    expect(plain.bootState.is_committed).toBe(true);
  });

  it('--commit prompt asks again on a wrong answer and ends, rolled back, when the commit window closes', async () => {
    const image = makeMongooseFwZip({
      platform: 'esp32',
      version: '4.0.0',
      buildId: 'prompt',
      size: 30_000,
      fileName: 'newcomer-prompt.zip',
      dir: folder,
    });
    let answered = false;
    // `script` gives the CLI a terminal, where --commit defaults to prompt (as for a user typing).
    // 10 s: the shortest commit window the contract (and so the CLI) takes.
    const command = `"${process.execPath}" ${CLI} push ${image.path} --to ${rolling.address}:80 --commit-timeout 10`;
    const started = Date.now();
    const result = await run([], {
      command: ['script', '-qefc', command, '/dev/null'],
      onStdout: (text, stdin) => {
        if (!answered && /\[w\]ait for rollback\? /.test(text)) {
          answered = true;
          stdin.write('maybe\r');
        }
      },
    });
    const prompts = result.stdout.match(/\[w\]ait for rollback\? /g) ?? [];
    expect(answered).toBe(true);
    expect(result.stdout).toContain('Please answer c (commit), r (revert) or w (wait), not "maybe"');
    expect(prompts.length).toBeGreaterThanOrEqual(2);
    expect(result.stdout).toMatch(/✖ .*roll/i);
    expect(result.code).not.toBe(0);
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(rolling.firmwareVersion).toBe('1.0.0');
  });
});
