// The Mongoose OS test-then-commit window: the new firmware boots uncommitted and reverts by itself
// unless OTA.Commit arrives before commit_timeout. The user commits or reverts (prompt), OTA Bench
// commits after a health check (auto), or nobody does and we watch the board roll back.
import { UpdateError } from '../update-error.ts';
import { formatDuration } from '../../../shared/format.ts';
import type { Target } from '../net/http-client.ts';
import { targetOf } from '../net/device-target.ts';
import type { FirmwareInfo, UpdateProtocol } from '../protocols/update-protocol.ts';
import type { JobTimeouts, RunnerContext } from './job-context.ts';
import type { Decision } from './commit-decisions.ts';
import { waitForReboot, type Returned } from './reboot-watch.ts';
import { revertWords } from './commit-state.ts';
import { nothingToRevert } from './job-messages.ts';

/** --commit auto: the firmware must answer, report the new version and not reboot for N seconds. */
async function healthCheck(ctx: RunnerContext, returned: Returned, toVersion: string | null): Promise<string | null> {
  let lastUptime = returned.info?.uptimeSeconds ?? null;
  for (let second = 0; second < ctx.timeouts.healthSeconds; second++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    let info: FirmwareInfo | null;
    try {
      info = await ctx.protocol.readFirmware(targetOf(ctx.device()) ?? returned.target, ctx.signal);
    } catch {
      return `the board stopped answering ${second + 1} s after booting the new firmware`;
    }
    if (toVersion && info?.version !== toVersion)
      return `the board reports ${info?.version ?? 'no version'} instead of ${toVersion}`;
    if (info?.uptimeSeconds != null && lastUptime != null && info.uptimeSeconds < lastUptime)
      return 'the new firmware rebooted by itself';
    lastUptime = info?.uptimeSeconds ?? lastUptime;
  }
  return null;
}

export async function awaitCommit(
  ctx: RunnerContext,
  returned: Returned,
  fromVersion: string | null,
  toVersion: string | null,
): Promise<void> {
  const control = ctx.protocol.commitControl!;
  const name = ctx.device().name;
  const expected = ctx.image.info.version;
  if (toVersion && toVersion === fromVersion && expected && expected !== fromVersion) {
    throw new UpdateError(
      'rolled-back',
      `${name} came back still running ${fromVersion}, not ${expected}: the new firmware did not boot.`,
    );
  }
  const boot = await control.bootState(returned.target, ctx.signal);
  if (boot.committed) {
    ctx.setState('committed', {
      result: {
        code: 'success',
        message: `${name} runs ${toVersion ?? 'the new firmware'} and committed it by itself (no commit window).`,
        deviceMessage: null,
      },
    });
    return;
  }
  // The board's own remaining time when it says (commit_timeout − uptime), else the whole window from now.
  const deadline = Date.now() + (boot.revertsInSeconds ?? boot.commitTimeoutSeconds) * 1000;
  ctx.setState('awaiting-commit', { commitDeadline: deadline });
  ctx.log(
    `${toVersion ?? 'The new firmware'} runs uncommitted; it ${revertWords(boot.revertsInSeconds ?? boot.commitTimeoutSeconds)} unless committed.`,
  );

  let decision: Decision | 'deadline';
  let healthProblem: string | null = null;
  if (ctx.job().commitPolicy === 'auto') {
    healthProblem = await healthCheck(ctx, returned, toVersion);
    decision = healthProblem ? 'deadline' : 'commit';
    ctx.log(
      healthProblem
        ? `Not committing: ${healthProblem}.`
        : `Health check passed (${ctx.timeouts.healthSeconds} s up on ${toVersion ?? 'the new firmware'}).`,
    );
  } else {
    decision = await ctx.decisions.next(ctx.signal, deadline - Date.now());
  }
  const now = () => targetOf(ctx.device()) ?? returned.target;

  if (decision === 'commit') {
    ctx.setState('committing');
    await control.commit(now());
    const after = await control.bootState(now(), ctx.signal);
    if (!after.committed)
      throw new UpdateError(
        'update-failed',
        'OTA.Commit returned, but the board still reports the firmware as uncommitted.',
      );
    ctx.setState('committed', {
      commitDeadline: null,
      result: {
        code: 'success',
        message: `Committed ${toVersion ?? 'the new firmware'} on ${name}.`,
        deviceMessage: null,
      },
    });
    return;
  }
  if (decision === 'revert') {
    ctx.setState('reverting');
    await control.revert(now());
  } else {
    ctx.log('The commit window is over; watching the board roll back.');
  }
  const back = await waitForReboot({
    protocol: ctx.protocol,
    candidates: () => [now()],
    uptimeBefore:
      returned.info?.uptimeSeconds != null ? { seconds: returned.info.uptimeSeconds, at: returned.at } : null,
    goneWaitMs: ctx.timeouts.rollbackGraceMs,
    comeBackMs: ctx.timeouts.rollbackGraceMs + ctx.timeouts.rebootComeBackMs,
    pollMs: ctx.timeouts.pollMs,
    signal: ctx.signal,
    reannounced: () => false,
    log: ctx.log,
  });
  const runs = back.info?.version ?? null;
  if (runs && runs === toVersion && fromVersion !== toVersion) {
    const state = await control.bootState(back.target, ctx.signal);
    if (state.committed) {
      ctx.setState('committed', {
        commitDeadline: null,
        result: {
          code: 'success',
          message: `${name} kept ${toVersion}: it was committed from elsewhere.`,
          deviceMessage: null,
        },
      });
      return;
    }
    throw new UpdateError(
      'update-failed',
      `${name} rebooted but still runs ${toVersion} uncommitted; check it with \`ota-bench status\`.`,
    );
  }
  const why =
    decision === 'revert'
      ? 'Reverted on your request'
      : healthProblem
        ? `Not committed because ${healthProblem}`
        : `Nobody committed ${toVersion ?? 'the new firmware'} within ${formatDuration(boot.commitTimeoutSeconds)}`;
  ctx.setState('rolled-back', {
    commitDeadline: null,
    toVersion: runs,
    result: {
      code: 'rolled-back',
      message: `${why}, so ${name} rolled back to ${runs ?? 'its previous firmware'}.`,
      deviceMessage: null,
    },
  });
}

export interface OutsideJob {
  protocol: UpdateProtocol;
  name: string;
  /** Where the board is now (mDNS may move it while it reboots). */
  target(): Target;
  timeouts: JobTimeouts;
  signal?: AbortSignal;
}

/**
 * `ota-bench commit|revert` and the plan panel's buttons, with no job of ours waiting on the board.
 * Reads the boot state first: committing committed firmware sends no RPC that would pretend to do
 * something; a revert waits for the board to reboot into the old firmware so that what is reported
 * afterwards is the state after the revert. Returns what was done, in one sentence.
 */
export async function decideOutsideJob(job: OutsideJob, decision: Decision): Promise<string> {
  const control = job.protocol.commitControl!;
  const signal = job.signal ?? new AbortController().signal;
  const before = await control.bootState(job.target(), signal);
  const info = await job.protocol.readFirmware(job.target(), signal).catch(() => null);
  const running = before.runningVersion ?? info?.version ?? null;
  if (before.committed) {
    if (decision === 'commit')
      return `${job.name} already runs ${running ?? 'its firmware'} committed: nothing to commit.`;
    throw new UpdateError('update-failed', nothingToRevert(job.name, running));
  }
  if (decision === 'commit') {
    await control.commit(job.target());
    const after = await control.bootState(job.target(), signal);
    if (!after.committed)
      throw new UpdateError(
        'update-failed',
        `OTA.Commit returned, but ${job.name} still reports ${running ?? 'its firmware'} as uncommitted.`,
      );
    return `Committed ${running ?? 'the firmware'} on ${job.name}.`;
  }
  const uptimeBefore = info?.uptimeSeconds != null ? { seconds: info.uptimeSeconds, at: Date.now() } : null;
  await control.revert(job.target());
  // OTA.Revert reboots ~100 ms later; the bounded wait of a push's reboot applies.
  await waitForReboot({
    protocol: job.protocol,
    candidates: () => [job.target()],
    uptimeBefore,
    goneWaitMs: job.timeouts.rebootGoneMs,
    comeBackMs: job.timeouts.rebootComeBackMs,
    pollMs: job.timeouts.pollMs,
    signal,
    reannounced: () => false,
    log: () => {},
  });
  const after = await control.bootState(job.target(), signal);
  const now =
    after.runningVersion ?? (await job.protocol.readFirmware(job.target(), signal).catch(() => null))?.version ?? null;
  if (!after.committed)
    throw new UpdateError(
      'update-failed',
      `${job.name} rebooted but still runs ${now ?? 'its firmware'} uncommitted; the revert did not take.`,
    );
  return `Reverted: ${job.name} went back from ${running ?? 'the uncommitted firmware'} to ${now ?? 'its previous firmware'}.`;
}
