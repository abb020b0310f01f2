// The MCUmgr/SMP job over any SmpTransport, BLE, serial or UDP (ble-protocols.md §1.10): validate
// against the image list, upload to slot 1 (resuming after a dropped link from the device's offset),
// then per the chosen mode mark it for a test boot or confirm it, reset, reconnect once MCUboot has
// swapped, and confirm (test-and-confirm) — or report the rollback when the old image still runs.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { BleLinkFacts, SmpBootMode, SmpCommitMode } from '../../../shared/domain.ts';
import { SMP_COMMIT_MODES } from '../../../shared/domain.ts';
import { publishAfterClose } from './ble-connection-job.ts';
import { UpdateError } from '../update-error.ts';
import { LinkLostError } from '../smp/smp-client.ts';
import { SmpSession } from '../smp/smp-session.ts';
import { isNotSupported, stateWritesRefused } from '../smp/boot-mode.ts';
import { newestVersionRuns } from '../protocols/mcumgr-boot-mode-plan.ts';
import type { ImageSlotState } from '../smp/smp-messages.ts';
import { uploadImage, type SmpUploadTimeouts } from '../smp/smp-upload.ts';
import type { SmpConnector } from '../smp/smp-transport.ts';
import { readMcubootImage, type McubootImage } from '../images/mcuboot.ts';
import { activeSlot, describeSlot, planSmpPush } from '../protocols/mcumgr-smp-plan.ts';
import { dataRoom, planFirstChunk } from '../smp/upload-chunks.ts';
import { verdictOf } from './push-plan.ts';
import { ProgressSampler } from './progress-sampler.ts';
import type { JobContext } from './job-context.ts';
import { resetNotAcknowledged } from '../smp/lost-answer-messages.ts';
import {
  bootedOtherImage,
  confirmNotKept,
  linkDropped,
  linkKeptDropping,
  notBackAfterReset,
  notMarkedPending,
  packetTooSmall,
  resumedAfterDrop,
  resettingWords,
  resumingEarlierPush,
  runsAsTest,
  smpLinkOpened,
  uploadDone,
} from './smp-job-messages.ts';
import {
  alreadyRunsNoConfirm,
  bootedOtherWithoutConfirm,
  bootedWithoutConfirm,
  bootModeLog,
  noConfirmStepAhead,
  RESET_WITHOUT_MARK,
  stateWriteRefusedAfterUpload,
} from './smp-boot-mode-messages.ts';

export interface SmpJobDeps {
  /** Opens a fresh link to the job's board (again after a drop or the reset): BLE, serial or UDP. */
  connect: SmpConnector;
  /** Tells the device list what the device runs after the job. */
  recordFirmware(version: string | null): void;
  connectTimeoutMs: number;
  uploadTimeouts?: SmpUploadTimeouts;
  /** The job's last connection is closed (just before its terminal state is published). */
  onReleased?(): void;
  /** Tests: how long a command may go unanswered (10 s by default). */
  commandTimeoutMs?: number;
}

/** Reconnecting after a drop: how many times in a row without progress before giving up. */
const MAX_RESUMES_WITHOUT_PROGRESS = 3;

export function linkFacts(session: SmpSession, resumedFrom: number[], chunkBytes: number): BleLinkFacts {
  const { transport, label, attMtu, bufSize, bufCount, maxPacket, window } = session.link;
  const facts: BleLinkFacts = {
    transport,
    attMtu,
    bufSize,
    bufCount,
    maxPacketBytes: maxPacket,
    chunkBytes,
    window,
    resumedFrom,
  };
  // The job card names serial and UDP links; a BLE link is the device's own name already.
  if (transport !== 'ble') facts.linkLabel = label;
  return facts;
}

/** Data bytes in a full upload request past 64 KiB (most of an image), for the job card. */
function fullChunkBytes(session: SmpSession, imageSize: number): number {
  return Math.max(0, Math.min(imageSize, dataRoom({ off: 0x10000 }, session.maxPacket)));
}

/**
 * Runs the job; the terminal state is set only once the link (BLE connection, serial port, socket) is
 * closed, so whoever reacts to it (the UI reading the device's slots) finds the device free to connect to.
 */
export async function runSmpJob(ctx: JobContext, deps: SmpJobDeps): Promise<void> {
  const open: { session: SmpSession | null } = { session: null };
  await publishAfterClose(
    ctx,
    (held) => runOpen(held, deps, open),
    () => open.session?.close(),
    deps.onReleased,
  );
}

async function runOpen(ctx: JobContext, deps: SmpJobDeps, open: { session: SmpSession | null }): Promise<void> {
  const mode: SmpCommitMode = ctx.request.mode ?? 'test-and-confirm';
  ctx.update({ mode });
  ctx.setState('connecting');
  // Refuse a file the device would refuse before touching the link.
  const image = await readMcubootImage(ctx.image.path);
  const file = await readFile(ctx.image.path);
  const sha = createHash('sha256').update(file).digest();
  if (sha.toString('hex') !== ctx.image.info.sha256) {
    throw new UpdateError(
      'integrity-failure',
      `${ctx.image.info.fileName} changed on disk since you opened it; open it again so OTA Bench checks what it sends.`,
    );
  }
  const name = ctx.device().name;
  // The params the board gave on the first link: a reconnect that gets none says so (smp-session.ts).
  let knownParams: SmpSession['params'] = null;
  const connect = async (purpose: string, timeoutMs = deps.connectTimeoutMs): Promise<SmpSession> => {
    const session = await SmpSession.open(deps.connect, {
      timeoutMs,
      signal: ctx.signal,
      knownParams,
      log: ctx.log,
      commandTimeoutMs: deps.commandTimeoutMs,
    });
    knownParams ??= session.params;
    ctx.log(smpLinkOpened(purpose, name, session.link, session.params));
    return session;
  };

  let session = await connect('Connected to');
  open.session = session;
  const slots = await session.readImageState();
  const running = activeSlot(slots);
  ctx.update({ fromVersion: running?.version ?? null });
  const resumedFrom: number[] = [];
  const chunkBytes = fullChunkBytes(session, file.length);
  ctx.update({ link: linkFacts(session, resumedFrom, chunkBytes) });
  // What the bootloader can do decides the steps after the upload (no test/confirm without state writes).
  let bootMode = await session.readBootMode(slots);
  ctx.update({ bootMode });
  // Without state writes the plan's "Bootloader" warning (logged below) says it.
  if (bootMode.stateWrites) ctx.log(bootModeLog(bootMode));
  const noConfirmStep = (refused: SmpBootMode) => {
    bootMode = refused;
    ctx.update({ bootMode });
  };
  const plan = planSmpPush({ image, slots, link: session.link, bootMode });
  const verdict = verdictOf(plan.checks);
  if (verdict.verdict !== 'ready')
    throw new UpdateError('unsupported-package', verdict.message ?? 'The pre-flight checks refused this push.');
  for (const c of plan.checks) if (c.status === 'warn') ctx.log(`Check "${c.label}": ${c.detail}`);

  if (plan.action === 'nothing') {
    deps.recordFirmware(running?.version ?? null);
    if (!bootMode.stateWrites) {
      ctx.setState('updated', {
        toVersion: running?.version ?? null,
        result: { code: 'success', message: alreadyRunsNoConfirm(name, image.smpVersion), deviceMessage: null },
      });
      return;
    }
    ctx.setState('committed', {
      toVersion: running?.version ?? null,
      result: {
        code: 'success',
        message: `${name} already runs ${image.smpVersion} (confirmed): nothing to do.`,
        deviceMessage: null,
      },
    });
    return;
  }
  if (plan.action === 'confirm-running') {
    if (mode === 'test-only') {
      ctx.setState('updated', {
        toVersion: running?.version ?? null,
        result: {
          code: 'success',
          message: `${name} already runs ${image.smpVersion} as an unconfirmed test; test-only leaves it so.`,
          deviceMessage: null,
        },
      });
      return;
    }
    deps.recordFirmware(running?.version ?? null);
    try {
      await confirmRunning(ctx, session, image, name);
    } catch (error) {
      // A bootloader that lists no flags (MCUboot serial recovery) looked unconfirmed: it just cannot confirm.
      if (!isNotSupported(error)) throw error;
      noConfirmStep(stateWritesRefused(bootMode.bootloader));
      ctx.log(bootModeLog(bootMode));
      ctx.setState('updated', {
        toVersion: running?.version ?? null,
        result: { code: 'success', message: alreadyRunsNoConfirm(name, image.smpVersion), deviceMessage: null },
      });
    }
    return;
  }
  if (!bootMode.stateWrites) ctx.log(noConfirmStepAhead(bootMode, mode));
  if (plan.action === 'upload') {
    session = await upload(ctx, session, {
      file,
      sha,
      image,
      resumedFrom,
      chunkBytes,
      connect,
      timeouts: deps.uploadTimeouts,
      open,
    });
  } else {
    const holder = slots.find((s) => s.hash === image.hashHex);
    ctx.log(`Slot ${holder?.slot ?? 1} already holds this image: skipping the upload.`);
  }

  // Mark the image, then reset into it; a board that answers the mark with rc 8 cannot mark at all:
  // the upload is good, so it is reset and the bootloader chooses (never a failure for that alone).
  if (bootMode.stateWrites) {
    try {
      await markForBoot(ctx, session, image, mode);
    } catch (error) {
      if (!isNotSupported(error)) throw error;
      noConfirmStep(stateWritesRefused(bootMode.bootloader));
      ctx.log(stateWriteRefusedAfterUpload(mode === 'confirm-only' ? 'confirm' : 'test', image.smpVersion));
    }
  }
  ctx.setState('rebooting');
  ctx.log(bootMode.stateWrites ? resettingWords(session.transport.kind) : RESET_WITHOUT_MARK);
  const resetAcknowledged = await session.resetAndClose(ctx.timeouts.rebootGoneMs);
  open.session = null;
  session = await connect('Reconnected to', ctx.timeouts.rebootComeBackMs).catch((error: UpdateError) => {
    if (error.code === 'cancelled') throw error;
    throw new UpdateError('connection-lost', notBackAfterReset(name, ctx.timeouts.rebootComeBackMs, error.message));
  });
  open.session = session;

  ctx.setState('verifying');
  const after = await session.readImageState();
  const now = activeSlot(after);
  ctx.update({ toVersion: now?.version ?? null });
  deps.recordFirmware(now?.version ?? null);
  if (!bootMode.stateWrites) {
    finishWithoutConfirm(ctx, { name, image, after, now, bootMode });
    return;
  }
  if (now?.hash !== image.hashHex) {
    const stillOld = running && now?.hash === running.hash;
    // Over UDP an unanswered reset may never have happened: the mark still pending is not a rollback.
    const stillMarked = after.some((s) => s.hash === image.hashHex && s.pending);
    if (!resetAcknowledged && stillOld && stillMarked && now)
      throw new UpdateError('update-failed', resetNotAcknowledged(name, describeSlot(now), image.smpVersion));
    const nowWords = now ? describeSlot(now) : 'no listed image';
    throw new UpdateError(
      'rolled-back',
      bootedOtherImage({ name, nowWords, stillOld: Boolean(stillOld), smpVersion: image.smpVersion, mode }),
    );
  }
  if (mode === 'test-only') {
    ctx.setState('updated', {
      result: {
        code: 'success',
        message: runsAsTest(name, image.smpVersion, running?.version ?? null),
        deviceMessage: null,
      },
    });
    return;
  }
  if (mode === 'confirm-only') {
    ctx.setState('committed', {
      result: {
        code: 'success',
        message: `${name} runs ${image.smpVersion}, confirmed before the reset (${SMP_COMMIT_MODES[mode].label.toLowerCase()}).`,
        deviceMessage: null,
      },
    });
    return;
  }
  await confirmRunning(ctx, session, image, name);
}

async function markForBoot(
  ctx: JobContext,
  session: SmpSession,
  image: McubootImage,
  mode: SmpCommitMode,
): Promise<void> {
  const marked = mode === 'confirm-only' ? await session.confirmImage(image.hash) : await session.testImage(image.hash);
  const entry = marked.find((s) => s.hash === image.hashHex);
  if (!entry || !(entry.pending || entry.active)) {
    throw new UpdateError('update-failed', notMarkedPending(mode, entry ? describeSlot(entry) : 'not listed'));
  }
  ctx.log(
    mode === 'confirm-only'
      ? `Marked ${image.smpVersion} permanent: it boots at the reset with no way back.`
      : `Marked ${image.smpVersion} for a test boot.`,
  );
}

/** No state writes: the push ends 'updated' when the upload runs after the reset (nothing was confirmed). */
function finishWithoutConfirm(
  ctx: JobContext,
  run: {
    name: string;
    image: McubootImage;
    after: ImageSlotState[];
    now: ImageSlotState | null;
    bootMode: SmpBootMode;
  },
): void {
  const { name, image, after, now, bootMode } = run;
  if (now?.hash === image.hashHex) {
    ctx.setState('updated', {
      result: { code: 'success', message: bootedWithoutConfirm(name, image.smpVersion, bootMode), deviceMessage: null },
    });
    return;
  }
  const upload = after.find((s) => s.hash === image.hashHex && s !== now);
  throw new UpdateError(
    'update-failed',
    bootedOtherWithoutConfirm({
      name,
      smpVersion: image.smpVersion,
      nowWords: now ? describeSlot(now) : 'no listed image',
      uploadSlotWords: upload ? `slot ${upload.slot}` : null,
      bootMode,
      newestWins: newestVersionRuns(bootMode),
    }),
  );
}

async function confirmRunning(ctx: JobContext, session: SmpSession, image: McubootImage, name: string): Promise<void> {
  ctx.setState('committing');
  const confirmed = await session.confirmImage(image.hash);
  const entry = confirmed.find((s) => s.hash === image.hashHex);
  if (!entry?.confirmed && !entry?.permanent) {
    throw new UpdateError('update-failed', confirmNotKept(image.smpVersion, entry ? describeSlot(entry) : 'absent'));
  }
  ctx.setState('committed', {
    result: {
      code: 'success',
      message: `${name} runs ${image.smpVersion} and confirmed it: it stays after the next reset.`,
      deviceMessage: null,
    },
  });
}

interface UploadPlan {
  file: Buffer;
  sha: Buffer;
  image: McubootImage;
  resumedFrom: number[];
  chunkBytes: number;
  connect(purpose: string): Promise<SmpSession>;
  timeouts?: SmpUploadTimeouts;
  /** The session the job closes at the end, kept current across reconnects. */
  open: { session: SmpSession | null };
}

/** Uploads, reconnecting and resuming from the device's offset when the link drops. Returns the live session. */
async function upload(ctx: JobContext, first: SmpSession, plan: UploadPlan): Promise<SmpSession> {
  let session = first;
  ctx.setState('transferring');
  const sampler = new ProgressSampler(plan.file.length, (progress) => ctx.update({ progress }));
  let confirmed = 0;
  let dropsWithoutProgress = 0;
  let attempt = 0;
  try {
    for (;;) {
      // The MTU may differ after a reconnect: the first request's sha is fitted to this link.
      const first = planFirstChunk(plan.file.length, session.maxPacket);
      if (!first) throw new UpdateError('unsupported-protocol', packetTooSmall(session.maxPacket));
      try {
        const result = await uploadImage({
          client: session.client,
          file: plan.file,
          sha: plan.sha,
          shaBytes: first.shaBytes,
          maxPacket: session.maxPacket,
          window: session.window,
          timeouts: plan.timeouts,
          signal: ctx.signal,
          onOffset: (offset) => {
            confirmed = offset;
            sampler.update(offset);
          },
          onStart: (offset, resumed) => {
            if (attempt === 0) {
              if (resumed) ctx.log(resumingEarlierPush(offset, plan.file.length));
              return;
            }
            if (resumed) plan.resumedFrom.push(offset);
            ctx.update({ link: linkFacts(session, [...plan.resumedFrom], plan.chunkBytes) });
            ctx.log(resumedAfterDrop(resumed, offset));
          },
          log: ctx.log,
        });
        const { requests, resent, match } = result;
        ctx.log(uploadDone({ bytes: plan.file.length, requests, resent, match }));
        return session;
      } catch (error) {
        if (!(error instanceof LinkLostError) || ctx.signal.aborted) throw error;
        const before = confirmed;
        dropsWithoutProgress = attempt > 0 && before <= (plan.resumedFrom.at(-1) ?? 0) ? dropsWithoutProgress + 1 : 0;
        if (dropsWithoutProgress >= MAX_RESUMES_WITHOUT_PROGRESS) {
          throw new UpdateError('connection-lost', linkKeptDropping(before, plan.file.length, error.message));
        }
        ctx.log(linkDropped(before, plan.file.length, error.message));
        await session.close();
        plan.open.session = null;
        attempt++;
        session = await plan.connect('Reconnected to');
        plan.open.session = session;
      }
    }
  } finally {
    await sampler.flush();
  }
}
