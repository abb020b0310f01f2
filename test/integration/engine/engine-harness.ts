// Shared set-up for engine integration tests: an engine with short, test-sized waits, helpers to
// wait for a device or a job state, and clean shutdown of boards and engine.
import type { Device, Job, JobState, PushRequest } from '../../../shared/domain.ts';
import { createEngine, type OtaEngine } from '../../../electron/engine/index.ts';
import type { HttpBoard } from '../../sim/http-board.ts';

export const TEST_TIMEOUTS = {
  rebootComeBackMs: 15_000,
  rollbackGraceMs: 15_000,
  healthSeconds: 2,
  pollMs: 200,
  versionAnnounceMs: 4_000,
};

export function testEngine(): OtaEngine {
  return createEngine({ timeouts: TEST_TIMEOUTS });
}

export async function waitFor<T>(
  what: string,
  probe: () => T | null | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Waits until discovery lists the board by address and its protocol is known. */
export function discovered(engine: OtaEngine, board: HttpBoard, timeoutMs = 10_000): Promise<Device> {
  return waitFor(
    `${board.hostname} to be discovered`,
    () =>
      engine
        .listDevices()
        .find((d) => d.address === board.address && d.protocol !== 'unknown' && d.protocol !== 'arduino-ota'),
    timeoutMs,
  );
}

export function reachState(engine: OtaEngine, jobId: string, state: JobState, timeoutMs = 30_000): Promise<Job> {
  return waitFor(
    `job to reach ${state}`,
    () => {
      const job = engine.getJob(jobId);
      return job.state === state ? job : null;
    },
    timeoutMs,
  );
}

export function request(deviceId: string, imageId: string, over: Partial<PushRequest> = {}): PushRequest {
  return { deviceId, imageId, commitPolicy: 'prompt', commitTimeoutSeconds: 300, ...over };
}

export async function shutdown(engine: OtaEngine | undefined, boards: HttpBoard[]): Promise<void> {
  await engine?.close();
  await Promise.all(boards.map((b) => b.stop()));
}
