// The fleet part of `npm run bench` (BENCH_ONLY_FLEET=1 runs only this): twenty simulated Arduino
// ESP32 boards, each in its own process reading at most 2 MiB/s through the ESP's TCP window, and a
// 4 MiB image. First each board alone (twenty single pushes, one after the other: their sum), then
// one fleet run at a cap of 4 and one at 20. Figures, never pass/fail:
//   wall ÷ sum of single pushes  (1/20 would be perfect parallelism)
//   wall ÷ ideal for the cap     (ceil(20 / cap) × the median single push)
// and the engine process's CPU and event-loop delay meanwhile. The machine has 2 cores for the twenty
// board processes and the engine: at a cap of 20 the boards' own CPU, not the cap, bounds the wall time.
import { spawn, type ChildProcess } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeEspAppImage } from '../sim/firmware-fixtures.ts';
import { createEngine } from '../../electron/engine/index.ts';
import type { OtaEngine } from '../../electron/engine/engine-api.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BOARDS = 20;
const RATE = 2 * 1024 * 1024;
const SIZE = 4 * 1024 * 1024;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function startBoard(address: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [path.join(root, 'test/bench/board-process.ts'), address, String(RATE), 'arduino-esp32'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.once('exit', (code) => reject(new Error(`board exited with ${code}`)));
  });
}

async function fleetWall(engine: OtaEngine, deviceIds: string[], imageId: string, concurrency: number) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const cpu = process.cpuUsage();
  const started = Date.now();
  const run = engine.startFleet({
    deviceIds,
    imageIds: [imageId],
    commitPolicy: 'auto',
    commitTimeoutSeconds: 300,
    concurrency,
    stopOnFailure: false,
    skipOffline: false,
    onlyOutdated: false,
    staged: false,
  });
  const ended = await engine.waitForFleet(run.id);
  const wall = Date.now() - started;
  const used = process.cpuUsage(cpu);
  loop.disable();
  /** The engine's process (the uploader): CPU time ÷ wall, and how late its event loop ran (p99). */
  const engineCpu = (used.user + used.system) / 1000 / wall;
  const loopP99Ms = loop.percentile(99) / 1e6;
  if (ended.totals.succeeded !== deviceIds.length)
    throw new Error(`fleet at cap ${concurrency}: ${JSON.stringify(ended.totals)}`);
  const jobs = ended.members.map((m) => engine.getJob(m.jobId!));
  return { wall, jobs: jobs.map((j) => j.endedAt! - j.createdAt), engineCpu, loopP99Ms };
}

export async function fleetBench(): Promise<void> {
  const addresses = Array.from({ length: BOARDS }, (_, i) => `127.0.9.${100 + i}`);
  const boards = await Promise.all(addresses.map(startBoard));
  const engine = createEngine();
  try {
    const devices = [];
    for (const address of addresses) devices.push(await engine.resolveDevice(address));
    const ids = devices.map((d) => d.id);
    const file = makeEspAppImage({ chip: 'esp32', size: SIZE, version: '5.0.0', fileName: 'bench-fleet-4mib.bin' });
    const image = await engine.inspectImage(file.path);

    const singles: number[] = [];
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    for (const deviceId of ids) {
      const started = Date.now();
      const job = engine.push({ deviceId, imageId: image.imageId, commitPolicy: 'auto', commitTimeoutSeconds: 300 });
      const done = await engine.waitForJob(job.id);
      if (done.state !== 'updated') throw new Error(`single push: ${done.state} ${done.result?.message}`);
      singles.push(Date.now() - started);
    }
    loop.disable();
    const sum = singles.reduce((a, b) => a + b, 0);
    const single = median(singles);
    console.log(
      `\n[fleet] ${BOARDS} Arduino ESP32 boards (own processes), ${SIZE / 1024 / 1024} MiB each at ${RATE / 1024 / 1024} MiB/s per board`,
    );
    console.log(
      `  single push: median ${seconds(single)} (min ${seconds(Math.min(...singles))}, max ${seconds(Math.max(...singles))}); sum of ${BOARDS}: ${seconds(sum)}; event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`,
    );
    for (const cap of [4, 20]) {
      const { wall, jobs, engineCpu, loopP99Ms } = await fleetWall(engine, ids, image.imageId, cap);
      const ideal = Math.ceil(BOARDS / cap) * single;
      console.log(
        `  cap ${String(cap).padStart(2)}: wall ${seconds(wall)}; ÷ sum of single pushes ${(wall / sum).toFixed(3)}; ` +
          `÷ ideal for the cap (${Math.ceil(BOARDS / cap)} × ${seconds(single)} = ${seconds(ideal)}) ${(wall / ideal).toFixed(3)}; ` +
          `each push median ${seconds(median(jobs))}, max ${seconds(Math.max(...jobs))}; ` +
          `engine process CPU ${(engineCpu * 100).toFixed(0)} % of one core, event-loop delay p99 ${loopP99Ms.toFixed(1)} ms`,
      );
    }
  } finally {
    await engine.close();
    for (const board of boards) board.kill('SIGTERM');
  }
}
