// ESPHome native OTA (BENCH_ONLY_ESPHOME_NATIVE=1 runs only this): a 1 MiB ESP32 image pushed by the
// engine's protocol to the simulated node, against the protocol's ack-bound floor. In v2 the client
// may not send block n+1 before the board acknowledges block n, so a board that takes T ms per 8 KiB
// block cannot be updated faster than blocks × T (T as the board's timers really took, which the
// simulator records); espota2.py is bound by the same lock-step (it is not
// runnable here: it needs the esphome package). Figures, never pass/fail.
import { makeEspAppImage } from '../sim/firmware-fixtures.ts';
import { EsphomeNativeBoard } from '../sim/boards/esphome-native-board.ts';
import { esphomeNative } from '../../electron/engine/protocols/esphome-native.ts';
import { inspectImage } from '../../electron/engine/images/index.ts';

const SIZE = 1024 * 1024;
const RUNS = 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function pushOnce(board: EsphomeNativeBoard, path: string): Promise<{ took: number; floor: number }> {
  const info = { ...(await inspectImage(path)), imageId: 'bench' };
  const started = performance.now();
  await esphomeNative.push({
    target: { host: board.address, port: board.port },
    image: { path, info },
    credentials: null,
    commitTimeoutSeconds: 300,
    timeouts: { connectMs: 5000, idleMs: 30_000, responseMs: 30_000 },
    signal: new AbortController().signal,
    onBytes: () => undefined,
    log: () => undefined,
  });
  const took = performance.now() - started;
  const floor = board.sessions.at(-1)!.ackWaitMs;
  await board.reboot(); // resolves once it is back online
  return { took: took / 1000, floor: floor / 1000 };
}

export async function esphomeNativeBench(): Promise<void> {
  const file = makeEspAppImage({ chip: 'esp32', size: SIZE, version: '2.0.0', fileName: 'esphome-native-bench.bin' });
  for (const ackDelayMs of [0, 5, 20]) {
    const board = new EsphomeNativeBoard({ address: '127.0.9.40', mdns: false, bootMs: 50, ackDelayMs });
    await board.start();
    try {
      const runs: Array<{ took: number; floor: number }> = [];
      for (let i = 0; i < RUNS; i++) runs.push(await pushOnce(board, file.path));
      const ours = median(runs.map((r) => r.took));
      const floor = median(runs.map((r) => r.floor));
      const ratio =
        floor > 0 ? ` ÷ floor ${floor.toFixed(3)} s = ${(ours / floor).toFixed(3)}` : ' (no floor: loopback)';
      console.log(`ESPHome native OTA, 1 MiB, board ${ackDelayMs} ms per 8 KiB block: ${ours.toFixed(3)} s${ratio}`);
    } finally {
      await board.stop();
    }
  }
}
