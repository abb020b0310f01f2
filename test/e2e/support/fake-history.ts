// DESIGN FIXTURE — not a test of behaviour. Scripted push history and inventory for the design
// screenshots of the History and Devices views (visual.spec.ts): the boards of fake-api.ts's bench,
// pushes that ended every way (committed, updated, failed with the board's own words, rolled back,
// cancelled, interrupted, one still running), and a board that went away with its label and notes.
//
// Like installDesignFixtureApi, `installDesignHistory` goes to `page.addInitScript` (serialised with
// toString(): self-contained). It runs first and leaves `window.otaBenchDesignHistory`, which the
// history stubs of fake-api.ts answer from. The real engine's history is tested in history.spec.ts.
import type { HistoryEntry, HistoryQuery, InventoryDevice } from '../../../shared/history.ts';

export interface DesignHistory {
  list: (query: HistoryQuery) => HistoryEntry[];
  entry: (jobId: string) => HistoryEntry;
  /** null: the file may be pushed again; else the refusal the main process would give. */
  reopenRefusal: (jobId: string) => string | null;
  inventory: () => InventoryDevice[];
  setNote: (deviceId: string, label: string | null, notes: string | null) => InventoryDevice;
}

declare global {
  interface Window {
    otaBenchDesignHistory?: DesignHistory;
  }
}

export function installDesignHistory(): void {
  const now = Date.now();
  const minute = 60_000;
  const hour = 60 * minute;
  const day = 24 * hour;
  const sha = (seed: string) => seed.repeat(64 / seed.length + 1).slice(0, 64);
  const ids = (over: Partial<HistoryEntry['identities']>): HistoryEntry['identities'] => ({
    mdnsId: null,
    mac: null,
    bleAddress: null,
    hostname: null,
    address: null,
    ...over,
  });
  const kitchen = {
    deviceId: 'id:esp32_1A2B3C',
    deviceName: 'kitchen-sensor',
    identities: ids({
      mdnsId: 'esp32_1A2B3C',
      mac: '24:0A:C4:1A:2B:3C',
      hostname: 'mOS-esp32-1A2B3C.local',
      address: '192.168.1.41',
    }),
    protocol: 'mongoose-os' as const,
  };
  const garage = {
    deviceId: 'mac:84:f3:eb:12:34:56',
    deviceName: 'garage-door',
    identities: ids({ mac: '84:F3:EB:12:34:56', address: '192.168.1.57' }),
    protocol: 'arduino-esp8266' as const,
  };
  const light = {
    deviceId: 'host:livingroom-light.local',
    deviceName: 'livingroom-light',
    identities: ids({ hostname: 'livingroom-light.local', address: '192.168.1.63' }),
    protocol: 'esphome-web' as const,
  };
  const bridge = {
    deviceId: 'addr:192.168.1.70:80',
    deviceName: 'wiflash-bridge',
    identities: ids({ address: '192.168.1.70' }),
    protocol: 'esp-link' as const,
  };
  const attic = {
    deviceId: 'id:esp32_9F8E7D',
    deviceName: 'attic-relay',
    identities: ids({ mdnsId: 'esp32_9F8E7D', mac: '24:0A:C4:9F:8E:7D', address: '192.168.1.88' }),
    protocol: 'mongoose-os' as const,
  };

  type Board = typeof kitchen | typeof garage | typeof light | typeof bridge | typeof attic;
  type States = HistoryEntry['states'];
  const steps = (startedAt: number, names: Array<[HistoryEntry['states'][number]['state'], number]>): States =>
    names.map(([state, afterMs]) => ({ state, at: startedAt + afterMs }));

  const row = (
    jobId: string,
    board: Board,
    startedAt: number,
    over: Partial<HistoryEntry> & Pick<HistoryEntry, 'state' | 'result' | 'states'>,
  ): HistoryEntry => {
    const endedAt = over.result === 'running' ? null : (over.states.at(-1)?.at ?? startedAt);
    const size = over.size ?? 1_572_864;
    return {
      jobId,
      fleetId: null,
      startedAt,
      endedAt,
      ...board,
      fileName: 'fw-esp32-kitchen-sensor-1.4.2.zip',
      size,
      sha256: sha('f3a9c01d'),
      imageVersion: '1.4.2',
      fromVersion: '1.4.1',
      toVersion: null,
      commitPolicy: 'prompt',
      mode: null,
      resultCode: null,
      message: null,
      deviceMessage: null,
      bytesSent: size,
      durationMs: endedAt === null ? null : endedAt - startedAt,
      bytesPerSecond: 310_000,
      retries: 0,
      initiatedBy: 'the OTA Bench app',
      ...over,
    };
  };

  const history: HistoryEntry[] = [
    row('h-live', light, now - 9_000, {
      state: 'transferring',
      result: 'running',
      states: steps(now - 9_000, [
        ['queued', 0],
        ['connecting', 200],
        ['transferring', 1_000],
      ]),
      fileName: 'livingroom-light.ota.bin',
      size: 4_012_544,
      imageVersion: '2025.5.0',
      fromVersion: '2025.4.2',
      commitPolicy: 'auto',
      bytesSent: 1_204_000,
      bytesPerSecond: 151_000,
    }),
    row('h-commit', kitchen, now - 26 * minute, {
      state: 'committed',
      result: 'success',
      states: steps(now - 26 * minute, [
        ['queued', 0],
        ['connecting', 150],
        ['transferring', 400],
        ['rebooting', 5_500],
        ['verifying', 9_800],
        ['awaiting-commit', 10_400],
        ['committing', 41_000],
        ['committed', 41_600],
      ]),
      toVersion: '1.4.2',
      resultCode: 'success',
      message: 'Committed 1.4.2 on kitchen-sensor.',
      bytesPerSecond: 306_000,
    }),
    row('h-nospace', attic, now - 52 * minute, {
      state: 'failed',
      result: 'failed',
      states: steps(now - 52 * minute, [
        ['queued', 0],
        ['connecting', 180],
        ['transferring', 420],
        ['failed', 900],
      ]),
      resultCode: 'not-enough-space',
      message:
        'attic-relay has no room for this file: 1.50 MiB does not fit in the 1.00 MiB its flash has free. Nothing was written.',
      deviceMessage: 'Update failed: not enough space (need 1572864, have 1048576)',
      bytesSent: 65_536,
      bytesPerSecond: 131_000,
    }),
    row('h-rollback', kitchen, now - 3 * hour, {
      state: 'rolled-back',
      result: 'rolled-back',
      states: steps(now - 3 * hour, [
        ['queued', 0],
        ['connecting', 150],
        ['transferring', 400],
        ['rebooting', 5_600],
        ['verifying', 9_900],
        ['awaiting-commit', 10_500],
        ['rolled-back', 310_500],
      ]),
      fileName: 'fw-esp32-kitchen-sensor-1.4.2-rc1.zip',
      imageVersion: '1.4.2-rc1',
      toVersion: '1.4.1',
      resultCode: 'rolled-back',
      message: 'kitchen-sensor booted 1.4.2-rc1 but nobody committed it within 5 min, so it went back to 1.4.1.',
      bytesPerSecond: 298_000,
    }),
    row('h-updated', bridge, now - 5 * hour, {
      state: 'updated',
      result: 'success',
      states: steps(now - 5 * hour, [
        ['queued', 0],
        ['connecting', 100],
        ['transferring', 300],
        ['rebooting', 9_100],
        ['verifying', 14_000],
        ['updated', 14_300],
      ]),
      fileName: 'user2.bin',
      size: 421_904,
      imageVersion: '3.2.0',
      fromVersion: '3.1.9',
      toVersion: '3.2.0',
      commitPolicy: 'never',
      resultCode: 'success',
      message: 'wiflash-bridge now runs 3.2.0 from slot 2.',
      bytesPerSecond: 48_000,
    }),
    row('h-interrupted', garage, now - day - 2 * hour, {
      state: 'interrupted',
      result: 'interrupted',
      states: steps(now - day - 2 * hour, [
        ['queued', 0],
        ['connecting', 120],
        ['transferring', 350],
        ['interrupted', 6 * minute],
      ]),
      fileName: 'garage-door-2.1.0.bin',
      size: 398_112,
      imageVersion: '2.1.0',
      fromVersion: '2.0.0',
      bytesSent: 212_992,
      durationMs: null,
      bytesPerSecond: 61_000,
      initiatedBy: 'the OTA Bench CLI',
    }),
    row('h-cancel', light, now - 2 * day, {
      state: 'cancelled',
      result: 'cancelled',
      states: steps(now - 2 * day, [
        ['queued', 0],
        ['connecting', 200],
        ['transferring', 900],
        ['cancelled', 4_900],
      ]),
      fileName: 'livingroom-light.ota.bin',
      size: 4_012_544,
      imageVersion: '2025.4.2',
      fromVersion: '2025.4.1',
      resultCode: 'cancelled',
      message: 'Cancelled before the board received the whole file; it still runs its old firmware.',
      bytesSent: 602_112,
      bytesPerSecond: 150_000,
      commitPolicy: 'auto',
    }),
  ];

  const logOf = (entry: HistoryEntry) =>
    entry.states.map((step) => ({ at: step.at, text: `→ ${step.state}` })).slice(-12);

  const lastPush = (deviceId: string): InventoryDevice['lastPush'] => {
    const last = history.find((entry) => entry.deviceId === deviceId);
    return last
      ? {
          jobId: last.jobId,
          fileName: last.fileName,
          sha256: last.sha256,
          imageVersion: last.imageVersion,
          at: last.startedAt,
          result: last.result,
        }
      : null;
  };
  const device = (
    board: Board,
    over: Partial<InventoryDevice> & Pick<InventoryDevice, 'online' | 'lastSeen' | 'reportedVersion'>,
  ): InventoryDevice => ({
    deviceId: board.deviceId,
    name: board.deviceName,
    transport: 'lan',
    protocol: board.protocol,
    identities: board.identities,
    firstSeen: now - 40 * day,
    reportedAt: over.lastSeen,
    lastPush: lastPush(board.deviceId),
    reportedPushedVersion: null,
    label: null,
    notes: null,
    ...over,
  });
  let inventory: InventoryDevice[] = [
    device(kitchen, { online: true, lastSeen: now - 3_000, reportedVersion: '1.4.2', reportedPushedVersion: true }),
    device(garage, {
      online: true,
      lastSeen: now - 3_000,
      reportedVersion: '2.0.0',
      reportedPushedVersion: false,
      label: 'garage door opener',
      notes: 'Behind the freezer; the 5 V supply sags when the motor runs.',
    }),
    device(light, { online: true, lastSeen: now - 3_000, reportedVersion: '2025.4.2', reportedPushedVersion: null }),
    device(bridge, { online: true, lastSeen: now - 3_000, reportedVersion: '3.2.0', reportedPushedVersion: true }),
    device(attic, {
      online: false,
      lastSeen: now - 2 * minute,
      reportedVersion: '1.3.0',
      reportedPushedVersion: false,
      label: 'attic relay (rev A)',
    }),
    {
      deviceId: 'ble:0a1b2c3d4e5f',
      name: 'nrf52-tag',
      transport: 'ble',
      protocol: 'mcumgr-smp',
      identities: ids({ bleAddress: '0A:1B:2C:3D:4E:5F' }),
      firstSeen: now - 12 * day,
      lastSeen: now - 6 * day,
      online: false,
      reportedVersion: '2.1.0',
      reportedAt: now - 6 * day,
      lastPush: null,
      reportedPushedVersion: null,
      label: null,
      notes: 'Lent to Sam for the range test.',
    },
  ];

  const designHistory: DesignHistory = {
    list: (query) =>
      history
        .filter((entry) => !query.deviceId || entry.deviceId === query.deviceId)
        .filter((entry) => !query.result || entry.result === query.result)
        .filter((entry) => !query.fileName || entry.fileName.toLowerCase().includes(query.fileName.toLowerCase()))
        .filter((entry) => query.before === undefined || entry.startedAt < query.before)
        .slice(0, query.limit ?? 200),
    entry: (jobId) => {
      const found = history.find((entry) => entry.jobId === jobId);
      if (!found) throw new Error(`No push ${jobId} in the history.`);
      return { ...found, log: logOf(found) };
    },
    reopenRefusal: (jobId) =>
      jobId === 'h-rollback'
        ? 'fw-esp32-kitchen-sensor-1.4.2-rc1.zip has changed since that push (its SHA-256 is not the one pushed): pick it again to push what it holds now.'
        : null,
    inventory: () => inventory,
    setNote: (deviceId, label, notes) => {
      inventory = inventory.map((known) => (known.deviceId === deviceId ? { ...known, label, notes } : known));
      const saved = inventory.find((known) => known.deviceId === deviceId);
      if (!saved) throw new Error(`No board ${deviceId} in the inventory.`);
      return saved;
    },
  };
  Object.defineProperty(window, 'otaBenchDesignHistory', { value: designHistory, configurable: false });
}
