// The History and Devices views' words and live rows (renderer/src/features/history): pure functions.
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, InventoryDevice } from '../../../shared/history.ts';
import {
  appendOlder,
  filterQuery,
  matchesFilter,
  mergeHistoryEntry,
  olderPageQuery,
} from '../../../renderer/src/features/history/history-merge.ts';
import { exportSaved, pushCount } from '../../../renderer/src/features/history/history-messages.ts';
import {
  formatWhen,
  inventoryVersions,
  rowResultWord,
  versionChange,
} from '../../../renderer/src/features/history/history-words.ts';
import { filterInventory } from '../../../renderer/src/features/history/inventory-filter.ts';

function anEntry(over: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    jobId: 'job-1',
    fleetId: null,
    startedAt: 1_000,
    endedAt: 2_000,
    deviceId: 'id:esp32_1',
    deviceName: 'kitchen-sensor',
    identities: { mdnsId: 'esp32_1', mac: null, bleAddress: null, hostname: null, address: '192.168.1.41' },
    protocol: 'mongoose-os',
    fileName: 'fw-esp32-1.2.0.zip',
    size: 1000,
    sha256: 'a'.repeat(64),
    imageVersion: '1.2.0',
    fromVersion: '1.1.0',
    toVersion: '1.2.0',
    commitPolicy: 'auto',
    mode: null,
    state: 'committed',
    result: 'success',
    states: [
      { state: 'queued', at: 1_000 },
      { state: 'committed', at: 2_000 },
    ],
    resultCode: 'success',
    message: 'Committed 1.2.0 on kitchen-sensor.',
    deviceMessage: null,
    bytesSent: 1000,
    durationMs: 1000,
    bytesPerSecond: 1000,
    retries: 0,
    initiatedBy: 'the OTA Bench app',
    ...over,
  };
}

function aDevice(over: Partial<InventoryDevice> = {}): InventoryDevice {
  return {
    deviceId: 'id:esp32_1',
    name: 'kitchen-sensor',
    transport: 'lan',
    protocol: 'mongoose-os',
    identities: { mdnsId: 'esp32_1', mac: '24:0A:C4:00:00:01', bleAddress: null, hostname: null, address: null },
    firstSeen: 0,
    lastSeen: 5_000,
    online: true,
    reportedVersion: '1.2.0',
    reportedAt: 5_000,
    lastPush: {
      jobId: 'job-1',
      fileName: 'fw.zip',
      sha256: 'a'.repeat(64),
      imageVersion: '1.2.0',
      at: 1_000,
      result: 'success',
    },
    reportedPushedVersion: true,
    label: null,
    notes: null,
    ...over,
  };
}

describe('mergeHistoryEntry: live rows by jobId', () => {
  const rows = [anEntry({ jobId: 'b', startedAt: 2_000 }), anEntry({ jobId: 'a', startedAt: 1_000 })];

  it('replaces a listed row in place and adds a new one newest first', () => {
    const changed = anEntry({
      jobId: 'a',
      startedAt: 1_000,
      result: 'failed',
      states: [...rows[1]!.states, { state: 'failed', at: 3 }],
    });
    expect(mergeHistoryEntry(rows, changed, {}, true).map((row) => [row.jobId, row.result])).toEqual([
      ['b', 'success'],
      ['a', 'failed'],
    ]);
    const added = mergeHistoryEntry(rows, anEntry({ jobId: 'c', startedAt: 3_000 }), {}, false);
    expect(added.map((row) => row.jobId)).toEqual(['c', 'b', 'a']);
  });

  it('drops a row that no longer matches the filter, and ignores rows that never did', () => {
    const running = [anEntry({ jobId: 'a', result: 'running', state: 'transferring' })];
    const ended = anEntry({ jobId: 'a', states: [...running[0]!.states, { state: 'committed', at: 3 }] });
    expect(mergeHistoryEntry(running, ended, { result: 'running' }, true)).toEqual([]);
    expect(mergeHistoryEntry(rows, anEntry({ jobId: 'x', deviceId: 'other' }), { deviceId: 'id:esp32_1' }, true)).toBe(
      rows,
    );
  });

  it('leaves a row older than the oldest shown for "Show older" unless the list is complete', () => {
    const old = anEntry({ jobId: 'z', startedAt: 10 });
    expect(mergeHistoryEntry(rows, old, {}, false)).toBe(rows);
    expect(mergeHistoryEntry(rows, old, {}, true).map((row) => row.jobId)).toEqual(['b', 'a', 'z']);
  });

  it('never takes a row back to fewer states (an event older than the page)', () => {
    const stale = anEntry({
      jobId: 'a',
      startedAt: 1_000,
      states: [{ state: 'queued', at: 1_000 }],
      result: 'running',
    });
    expect(mergeHistoryEntry(rows, stale, {}, true)).toBe(rows);
  });

  it('appends an older page without listing a row twice', () => {
    const older = [anEntry({ jobId: 'a', startedAt: 1_000 }), anEntry({ jobId: 'y', startedAt: 500 })];
    expect(appendOlder(rows, older).map((row) => row.jobId)).toEqual(['b', 'a', 'y']);
  });
});

describe('olderPageQuery: "Show older"', () => {
  it('asks for the rows before the oldest shown, from 1 ms later so a shared start is not skipped', () => {
    const oldest = anEntry({ jobId: 'a', startedAt: 1_000 });
    expect(olderPageQuery({ result: 'failed', fileName: undefined }, oldest, 50)).toEqual({
      result: 'failed',
      limit: 50,
      before: 1_001,
    });
    // Two pushes of one fleet run that started in the same millisecond: the second comes with the next page.
    const listed = [anEntry({ jobId: 'b', startedAt: 1_000 })];
    const nextPage = [anEntry({ jobId: 'b', startedAt: 1_000 }), anEntry({ jobId: 'c', startedAt: 1_000 })];
    expect(appendOlder(listed, nextPage).map((row) => row.jobId)).toEqual(['c', 'b']);
  });
});

describe('matchesFilter / filterQuery', () => {
  it('filters by device, result and a file-name substring in any case', () => {
    const entry = anEntry();
    expect(matchesFilter(entry, { fileName: 'ESP32-1.2' })).toBe(true);
    expect(matchesFilter(entry, { fileName: 'esp8266' })).toBe(false);
    expect(matchesFilter(entry, { result: 'failed' })).toBe(false);
    expect(matchesFilter(entry, { deviceId: 'id:esp32_1', result: 'success' })).toBe(true);
  });

  it('sends only the fields that filter', () => {
    expect(filterQuery({ deviceId: undefined, result: 'failed', fileName: '' })).toEqual({ result: 'failed' });
  });
});

describe('words', () => {
  it('names a row by the state it ended in, and an interrupted one as such', () => {
    expect(rowResultWord(anEntry())).toBe('Committed');
    expect(rowResultWord(anEntry({ protocol: 'mcumgr-smp' }))).toBe('Confirmed');
    expect(rowResultWord(anEntry({ state: 'interrupted', result: 'interrupted' }))).toBe('Interrupted');
  });

  it('says the version before and the one the board reported, never the file’s', () => {
    expect(versionChange(anEntry())).toBe('1.1.0 → 1.2.0');
    expect(versionChange(anEntry({ toVersion: null, result: 'failed' }))).toBe('1.1.0 → not reported');
    expect(versionChange(anEntry({ fromVersion: null, result: 'running' }))).toBe('? → …');
  });

  it('says when: a time today, a day this year, a year before', () => {
    const now = new Date(2026, 2, 2, 9, 30).getTime();
    expect(formatWhen(new Date(2026, 2, 2, 8, 5).getTime(), now)).toBe('08:05');
    expect(formatWhen(new Date(2026, 0, 28, 17, 0).getTime(), now)).toBe('28 Jan 17:00');
    expect(formatWhen(new Date(2025, 11, 31, 23, 59).getTime(), now)).toBe('31 Dec 2025 23:59');
  });

  it('counts rows and pushes', () => {
    expect(exportSaved(1, 'h.csv')).toBe('Saved 1 row to h.csv.');
    expect(exportSaved(1234, 'h.json')).toBe('Saved 1,234 rows to h.json.');
    expect(pushCount(1, false)).toBe('1 push');
    expect(pushCount(50, true)).toBe('50+ pushes');
  });
});

describe('inventory: pushed and reported kept apart', () => {
  it('says both and flags them when they differ', () => {
    expect(inventoryVersions(aDevice())).toEqual({
      pushed: 'pushed 1.2.0 (succeeded)',
      reports: 'reports 1.2.0',
      differ: false,
    });
    const rolledBack = aDevice({
      reportedVersion: '1.1.0',
      reportedPushedVersion: false,
      lastPush: { ...aDevice().lastPush!, result: 'rolled-back' },
    });
    expect(inventoryVersions(rolledBack)).toEqual({
      pushed: 'pushed 1.2.0 (rolled back)',
      reports: 'reports 1.1.0',
      differ: true,
    });
  });

  it('does not flag a push still running (the board has not had its chance to report)', () => {
    const running = aDevice({
      reportedVersion: '1.1.0',
      reportedPushedVersion: null,
      lastPush: { ...aDevice().lastPush!, result: 'running' },
    });
    expect(inventoryVersions(running)).toMatchObject({ pushed: 'pushed 1.2.0 (running)', differ: false });
  });

  it('names the file when the image declares no version, and a board never pushed to', () => {
    const noVersion = aDevice({
      reportedPushedVersion: null,
      lastPush: { ...aDevice().lastPush!, imageVersion: null },
    });
    expect(inventoryVersions(noVersion)).toMatchObject({ pushed: 'pushed fw.zip (succeeded)', differ: false });
    expect(inventoryVersions(aDevice({ lastPush: null, reportedVersion: null }))).toEqual({
      pushed: null,
      reports: 'reports no version',
      differ: false,
    });
  });

  it('filters by any name, id or note, online first then the most recently seen', () => {
    const devices = [
      aDevice({ deviceId: 'a', name: 'alpha', online: false, lastSeen: 1 }),
      aDevice({ deviceId: 'b', name: 'beta', online: false, lastSeen: 9, notes: 'hub port 3' }),
      aDevice({ deviceId: 'c', name: 'gamma', online: true, label: 'Rev B' }),
    ];
    expect(filterInventory(devices, { text: '', onlineOnly: false }).map((d) => d.deviceId)).toEqual(['c', 'b', 'a']);
    expect(filterInventory(devices, { text: 'rev b', onlineOnly: false }).map((d) => d.deviceId)).toEqual(['c']);
    expect(filterInventory(devices, { text: 'PORT', onlineOnly: false }).map((d) => d.deviceId)).toEqual(['b']);
    expect(filterInventory(devices, { text: '', onlineOnly: true }).map((d) => d.deviceId)).toEqual(['c']);
  });
});
