// A simulated Arduino ESP8266 board in its own process, so the benchmark's uploader and the board
// do not share an event loop. Prints "ready" once it listens; exits on SIGTERM.
import { ArduinoBoard } from '../sim/boards/arduino-board.ts';

const [address, bytesPerSecond] = process.argv.slice(2);
const board = new ArduinoBoard({
  variant: 'esp8266',
  address,
  freeSketchSpace: 256 * 1024 * 1024,
  bytesPerSecond: bytesPerSecond ? Number(bytesPerSecond) : null,
  bootMs: 200,
  mdns: false,
});
// The board keeps every upload for tests; a benchmark pushing 64 MiB images must not.
board.on('upload', () => board.uploads.splice(0));
await board.start();
process.stdout.write('ready\n');
process.on('SIGTERM', () => void board.stop().then(() => process.exit(0)));
