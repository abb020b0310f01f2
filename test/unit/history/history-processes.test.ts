// The reliability checks for the history, with real processes on one SQLite file: a writer
// killed (SIGKILL) in the middle of its jobs leaves them "interrupted" at the next open and the file
// intact; two writers at once lose no row, and neither's open marks the other's live rows.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../electron/engine/history/history-store.ts';

const child = path.join(import.meta.dirname, 'history-writer-child.ts');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function writer(...args: string[]): {
  proc: ChildProcess;
  said: (word: string) => Promise<void>;
  exited: Promise<void>;
} {
  const proc = spawn(process.execPath, [child, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(proc);
  let out = '';
  proc.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const said = (word: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (out.includes(word) ? resolve() : undefined);
      proc.stdout!.on('data', check);
      proc.on('exit', (code) => reject(new Error(`writer exited (${code}) before saying ${word}`)));
      check();
    });
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  return { proc, said, exited };
}

function integrity(file: string): string {
  const db = new DatabaseSync(file);
  try {
    return (db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check;
  } finally {
    db.close();
  }
}

const freshFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'ota-bench-history-proc-')), 'history.sqlite');

describe('history across processes', () => {
  it('marks the jobs of a writer killed mid-state as interrupted at the next open; the file stays intact', async () => {
    const file = freshFile();
    const cli = writer(file, 'crash', 'the OTA Bench CLI');
    await cli.said('running');
    await new Promise((resolve) => setTimeout(resolve, 300)); // well inside its write loop
    cli.proc.kill('SIGKILL');
    await cli.exited;
    expect(integrity(file)).toBe('ok');
    const store = HistoryStore.open(file, { processName: 'the OTA Bench app' });
    const rows = store.list();
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      expect(row.state).toBe('interrupted');
      expect(row.result).toBe('interrupted');
      expect(row.states.at(-1)!.state).toBe('interrupted');
      // What was known stays: the states it passed, and the last one in the message.
      expect(row.states.length).toBeGreaterThan(2);
      expect(row.message).toMatch(
        /^Interrupted: the OTA Bench CLI stopped .* while the push was (connecting|transferring|rebooting|verifying)/,
      );
      expect(row.endedAt).not.toBeNull();
    }
    expect(store.list({ result: 'interrupted' })).toHaveLength(5);
    store.close();
    expect(integrity(file)).toBe('ok');
  }, 30_000);

  it("keeps every row of two processes writing at once, and neither marks the other's running jobs", async () => {
    const file = freshFile();
    // Created (and migrated) first by neither: both open a file that does not exist yet.
    const a = writer(file, 'rows', 'writer-a', '300');
    const b = writer(file, 'rows', 'writer-b', '300');
    await Promise.all([a.said('done'), b.said('done')]);
    // Both still run, each with 2 jobs in `queued`: this open must leave them alone.
    const app = HistoryStore.open(file, { processName: 'the OTA Bench app' });
    const all = app.list({ limit: 1000 });
    expect(all).toHaveLength(604);
    for (const name of ['writer-a', 'writer-b']) {
      const rows = all.filter((r) => r.deviceName === name);
      expect(rows.filter((r) => r.result === 'success')).toHaveLength(300);
      expect(rows.filter((r) => r.result === 'running')).toHaveLength(2);
      const done = rows.find((r) => r.result === 'success')!;
      expect(done.states.map((s) => s.state)).toEqual([
        'queued',
        'connecting',
        'transferring',
        'rebooting',
        'verifying',
        'updated',
      ]);
    }
    app.close();
    expect(integrity(file)).toBe('ok');
    // Once they are gone (killed), the next open marks exactly their 4 running rows.
    a.proc.kill('SIGKILL');
    b.proc.kill('SIGKILL');
    await Promise.all([a.exited, b.exited]);
    const later = HistoryStore.open(file, { processName: 'the OTA Bench app' });
    expect(later.list({ result: 'interrupted' })).toHaveLength(4);
    expect(later.list({ result: 'success', limit: 1000 })).toHaveLength(600);
    later.close();
  }, 60_000);
});
