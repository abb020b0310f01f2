// The Mongoose OS test-then-commit window: the new firmware boots uncommitted and reverts by itself
// unless OTA.Commit arrives before commit_timeout. The user commits or reverts (prompt), OTA Bench
// commits after a health check (auto), or nobody does and we watch the board roll back.
import { UpdateError } from '../update-error.ts';
import { formatDuration } from '../format.ts';
import type { FirmwareInfo } from '../protocols/update-protocol.ts';
import { targetOf, type RunnerContext } from './job-runner.ts';
import { waitForReboot, type Returned } from './reboot-watch.ts';

export type Decision = 'commit' | 'revert';

/** Hands the user's Commit / Revert click to the runner, whichever comes first. */
export class CommitDecisions {
  private waiter: ((decision: Decision) => void) | null = null;
  private pending: Decision | null = null;

  decide(decision: Decision): void {
    if (this.waiter) this.waiter(decision);
    else this.pending = decision;
  }

  next(signal: AbortSignal, timeoutMs: number): Promise<Decision | 'deadline'> {
    if (this.pending) return Promise.resolve(this.pending);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done('deadline'), Math.max(0, timeoutMs));
      const onAbort = () => {
        clearTimeout(timer);
        this.waiter = null;
        reject(new UpdateError('cancelled', 'Stopped watching the commit window; the board decides by itself when it ends.'));
      };
      const done = (value: Decision | 'deadline') => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiter = null;
        resolve(value);
      };
      this.waiter = done;
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

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
    if (toVersion && info?.version !== toVersion) return `the board reports ${info?.version ?? 'no version'} instead of ${toVersion}`;
    if (info?.uptimeSeconds != null && lastUptime != null && info.uptimeSeconds < lastUptime) return 'the new firmware rebooted by itself';
    lastUptime = info?.uptimeSeconds ?? lastUptime;
  }
  return null;
}

export async function awaitCommit(ctx: RunnerContext, returned: Returned, fromVersion: string | null, toVersion: string | null): Promise<void> {
  const control = ctx.protocol.commitControl!;
  const name = ctx.device().name;
  const expected = ctx.image.info.version;
  if (toVersion && toVersion === fromVersion && expected && expected !== fromVersion) {
    throw new UpdateError('rolled-back', `${name} came back still running ${fromVersion}, not ${expected}: the new firmware did not boot.`);
  }
  const boot = await control.bootState(returned.target, ctx.signal);
  if (boot.committed) {
    ctx.setState('committed', { result: { code: 'success', message: `${name} runs ${toVersion ?? 'the new firmware'} and committed it by itself (no commit window).`, deviceMessage: null } });
    return;
  }
  const deadline = returned.at + boot.commitTimeoutSeconds * 1000;
  ctx.setState('awaiting-commit', { commitDeadline: deadline });
  ctx.log(`${toVersion ?? 'The new firmware'} runs uncommitted; it reverts in ${formatDuration(boot.commitTimeoutSeconds)} unless committed.`);

  let decision: Decision | 'deadline';
  let healthProblem: string | null = null;
  if (ctx.job().commitPolicy === 'auto') {
    healthProblem = await healthCheck(ctx, returned, toVersion);
    decision = healthProblem ? 'deadline' : 'commit';
    ctx.log(healthProblem ? `Not committing: ${healthProblem}.` : `Health check passed (${ctx.timeouts.healthSeconds} s up on ${toVersion ?? 'the new firmware'}).`);
  } else {
    decision = await ctx.decisions.next(ctx.signal, deadline - Date.now());
  }
  const now = () => targetOf(ctx.device()) ?? returned.target;

  if (decision === 'commit') {
    ctx.setState('committing');
    await control.commit(now());
    const after = await control.bootState(now(), ctx.signal);
    if (!after.committed) throw new UpdateError('update-failed', 'OTA.Commit returned, but the board still reports the firmware as uncommitted.');
    ctx.setState('committed', { commitDeadline: null, result: { code: 'success', message: `Committed ${toVersion ?? 'the new firmware'} on ${name}.`, deviceMessage: null } });
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
    uptimeBefore: returned.info?.uptimeSeconds != null ? { seconds: returned.info.uptimeSeconds, at: returned.at } : null,
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
      ctx.setState('committed', { commitDeadline: null, result: { code: 'success', message: `${name} kept ${toVersion}: it was committed from elsewhere.`, deviceMessage: null } });
      return;
    }
    throw new UpdateError('update-failed', `${name} rebooted but still runs ${toVersion} uncommitted; check it with \`ota-bench status\`.`);
  }
  const why = decision === 'revert'
    ? 'Reverted on your request'
    : healthProblem
      ? `Not committed because ${healthProblem}`
      : `Nobody committed ${toVersion ?? 'the new firmware'} within ${formatDuration(boot.commitTimeoutSeconds)}`;
  ctx.setState('rolled-back', {
    commitDeadline: null,
    toVersion: runs,
    result: { code: 'rolled-back', message: `${why}, so ${name} rolled back to ${runs ?? 'its previous firmware'}.`, deviceMessage: null },
  });
}
