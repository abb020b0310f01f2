// A simulated board in its own process, so the benchmark's uploader and the board do not share an
// event loop. `node board-process.ts ADDRESS [BYTES_PER_SECOND] [arduino|arduino-esp32|esp-link]`.
// Prints "ready" once it listens; with OTA_BENCH_REPORT_READS=1 it then prints
// "read <bytes> <epoch ms>" every 10 ms while the count moves (what the board has taken off the
// network). Exits on SIGTERM.
import { ArduinoBoard } from '../sim/boards/arduino-board.ts';
import { EspLinkBoard } from '../sim/boards/esp-link-board.ts';
import type { HttpBoard } from '../sim/http-board.ts';

const [address, bytesPerSecond, kind = 'arduino'] = process.argv.slice(2);
const common = {
  address: address!,
  bytesPerSecond: bytesPerSecond ? Number(bytesPerSecond) : null,
  bootMs: 200,
  mdns: false,
};
const board: HttpBoard =
  kind === 'esp-link'
    ? new EspLinkBoard(common)
    : new ArduinoBoard({
        ...common,
        variant: kind === 'arduino-esp32' ? 'esp32' : 'esp8266',
        freeSketchSpace: 256 * 1024 * 1024,
      });
// The board keeps every upload for tests; a benchmark pushing 64 MiB images must not.
board.on('upload', () => board.uploads.splice(0));
await board.start();
process.stdout.write('ready\n');
if (process.env.OTA_BENCH_REPORT_READS) {
  let last = -1;
  setInterval(() => {
    const read = board.networkBytesRead;
    if (read !== last) process.stdout.write(`read ${read} ${Date.now()}\n`);
    last = read;
  }, 10);
}
process.on('SIGTERM', () => void board.stop().then(() => process.exit(0)));
