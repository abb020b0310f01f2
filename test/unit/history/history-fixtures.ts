// Devices and jobs as the engine hands them to the history store, small enough to read in a test.
import type { Device, Job, JobState } from '../../../shared/domain.ts';

export function device(overrides: Partial<Device> = {}): Device {
  return {
    id: 'id:esp32_0A1B2C',
    transport: 'lan',
    name: 'kitchen',
    hostname: 'kitchen.local',
    address: '192.168.1.20',
    port: 80,
    protocol: 'mongoose-os',
    protocolEvidence: 'txt',
    pushSupported: true,
    firmwareVersion: '1.0.0',
    firmwareId: null,
    app: null,
    arch: 'esp32',
    mac: 'AA:BB:CC:00:11:22',
    services: ['_http._tcp'],
    rssi: null,
    online: true,
    lastSeen: 1_000_000,
    authRequired: false,
    txt: { id: 'esp32_0A1B2C' },
    ...overrides,
  };
}

let counter = 0;
export function job(overrides: Partial<Job> = {}): Job {
  counter++;
  return {
    id: `job-${counter}-${Math.random().toString(36).slice(2, 8)}`,
    deviceId: 'id:esp32_0A1B2C',
    deviceName: 'kitchen',
    target: '192.168.1.20:80',
    protocol: 'mongoose-os',
    image: { fileName: 'fw.zip', size: 100_000, sha256: 'ab'.repeat(32), format: 'mongoose-fw-zip', version: '2.0.0' },
    state: 'queued',
    createdAt: 2_000_000,
    stateSince: 2_000_000,
    endedAt: null,
    progress: { bytesSent: 0, totalBytes: 100_000, bytesPerSecond: 0, etaSeconds: null },
    fromVersion: '1.0.0',
    toVersion: null,
    commitPolicy: 'auto',
    commitDeadline: null,
    result: null,
    log: [],
    mode: null,
    link: null,
    ...overrides,
  };
}

/** The job moved on to `state` at `at` (a copy, as JobManager emits). */
export function step(current: Job, state: JobState, at: number, patch: Partial<Job> = {}): Job {
  const terminal = ['updated', 'committed', 'rolled-back', 'failed', 'cancelled'].includes(state);
  return { ...current, ...patch, state, stateSince: at, endedAt: terminal ? at : null };
}

export const context = (d: Device = device()) => ({
  fleetId: null,
  device: d,
  imagePath: '/tmp/fw.zip',
  pairPath: null,
});
