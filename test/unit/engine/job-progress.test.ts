// A LAN job at job level (the job manager running job-runner's sequence over a scripted protocol, no
// sockets): the last progress figure, bytes = total, reaches the job even when the upload ends before
// the sampler's next 4 Hz tick, and the sampler's timer is gone once the job has ended. Without
// sampler.flush() in the runner both fail (the job would show the progress of the last tick, and the
// timer would keep running for ever).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Device, ImageInfo, Job } from '../../../shared/domain.ts';
import { JobManager } from '../../../electron/engine/jobs/job-manager.ts';
import { DEFAULT_JOB_TIMEOUTS, type JobSequence } from '../../../electron/engine/jobs/job-context.ts';
import { runJob } from '../../../electron/engine/jobs/job-runner.ts';
import type { FirmwareInfo, UpdateProtocol } from '../../../electron/engine/protocols/update-protocol.ts';

const SIZE = 300_000;

const device = {
  id: 'addr:192.0.2.10:80',
  transport: 'lan',
  name: 'bench-board',
  hostname: null,
  address: '192.0.2.10',
  port: 80,
  protocol: 'arduino-esp32',
  protocolEvidence: 'probe',
  pushSupported: true,
  firmwareVersion: '1.0.0',
  firmwareId: null,
  app: null,
  arch: null,
  mac: null,
  services: [],
  rssi: null,
  online: true,
  lastSeen: Date.now(),
  authRequired: false,
} as unknown as Device;

const info = {
  imageId: 'image-1',
  fileName: 'app.bin',
  size: SIZE,
  sha256: 'ab'.repeat(32),
  format: 'esp-app',
  formatLabel: 'ESP app image',
  facts: [],
  version: '2.0.0',
  pushableWith: ['arduino-esp32'],
  warnings: [],
  problem: null,
  slotEvidence: null,
  members: null,
} as unknown as ImageInfo;

const firmware = (version: string, uptimeSeconds: number): FirmwareInfo => ({
  version,
  firmwareId: null,
  uptimeSeconds,
  identity: null,
  arch: null,
  app: null,
  mac: null,
});

/** Takes the whole image at once (faster than a sampler tick), then comes back from its reboot running 2.0.0. */
function scriptedProtocol(): UpdateProtocol {
  let pushed = false;
  return {
    id: 'arduino-esp32',
    readFirmware: async () => (pushed ? firmware('2.0.0', 1) : firmware('1.0.0', 500)),
    push: async ({ onBytes }) => {
      onBytes(SIZE / 2);
      onBytes(SIZE);
      pushed = true;
      return { deviceMessage: 'Update Success! Rebooting...', rebootsByItself: true };
    },
  };
}

const lanSequence = (protocol: UpdateProtocol): JobSequence => ({
  protocolId: protocol.id,
  target: '192.0.2.10:80',
  currentDevice: () => device,
  run: (ctx) => runJob({ ...ctx, protocol }),
});

let savedDataDir: string | undefined;
beforeEach(() => {
  savedDataDir = process.env.OTA_BENCH_DATA_DIR;
  process.env.OTA_BENCH_DATA_DIR = mkdtempSync(path.join(tmpdir(), 'ota-bench-job-progress-'));
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
  if (savedDataDir === undefined) delete process.env.OTA_BENCH_DATA_DIR;
  else process.env.OTA_BENCH_DATA_DIR = savedDataDir;
});

describe('a job’s progress', () => {
  it('ends at bytes = total, delivered before the board reboots, and leaves no timer behind', async () => {
    const jobs = new JobManager(DEFAULT_JOB_TIMEOUTS, 'the unit test');
    const seen: Job[] = [];
    jobs.on('changed', (job) => seen.push(job));
    const started = jobs.start({
      request: { deviceId: device.id, imageId: info.imageId, commitPolicy: 'auto', commitTimeoutSeconds: 60 },
      device,
      image: { path: '/nonexistent/app.bin', info },
      sequence: lanSequence(scriptedProtocol()),
    });
    const ended = await jobs.wait(started.id);

    expect(ended.state).toBe('updated');
    expect(ended.progress).toMatchObject({ bytesSent: SIZE, totalBytes: SIZE });
    // The final figure went out while the job was still transferring, not only in the end state.
    const transferring = seen.filter((job) => job.state === 'transferring');
    expect(transferring.at(-1)?.progress.bytesSent).toBe(SIZE);
    expect(vi.getTimerCount()).toBe(0);
  });
});
