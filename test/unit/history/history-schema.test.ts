// Migrations numbered in code, a newer file refused, a writer's pid reused by another process, and
// the log lines counted as retries matching what the job runners really write.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../electron/engine/history/history-store.ts';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from '../../../electron/engine/history/schema.ts';
import { countsAsRetry } from '../../../electron/engine/history/job-row.ts';
import { ownStartToken } from '../../../electron/engine/history/writer-process.ts';
import { linkDropped, resumedAfterDrop, uploadDone } from '../../../electron/engine/jobs/smp-job-messages.ts';
import { linkDroppedDuringUpload } from '../../../electron/engine/jobs/mongoose-ble-messages.ts';
import { espLinkDropped, espStarted, espSectorsDone } from '../../../electron/engine/jobs/esp-ble-ota-messages.ts';
import { context, job, step } from './history-fixtures.ts';

const freshFile = () =>
  path.join(mkdtempSync(path.join(tmpdir(), 'ota-bench-history-schema-')), 'sub', 'history.sqlite');

describe('schema migrations', () => {
  it('migrates a file left at an older schema version, keeping its rows', () => {
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    const file = freshFile();
    const store = HistoryStore.open(file, { processName: 'old' });
    const j = job({ createdAt: Date.now(), stateSince: Date.now() });
    store.recordJob(
      step(j, 'updated', Date.now(), { result: { code: 'success', message: 'ok', deviceMessage: null } }),
      context(),
    );
    store.close();
    // Make it a version-1 file (no inventory yet), as the first OTA Bench with a history wrote it.
    const db = new DatabaseSync(file);
    db.exec('DROP TABLE devices; PRAGMA user_version = 1');
    db.close();
    const reopened = HistoryStore.open(file, { processName: 'new' });
    expect(reopened.problem).toBeNull();
    expect(reopened.list().map((e) => e.jobId)).toEqual([j.id]);
    reopened.sawDevices([context().device]);
    expect(reopened.inventory([]).map((d) => d.deviceId)).toEqual(['id:esp32_0A1B2C']);
    reopened.close();
    const check = new DatabaseSync(file);
    expect(schemaVersion(check)).toBe(SCHEMA_VERSION);
    check.close();
  });

  it('runs each migration once, in order, from an empty file', () => {
    const db = new DatabaseSync(':memory:');
    migrate(db, ':memory:', 1);
    expect(schemaVersion(db)).toBe(1);
    migrate(db, ':memory:');
    migrate(db, ':memory:');
    expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a file from a newer OTA Bench with a sentence, leaving it untouched, and pushes still record nothing', () => {
    const file = freshFile();
    HistoryStore.open(file, { processName: 'x' }).close();
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    const store = HistoryStore.open(file, { processName: 'x' });
    expect(store.problem).toBe(
      `The history file ${file} was written by a newer OTA Bench (schema ${SCHEMA_VERSION + 5}; this one knows up to ${SCHEMA_VERSION}), so it is left untouched and no history is kept. Update OTA Bench, or move that file away to start a new history.`,
    );
    expect(() => store.list()).toThrow(/written by a newer OTA Bench/);
    expect(() => store.inventory([])).toThrow(/written by a newer OTA Bench/);
    expect(store.recordJob(job(), context())).toBeNull();
    store.close();
    const after = new DatabaseSync(file);
    expect(schemaVersion(after)).toBe(SCHEMA_VERSION + 5);
    after.close();
  });

  it('says why when the file is not a database, and pushes go on without a history', () => {
    const file = freshFile();
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'this is not a database, it is a text file somebody saved here\n'.repeat(100));
    const store = HistoryStore.open(file, { processName: 'x' });
    expect(store.problem).toMatch(/^The push history cannot be used: .*history\.sqlite: file is not a database/);
    expect(store.recordJob(job(), context())).toBeNull();
    expect(() => store.sawDevices([context().device])).not.toThrow();
    expect(() => store.list()).toThrow(/file is not a database/);
    store.close();
  });

  it('creates the data folder when it is missing', () => {
    const file = freshFile();
    expect(existsSync(path.dirname(file))).toBe(false);
    HistoryStore.open(file, { processName: 'x' }).close();
    expect(existsSync(file)).toBe(true);
  });
});

describe('interrupted rows', () => {
  it('marks a row whose pid now runs another process (pid reuse), never one of a live writer', () => {
    const file = freshFile();
    const now = Date.now();
    const reused = HistoryStore.open(file, {
      processName: 'a CLI that died',
      writer: { pid: process.pid, token: 'boot:1' },
    });
    reused.recordJob(job({ id: 'reused', createdAt: now, stateSince: now }), context());
    reused.close();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const dead = HistoryStore.open(file, { processName: 'a CLI that died', writer: { pid: gone, token: null } });
    dead.recordJob(step(job({ id: 'dead', createdAt: now + 1 }), 'transferring', now + 2), context());
    dead.close();
    const live = HistoryStore.open(file, { processName: 'this process' });
    live.recordJob(job({ id: 'live', createdAt: now + 3, stateSince: now + 3 }), context());
    live.close();
    const next = HistoryStore.open(file, { processName: 'the OTA Bench app' });
    const byId = Object.fromEntries(next.list().map((e) => [e.jobId, e]));
    // Linux: the token tells a reused pid apart; elsewhere (no /proc) a running pid counts as the writer.
    expect(byId.reused!.result).toBe(ownStartToken() === null ? 'running' : 'interrupted');
    expect(byId.dead!.result).toBe('interrupted');
    expect(byId.dead!.message).toMatch(/while the push was transferring/);
    expect(byId.live!.result).toBe('running');
    next.close();
  });
});

describe('a writer that dies while another process reads', () => {
  it("has its rows marked at the reader's next look, not only at its next start", () => {
    const file = freshFile();
    const app = HistoryStore.open(file, { processName: 'the OTA Bench app', sweepIntervalMs: 0 });
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const cli = HistoryStore.open(file, { processName: 'the OTA Bench CLI', writer: { pid: gone, token: null } });
    cli.recordJob(step(job({ id: 'killed', createdAt: Date.now() }), 'transferring', Date.now()), context());
    // The app's own running job is never its own victim.
    app.recordJob(job({ id: 'mine', createdAt: Date.now() - 1, stateSince: Date.now() }), context());
    const byId = Object.fromEntries(app.list().map((e) => [e.jobId, e.result]));
    expect(byId).toEqual({ killed: 'interrupted', mine: 'running' });
    cli.close();
    app.close();
  });
});

describe('retries', () => {
  it('counts the lines the job runners write when they try again, and no others', () => {
    const again = [
      linkDropped(4096, 100_000, 'timeout'),
      linkDroppedDuringUpload(4096, 100_000, 'timeout'),
      espLinkDropped(4096, 100_000, 'timeout'),
      espStarted(100_000, 25, 4, true),
      'Authentication Failed with the SHA-256 password hash; inviting again with the MD5 one.',
    ];
    for (const line of again) expect(countsAsRetry(line), line).toBe(true);
    const notAgain = [
      resumedAfterDrop(true, 4096), // follows linkDropped: the same try
      uploadDone({ bytes: 1000, requests: 9, resent: 1, match: true }),
      espStarted(100_000, 25, 4, false),
      espSectorsDone(25, 1, 0),
      'The board closed the connection: push again.',
    ];
    for (const line of notAgain) expect(countsAsRetry(line), line).toBe(false);
  });
});
