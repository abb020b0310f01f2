// npm run bench part 5 (BENCH_ONLY_CLI=1): how fast the CLI starts, as a user feels it.
//  a. `ota-bench --help` CPU (user + sys) ÷ `node -e 0` CPU, same run, alternating: the CLI should
//     start like a small tool. CPU is read from this process's cutime/cstime (/proc/self/stat: the
//     CPU of waited-for children) around batches of sequential runs, so a 10 ms clock tick does not
//     blur a 50 ms start; the figure is the median over batches of the mean per run.
//  b. Time from spawning `ota-bench push FILE --to ADDRESS` to the first body byte reaching a
//     simulated board on loopback, seen by a TCP relay in front of the board (it finds the end of the
//     POST's headers), median of 5; `node -e 0`'s wall time alongside.
// Both for the prebuilt CLI (dist/cli, built first) and for the TypeScript sources.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeEspAppImage } from '../sim/firmware-fixtures.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'bin/ota-bench.js');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU seconds (user + sys) of this process's waited-for children so far. */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: field 3 is state (index 0); cutime and cstime are fields 16 and 17.
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

function cpuPerRun(args: string[], env: NodeJS.ProcessEnv, runs: number): number {
  const before = childrenCpuSeconds();
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited with ${result.status}`);
  }
  return (childrenCpuSeconds() - before) / runs;
}

function helpRatio(label: string, env: NodeJS.ProcessEnv): void {
  const batches = 7;
  const perBatch = 10;
  const node: number[] = [];
  const help: number[] = [];
  for (let b = 0; b < batches; b++) {
    node.push(cpuPerRun(['-e', '0'], env, perBatch));
    help.push(cpuPerRun([cli, '--help'], env, perBatch));
  }
  const n = median(node);
  const h = median(help);
  console.log(
    `  ${label.padEnd(26)} --help ${(h * 1000).toFixed(1)} ms CPU ÷ node -e 0 ${(n * 1000).toFixed(1)} ms = ${(h / n).toFixed(2)}×  (goal ≤ 3×; ${batches} batches of ${perBatch})`,
  );
}

/** A relay in front of the board that notes when the first byte of a POST body passes. */
function startRelay(listenAt: string, board: string, onFirstBodyByte: () => void): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: board, port: 80 });
    let head = '';
    let waitingForBody = false;
    let done = false;
    client.on('data', (chunk: Buffer) => {
      if (!done && waitingForBody) {
        done = true;
        onFirstBodyByte();
      } else if (!done) {
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end !== -1 && head.startsWith('POST')) {
          if (head.length > end + 4) {
            done = true;
            onFirstBodyByte();
          } else waitingForBody = true;
        } else if (end !== -1) head = head.slice(end + 4); // the next request on a kept-alive connection
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.end());
  });
  return new Promise((resolve) => server.listen(80, listenAt, () => resolve(server)));
}

async function startBoard(address: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, 'test/bench/board-process.ts'), address, '', 'arduino'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`board exited with ${code}`)));
  });
  return child;
}

async function firstBodyByte(
  label: string,
  env: NodeJS.ProcessEnv,
  relayAddress: string,
  runs: number,
  onByte: { fn: () => void },
): Promise<void> {
  const times: number[] = [];
  const nodeWall: number[] = [];
  for (let i = 0; i < runs; i++) {
    // `node -e 0` alternates with the pushes: on a busy machine both slow down together.
    const nodeStarted = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    nodeWall.push((performance.now() - nodeStarted) / 1000);
    const image = makeEspAppImage({
      chip: 'esp8266',
      size: 64 * 1024,
      version: `7.${label.length}.${i}`,
      seed: `${label}-${i}`,
    });
    const started = performance.now();
    let firstByteAt: number | null = null;
    onByte.fn = () => (firstByteAt ??= performance.now());
    const child = spawn(
      process.execPath,
      [cli, 'push', image.path, '--to', relayAddress, '--json', '--reboot-timeout', '10'],
      { env, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    await new Promise((resolve) => child.once('exit', resolve));
    if (firstByteAt === null) throw new Error('the push sent no body');
    times.push((firstByteAt - started) / 1000);
  }
  const t = median(times);
  const n = median(nodeWall);
  console.log(
    `  ${label.padEnd(26)} spawn → first body byte ${t.toFixed(3)} s (min ${Math.min(...times).toFixed(3)}, max ${Math.max(...times).toFixed(3)}; goal ≤ 0.25 s) = ${(t / n).toFixed(1)}× the wall time of node -e 0 (${n.toFixed(3)} s)`,
  );
}

export async function cliBench(): Promise<void> {
  console.log('\n[cli start-up] prebuilt CLI vs TypeScript sources, one run');
  execFileSync(process.execPath, [path.join(root, 'scripts/build-cli.js')], { stdio: 'ignore' });
  const { OTA_BENCH_CLI: _unset, ...base } = process.env;
  // Forced: in a checkout being edited the automatic choice could fall back to the sources mid-run.
  const prebuilt = { ...base, OTA_BENCH_BLE: 'off', OTA_BENCH_CLI: 'prebuilt' };
  const sources = { ...base, OTA_BENCH_BLE: 'off', OTA_BENCH_CLI: 'sources' };
  helpRatio('prebuilt (dist/cli)', prebuilt);
  helpRatio('sources (type stripping)', sources);

  const board = await startBoard('127.0.9.31');
  const onByte = { fn: () => undefined as unknown };
  const relay = await startRelay('127.0.9.30', '127.0.9.31', () => onByte.fn());
  try {
    await firstBodyByte('prebuilt (dist/cli)', prebuilt, '127.0.9.30', 5, onByte);
    await firstBodyByte('sources (type stripping)', sources, '127.0.9.30', 5, onByte);
  } finally {
    relay.close();
    board.kill('SIGTERM');
  }
}
