// `ota-bench push FILE [FILE2] --to DEVICE`: inspect, plan (print the checks; stop when they refuse),
// push, follow the job, and in a terminal ask whether to commit when the board runs the new
// firmware uncommitted.
import readline from 'node:readline/promises';
import type { CommitPolicy, Job, ProtocolId, SmpCommitMode } from '../../shared/domain.ts';
import { SMP_COMMIT_MODES, isTerminal } from '../../shared/domain.ts';
import type { OtaEngine } from '../engine/engine-api.ts';
import { forTerminal, type Output } from './output.ts';
import { resolveDeviceRef } from './resolve-device.ts';
import { printPlan } from './describe.ts';
import { pushRequestFor } from './push-request.ts';
import {
  boardLine,
  commitAnswerRefused,
  commitQuestion,
  credentialsHint,
  imageLine,
  leftUncommitted,
  notPushed,
  notPushedForPassword,
  protocolHint,
} from './messages.ts';

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
  /** ArduinoOTA: --ota-port, the port the board connects back to. */
  otaListenPort?: number;
  /** In a terminal: asks for credentials when the plan says the board needs a password and none were given. */
  askCredentials?: (boardName: string) => Promise<{ user: string; password: string } | null>;
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

const PUSHABLE = ['mongoose-os', 'arduino-esp8266', 'arduino-esp32', 'esphome-web', 'esphome-native', 'esp-link'];

/**
 * Asks c/r/w until it gets one of them, and gives up (null) when the job stops waiting for a
 * decision: the commit window closed and the board rolled back, or the board committed itself.
 * A prompt must never outlive the question it asks.
 */
async function askCommit(engine: OtaEngine, out: Output, job: Job): Promise<CommitAnswer | null> {
  const question = forTerminal(commitQuestion(job));
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
      const next = lines.next().then(
        (line) => (line.done ? null : String(line.value)),
        () => null,
      );
      const answer = await Promise.race([next, over]);
      if (answer === null) {
        if (!screen.destroyed) screen.write('\n'); // end the line the unanswered question left
        return null;
      }
      const choice = answer.trim().toLowerCase();
      if (['c', 'commit'].includes(choice)) return 'commit';
      if (['r', 'revert'].includes(choice)) return 'revert';
      if (['w', 'wait'].includes(choice)) return 'wait';
      if (!screen.destroyed) screen.write(`${forTerminal(commitAnswerRefused(answer.trim()))}\n`);
    }
  } finally {
    rl.close();
  }
}

export async function pushCommand(engine: OtaEngine, out: Output, options: PushOptions): Promise<number> {
  const image = await engine.inspectImages(options.files);
  out.event('image', image);
  out.line(imageLine(image));
  const device = await resolveDeviceRef(engine, options.to, options.discoverSeconds, {
    protocol: options.protocol,
    credentials: options.credentials,
  });
  out.event('device', device);
  out.line(boardLine(device, options.protocol ?? device.protocol));
  // Every MCUmgr board (BLE, serial, UDP) takes a commit mode.
  if (device.protocol === 'mcumgr-smp')
    out.line(`Mode: ${SMP_COMMIT_MODES[options.mode ?? 'test-and-confirm'].label}.`);

  const planWith = (credentials: PushOptions['credentials']) =>
    engine
      .planPush(device.id, image.imageId, undefined, { protocol: options.protocol, credentials })
      .catch((error: Error & { code?: string }) => {
        // The engine's words say what to give; the CLI says where.
        if (error.code === 'unsupported-protocol' && /could not tell/.test(error.message))
          error.message += protocolHint(error.message, PUSHABLE);
        throw error;
      });
  let plan = await planWith(options.credentials);
  printPlan(out, plan);
  const needsPassword = () => plan.checks.find((c) => c.id === 'auth' && c.status === 'warn');
  // In a terminal, a board that needs a password is asked for one (typed without echo), then planned again.
  if (needsPassword() && !options.credentials && plan.verdict !== 'refused' && options.askCredentials) {
    const asked = await options.askCredentials(device.name);
    if (asked) {
      options = { ...options, credentials: asked };
      plan = await planWith(asked);
      printPlan(out, plan);
    }
  }
  const password = needsPassword();
  if (password && !options.credentials && plan.verdict !== 'refused') {
    const message = notPushedForPassword(password.detail);
    out.result({
      state: 'refused',
      result: 'auth-failed',
      message,
      fromVersion: device.firmwareVersion,
      toVersion: null,
      deviceId: device.id,
    });
    return 1;
  }
  if (plan.verdict === 'refused' || (plan.verdict === 'needs-override' && !options.force)) {
    const uncommitted = plan.checks.some((c) => c.id === 'commit-state' && c.status === 'fail');
    const why = plan.verdict === 'needs-override' ? 'needs-override' : uncommitted ? 'uncommitted' : 'refused';
    const message = notPushed(plan.message, why, options.to);
    const result = uncommitted ? 'update-failed' : 'unsupported-package';
    out.result({
      state: 'refused',
      result,
      message,
      fromVersion: device.firmwareVersion,
      toVersion: null,
      deviceId: device.id,
    });
    return 1;
  }
  if (plan.verdict === 'needs-override') out.line('⚠ Pushing anyway (--force).');

  // Through the contract's push schema, as a push from the UI is.
  const request = {
    protocol: options.protocol,
    commitPolicy: options.commit,
    commitTimeoutSeconds: options.commitTimeout,
    credentials: options.credentials,
    mode: device.protocol === 'mcumgr-smp' ? options.mode : undefined,
    otaListenPort: options.otaListenPort,
  };
  // --force overrides the plan printed above, by its fingerprint: should another check fail by the
  // time the engine plans again, the push is refused rather than forced past something unseen.
  const override = options.force ? { planFingerprint: plan.fingerprint } : undefined;
  const job = engine.push(pushRequestFor(request, { deviceId: device.id, imageId: image.imageId, override }));
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
      out.event('job', {
        jobId: changed.id,
        state: changed.state,
        at: changed.stateSince,
        progress: changed.progress,
        commitDeadline: changed.commitDeadline,
        mode: changed.mode,
        link: changed.link,
      });
      const text = STATE_LINES[changed.state];
      if (text) out.line(text);
    } else if (changed.state === 'transferring') {
      out.event('progress', { jobId: changed.id, ...changed.progress, link: changed.link });
      out.progress(changed);
    }
  });

  let settled = await engine.waitForJob(job.id, { untilSettled: true });
  while (settled.state === 'awaiting-commit') {
    if (options.commit === 'never') {
      unsubscribe();
      return finish(out, settled, leftUncommitted(settled, device.id));
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
  const authHint =
    settled.result?.code === 'auth-failed' ? ` ${credentialsHint(Boolean(options.credentials), settled.protocol)}` : '';
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
