// The LAN job sequence: one push to a board over its HTTP update protocol, through the states
// connecting → transferring → rebooting → verifying → (awaiting-commit → committing | reverting) → a
// terminal state. Every wait is bounded. The runner owns the sequence; protocols own the wire; the
// manager owns the job list and events; sides/lan-side.ts hands it to the manager as a JobSequence.
import type { PushPlan } from '../../../shared/domain.ts';
import { UpdateError } from '../update-error.ts';
import type { Target } from '../net/http-client.ts';
import { targetOf } from '../net/device-target.ts';
import { UploadCutError } from '../net/stream-upload.ts';
import type { ImageOnDisk, PushOutcome } from '../protocols/update-protocol.ts';
import { ProgressSampler } from './progress-sampler.ts';
import { waitForReboot } from './reboot-watch.ts';
import { awaitCommit } from './commit-flow.ts';
import { planPush } from './push-plan.ts';
import { overrideRefusal } from './plan-fingerprint.ts';
import type { RunnerContext } from './job-context.ts';
import {
  silentSinceCut,
  slotNotReported,
  slotRolledBack,
  stillRunningOld,
  unknownAfterCut,
  unseenResult,
} from './job-messages.ts';

/** Refuses what the plan refuses; a needs-override plan goes ahead only with the user's override. */
function enforcePlan(ctx: RunnerContext, plan: PushPlan): void {
  if (plan.verdict === 'refused') {
    const unreachable = plan.checks.some((c) => c.id === 'board' && c.status === 'fail');
    const uncommitted = plan.checks.some((c) => c.id === 'commit-state' && c.status === 'fail');
    throw new UpdateError(
      unreachable ? 'connection-lost' : uncommitted ? 'update-failed' : 'unsupported-package',
      plan.message ?? 'The pre-flight checks refused this push.',
    );
  }
  for (const c of plan.checks) if (c.status === 'warn') ctx.log(`Check "${c.label}": ${c.detail}`);
  if (plan.verdict === 'needs-override') {
    // Only an override of this very plan: a different failing check now needs the user's eyes again.
    const refusal = overrideRefusal(plan, ctx.request.override);
    if (refusal) throw new UpdateError('unsupported-package', refusal);
    for (const c of plan.checks) if (c.status === 'fail') ctx.log(`Overridden by you: ${c.detail}`);
  }
}

export async function runJob(ctx: RunnerContext): Promise<void> {
  const { protocol, timeouts, signal } = ctx;
  ctx.setState('connecting');
  const device = ctx.device();
  const target = targetOf(device);
  if (!target) throw new UpdateError('invalid-uri', `${device.name} has no known address; is it online?`);
  const planned = await planPush(protocol, ctx.image, device, target, signal);
  enforcePlan(ctx, planned.plan);
  const image = planned.send;
  if (image !== ctx.image) {
    const { fileName, size, sha256, format, version } = image.info;
    ctx.update({
      image: { fileName, size, sha256, format, version },
      progress: { ...ctx.job().progress, totalBytes: size },
    });
  }
  if (planned.plan.reason) ctx.log(planned.plan.reason);
  // A silent board (ArduinoOTA) has nothing to ask: what it runs now is what mDNS said, if anything.
  const before = protocol.silentBoard ? null : await protocol.readFirmware(target, signal);
  const beforeAt = Date.now();
  const fromVersion = before?.version ?? device.firmwareVersion;
  ctx.update({ fromVersion });
  ctx.log(
    `Connected to ${device.name} at ${target.host}:${target.port}${fromVersion ? `, running ${fromVersion}` : ''}.`,
  );

  ctx.setState('transferring');
  const sampler = new ProgressSampler(image.info.size, (progress) => ctx.update({ progress }));
  let outcome: PushOutcome;
  /** Every byte went out but the board never answered: it may have taken the image, so we look instead of guessing. */
  let unanswered: UploadCutError | null = null;
  try {
    outcome = await protocol.push({
      target,
      image,
      slots: planned.protocolPlan?.slots ?? null,
      credentials: ctx.request.credentials ?? null,
      commitTimeoutSeconds: ctx.request.commitTimeoutSeconds,
      otaListenPort: ctx.request.otaListenPort,
      timeouts: timeouts.upload,
      signal,
      onBytes: (sent) => sampler.update(sent),
      log: ctx.log,
    });
  } catch (error) {
    if (!(error instanceof UploadCutError && error.wholeImageSent) || signal.aborted) throw error;
    unanswered = error;
    outcome = { deviceMessage: null, rebootsByItself: true };
  } finally {
    await sampler.flush();
  }
  const pushedAt = Date.now();
  // Until the board reboots, the old firmware still answers mDNS with its old TXT: only what it says
  // after that moment counts as coming back, and only then is an announced version the new one.
  const rebootAt = pushedAt + (outcome.rebootAfterMs ?? 0);
  if (unanswered) ctx.log(`${unanswered.happened} Watching whether it restarts and what it runs.`);
  else ctx.log(`The board accepted the image${outcome.deviceMessage ? `: "${outcome.deviceMessage}"` : ''}.`);

  ctx.setState('rebooting');
  const returned = await waitForReboot({
    protocol,
    candidates: () => uniqueTargets([targetOf(ctx.device()), target]),
    uptimeBefore: before?.uptimeSeconds != null ? { seconds: before.uptimeSeconds, at: beforeAt } : null,
    goneWaitMs: Math.max(timeouts.rebootGoneMs, (outcome.rebootAfterMs ?? 0) + 3000),
    comeBackMs: timeouts.rebootComeBackMs,
    pollMs: timeouts.pollMs,
    signal,
    reannounced: () => ctx.device().lastSeen > rebootAt,
    lastHeard: () => ctx.device().lastSeen,
    announces: () => ctx.device().services.length > 0,
    earliestRebootAt: rebootAt,
    log: ctx.log,
  }).catch((error: unknown) => {
    if (!(error instanceof UpdateError) || error.code === 'cancelled') throw error;
    // A board that came back at an address it could not prove is its own is not followed there
    // (discovery/verify-address.ts): the job says so instead of only "did not come back".
    const moved = ctx.device().addressChange;
    const why = moved && moved.state !== 'checking' ? ` ${moved.message}` : '';
    if (unanswered) {
      throw new UpdateError(unanswered.code, silentSinceCut(unanswered.happened, why));
    }
    throw why ? new UpdateError(error.code, `${error.message}${why}`) : error;
  });

  ctx.setState('verifying');
  const toVersion = returned.info?.version ?? (await announcedVersion(ctx, rebootAt));
  ctx.update({ toVersion });
  if (unanswered) judgeUnanswered(unanswered, image, fromVersion, toVersion);
  if (outcome.expectedSlot) {
    const running = returned.info?.runningSlot ?? null;
    const resetCause =
      running !== null && running !== outcome.expectedSlot
        ? ((await protocol.lastResetCause?.(returned.target, signal).catch(() => null)) ?? null)
        : null;
    return confirmSlot(ctx, outcome.expectedSlot, running, toVersion, resetCause);
  }
  if (protocol.commitControl) return awaitCommit(ctx, returned, fromVersion, toVersion);

  if (returned.unseen) {
    const message = unseenResult(ctx.device().name, outcome.deviceMessage);
    return ctx.setState('updated', { result: { code: 'success', message, deviceMessage: outcome.deviceMessage } });
  }
  const expected = image.info.version;
  if (toVersion && fromVersion && toVersion === fromVersion && expected && expected !== fromVersion) {
    throw new UpdateError('rolled-back', stillRunningOld(fromVersion, expected));
  }
  const what = toVersion
    ? `now runs ${toVersion}`
    : 'rebooted; it does not report a version, so OTA Bench cannot confirm which firmware runs';
  ctx.setState('updated', {
    result: { code: 'success', message: `${ctx.device().name} ${what}.`, deviceMessage: outcome.deviceMessage },
  });
}

/** The board never answered the upload: only the version it came back with says whether it took the image. */
function judgeUnanswered(
  cut: UploadCutError,
  image: ImageOnDisk,
  fromVersion: string | null,
  toVersion: string | null,
): void {
  const expected = image.info.version;
  if (expected && toVersion === expected && toVersion !== fromVersion) return; // it took it: carry on as usual
  if (toVersion && fromVersion && toVersion === fromVersion) {
    throw new UpdateError(
      cut.code,
      `${cut.happened} It answers again and still runs ${fromVersion}: it did not take the image. Push again.`,
    );
  }
  throw new UpdateError(cut.code, unknownAfterCut(cut.happened, toVersion));
}

/** user1/user2 boards: the slot the board came back in says whether the new image booted. */
function confirmSlot(
  ctx: RunnerContext,
  expected: 1 | 2,
  running: 1 | 2 | null,
  toVersion: string | null,
  resetCause: string | null,
): void {
  const name = ctx.device().name;
  const version = toVersion ? `, version ${toVersion}` : '';
  if (running === null) {
    ctx.setState('updated', {
      result: { code: 'success', message: slotNotReported(name, version), deviceMessage: null },
    });
    return;
  }
  if (running !== expected) {
    const overridden = Boolean(ctx.request.override);
    throw new UpdateError('rolled-back', slotRolledBack({ name, running, expected, version, resetCause, overridden }));
  }
  ctx.setState('updated', {
    result: {
      code: 'success',
      message: `${name} now runs user${expected}.bin (slot ${expected})${version}.`,
      deviceMessage: null,
    },
  });
}

function uniqueTargets(targets: Array<Target | null>): Target[] {
  const seen = new Set<string>();
  return targets.filter((t): t is Target => {
    if (!t || seen.has(`${t.host}:${t.port}`)) return false;
    seen.add(`${t.host}:${t.port}`);
    return true;
  });
}

/** Boards without a version endpoint may announce one in TXT after booting; wait briefly for it. */
async function announcedVersion(ctx: RunnerContext, since: number): Promise<string | null> {
  const deadline = Date.now() + ctx.timeouts.versionAnnounceMs;
  while (Date.now() < deadline && !ctx.signal.aborted) {
    const device = ctx.device();
    if (device.lastSeen > since && device.firmwareVersion) return device.firmwareVersion;
    if (device.services.length === 0) return null;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}
