// One job as one history row, and back. Pure functions: the store decides when to write.
import type { Device, Job, JobLogEntry, JobState } from '../../../shared/domain.ts';
import { isTerminal } from '../../../shared/domain.ts';
import type { DeviceIdentities, HistoryEntry, HistoryResult } from '../../../shared/history.ts';

/** The last lines of a job's log kept with its row: at most this many, and at most LOG_BYTES of text. */
export const LOG_LINES = 40;
export const LOG_BYTES = 8 * 1024;
const LINE_CHARS = 1000;

/**
 * Log lines that mean the job tried again, as the job runners write them (their message builders are
 * checked against these in test/unit/engine/history-rows.test.ts): a BLE link that dropped and is being
 * reconnected to resume (SMP) or to start over (Mongoose OS over BLE, Espressif BLE OTA), an Espressif
 * device still in an earlier transfer and restarted, and ArduinoOTA's second invitation with the MD5
 * password hash. Not counted because the log does not say them line by line: ArduinoOTA invitations
 * re-sent to a silent board, SMP requests sent again and Espressif sectors resent after a CRC error
 * (the upload's closing line sums those).
 */
export const RETRY_LINES: readonly RegExp[] = [
  /\breconnecting to resume\b/i,
  /\breconnecting and starting (the upload )?again\b/i,
  /\bstopped it and started again\b/i,
  /\binviting again\b/i,
];

export function countsAsRetry(text: string): boolean {
  return RETRY_LINES.some((pattern) => pattern.test(text));
}

export function resultOf(state: JobState | 'interrupted'): HistoryResult {
  switch (state) {
    case 'updated':
    case 'committed':
      return 'success';
    case 'failed':
    case 'rolled-back':
    case 'cancelled':
    case 'interrupted':
      return state;
    default:
      return 'running';
  }
}

export function identitiesOf(device: Device): DeviceIdentities {
  return {
    mdnsId: device.txt?.id || null,
    mac: device.mac,
    bleAddress: device.transport === 'ble' ? device.address : null,
    hostname: device.hostname,
    address: device.transport === 'lan' ? device.address : null,
  };
}

/** The newest lines that fit LOG_LINES and LOG_BYTES, each cut to a sane length. */
export function boundedLog(log: JobLogEntry[]): JobLogEntry[] {
  const kept: JobLogEntry[] = [];
  let bytes = 0;
  for (let i = log.length - 1; i >= 0 && kept.length < LOG_LINES; i--) {
    const entry = log[i]!;
    const text = entry.text.length > LINE_CHARS ? `${entry.text.slice(0, LINE_CHARS - 1)}…` : entry.text;
    bytes += Buffer.byteLength(text);
    if (bytes > LOG_BYTES) break;
    kept.push({ at: entry.at, text });
  }
  return kept.reverse();
}

/** The log lines not seen before: those after the last one seen (the job's log is a sliding window). */
export function newLogLines(log: JobLogEntry[], lastSeen: JobLogEntry | null): JobLogEntry[] {
  if (!lastSeen) return log;
  for (let i = log.length - 1; i >= 0; i--) {
    if (log[i]!.at === lastSeen.at && log[i]!.text === lastSeen.text) return log.slice(i + 1);
  }
  return log;
}

export type StateStep = { state: JobState | 'interrupted'; at: number };

/** Average bytes per second over the time spent transferring (until now, while it still transfers). */
export function averageRate(bytes: number, states: StateStep[], now: number): number | null {
  if (bytes <= 0) return null;
  const start = states.findIndex((s) => s.state === 'transferring');
  if (start < 0) return null;
  const end = states[start + 1]?.at ?? now;
  const seconds = (end - states[start]!.at) / 1000;
  return seconds > 0 ? bytes / seconds : null;
}

/** The row's columns, named as in schema.ts. */
export interface JobRow {
  job_id: string;
  fleet_id: string | null;
  started_at: number;
  ended_at: number | null;
  updated_at: number;
  device_id: string;
  device_name: string;
  mdns_id: string | null;
  mac: string | null;
  ble_address: string | null;
  hostname: string | null;
  address: string | null;
  protocol: string;
  file_name: string;
  size: number;
  sha256: string;
  image_version: string | null;
  from_version: string | null;
  to_version: string | null;
  commit_policy: string;
  mode: string | null;
  state: string;
  result: string;
  states: string;
  result_code: string | null;
  message: string | null;
  device_message: string | null;
  bytes_sent: number;
  duration_ms: number | null;
  bytes_per_second: number | null;
  retries: number;
  initiated_by: string;
  log: string;
  image_path: string;
  pair_path: string | null;
  writer_pid: number;
  writer_token: string | null;
}

export interface RowInputs {
  job: Job;
  fleetId: string | null;
  device: Device;
  imagePath: string;
  pairPath: string | null;
  states: StateStep[];
  retries: number;
  initiatedBy: string;
  writerPid: number;
  writerToken: string | null;
  now: number;
}

export function rowOf(input: RowInputs): JobRow {
  const { job, device } = input;
  const ids = identitiesOf(device);
  const ended = isTerminal(job.state) ? (job.endedAt ?? input.now) : null;
  return {
    job_id: job.id,
    fleet_id: input.fleetId,
    started_at: job.createdAt,
    ended_at: ended,
    updated_at: input.now,
    device_id: job.deviceId,
    device_name: job.deviceName,
    mdns_id: ids.mdnsId,
    mac: ids.mac,
    ble_address: ids.bleAddress,
    hostname: ids.hostname,
    address: ids.address,
    protocol: job.protocol,
    file_name: job.image.fileName,
    size: job.image.size,
    sha256: job.image.sha256,
    image_version: job.image.version,
    from_version: job.fromVersion,
    to_version: job.toVersion,
    commit_policy: job.commitPolicy,
    mode: job.mode,
    state: job.state,
    result: resultOf(job.state),
    states: JSON.stringify(input.states),
    result_code: job.result?.code ?? null,
    message: job.result?.message ?? null,
    device_message: job.result?.deviceMessage ?? null,
    bytes_sent: job.progress.bytesSent,
    duration_ms: ended === null ? null : ended - job.createdAt,
    bytes_per_second: averageRate(job.progress.bytesSent, input.states, input.now),
    retries: input.retries,
    initiated_by: input.initiatedBy,
    log: JSON.stringify(boundedLog(job.log)),
    image_path: input.imagePath,
    pair_path: input.pairPath,
    writer_pid: input.writerPid,
    writer_token: input.writerToken,
  };
}

/** Every column, in schema order (the store's upsert names them all). */
export const ROW_COLUMNS = [
  'job_id',
  'fleet_id',
  'started_at',
  'ended_at',
  'updated_at',
  'device_id',
  'device_name',
  'mdns_id',
  'mac',
  'ble_address',
  'hostname',
  'address',
  'protocol',
  'file_name',
  'size',
  'sha256',
  'image_version',
  'from_version',
  'to_version',
  'commit_policy',
  'mode',
  'state',
  'result',
  'states',
  'result_code',
  'message',
  'device_message',
  'bytes_sent',
  'duration_ms',
  'bytes_per_second',
  'retries',
  'initiated_by',
  'log',
  'image_path',
  'pair_path',
  'writer_pid',
  'writer_token',
] as const satisfies ReadonlyArray<keyof JobRow>;

export function entryOf(row: JobRow, withLog: boolean): HistoryEntry {
  const entry: HistoryEntry = {
    jobId: row.job_id,
    fleetId: row.fleet_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    deviceId: row.device_id,
    deviceName: row.device_name,
    identities: {
      mdnsId: row.mdns_id,
      mac: row.mac,
      bleAddress: row.ble_address,
      hostname: row.hostname,
      address: row.address,
    },
    protocol: row.protocol as HistoryEntry['protocol'],
    fileName: row.file_name,
    size: row.size,
    sha256: row.sha256,
    imageVersion: row.image_version,
    fromVersion: row.from_version,
    toVersion: row.to_version,
    commitPolicy: row.commit_policy as HistoryEntry['commitPolicy'],
    mode: row.mode as HistoryEntry['mode'],
    state: row.state as HistoryEntry['state'],
    result: row.result as HistoryResult,
    states: JSON.parse(row.states) as StateStep[],
    resultCode: row.result_code as HistoryEntry['resultCode'],
    message: row.message,
    deviceMessage: row.device_message,
    bytesSent: row.bytes_sent,
    durationMs: row.duration_ms,
    bytesPerSecond: row.bytes_per_second,
    retries: row.retries,
    initiatedBy: row.initiated_by,
  };
  if (withLog) entry.log = JSON.parse(row.log) as JobLogEntry[];
  return entry;
}
