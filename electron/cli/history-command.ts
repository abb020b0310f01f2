// `ota-bench history [DEVICE]` and `ota-bench devices`: the shared history file, read without any
// discovery (a board that is off still has its history). DEVICE is matched against what the
// inventory knows of every board ever seen, not against the boards on the network now.
import type { HistoryEntry, InventoryDevice } from '../../shared/history.ts';
import type { OtaEngine } from '../engine/engine-api.ts';
import type { Output } from './output.ts';
import { UsageError } from './usage.ts';
import {
  ambiguousHistoryRef,
  devicesCount,
  historyCount,
  historyDetail,
  historyLine,
  inventoryLine,
  lastPushLine,
  noHistoryFor,
} from './history-messages.ts';

type HistoryEngine = Pick<OtaEngine, 'listHistory' | 'listInventory'>;

const DEFAULT_LIMIT = 20;

export function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new UsageError(`--limit wants a whole number from 1 to 1000, not "${value}".`);
  return n;
}

/** The inventory's boards this reference names: exactly by id first, else by any name or identity. */
export function matchInventory(devices: InventoryDevice[], ref: string): InventoryDevice[] {
  const exact = devices.filter((d) => d.deviceId === ref);
  if (exact.length) return exact;
  const want = ref.toLowerCase();
  return devices.filter((d) =>
    [d.name, d.label, ...Object.values(d.identities)]
      .filter((v): v is string => typeof v === 'string')
      .some((v) => v.toLowerCase() === want || v.toLowerCase().replace(/\.local$/, '') === want),
  );
}

export function historyCommand(
  engine: HistoryEngine,
  out: Output,
  options: { device?: string; limit?: string },
): number {
  const limit = parseLimit(options.limit);
  let deviceId: string | undefined;
  if (options.device) {
    const matches = matchInventory(engine.listInventory(), options.device);
    if (matches.length > 1)
      throw new UsageError(
        ambiguousHistoryRef(
          options.device,
          matches.map((d) => d.name),
        ),
      );
    // A board only the history knows (its inventory row pruned): its id as given.
    deviceId = matches[0]?.deviceId ?? options.device;
  }
  const entries: HistoryEntry[] = engine.listHistory({ deviceId, limit });
  if (options.device && entries.length === 0 && !engine.listInventory().some((d) => d.deviceId === deviceId)) {
    out.error(noHistoryFor(options.device));
    return 1;
  }
  for (const entry of entries) {
    out.event('history', entry);
    out.line(historyLine(entry));
    const detail = historyDetail(entry);
    if (detail) out.line(detail);
  }
  const message = historyCount(entries.length, entries.length === limit);
  out.result({ state: 'done', result: 'success', message, fromVersion: null, toVersion: null, count: entries.length });
  return 0;
}

export function devicesCommand(engine: HistoryEngine, out: Output, now = Date.now()): number {
  const devices = engine.listInventory();
  for (const device of devices) {
    out.event('inventory', device);
    out.line(inventoryLine(device, now));
    const push = lastPushLine(device, now);
    if (push) out.line(push);
    if (device.notes) out.line(`    notes: ${device.notes}`);
  }
  const online = devices.filter((d) => d.online).length;
  out.result({
    state: 'done',
    result: 'success',
    message: devicesCount(devices.length, online),
    fromVersion: null,
    toVersion: null,
    count: devices.length,
  });
  return 0;
}
