// Where the history lives: one file in the data folder the app and the CLI share (jobs/board-lock.ts
// `dataDir()`: OTA_BENCH_DATA_DIR, else the app's userData folder).
import { join } from 'node:path';

export const HISTORY_FILE_NAME = 'history.sqlite';

export function historyFile(dataDir: string): string {
  return join(dataDir, HISTORY_FILE_NAME);
}
