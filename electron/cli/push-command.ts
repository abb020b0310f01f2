// `ota-bench push FILE [FILE2] --to DEVICE`: inspect, plan (print the checks; stop when they refuse),
// push, follow the job, and in a terminal ask whether to commit when the board runs the new
// firmware uncommitted.
import readline from 'node:readline/promises';
import type { CommitPolicy, Job, ProtocolId, SmpCommitMode } from '../../shared/domain.ts';
import { PROTOCOL_LABELS, SMP_COMMIT_MODES, isTerminal } from '../../shared/domain.ts';
import type { OtaEngine } from '../engine/engine-api.ts';
import { formatBytes, formatDuration } from '../engine/format.ts';
import { forTerminal, type Output } from './output.ts';
import { resolveDeviceRef } from './resolve-device.ts';
import { printPlan } from './describe.ts';

export interface PushOptions {
  /** One image, a user1/user2 pair, or a build folder. */
  files: string[];
  /** Push past overridable pre-flight failures (wrong-slot evidence, flash layout). */
  force: boolean;
  to: string;
  protocol?: ProtocolId;
  commit: CommitPolicy;
  commitTimeout: number;
  credentials?: { user: string; password: string };
  discoverSeconds: number;
  /** MCUmgr/SMP devices: what happens after the upload. */
  mode?: SmpCommitMode;
}

const STATE_LINES: Partial<Record<Job['state'], string>> = {
  connecting: 'Connecting…',
  transferring: 'Sending the image…',
  rebooting: 'Waiting for the board to reboot…',
  verifying: 'Reading the version it boots…',
  committing: 'Committing…',
  reverting: 'Reverting…',
};

type CommitAnswer = 'commit' | 'revert' | 'wait';

const PUSHABLE = ['mongoose-os', 'arduino-esp8266', 'arduino-esp32', 'esphome-web', 'esp-link'];

/** Where the CLI takes credentials, for every message about a board's password. */
const AUTH_HINT = 'Give them with --user USER --password PASSWORD.';

/**
 * Asks c/r/w until it gets one of them, and gives up (null) when the job stops waiting for a
 * decision: the commit window closed and the board rolled back, or the board committed itself.
 * A prompt must never outlive the question it asks.
 */
async function askCommit(engine: OtaEngine, out: Output, job: Job): Promise<CommitAnswer | null> {
  const left = job.commitDeadline ? formatDuration((job.commitDeadline - Date.now()) / 1000) : '?';
  const question = forTerminal(`${job.deviceName} runs ${job.toVersion ?? 'the new firmware'} uncommitted (${left} left). [c]ommit, [r]evert or [w]ait for rollback? `);
  // With --json the question goes to stderr: stdout carries only JSON lines.
  const screen = out.json ? process.stderr : process.stdout;
  const rl = readline.createInterface({ input: process.stdin, output: screen, terminal: Boolean(process.stdin.isTTY) });
  // Lines are read through the interface's iterator, which queues them: answers piped in ahead of
  // the question (`printf 'x\nc\n' | ota-bench push …`) are not lost, as they are with question().
  const lines = rl[Symbol.asyncIterator]();
  const over = engine.waitForJob(job.id).then(() => null);
  rl.setPrompt(question);
  try {
    for (;;) {
      if (!screen.destroyed) rl.prompt();
      const next = lines.next().then((line) => (line.done ? null : String(line.value)), () => null);
      const answer = await Promise.race([next, over]);
      if (answer === null) {
        if (!screen.destroyed) screen.write('\n'); // end the line the unanswered question left
        return null;
      }
      const choice = answer.trim().toLowerCase();
      if (['c', 'commit'].includes(choice)) return 'commit';
      if (['r', 'revert'].includes(choice)) return 'revert';
      if (['w', 'wait'].includes(choice)) return 'wait';
      if (!screen.destroyed) screen.write(`${forTerminal(`Please answer c (commit), r (revert) or w (wait), not "${answer.trim()}".`)}\n`);
    }
  } finally {
    rl.close();
  }
}

export async function pushCommand(engine: OtaEngine, out: Output, options: PushOptions): Promise<number> {
  const image = await engine.inspectImages(options.files);
  out.event('image', image);
  out.line(`${image.fileName}: ${image.formatLabel}, ${formatBytes(image.size)}, sha256 ${image.sha256.slice(0, 16)}…${image.version ? `, version ${image.version}` : ''}`);
  const device = await resolveDeviceRef(engine, options.to, options.discoverSeconds, { protocol: options.protocol, credentials: options.credentials });
  out.event('device', device);
  const where = device.transport === 'ble' ? `BLE ${device.address ?? device.id}` : `${device.address}:${device.port}`;
  out.line(`Board: ${device.name} (${where}, ${PROTOCOL_LABELS[options.protocol ?? device.protocol]}${device.firmwareVersion ? `, running ${device.firmwareVersion}` : ''})`);
  if (device.transport === 'ble') out.line(`Mode: ${SMP_COMMIT_MODES[options.mode ?? 'test-and-confirm'].label}.`);

  const plan = await engine.planPush(device.id, image.imageId, undefined, { protocol: options.protocol, credentials: options.credentials }).catch((error: Error & { code?: string }) => {
    // The engine's words say what to give; the CLI says where.
    if (error.code === 'unsupported-protocol' && /could not tell/.test(error.message)) error.message += ` (${/password/.test(error.message) ? '--user USER --password PASSWORD, or ' : ''}--protocol ${PUSHABLE.join('|')})`;
    throw error;
  });
  printPlan(out, plan);
  const password = plan.checks.find((c) => c.id === 'auth' && c.status === 'warn');
  if (password && !options.credentials && plan.verdict !== 'refused') {
    out.result({ state: 'refused', result: 'auth-failed', message: `Not pushed: ${password.detail} ${AUTH_HINT}`, fromVersion: device.firmwareVersion, toVersion: null, deviceId: device.id });
    return 1;
  }
  if (plan.verdict === 'refused' || (plan.verdict === 'needs-override' && !options.force)) {
    const uncommitted = plan.checks.some((c) => c.id === 'commit-state' && c.status === 'fail');
    const hint = plan.verdict === 'needs-override' ? ' If you are sure, add --force (dangerous: a wrong-slot image does not boot).'
      : uncommitted ? ` Keep it: ota-bench commit ${options.to} — or go back: ota-bench revert ${options.to}; then push again.` : '';
    out.result({ state: 'refused', result: uncommitted ? 'update-failed' : 'unsupported-package', message: `Not pushed: ${plan.message}${hint}`, fromVersion: device.firmwareVersion, toVersion: null, deviceId: device.id });
    return 1;
  }
  if (plan.verdict === 'needs-override') out.line('⚠ Pushing anyway (--force).');

  const job = engine.push({
    deviceId: device.id,
    imageId: image.imageId,
    protocol: options.protocol,
    commitPolicy: options.commit,
    commitTimeoutSeconds: options.commitTimeout,
    credentials: options.credentials,
    override: options.force || undefined,
    mode: device.transport === 'ble' ? options.mode : undefined,
  });
  let lastState = '';
  const shownLog = new Set<string>();
  // Detached before the result line: closing the engine afterwards must not print more events.
  const unsubscribe = engine.on('jobChanged', (changed) => {
    if (changed.id !== job.id) return;
    for (const entry of changed.log) {
      const key = `${entry.at}|${entry.text}`;
      if (shownLog.has(key)) continue;
      shownLog.add(key);
      out.event('log', { jobId: changed.id, at: entry.at, text: entry.text });
      out.line(`  ${entry.text}`);
    }
    if (changed.state !== lastState) {
      lastState = changed.state;
      out.event('job', { jobId: changed.id, state: changed.state, at: changed.stateSince, progress: changed.progress, commitDeadline: changed.commitDeadline, mode: changed.mode, link: changed.link });
      const text = STATE_LINES[changed.state];
      if (text) out.line(text);
    } else if (changed.state === 'transferring') {
      out.event('progress', { jobId: changed.id, ...changed.progress, link: changed.link });
      out.progress(changed);
    }
  });

  let settled = await engine.waitForJob(job.id, { untilSettled: true });
  while (settled.state === 'awaiting-commit') {
    const left = settled.commitDeadline ? formatDuration((settled.commitDeadline - Date.now()) / 1000) : 'a few minutes';
    if (options.commit === 'never') {
      unsubscribe();
      return finish(out, settled, `${settled.deviceName} runs ${settled.toVersion ?? 'the new firmware'} uncommitted; it reverts in ${left} unless you run: ota-bench commit ${device.id}`);
    }
    // `prompt` is the default only in a terminal; asked for explicitly, it reads answers from any stdin.
    if (options.commit === 'prompt') {
      const answer = await askCommit(engine, out, settled);
      if (answer === 'commit') engine.commitJob(job.id);
      if (answer === 'revert') engine.revertJob(job.id);
      if (answer === 'wait') out.line('Waiting for the commit window to end…');
    }
    settled = await engine.waitForJob(job.id);
  }
  unsubscribe();
  const authHint = settled.result?.code === 'auth-failed' ? (options.credentials ? ' Check --user and --password.' : ` ${AUTH_HINT}`) : '';
  return finish(out, settled, settled.result?.message ? `${settled.result.message}${authHint}` : undefined);
}

function finish(out: Output, job: Job, message?: string): number {
  const success = job.state === 'awaiting-commit' || (isTerminal(job.state) && job.result?.code === 'success');
  out.result({
    state: job.state,
    result: job.result?.code ?? (success ? 'success' : 'update-failed'),
    message: message ?? job.result?.message ?? job.state,
    deviceMessage: job.result?.deviceMessage ?? null,
    fromVersion: job.fromVersion,
    toVersion: job.toVersion,
    jobId: job.id,
    deviceId: job.deviceId,
  });
  if (!out.json && job.result?.deviceMessage && !success) out.line(`  The board said: ${job.result.deviceMessage}`);
  return success ? 0 : 1;
}
