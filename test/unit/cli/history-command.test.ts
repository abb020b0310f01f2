// `ota-bench history` and `devices` over a real history store (in memory): what a user reads, in
// words and in JSON, and how DEVICE is matched without any discovery.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HistoryStore } from '../../../electron/engine/history/history-store.ts';
import { devicesCommand, historyCommand, matchInventory } from '../../../electron/cli/history-command.ts';
import { Output } from '../../../electron/cli/output.ts';
import { context, device, job, step } from '../history/history-fixtures.ts';

let restore = () => {};
afterEach(() => restore());

function capture(): string[] {
  const writes: string[] = [];
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(`stderr: ${String(chunk)}`);
    return true;
  });
  restore = () => {
    out.mockRestore();
    err.mockRestore();
  };
  return writes;
}

function bench() {
  const store = HistoryStore.open(':memory:', { processName: 'the OTA Bench CLI' });
  const engine = { listHistory: store.list.bind(store), listInventory: () => store.inventory([]) };
  const now = Date.now();
  const kitchen = device({ lastSeen: now - 3 * 3600_000 });
  // A name a hostile board might announce: escape sequences must not reach the terminal.
  const porch = device({
    id: 'id:porch',
    name: 'porch\u001b]0;pwned\u0007',
    hostname: 'porch.local',
    address: '192.168.1.21',
    mac: '11:22:33:44:55:66',
    txt: {},
  });
  store.sawDevices([kitchen, porch]);
  const ok = job({ createdAt: now - 60_000, stateSince: now - 60_000 });
  store.recordJob(
    step(ok, 'committed', now - 50_000, {
      toVersion: '2.0.0',
      result: { code: 'success', message: 'Committed.', deviceMessage: null },
    }),
    context(kitchen),
  );
  const bad = job({ deviceId: 'id:porch', deviceName: porch.name, createdAt: now - 30_000, stateSince: now - 30_000 });
  store.recordJob(
    step(bad, 'failed', now - 29_000, {
      result: { code: 'not-enough-space', message: 'The board has no room.', deviceMessage: 'Not Enough Space' },
    }),
    context(porch),
  );
  return { store, engine };
}

describe('ota-bench history', () => {
  it('prints one line per push, newest first, with the reason under a failure', () => {
    const { engine } = bench();
    const printed = capture();
    expect(historyCommand(engine, new Output(false), {})).toBe(0);
    const text = printed.join('');
    const lines = text.trim().split('\n');
    expect(lines[0]).toMatch(/porch .*fw\.zip \(2\.0\.0\) {2}1\.0\.0 → not reported {2}✖ failed failed {2}took 1 s$/);
    expect(lines[1]).toBe('    The board has no room. (board: "Not Enough Space")');
    expect(lines[2]).toMatch(/kitchen {2}fw\.zip \(2\.0\.0\) {2}1\.0\.0 → 2\.0\.0 {2}✔ committed {2}took 10 s$/);
    expect(lines.at(-1)).toBe('✔ 2 pushes.');
    expect(text).not.toContain('\u001b');
  });

  it('prints JSON lines, and one board by name, id or MAC', () => {
    const { engine } = bench();
    const printed = capture();
    historyCommand(engine, new Output(true), { device: 'KITCHEN', limit: '5' });
    historyCommand(engine, new Output(true), { device: '11:22:33:44:55:66' });
    const lines = printed
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.type === 'history').map((l) => l.deviceId)).toEqual(['id:esp32_0A1B2C', 'id:porch']);
    expect(lines.filter((l) => l.type === 'result').map((l) => l.count)).toEqual([1, 1]);
  });

  it('refuses a bad --limit as a usage error, and says so for a board it never saw (exit 1)', () => {
    const { engine } = bench();
    const printed = capture();
    expect(() => historyCommand(engine, new Output(false), { limit: 'ten' })).toThrow(/--limit wants a whole number/);
    expect(historyCommand(engine, new Output(false), { device: 'garage' })).toBe(1);
    expect(printed.join('')).toContain('No board called "garage" appears in the history');
  });

  it('matches exact ids first, then names, labels and identities, case-insensitively', () => {
    const { store } = bench();
    store.setNote('id:porch', { label: 'Front door', notes: null });
    const inventory = store.inventory([]);
    expect(matchInventory(inventory, 'id:porch').map((d) => d.deviceId)).toEqual(['id:porch']);
    expect(matchInventory(inventory, 'front door').map((d) => d.deviceId)).toEqual(['id:porch']);
    expect(matchInventory(inventory, 'kitchen.local').map((d) => d.deviceId)).toEqual(['id:esp32_0A1B2C']);
    expect(matchInventory(inventory, 'kitchen').map((d) => d.deviceId)).toEqual(['id:esp32_0A1B2C']);
    expect(matchInventory(inventory, 'nothing')).toEqual([]);
  });
});

describe('ota-bench devices', () => {
  it('lists every board seen, offline ones with when they were last seen, and the last push', () => {
    const { engine } = bench();
    const printed = capture();
    expect(devicesCommand(engine, new Output(false))).toBe(0);
    const text = printed.join('');
    expect(text).toMatch(/kitchen {2}Mongoose OS {2}192\.168\.1\.20 {2}reports 2\.0\.0 {2}last seen 3 h ago/);
    expect(text).toMatch(
      /last push: fw\.zip 2\.0\.0 \(sha256 abababababab…\), 1 min ago, success; the board reported that version afterwards/,
    );
    expect(text).toMatch(/2 board\(s\) seen, 0 online now/);
    expect(text).not.toContain('\u001b');
  });
});
