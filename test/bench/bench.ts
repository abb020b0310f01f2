// npm run bench: figures, never a pass/fail. Runs inside the private network namespace.
//  1. Push time of a 4 MiB image, ota-bench vs `curl -F`, same simulated board, alternating,
//     5 runs each, on an unthrottled loopback link and on a 2 MiB/s Wi-Fi-like link: median ratio.
//     For ota-bench we time the transfer phase the job reports (connect → the board's answer),
//     which is what curl's time_total covers; the CLI's whole wall time is printed alongside.
//  2. esp-link: a 480 KB user1/user2 push (ota-bench, given the pair) vs `curl --data-binary` of
//     the file the board asks for, as wiflash sends it; same simulated board, alternating. Our
//     transfer phase also includes re-reading /flash/next and the /flash/reboot request.
//  3. (moved to part 7, upload-bench.ts: peak RSS of a 64 MiB push over an idle CLI run)
//  4. MCUmgr SMP image upload over the simulated BLE radio (ble-bench.ts): ours vs the link/flash
//     ceiling and vs stop-and-wait, in the simulator's virtual time.
//  5. CLI start-up (cli-bench.ts): `--help` CPU ÷ `node -e 0` CPU, spawn → first body byte of a push.
//  Last: MCUmgr SMP over serial against the real Zephyr M0 build under QEMU (serial-smp-bench.ts).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { assertPrivateNetwork } from '../support/netns-guard.ts';
import { makeEspAppImage } from '../sim/firmware-fixtures.ts';
import { buildEsp8266V2Image } from '../sim/esp8266-v2-image.ts';
import { httpRequest } from '../../electron/engine/net/http-client.ts';
import { waitUp } from './wait-up.ts';
import { discoveryBench } from './discovery-bench.ts';
import { bleBench } from './ble-bench.ts';
import { uploadBench } from './upload-bench.ts';
import { cliBench } from './cli-bench.ts';
import { esphomeNativeBench } from './esphome-native-bench.ts';
import { arduinoOtaBench } from './arduino-ota-bench.ts';
import { historyBench } from './history-bench.ts';
import { fleetBench } from './fleet-bench.ts';
import { serialSmpBench } from './serial-smp-bench.ts';

assertPrivateNetwork('the benchmark');
// Board locks (electron/engine/jobs/board-lock.ts) of this run only: boards in another namespace share ids.
process.env.OTA_BENCH_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), 'ota-bench-data-'));
const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cliPath = path.join(root, 'bin/ota-bench.js');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function startBoard(address: string, bytesPerSecond?: number, kind = 'arduino'): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [path.join(root, 'test/bench/board-process.ts'), address, String(bytesPerSecond ?? ''), kind],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`board exited with ${code}`)));
  });
  return child;
}

async function pushWithCli(
  file: string | string[],
  address: string,
): Promise<{ transferS: number; uploadS: number | null; wallS: number }> {
  const started = process.hrtime.bigint();
  const { stdout } = await run(
    process.execPath,
    [cliPath, 'push', ...[file].flat(), '--to', address, '--json', '--reboot-timeout', '10'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const lines = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const at = (state: string) => lines.find((j) => j.type === 'job' && j.state === state)?.at as number;
  const logAt = (prefix: string) =>
    lines.find((l) => l.type === 'log' && l.text.startsWith(prefix))?.at as number | undefined;
  // esp-link logs the upload's start and end, around which it also asks /flash/next and /flash/reboot.
  const uploadStart = logAt('Sending ');
  const uploadEnd = logAt('The board stored the image');
  const uploadS = uploadStart && uploadEnd ? (uploadEnd - uploadStart) / 1000 : null;
  return { transferS: (at('rebooting') - at('transferring')) / 1000, uploadS, wallS };
}

async function pushWithCurl(file: string, address: string): Promise<number> {
  const { stdout } = await run('curl', [
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{time_total}',
    '-H',
    'Expect:',
    '-F',
    `firmware=@${file}`,
    `http://${address}/update`,
  ]);
  return Number(stdout);
}

async function ratioRun(label: string, address: string, bytesPerSecond?: number): Promise<void> {
  const board = await startBoard(address, bytesPerSecond);
  const image = makeEspAppImage({
    chip: 'esp8266',
    size: 4 * 1024 * 1024,
    version: '4.0.0',
    fileName: 'bench-4mib.bin',
  });
  const ours: number[] = [];
  const walls: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await pushWithCli(image.path, address);
    ours.push(r.transferS);
    walls.push(r.wallS);
    await waitUp(address);
    theirs.push(await pushWithCurl(image.path, address));
    await new Promise((r) => setTimeout(r, 400));
    await waitUp(address);
  }
  board.kill('SIGTERM');
  const ratio = median(ours) / median(theirs);
  console.log(`\n[${label}] 4 MiB push, 5 runs each, alternating`);
  console.log(
    `  ota-bench transfer (s): ${ours.map((x) => x.toFixed(3)).join(' ')}  median ${median(ours).toFixed(3)}`,
  );
  console.log(
    `  curl -F (Expect: off) (s): ${theirs.map((x) => x.toFixed(3)).join(' ')}  median ${median(theirs).toFixed(3)}`,
  );
  console.log(`  ratio ota-bench/curl = ${ratio.toFixed(3)}  (goal ≤ 1.05)`);
  console.log(`  ota-bench whole CLI run incl. start, inspect, reboot wait (s): median ${median(walls).toFixed(2)}`);
}

async function espLinkRun(label: string, address: string, bytesPerSecond?: number): Promise<void> {
  const board = await startBoard(address, bytesPerSecond, 'esp-link');
  const dir = mkdtempSync(path.join(tmpdir(), 'ota-bench-bench-esp-link-'));
  const files = ([1, 2] as const).map((slot) => {
    const file = path.join(dir, `user${slot}.bin`);
    writeFileSync(file, buildEsp8266V2Image({ slot, size: 480 * 1024, version: '4.8.0' }));
    return file;
  });
  const target = { host: address, port: 80 };
  const ours: number[] = [];
  const uploads: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const pushed = await pushWithCli(files, address);
    ours.push(pushed.transferS);
    uploads.push(pushed.uploadS ?? Number.NaN);
    // wiflash: ask which file the board wants, then send exactly that one.
    const next = (await httpRequest(target, { path: '/flash/next' })).body.trim();
    const { stdout } = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{time_total} %{http_code}',
      '-H',
      'Expect:',
      '--data-binary',
      `@${path.join(dir, next)}`,
      `http://${address}/flash/upload`,
    ]);
    const [seconds, status] = stdout.split(' ');
    if (status !== '200') throw new Error(`curl upload answered ${status}`);
    theirs.push(Number(seconds));
  }
  board.kill('SIGTERM');
  const ratio = median(ours) / median(theirs);
  console.log(`\n[esp-link, ${label}] 480 KB user1/user2 push, 5 runs each, alternating`);
  console.log(
    `  ota-bench upload (POST /flash/upload, from the job log) (s): ${uploads.map((x) => x.toFixed(3)).join(' ')}  median ${median(uploads).toFixed(3)}`,
  );
  console.log(
    `  ota-bench transfer phase incl. /flash/next + /flash/reboot (s): ${ours.map((x) => x.toFixed(3)).join(' ')}  median ${median(ours).toFixed(3)}`,
  );
  console.log(
    `  curl --data-binary (Expect: off) (s): ${theirs.map((x) => x.toFixed(3)).join(' ')}  median ${median(theirs).toFixed(3)}`,
  );
  console.log(
    `  ratio upload/curl = ${(median(uploads) / median(theirs)).toFixed(3)}, transfer phase/curl = ${ratio.toFixed(3)}  (goal ≤ 1.05)`,
  );
}

// BENCH_ONLY_UPLOAD=1 runs only part 7 (upload-bench.ts: progress lag at 90 %, RSS of a 64 MiB push).
if (process.env.BENCH_ONLY_UPLOAD) {
  await uploadBench();
  process.exit(0);
}
// BENCH_ONLY_DISCOVERY=1 runs only part 6 (discovery-bench.ts: 200-board completeness, goodbye → offline).
if (process.env.BENCH_ONLY_DISCOVERY) {
  await discoveryBench();
  process.exit(0);
}
// BENCH_ONLY_ESPHOME_NATIVE=1 runs only the ESPHome native OTA part (esphome-native-bench.ts: 1 MiB ÷ ack-bound floor).
if (process.env.BENCH_ONLY_ESPHOME_NATIVE) {
  await esphomeNativeBench();
  process.exit(0);
}
// BENCH_ONLY_ARDUINO_OTA=1 runs only the ArduinoOTA part (arduino-ota-bench.ts: 1 MiB ÷ ack-bound floor).
if (process.env.BENCH_ONLY_ARDUINO_OTA) {
  await arduinoOtaBench();
  process.exit(0);
}
// BENCH_ONLY_HISTORY=1 runs only the history part (history-bench.ts: main-thread time per history write).
if (process.env.BENCH_ONLY_HISTORY) {
  await historyBench();
  process.exit(0);
}
// BENCH_ONLY_FLEET=1 runs only the fleet part (fleet-bench.ts: 20 boards × 4 MiB at 2 MiB/s, cap 4 vs 20).
if (process.env.BENCH_ONLY_FLEET) {
  await fleetBench();
  process.exit(0);
}
// BENCH_ONLY_SERIAL=1 runs only the serial SMP part (serial-smp-bench.ts: the real Zephyr M0 build under QEMU,
// ÷ the 115200-baud framing ceiling, windowed ÷ stop-and-wait, unthrottled and paced to 115200 baud).
if (process.env.BENCH_ONLY_SERIAL) {
  await serialSmpBench();
  process.exit(0);
}
// BENCH_ONLY_ESP_LINK=1 runs only part 2, BENCH_ONLY_BLE=1 only part 4, BENCH_ONLY_CLI=1 only part 5.
const only = process.env.BENCH_ONLY_ESP_LINK
  ? 'esp-link'
  : process.env.BENCH_ONLY_BLE
    ? 'ble'
    : process.env.BENCH_ONLY_CLI
      ? 'cli'
      : null;
if (!only) await ratioRun('loopback, unthrottled', '127.0.9.10');
if (!only) await ratioRun('2 MiB/s link', '127.0.9.11', 2 * 1024 * 1024);
if (!only || only === 'esp-link') await espLinkRun('loopback, unthrottled', '127.0.9.13');
if (!only || only === 'esp-link') await espLinkRun('100 KiB/s link', '127.0.9.14', 100 * 1024);
if (!only) await uploadBench();
if (!only || only === 'ble') await bleBench();
if (!only || only === 'cli') await cliBench();
if (!only) await discoveryBench();
if (!only) await esphomeNativeBench();
if (!only) await arduinoOtaBench();
if (!only) await historyBench();
if (!only) await fleetBench();
if (!only) await serialSmpBench();
