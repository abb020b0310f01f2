// ArduinoOTA (BENCH_ONLY_ARDUINO_OTA=1 runs only this): a 1 MiB ESP32 image pushed by the engine's
// protocol to the simulated board, against the protocol's ack-bound floor. The board acks each piece
// with an undelimited count, so host and board go in lock-step (espota does the same): a board that
// takes T ms to write each 1460-byte piece cannot be updated faster than pieces × T (T as its timers
// really took, which the simulator records). espota.py itself is not runnable here (no copy of the
// arduino-esp32 tools offline). Figures, never pass/fail.
import { makeEspAppImage } from '../sim/firmware-fixtures.ts';
import { ArduinoOtaBoard } from '../sim/boards/arduino-ota-board.ts';
import { arduinoOta } from '../../electron/engine/protocols/arduino-ota.ts';
import { inspectImage } from '../../electron/engine/images/index.ts';

const SIZE = 1024 * 1024;
const RUNS = 3;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function pushOnce(board: ArduinoOtaBoard, path: string): Promise<{ took: number; floor: number }> {
  const info = { ...(await inspectImage(path)), imageId: 'bench' };
  const started = performance.now();
  await arduinoOta.push({
    target: { host: board.address, port: board.port },
    image: { path, info },
    credentials: { user: '', password: 'bench' },
    commitTimeoutSeconds: 300,
    timeouts: { connectMs: 5000, idleMs: 30_000, responseMs: 30_000 },
    signal: new AbortController().signal,
    onBytes: () => undefined,
    log: () => undefined,
  });
  const took = performance.now() - started;
  const floor = board.ackWaits.at(-1)!;
  await new Promise((resolve) => board.once('online', resolve)); // back from its restart
  return { took: took / 1000, floor: floor / 1000 };
}

export async function arduinoOtaBench(): Promise<void> {
  const file = makeEspAppImage({ chip: 'esp32', size: SIZE, version: '2.0.0', fileName: 'arduino-ota-bench.bin' });
  for (const writeMsPerPiece of [0, 2, 5]) {
    const board = new ArduinoOtaBoard({ address: '127.0.9.50', password: 'bench', bootMs: 50, writeMsPerPiece });
    await board.start();
    try {
      const runs: Array<{ took: number; floor: number }> = [];
      for (let i = 0; i < RUNS; i++) runs.push(await pushOnce(board, file.path));
      const ours = median(runs.map((r) => r.took));
      const floor = median(runs.map((r) => r.floor));
      const ratio =
        floor > 0 ? ` ÷ floor ${floor.toFixed(3)} s = ${(ours / floor).toFixed(3)}` : ' (no floor: loopback)';
      console.log(
        `ArduinoOTA (PBKDF2 auth), 1 MiB, board ${writeMsPerPiece} ms per 1460-byte piece: ${ours.toFixed(3)} s${ratio}`,
      );
    } finally {
      await board.stop();
    }
  }
}
