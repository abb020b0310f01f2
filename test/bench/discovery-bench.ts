// Discovery figures (npm run bench part 6; BENCH_ONLY_DISCOVERY=1 runs only this). Figures, never a
// pass/fail. Inside the private network namespace.
//  a. Completeness: 200 simulated boards (one socket, test/sim/mdns-fleet.ts) answer the engine's
//     first query in one burst; in each of 20 runs a fresh engine starts discovery and we count how
//     many of the 200 it lists after 2 s, and when the last one appeared; then 20 runs of
//     `ota-bench discover --timeout 2 --json`, counting the devices it prints.
//  b. Goodbye → offline: per protocol, a simulated board is discovered and identified (probed where
//     the engine probes), then powered off with an mDNS goodbye; time until the engine lists it
//     offline. Also a probed board that vanishes without a goodbye (re-check), and a TTL that runs
//     out while the board's web server still answers.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import makeMdns from 'multicast-dns';
import { createEngine, type OtaEngine } from '../../electron/engine/index.ts';
import type { Device } from '../../shared/domain.ts';
import { ArduinoBoard } from '../sim/boards/arduino-board.ts';
import { EspLinkBoard } from '../sim/boards/esp-link-board.ts';
import { EsphomeBoard } from '../sim/boards/esphome-board.ts';
import { MongooseBoard } from '../sim/boards/mongoose-board.ts';
import type { HttpBoard } from '../sim/http-board.ts';
import { MdnsFleet } from '../sim/mdns-fleet.ts';
import type { MdnsResponder } from '../sim/mdns-responder.ts';
import { assertPrivateNetwork } from '../support/netns-guard.ts';

const TIMEOUTS = {
  rebootComeBackMs: 15_000,
  rollbackGraceMs: 15_000,
  healthSeconds: 2,
  pollMs: 200,
  versionAnnounceMs: 4_000,
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function until<T>(probe: () => T | null | undefined | false, limitMs: number, stepMs = 10): Promise<T | null> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value) return value;
    await sleep(stepMs);
  }
  return null;
}

async function completeness(boards = 200, runs = 20, windowMs = 2000): Promise<void> {
  const fleet = new MdnsFleet({ count: boards, prefix: 'bench-rack' });
  await fleet.start();
  const results: Array<{ listed: number; lastMs: number | null }> = [];
  for (let run = 0; run < runs; run++) {
    const engine = createEngine({ timeouts: TIMEOUTS });
    const count = () => engine.listDevices().filter((d) => d.name.startsWith('bench-rack-')).length;
    const started = Date.now();
    await engine.startDiscovery();
    const all = await until(() => count() === boards, windowMs - (Date.now() - started));
    const lastMs = all ? Date.now() - started : null;
    results.push({ listed: count(), lastMs });
    await engine.close();
  }
  // The same through the CLI a user runs: `ota-bench discover --timeout 2 --json`.
  const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/ota-bench.js');
  const cliListed: number[] = [];
  for (let run = 0; run < runs; run++) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cli, 'discover', '--timeout', String(windowMs / 1000), '--json'],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    cliListed.push(
      stdout.split('\n').filter((line) => line.includes('"type":"device"') && line.includes('bench-rack-')).length,
    );
  }
  // Baseline, same burst: a plain multicast-dns socket with the kernel's default receive buffer (what
  // the browser had), one query, answers counted for 2 s.
  const baseline: number[] = [];
  for (let run = 0; run < runs; run++) {
    const mdns = makeMdns();
    const heard = new Set<string>();
    mdns.on('response', (packet) => {
      for (const answer of packet.answers)
        if (answer.type === 'PTR' && String(answer.data).startsWith('bench-rack-')) heard.add(String(answer.data));
    });
    await new Promise((resolve) => mdns.once('ready', resolve));
    mdns.query('_http._tcp.local', 'PTR');
    await sleep(windowMs);
    baseline.push(heard.size);
    await new Promise<void>((resolve) => mdns.destroy(() => resolve()));
  }
  await fleet.stop();
  const complete = results.filter((r) => r.listed === boards);
  const times = complete.map((r) => r.lastMs!).filter((t) => t !== null);
  console.log(`\n[discovery a] ${boards} boards answering one query at once, ${runs} runs, fresh engine each`);
  console.log(
    `  runs listing all ${boards} within ${windowMs / 1000} s: ${complete.length} of ${runs}` +
      `   listed per run: min ${Math.min(...results.map((r) => r.listed))}, max ${Math.max(...results.map((r) => r.listed))}`,
  );
  if (times.length)
    console.log(
      `  time from startDiscovery to the last board listed: median ${median(times)} ms, max ${Math.max(...times)} ms`,
    );
  console.log(
    `  \`ota-bench discover --timeout ${windowMs / 1000} --json\` runs listing all ${boards}: ${cliListed.filter((n) => n === boards).length} of ${runs}` +
      `   listed per run: min ${Math.min(...cliListed)}, max ${Math.max(...cliListed)}`,
  );
  console.log(
    `  baseline, a socket with the default receive buffer and one query: heard all ${boards} in ${baseline.filter((n) => n === boards).length} of ${runs}` +
      `   heard per run: min ${Math.min(...baseline)}, max ${Math.max(...baseline)}`,
  );
}

interface Kind {
  label: string;
  probed: boolean;
  make: (address: string) => HttpBoard;
}

const KINDS: Kind[] = [
  {
    label: 'Arduino ESP8266',
    probed: true,
    make: (a) => new ArduinoBoard({ variant: 'esp8266', address: a, announceIntervalMs: 200 }),
  },
  {
    label: 'esp-link',
    probed: true,
    make: (a) =>
      new EspLinkBoard({ address: a, hostname: `bench-esp-link-${a.split('.')[3]}`, announceIntervalMs: 200 }),
  },
  {
    label: 'ESPHome',
    probed: true,
    make: (a) => new EsphomeBoard({ address: a, platform: 'ESP32', projectVersion: '1.0.0', announceIntervalMs: 200 }),
  },
  { label: 'Mongoose OS', probed: false, make: (a) => new MongooseBoard({ address: a, announceIntervalMs: 200 }) },
];

let nextHost = 10;
const nextAddress = () => `127.0.31.${nextHost++}`;

/** A board listed online and, for probed kinds, probed (the probe is done well within 1.5 s on loopback). */
async function discovered(engine: OtaEngine, board: HttpBoard, probed: boolean): Promise<Device | null> {
  const device = await until(
    () => engine.listDevices().find((d) => d.address === board.address && d.online && d.protocol !== 'unknown'),
    15_000,
    20,
  );
  if (device && probed) await sleep(1500);
  return device;
}

/** ms from `since` until the device is listed offline, or null after `limitMs`. */
async function offlineAfter(
  engine: OtaEngine,
  deviceId: string,
  since: number,
  limitMs: number,
): Promise<number | null> {
  const gone = await until(() => engine.listDevices().find((d) => d.id === deviceId && !d.online), limitMs, 5);
  return gone ? Date.now() - since : null;
}

const shown = (values: Array<number | null>) =>
  values.every((v) => v !== null)
    ? `median ${median(values as number[])} ms, max ${Math.max(...(values as number[]))} ms`
    : `${values.filter((v) => v === null).length} of ${values.length} never went offline (limit 30 s)`;

async function goodbyeTimes(repeats = 5): Promise<void> {
  console.log(`\n[discovery b] goodbye → listed offline, ${repeats} boards per protocol (engine polled every 5 ms)`);
  for (const kind of KINDS) {
    const times: Array<number | null> = [];
    for (let i = 0; i < repeats; i++) {
      const engine = createEngine({ timeouts: TIMEOUTS });
      await engine.startDiscovery();
      const board = kind.make(nextAddress());
      await board.start();
      const device = await discovered(engine, board, kind.probed);
      if (!device) {
        times.push(null);
      } else {
        const at = Date.now();
        await board.stop();
        times.push(await offlineAfter(engine, device.id, at, 30_000));
      }
      await board.stop();
      await engine.close();
    }
    console.log(`  ${kind.label.padEnd(16)} ${shown(times)}`);
  }
}

async function silentTimes(repeats = 3): Promise<void> {
  const cut: Array<number | null> = [];
  const ttl: Array<number | null> = [];
  for (let i = 0; i < repeats; i++) {
    // Power cut: no goodbye, records valid for 120 s; the re-check has to notice.
    let engine = createEngine({ timeouts: TIMEOUTS });
    await engine.startDiscovery();
    let board = new ArduinoBoard({ variant: 'esp8266', address: nextAddress(), announceIntervalMs: 200 });
    await board.start();
    let device = await discovered(engine, board, true);
    if (device) {
      board.setQuirks({ goodbyeOnReboot: false, neverComesBack: true });
      const at = Date.now();
      void board.reboot({ delayMs: 0 });
      cut.push(await offlineAfter(engine, device.id, at, 30_000));
    } else cut.push(null);
    await board.stop();
    await engine.close();

    // mDNS falls silent (TTL 3 s) while the web server answers: offline counted from the TTL's end.
    engine = createEngine({ timeouts: TIMEOUTS });
    await engine.startDiscovery();
    board = new ArduinoBoard({ variant: 'esp8266', address: nextAddress(), announceIntervalMs: 200, mdnsTtl: 3 });
    await board.start();
    device = await discovered(engine, board, true);
    if (device) {
      await (board as unknown as { mdns: MdnsResponder }).mdns.stop({ goodbye: false });
      const lastHeard = engine.listDevices().find((d) => d.id === device!.id)!.lastSeen;
      const offline = await offlineAfter(engine, device.id, lastHeard + 3000, 30_000);
      ttl.push(offline);
    } else ttl.push(null);
    await board.stop();
    await engine.close();
  }
  console.log(`  Arduino, power cut (no goodbye, re-check every 5 s)  ${shown(cut)}`);
  console.log(`  Arduino, TTL 3 s ran out (web server still up), from the TTL's end  ${shown(ttl)}`);
}

export async function discoveryBench(): Promise<void> {
  assertPrivateNetwork('the discovery benchmark');
  await completeness();
  await goodbyeTimes();
  await silentTimes();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await discoveryBench();
