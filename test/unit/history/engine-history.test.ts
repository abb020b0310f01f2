// The engine opens the history file it is given, with the retention it is given (EngineOptions).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../electron/engine/index.ts';
import { HistoryStore } from '../../../electron/engine/history/history-store.ts';
import { historyFile } from '../../../electron/engine/history/history-file.ts';
import { context, job, step } from './history-fixtures.ts';

describe('the engine and its history file', () => {
  it('reads the rows another process wrote, pruned to its historyRetention', async () => {
    const file = historyFile(mkdtempSync(path.join(tmpdir(), 'ota-bench-engine-history-')));
    expect(path.basename(file)).toBe('history.sqlite');
    const writer = HistoryStore.open(file, { processName: 'the OTA Bench CLI' });
    for (let i = 0; i < 3; i++) {
      const j = job({ createdAt: Date.now() - i * 1000, stateSince: Date.now() - i * 1000 });
      writer.recordJob(
        step(j, 'updated', j.createdAt + 10, { result: { code: 'success', message: 'ok', deviceMessage: null } }),
        context(),
      );
    }
    writer.close();
    const engine = createEngine({ historyFile: file, historyRetention: { days: 365, rows: 2 } });
    try {
      expect(engine.listHistory()).toHaveLength(2);
      expect(engine.listInventory().map((d) => d.deviceId)).toEqual(['id:esp32_0A1B2C']);
      expect(engine.exportHistory('csv').rows).toBe(2);
    } finally {
      await engine.close();
    }
  });
});
