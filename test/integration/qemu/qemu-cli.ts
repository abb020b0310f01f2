// Helpers of the QEMU tests: run `node bin/ota-bench.js …` (as the other cli-*.test.ts do) against a real
// Zephyr board on a QEMU pty, and read its --json lines. Not a test file itself (no .test.ts).
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const cliPath = path.join(root, 'bin/ota-bench.js');
/** No Bluetooth radio in these tests: only the serial port named on the command line. */
const env = () => ({ ...process.env, OTA_BENCH_BLE: 'off' });

export type JsonLine = Record<string, unknown> & { type: string };

export interface CliRun {
  code: number;
  stdout: string;
  lines: JsonLine[];
}

export function jsonLines(stdout: string): JsonLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as JsonLine);
}

export async function cli(args: string[], timeoutMs = 90_000): Promise<CliRun> {
  try {
    const { stdout } = await run(process.execPath, [cliPath, ...args], { timeout: timeoutMs, env: env(), cwd: root });
    return { code: 0, stdout, lines: jsonLines(stdout) };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return {
      code: typeof e.code === 'number' ? e.code : -1,
      stdout: `${e.stdout}${e.stderr}`,
      lines: jsonLines(e.stdout ?? ''),
    };
  }
}

/**
 * Runs the CLI and SIGKILLs it as soon as `killWhen` holds for one of its JSON lines (the connection dies
 * with the process: the port is closed mid-upload). Resolves with what it printed until then.
 */
export function cliKilledWhen(
  args: string[],
  killWhen: (line: JsonLine) => boolean,
  timeoutMs = 60_000,
): Promise<CliRun & { killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      env: env(),
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let pending = '';
    let killed = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      stdout += text;
      pending += text;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const part of parts) {
        if (killed || !part.startsWith('{')) continue;
        if (killWhen(JSON.parse(part) as JsonLine)) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.stderr.resume();
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, lines: jsonLines(stdout), killed });
    });
  });
}

export const ofType = (lines: JsonLine[], type: string) => lines.filter((line) => line.type === type);
export const resultOf = (lines: JsonLine[]) => lines.findLast((line) => line.type === 'result');
export const logTexts = (lines: JsonLine[]) => ofType(lines, 'log').map((line) => String(line.text));
export const jobStates = (lines: JsonLine[]) => ofType(lines, 'job').map((line) => String(line.state));

export interface ImageSlotJson {
  image: number;
  slot: number;
  version: string;
  hash: string;
  pending: boolean;
  confirmed: boolean;
  active: boolean;
}

/** `ota-bench status serial:PTY --json`: the image list as the board answered it. */
export async function readSlots(device: string): Promise<ImageSlotJson[]> {
  const status = await cli(['status', device, '--json']);
  const line = ofType(status.lines, 'status')[0];
  if (!line) throw new Error(`status printed no status line: ${status.stdout}`);
  return line.imageSlots as ImageSlotJson[];
}
