// SKELETON (issue 12, being built): the push history and device inventory in SQLite (node:sqlite).
import type { Device, Job } from '../../../shared/domain.ts';
import type { HistoryEntry, HistoryQuery, InventoryDevice } from '../../../shared/history.ts';
import type { RecordedImage } from '../engine-api.ts';
import { UpdateError } from '../update-error.ts';

export interface JobRecordContext {
  fleetId: string | null;
  device: Device;
  /** Where the pushed file is (and its pair's other file): what "push again" re-opens. */
  imagePath: string;
  pairPath: string | null;
}

const notYet = () => new UpdateError('update-failed', 'The history is not built yet.');

export class HistoryStore {
  /** `file`: the database file (created with its folder), or ':memory:'. */
  static open(_file: string, _options: { processName: string }): HistoryStore {
    return new HistoryStore();
  }
  /** Called on every job change; writes only when the state (or the log's end) changed. Returns the row written, if any. */
  recordJob(_job: Job, _context: JobRecordContext): HistoryEntry | null {
    return null;
  }
  sawDevices(_devices: Device[]): void {}
  list(_query: HistoryQuery = {}): HistoryEntry[] {
    return [];
  }
  entry(_jobId: string): HistoryEntry {
    throw notYet();
  }
  export(_format: 'csv' | 'json', _query: HistoryQuery = {}): { text: string; rows: number } {
    throw notYet();
  }
  recordedImage(_jobId: string): RecordedImage {
    throw notYet();
  }
  inventory(_online: Device[]): InventoryDevice[] {
    return [];
  }
  setNote(_deviceId: string, _note: { label: string | null; notes: string | null }): InventoryDevice {
    throw notYet();
  }
  close(): void {}
}
