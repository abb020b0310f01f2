// `ota-bench push FILE… --to A --to B,C` / `--all`: one fleet run. Groups the files into images, finds
// the boards, starts the run through the engine's FleetRunner (the same one the fleet card drives),
// prints each board's phases and its result, asks the one "Commit all healthy" question in a terminal,
// and ends with a summary. Ctrl-C cancels the run and waits for its pushes to stop.
import type { Device } from '../../shared/domain.ts';
import type { FleetRun } from '../../shared/fleet.ts';
import type { OtaEngine } from '../engine/engine-api.ts';
import type { Output } from './output.ts';
import { resolveDeviceRef } from './resolve-device.ts';
import { boardLine, imageLine } from './messages.ts';
import { groupImages, type FleetImage } from './fleet-images.ts';
import { fleetRequestFor, type FleetRequestOptions } from './fleet-request.ts';
import { FleetReporter, type UnfoundBoard } from './fleet-output.ts';
import {
  FLEET_CANCELLING,
  FLEET_WAITING_FOR_WINDOWS,
  boardNotFound,
  commitAllQuestion,
  fleetStarting,
  imageRefused,
  noBoardTakes,
} from './fleet-messages.ts';
import { askCommitAll, type CommitAllAnswer } from './fleet-prompt.ts';

export interface FleetPushOptions {
  files: string[];
  /** The --to references, split at commas, each once. Empty with --all. */
  refs: string[];
  all: boolean;
  request: FleetRequestOptions;
  /** How long discovery runs for --all, and at most for a name to answer. */
  discoverSeconds: number;
}

/** The process around the run: the commit question and Ctrl-C (tests give their own). */
export interface FleetIo {
  ask: (
    out: Output,
    question: string,
    over: Promise<unknown>,
    onInterrupt: () => void,
  ) => Promise<CommitAllAnswer | null>;
  /** Calls `listener` on each Ctrl-C; returns the function that stops listening. */
  onInterrupt: (listener: () => void) => () => void;
  /** A second Ctrl-C: leave at once. */
  quit: (code: number) => void;
  sleep: (ms: number) => Promise<void>;
}

export const processIo: FleetIo = {
  ask: askCommitAll,
  onInterrupt: (listener) => {
    process.on('SIGINT', listener);
    return () => process.off('SIGINT', listener);
  },
  quit: (code) => process.exit(code),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Exit status after Ctrl-C, as shells report a process ended by SIGINT. */
export const INTERRUPTED_EXIT = 130;

export async function fleetCommand(
  engine: OtaEngine,
  out: Output,
  options: FleetPushOptions,
  io: FleetIo = processIo,
): Promise<number> {
  const images = await groupImages(engine, options.files);
  for (const image of images) {
    out.event('image', { deviceId: null, files: image.files, ...image.info });
    out.line(imageLine(image.info));
  }
  const refused = images.find((image) => image.info.problem);
  if (refused) throw new Error(imageRefused(refused.info));

  const { devices, unfound } = await chooseBoards(engine, options, images, io);
  for (const device of devices) {
    out.event('device', { deviceId: device.id, ...device });
    out.line(boardLine(device, device.protocol));
  }
  const reporter = new FleetReporter(out, devices, { credentialsGiven: Boolean(options.request.credentials) });
  if (devices.length === 0) return exitCode(reporter.finish(null, unfound).summary);

  const request = fleetRequestFor(options.request, {
    deviceIds: devices.map((d) => d.id),
    imageIds: images.map((i) => i.info.imageId),
  });
  // Listening before the run starts: its first changes may be reported from inside startFleet.
  const stopListening = [
    engine.on('fleetChanged', (run) => reporter.runChanged(run)),
    engine.on('jobChanged', (job) => reporter.jobChanged(job)),
  ];
  let run: FleetRun | null = null;
  let interrupted = false;
  const interrupt = () => {
    if (interrupted) return io.quit(INTERRUPTED_EXIT);
    interrupted = true;
    out.line(FLEET_CANCELLING);
    try {
      if (run) engine.cancelFleet(run.id);
    } catch {
      // The run ended meanwhile: nothing left to cancel.
    }
  };
  const stopInterrupts = io.onInterrupt(interrupt);
  try {
    run = engine.startFleet(request);
    out.event('fleet', { fleetId: run.id, deviceId: null, state: run.state, options: run.options });
    out.line(fleetStarting(devices.length, options.request));
    reporter.runChanged(run);
    const final = await settle(engine, out, run, options.request, io, interrupt, () => interrupted);
    for (const stop of stopListening) stop();
    const { summary } = reporter.finish(final, unfound);
    return interrupted ? INTERRUPTED_EXIT : exitCode(summary);
  } finally {
    for (const stop of stopListening) stop();
    stopInterrupts();
  }
}

/**
 * Waits for the run to end. With the prompt policy, a run that settles with healthy boards waiting
 * asks once (commit all, revert all, or wait for their windows to close); with never, they are left
 * uncommitted and the run's result says how to keep each.
 */
async function settle(
  engine: OtaEngine,
  out: Output,
  run: FleetRun,
  request: FleetRequestOptions,
  io: FleetIo,
  interrupt: () => void,
  interrupted: () => boolean,
): Promise<FleetRun> {
  const settled = await engine.waitForFleet(run.id, { untilSettled: true });
  if (settled.state !== 'awaiting-commit' || request.commitPolicy !== 'prompt' || interrupted()) return settled;
  const waiting = settled.members.filter((m) => m.state === 'awaiting-commit' && m.jobId);
  const jobs = waiting.map((m) => engine.getJob(m.jobId!));
  const answer = await io.ask(out, commitAllQuestion(settled, jobs), engine.waitForFleet(run.id), interrupt);
  if (answer === 'commit') engine.commitFleet(run.id);
  else if (answer === 'revert') {
    for (const job of jobs) {
      try {
        engine.revertJob(job.id);
      } catch {
        // It stopped waiting on its own meanwhile (rolled back): its result says so.
      }
    }
  } else if (!interrupted()) out.line(FLEET_WAITING_FOR_WINDOWS);
  return engine.waitForFleet(run.id);
}

/** The boards of the run: --all (every discovered board one of the images fits), or each --to once. */
async function chooseBoards(
  engine: OtaEngine,
  options: FleetPushOptions,
  images: FleetImage[],
  io: FleetIo,
): Promise<{ devices: Device[]; unfound: UnfoundBoard[] }> {
  if (options.all) {
    await engine.startDiscovery();
    await io.sleep(options.discoverSeconds * 1000);
    const seen = engine.listDevices();
    const devices = seen.filter((d) => images.some((i) => i.info.pushableWith.includes(d.protocol)));
    if (devices.length === 0)
      throw new Error(
        noBoardTakes(
          images.map((i) => i.info),
          seen,
          options.discoverSeconds,
        ),
      );
    return { devices, unfound: [] };
  }
  const devices = new Map<string, Device>();
  const unfound: UnfoundBoard[] = [];
  for (const ref of options.refs) {
    try {
      const device = await resolveDeviceRef(engine, ref, options.discoverSeconds, {
        credentials: options.request.credentials,
      });
      // `--to kitchen --to 192.168.1.20` may be one board: it is pushed once.
      if (!devices.has(device.id)) devices.set(device.id, device);
    } catch (error) {
      // Nothing is sent before every board is found, unless the user said offline ones may be left out.
      if (!options.request.skipOffline) throw error;
      unfound.push({ ref, message: boardNotFound((error as Error).message) });
    }
  }
  return { devices: [...devices.values()], unfound };
}

/** 0 only when every board that was pushed succeeded: skipped boards do not fail a run. */
export function exitCode(summary: { failed: number; rolledBack: number; cancelled: number }): number {
  return summary.failed + summary.rolledBack + summary.cancelled === 0 ? 0 : 1;
}
