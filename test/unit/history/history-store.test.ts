// The history store's rows, states, retention, export and inventory, against real SQLite files.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../electron/engine/history/history-store.ts';
import { LOG_BYTES, LOG_LINES } from '../../../electron/engine/history/job-row.ts';
import { context, device, job, step } from './history-fixtures.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'ota-bench-history-unit-'));
let files = 0;
const freshFile = () => path.join(dir, `h${++files}`, 'history.sqlite');
const open = (file: string, extra = {}) => HistoryStore.open(file, { processName: 'the OTA Bench CLI', ...extra });

/** Drives one job through a committed push, as JobManager would emit it. */
function pushCommitted(store: HistoryStore, start = 2_000_000) {
  let j = job({ createdAt: start, stateSince: start });
  const ctx = context();
  const written = [store.recordJob(j, ctx)];
  j = step(j, 'connecting', start + 100);
  written.push(store.recordJob(j, ctx));
  j = step(j, 'transferring', start + 200);
  written.push(store.recordJob(j, ctx));
  // Progress ticks: not worth a write.
  for (let sent = 10_000; sent <= 100_000; sent += 10_000) {
    j = { ...j, progress: { ...j.progress, bytesSent: sent, bytesPerSecond: 50_000 } };
    written.push(store.recordJob(j, ctx));
  }
  j = step(j, 'rebooting', start + 2200);
  written.push(store.recordJob(j, ctx));
  j = { ...j, log: [...j.log, { at: start + 2300, text: 'The board accepted the image.' }] };
  written.push(store.recordJob(j, ctx));
  j = step(j, 'verifying', start + 4000, { toVersion: '2.0.0' });
  written.push(store.recordJob(j, ctx));
  j = step(j, 'committed', start + 5000, {
    result: { code: 'success', message: 'Committed 2.0.0 on kitchen.', deviceMessage: 'OK' },
  });
  written.push(store.recordJob(j, ctx));
  return { job: j, written };
}

describe('history rows', () => {
  it('writes one row per job, at each state change and log line, not at progress ticks', () => {
    const store = open(freshFile());
    const { job: j, written } = pushCommitted(store);
    expect(written.filter(Boolean)).toHaveLength(7);
    expect(written.slice(3, 13).every((w) => w === null)).toBe(true);
    const rows = store.list();
    expect(rows).toHaveLength(1);
    const row = store.entry(j.id);
    expect(row).toMatchObject({
      jobId: j.id,
      deviceId: 'id:esp32_0A1B2C',
      deviceName: 'kitchen',
      identities: {
        mdnsId: 'esp32_0A1B2C',
        mac: 'AA:BB:CC:00:11:22',
        bleAddress: null,
        hostname: 'kitchen.local',
        address: '192.168.1.20',
      },
      protocol: 'mongoose-os',
      fileName: 'fw.zip',
      size: 100_000,
      imageVersion: '2.0.0',
      fromVersion: '1.0.0',
      toVersion: '2.0.0',
      state: 'committed',
      result: 'success',
      resultCode: 'success',
      message: 'Committed 2.0.0 on kitchen.',
      deviceMessage: 'OK',
      bytesSent: 100_000,
      durationMs: 5000,
      initiatedBy: 'the OTA Bench CLI',
      endedAt: 2_005_000,
    });
    expect(row.states.map((s) => s.state)).toEqual([
      'queued',
      'connecting',
      'transferring',
      'rebooting',
      'verifying',
      'committed',
    ]);
    expect(row.states[2]).toEqual({ state: 'transferring', at: 2_000_200 });
    // 100,000 bytes over the 2 s between transferring and rebooting.
    expect(row.bytesPerSecond).toBeCloseTo(50_000);
    expect(row.log).toEqual([{ at: 2_002_300, text: 'The board accepted the image.' }]);
    expect(rows[0]!.log).toBeUndefined();
    expect(store.recordedImage(j.id)).toEqual({ path: '/tmp/fw.zip', pairPath: null, sha256: 'ab'.repeat(32) });
    store.close();
  });

  it('keeps the last lines of the log within its line and byte bounds, and counts retries from it', () => {
    const store = open(freshFile());
    let j = job();
    const ctx = context();
    store.recordJob(j, ctx);
    j = step(j, 'transferring', j.createdAt + 10);
    const log = [];
    for (let i = 0; i < 60; i++) log.push({ at: j.createdAt + 20 + i, text: `line ${i} ${'x'.repeat(300)}` });
    log.push({
      at: j.createdAt + 100,
      text: 'The link dropped at byte 4,096 of 100,000 (timeout); reconnecting to resume.',
    });
    log.push({ at: j.createdAt + 101, text: 'Resumed at byte 4,096 (the device kept the partial upload).' });
    for (const line of log) {
      j = { ...j, log: [...j.log, line].slice(-60) };
      store.recordJob(j, ctx);
    }
    const row = store.entry(j.id);
    expect(row.retries).toBe(1);
    expect(row.log!.length).toBeLessThanOrEqual(LOG_LINES);
    expect(row.log!.reduce((n, l) => n + Buffer.byteLength(l.text), 0)).toBeLessThanOrEqual(LOG_BYTES);
    expect(row.log!.at(-1)!.text).toMatch(/^Resumed at byte/);
    store.close();
  });

  it('filters by device, result and file name, newest first, with a limit and paging', () => {
    const store = open(freshFile());
    const ctx = context();
    const other = context(device({ id: 'id:esp32_FFFFFF', name: 'porch' }));
    for (let i = 0; i < 5; i++) {
      const j = job({
        createdAt: 1000 + i,
        stateSince: 1000 + i,
        image: { ...job().image, fileName: i % 2 ? 'Light.bin' : 'fw.zip' },
      });
      store.recordJob(
        step(j, 'failed', 2000 + i, { result: { code: 'update-failed', message: 'no', deviceMessage: null } }),
        ctx,
      );
    }
    const porch = job({ deviceId: 'id:esp32_FFFFFF', deviceName: 'porch', createdAt: 3000, stateSince: 3000 });
    store.recordJob(porch, other);
    expect(store.list().map((e) => e.startedAt)).toEqual([3000, 1004, 1003, 1002, 1001, 1000]);
    expect(store.list({ deviceId: 'id:esp32_FFFFFF' }).map((e) => e.result)).toEqual(['running']);
    expect(store.list({ result: 'failed' })).toHaveLength(5);
    expect(store.list({ fileName: 'light' }).map((e) => e.startedAt)).toEqual([1003, 1001]);
    expect(store.list({ limit: 2, before: 1003 }).map((e) => e.startedAt)).toEqual([1002, 1001]);
    expect(() => store.entry('nope')).toThrow(/No push nope/);
    store.close();
  });

  it('is shared by two stores on one file, and survives closing and opening again', () => {
    const file = freshFile();
    const app = open(file, { processName: 'the OTA Bench app' });
    const cli = open(file);
    const { job: j } = pushCommitted(app, Date.now());
    expect(cli.entry(j.id).result).toBe('success');
    app.close();
    cli.close();
    const again = open(file);
    expect(again.list()).toHaveLength(1);
    expect(again.list()[0]!.initiatedBy).toBe('the OTA Bench app');
    again.close();
  });
});

describe('a write that cannot be done at once', () => {
  it('is done later (the next write, or close) when another process holds the file longer than the busy timeout', () => {
    const file = freshFile();
    const store = open(file, { busyTimeoutMs: 20 });
    let j = job({ createdAt: Date.now(), stateSince: Date.now() });
    store.recordJob(j, context());
    const other = new DatabaseSync(file);
    other.exec('BEGIN IMMEDIATE'); // holds the write lock, as a long transaction elsewhere would
    j = step(j, 'failed', Date.now(), { result: { code: 'connection-lost', message: 'gone', deviceMessage: null } });
    expect(store.recordJob(j, context())).toBeNull();
    other.exec('COMMIT');
    other.close();
    store.close();
    const reopened = open(file);
    expect(reopened.entry(j.id)).toMatchObject({ state: 'failed', result: 'failed', message: 'gone' });
    expect(reopened.entry(j.id).states.map((s) => s.state)).toEqual(['queued', 'failed']);
    reopened.close();
  });
});

describe('retention', () => {
  it('prunes at open rows older than the days kept, then all but the newest rows kept', () => {
    const file = freshFile();
    const store = open(file);
    const now = Date.now();
    const day = 86_400_000;
    const ctx = context();
    for (let age = 0; age < 10; age++) {
      const start = now - age * day - 1000;
      const j = job({ createdAt: start, stateSince: start });
      store.recordJob(
        step(j, 'updated', start + 500, { result: { code: 'success', message: 'ok', deviceMessage: null } }),
        ctx,
      );
    }
    // A running row of a live process is never pruned, however old.
    const old = now - 30 * day;
    store.recordJob(job({ createdAt: old, stateSince: old }), ctx);
    store.close();
    const byDays = open(file, { retention: { days: 5, rows: 1000 } });
    expect(byDays.list().length).toBe(5 + 1);
    byDays.close();
    const byRows = open(file, { retention: { days: 365, rows: 3 } });
    const kept = byRows.list();
    expect(kept.filter((e) => e.result === 'success').map((e) => e.startedAt)).toEqual(
      [0, 1].map((age) => now - age * day - 1000),
    );
    expect(kept.filter((e) => e.result === 'running')).toHaveLength(1);
    byRows.close();
  });

  it('reads OTA_BENCH_HISTORY_DAYS and OTA_BENCH_HISTORY_ROWS, ignoring nonsense', async () => {
    const { retentionFromEnv } = await import('../../../electron/engine/history/maintenance.ts');
    expect(retentionFromEnv({})).toEqual({ days: 365, rows: 20_000 });
    expect(retentionFromEnv({ OTA_BENCH_HISTORY_DAYS: '30', OTA_BENCH_HISTORY_ROWS: '500' })).toEqual({
      days: 30,
      rows: 500,
    });
    expect(retentionFromEnv({ OTA_BENCH_HISTORY_DAYS: '-1', OTA_BENCH_HISTORY_ROWS: 'lots' })).toEqual({
      days: 365,
      rows: 20_000,
    });
  });
});

describe('export', () => {
  /** RFC 4180 reader, enough to read the export back. */
  function parseCsv(text: string): string[][] {
    const rows: string[][] = [];
    let row: string[] = [];
    let cell = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (quoted && c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (quoted && c === '"') quoted = false;
      else if (quoted) cell += c;
      else if (c === '"') quoted = true;
      else if (c === ',') {
        row.push(cell);
        cell = '';
      } else if (c === '\r' && text[i + 1] === '\n') {
        row.push(cell);
        rows.push(row);
        row = [];
        cell = '';
        i++;
      } else cell += c;
    }
    return rows;
  }

  it('writes CSV with a header, RFC 4180 quoting, and no cell a spreadsheet would run as a formula', () => {
    const store = open(freshFile());
    const hostile = '=HYPERLINK("http://evil","click")';
    const d = device({ name: hostile });
    const j = job({ deviceName: hostile, image: { ...job().image, fileName: 'a,b "c".bin' } });
    store.recordJob(
      step(j, 'failed', j.createdAt + 10, {
        result: { code: 'update-failed', message: 'line one\nline two', deviceMessage: '@SUM(1+1)' },
      }),
      context(d),
    );
    const plain = job({ deviceName: '-1+2', createdAt: j.createdAt - 1 });
    store.recordJob(plain, context(d));
    const { text, rows } = store.export('csv');
    expect(rows).toBe(2);
    const table = parseCsv(text);
    expect(table).toHaveLength(3);
    const header = table[0]!;
    const first = Object.fromEntries(header.map((h, i) => [h, table[1]![i]]));
    expect(first.device_name).toBe(`'${hostile}`);
    expect(first.file_name).toBe('a,b "c".bin');
    expect(first.message).toBe('line one\nline two');
    expect(first.device_message).toBe("'@SUM(1+1)");
    expect(first.size).toBe('100000');
    const second = Object.fromEntries(header.map((h, i) => [h, table[2]![i]]));
    expect(second.device_name).toBe("'-1+2");
    const json = JSON.parse(store.export('json').text) as Array<{ deviceName: string; log: unknown[] }>;
    expect(json[0]!.deviceName).toBe(hostile);
    expect(Array.isArray(json[0]!.log)).toBe(true);
    store.close();
  });
});

describe('inventory', () => {
  it('lists every device seen, online or not, and writes a device again only when it changed or a second on', () => {
    const file = freshFile();
    const store = open(file);
    const kitchen = device({ lastSeen: 10_000 });
    const porch = device({
      id: 'ble:porch',
      transport: 'ble',
      name: 'porch',
      address: 'c0:ff:ee:00:00:01',
      protocol: 'mcumgr-smp',
      mac: null,
      txt: {},
      hostname: null,
      lastSeen: 10_000,
    });
    store.sawDevices([kitchen, porch]);
    const db = new DatabaseSync(file);
    const lastSeen = () =>
      (db.prepare("SELECT last_seen FROM devices WHERE device_id = 'id:esp32_0A1B2C'").get() as { last_seen: number })
        .last_seen;
    store.sawDevices([{ ...kitchen, lastSeen: 10_500 }, porch]);
    expect(lastSeen()).toBe(10_000);
    store.sawDevices([{ ...kitchen, lastSeen: 11_000 }, porch]);
    expect(lastSeen()).toBe(11_000);
    store.sawDevices([{ ...kitchen, lastSeen: 11_100, firmwareVersion: '1.1.0' }, porch]);
    expect(lastSeen()).toBe(11_100);
    db.close();
    const list = store.inventory([{ ...porch, online: true }]);
    expect(list.map((d) => [d.deviceId, d.online])).toEqual([
      ['id:esp32_0A1B2C', false],
      ['ble:porch', true],
    ]);
    expect(list[0]).toMatchObject({
      reportedVersion: '1.1.0',
      firstSeen: 10_000,
      lastSeen: 11_100,
      lastPush: null,
      reportedPushedVersion: null,
    });
    expect(list[1]!.identities).toEqual({
      mdnsId: null,
      mac: null,
      bleAddress: 'c0:ff:ee:00:00:01',
      hostname: null,
      address: null,
    });
    store.close();
  });

  it('keeps "pushed" and "reported" apart', () => {
    const store = open(freshFile());
    store.sawDevices([device()]);
    // Pushed 2.0.0 and the board reported 2.0.0 after its reboot.
    pushCommitted(store, Date.now() - 10_000);
    let kitchen = store.inventory([])[0]!;
    expect(kitchen.lastPush).toMatchObject({ fileName: 'fw.zip', imageVersion: '2.0.0', result: 'success' });
    expect(kitchen.reportedVersion).toBe('2.0.0');
    expect(kitchen.reportedPushedVersion).toBe(true);
    // Then it rolled back: discovery hears 1.0.0 again.
    store.sawDevices([device({ firmwareVersion: '1.0.0', lastSeen: Date.now() })]);
    kitchen = store.inventory([])[0]!;
    expect(kitchen.reportedVersion).toBe('1.0.0');
    expect(kitchen.reportedPushedVersion).toBe(false);
    // A push that never came back: nothing reported since, the board does report versions → false.
    const lost = job({ createdAt: Date.now(), stateSince: Date.now() });
    store.recordJob(
      step(lost, 'failed', Date.now() + 1, {
        result: { code: 'connection-lost', message: 'gone', deviceMessage: null },
      }),
      context(),
    );
    expect(store.inventory([])[0]!.reportedPushedVersion).toBe(false);
    // An image that declares no version: null, whatever the board says.
    const noVersion = job({ createdAt: Date.now() + 5, image: { ...job().image, version: null } });
    store.recordJob(
      step(noVersion, 'updated', Date.now() + 6, {
        toVersion: '1.0.0',
        result: { code: 'success', message: 'ok', deviceMessage: null },
      }),
      context(),
    );
    expect(store.inventory([])[0]!.reportedPushedVersion).toBeNull();
    store.close();
  });

  it("keeps the user's label and notes, and refuses a device never seen", () => {
    const store = open(freshFile());
    store.sawDevices([device()]);
    expect(store.setNote('id:esp32_0A1B2C', { label: ' bench left ', notes: 'USB hub 2' })).toMatchObject({
      label: 'bench left',
      notes: 'USB hub 2',
    });
    expect(store.setNote('id:esp32_0A1B2C', { label: '', notes: null })).toMatchObject({ label: null, notes: null });
    expect(() => store.setNote('id:never', { label: 'x', notes: null })).toThrow(/No device id:never has been seen/);
    store.close();
  });
});
