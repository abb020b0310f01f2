// A Mongoose OS push over BLE (ble-protocols.md §2.3), over the RPC-over-GATT frames of
// ble/mongoose-rpc-gatt.ts: Sys.GetInfo and the fw.zip's platform, OTA.Status, OTA.Begin {size, timeout,
// commit_timeout}, OTA.Write {offset, data} chunks sized to the device's frame limit, OTA.End; the device
// reboots into the new firmware uncommitted; we reconnect, check the version it reports and then, as for
// LAN Mongoose boards, commit (auto after a health check, or the user's click), revert, or watch the
// device roll back when the commit window ends.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { publishAfterClose } from './ble-connection-job.ts';
import { UpdateError } from '../update-error.ts';
import type { BleRadio } from '../ble/ble-radio.ts';
import { MongooseLinkError, MongooseRpcError, MongooseRpcGatt } from '../ble/mongoose-rpc-gatt.ts';
import { readMongooseManifest } from '../images/index.ts';
import { sysInfoFrom } from '../protocols/mongoose-sysinfo.ts';
import type { FirmwareInfo } from '../protocols/update-protocol.ts';
import { revertWords } from './commit-state.ts';
import type { Decision } from './commit-decisions.ts';
import type { JobContext } from './job-context.ts';
import { ProgressSampler } from './progress-sampler.ts';
import * as say from './mongoose-ble-messages.ts';

export interface MongooseBleJobDeps {
  radio: BleRadio;
  peripheralId(): string | null;
  recordFirmware(version: string | null): void;
  connectTimeoutMs: number;
  onReleased?(): void;
}

/** Firmware bytes per OTA.Write: base64 of 2 KiB plus the JSON stays well under max_frame_size (4096). */
export const OTA_WRITE_BYTES = 2048;
/** OTA.Begin's `timeout`: the updater gives up after this long without finishing (mos uses 600 s). */
const OTA_BEGIN_TIMEOUT_S = 600;
/** Restarts of the upload after a dropped link before giving up. */
const MAX_UPLOAD_RESTARTS = 2;
/** OTA.End checks the whole archive before answering. */
const END_TIMEOUT_MS = 30_000;

interface Held {
  rpc: MongooseRpcGatt | null;
}

/** Runs the job; the terminal state is published once the BLE connection is closed (as the SMP job does). */
export async function runMongooseBleJob(ctx: JobContext, deps: MongooseBleJobDeps): Promise<void> {
  const open: Held = { rpc: null };
  const run = async (held: JobContext) => {
    try {
      await new MongooseBleRun(held, deps, open).run();
    } catch (error) {
      if (error instanceof MongooseLinkError)
        throw new UpdateError('connection-lost', say.linkLost(ctx.device().name, error.message));
      throw error;
    }
  };
  await publishAfterClose(ctx, run, () => open.rpc?.close(), deps.onReleased);
}

class MongooseBleRun {
  private readonly ctx: JobContext;
  private readonly deps: MongooseBleJobDeps;
  private readonly open: Held;
  private readonly name: string;

  constructor(ctx: JobContext, deps: MongooseBleJobDeps, open: Held) {
    this.ctx = ctx;
    this.deps = deps;
    this.open = open;
    this.name = ctx.device().name;
  }

  private async connect(purpose: string, timeoutMs = this.deps.connectTimeoutMs): Promise<MongooseRpcGatt> {
    await this.open.rpc?.close();
    this.open.rpc = null;
    const peripheralId = this.deps.peripheralId();
    if (!peripheralId)
      throw new UpdateError('connection-lost', `${this.name} is no longer in range of this Bluetooth adapter.`);
    const rpc = await MongooseRpcGatt.open(this.deps.radio, peripheralId, {
      connectTimeoutMs: timeoutMs,
      signal: this.ctx.signal,
    });
    this.open.rpc = rpc;
    this.ctx.log(`${purpose} ${this.name} over BLE (ATT MTU ${rpc.attMtu}, Mongoose OS RPC).`);
    return rpc;
  }

  /** One RPC on the live connection, its failures in words. */
  private async call(method: string, params: unknown = {}, timeoutMs?: number): Promise<unknown> {
    const rpc = this.open.rpc;
    if (!rpc?.connected) throw new MongooseLinkError('the link is down');
    try {
      return await rpc.call(method, params, timeoutMs);
    } catch (error) {
      if (error instanceof MongooseRpcError)
        throw say.otaRefused(method, error.deviceMessage, this.ctx.image.info.size);
      throw error;
    }
  }

  private async sysInfo(): Promise<FirmwareInfo> {
    const info = sysInfoFrom(await this.call('Sys.GetInfo'));
    if (!info)
      throw new UpdateError('unsupported-protocol', `${this.name} answered Sys.GetInfo with an unexpected shape.`);
    return info;
  }

  async run(): Promise<void> {
    const { ctx } = this;
    ctx.setState('connecting');
    const manifest = await readMongooseManifest(ctx.image.path);
    if (!manifest) throw new UpdateError('unsupported-package', say.notAFwZip(ctx.image.info.fileName));
    // A bundle the device would refuse (compressed entries, manifest not first…): inspectImage said why.
    if (ctx.image.info.problem) throw new UpdateError('unsupported-package', ctx.image.info.problem);
    const file = await readFile(ctx.image.path);
    if (createHash('sha256').update(file).digest('hex') !== ctx.image.info.sha256) {
      throw new UpdateError(
        'integrity-failure',
        `${ctx.image.info.fileName} changed on disk since you opened it; open it again so OTA Bench checks what it sends.`,
      );
    }
    await this.connect('Connected to');
    const before = await this.sysInfo();
    ctx.update({ fromVersion: before.version });
    this.deps.recordFirmware(before.version);
    if (before.arch && manifest.platform.toLowerCase() !== before.arch.toLowerCase())
      throw new UpdateError('unsupported-package', say.wrongPlatform(manifest.platform, before.arch));
    const status = (await this.call('OTA.Status')) as { state?: number; is_committed?: boolean } | null;
    if (status?.is_committed === false)
      throw new UpdateError('update-failed', say.runsUncommitted(this.name, before.version));
    if (status?.state === 1) await this.abortHalfUpdate();

    await this.upload(file);
    ctx.setState('rebooting');
    try {
      await this.call('OTA.End', {}, END_TIMEOUT_MS);
      ctx.log('OTA.End accepted the image; the device reboots into it.');
    } catch (error) {
      // The device resets ~100 ms after accepting: its answer can be lost to the reset. What it runs
      // after the reboot tells whether the image was taken.
      if (!(error instanceof MongooseLinkError)) throw error;
      ctx.log(say.endAnswerLost(error.message));
    }
    await this.rebootAndReconnect(ctx.timeouts.rebootComeBackMs);

    ctx.setState('verifying');
    const after = await this.sysInfo();
    ctx.update({ toVersion: after.version });
    this.deps.recordFirmware(after.version);
    if (after.version !== manifest.version)
      throw new UpdateError('rolled-back', say.cameBackWithOld(this.name, after.version, manifest.version));
    await this.commitWindow(after, before.version);
  }

  /** A half update from an earlier, interrupted push holds the updater: OTA.End without args drops it (mos does so). */
  private async abortHalfUpdate(): Promise<void> {
    this.ctx.log('The device still holds a half-finished update; aborting it first.');
    await this.call('OTA.End', {}).catch((error: unknown) => {
      if (!(error instanceof UpdateError)) throw error;
    });
  }

  private async upload(file: Buffer): Promise<void> {
    const { ctx } = this;
    ctx.setState('transferring');
    const sampler = new ProgressSampler(file.length, (progress) => ctx.update({ progress }));
    const started = Date.now();
    let restarts = 0;
    let offset = 0;
    let writes = 0;
    try {
      for (;;) {
        try {
          offset = 0;
          sampler.update(0);
          await this.call('OTA.Begin', {
            size: file.length,
            timeout: OTA_BEGIN_TIMEOUT_S,
            commit_timeout: ctx.request.commitTimeoutSeconds,
          });
          while (offset < file.length) {
            const chunk = file.subarray(offset, offset + OTA_WRITE_BYTES);
            await this.call('OTA.Write', { offset, data: chunk.toString('base64') });
            offset += chunk.length;
            writes++;
            sampler.update(offset);
          }
          ctx.log(say.uploadFinished(file.length, writes, (Date.now() - started) / 1000));
          return;
        } catch (error) {
          if (!(error instanceof MongooseLinkError) || ctx.signal.aborted) throw error;
          if (restarts >= MAX_UPLOAD_RESTARTS)
            throw new UpdateError('connection-lost', say.linkKeptDropping(offset, file.length, error.message));
          restarts++;
          ctx.log(say.linkDroppedDuringUpload(offset, file.length, error.message));
          await this.connect('Reconnected to');
          const status = (await this.call('OTA.Status')) as { state?: number } | null;
          if (status?.state === 1) await this.abortHalfUpdate();
        }
      }
    } finally {
      await sampler.flush();
    }
  }

  /** Waits for the device to drop the link (its reset), then reconnects within `withinMs`. */
  private async rebootAndReconnect(withinMs: number): Promise<void> {
    const rpc = this.open.rpc;
    if (rpc?.connected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.ctx.timeouts.rebootGoneMs);
        rpc.connection.onDisconnect(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    try {
      await this.connect('Reconnected to', withinMs);
    } catch (error) {
      if (error instanceof UpdateError && error.code === 'cancelled') throw error;
      throw new UpdateError('connection-lost', say.notBackAfterReboot(this.name, withinMs, (error as Error).message));
    }
  }

  private async commitWindow(running: FirmwareInfo, fromVersion: string | null): Promise<void> {
    const { ctx, name } = this;
    const toVersion = running.version;
    const boot = (await this.call('OTA.GetBootState')) as { is_committed?: boolean; commit_timeout?: number } | null;
    if (boot?.is_committed !== false) {
      ctx.setState('committed', {
        result: {
          code: 'success',
          message: `${name} runs ${toVersion ?? 'the new firmware'} and committed it by itself (no commit window).`,
          deviceMessage: null,
        },
      });
      return;
    }
    const window = boot.commit_timeout ?? ctx.request.commitTimeoutSeconds;
    // The revert watchdog is armed at boot: what is left is commit_timeout − uptime, on the device's clock.
    const left = Math.max(0, window - (running.uptimeSeconds ?? 0));
    const deadline = Date.now() + left * 1000;
    ctx.setState('awaiting-commit', { commitDeadline: deadline });
    ctx.log(`${toVersion ?? 'The new firmware'} runs uncommitted; it ${revertWords(left)} unless committed.`);

    let decision: Decision | 'deadline';
    let healthProblem: string | null = null;
    if (ctx.job().commitPolicy === 'auto') {
      healthProblem = await this.healthCheck(running);
      decision = healthProblem ? 'deadline' : 'commit';
      ctx.log(
        healthProblem
          ? `Not committing: ${healthProblem}.`
          : `Health check passed (${ctx.timeouts.healthSeconds} s up on ${toVersion ?? 'the new firmware'}).`,
      );
    } else {
      decision = await this.nextDecision(deadline);
    }

    if (decision === 'commit') {
      ctx.setState('committing');
      await this.ensureConnected();
      await this.call('OTA.Commit', {}, 10_000);
      const after = (await this.call('OTA.GetBootState')) as { is_committed?: boolean } | null;
      if (after?.is_committed !== true)
        throw new UpdateError(
          'update-failed',
          'OTA.Commit returned, but the device still reports the firmware as uncommitted.',
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
      await this.ensureConnected();
      // It reboots ~100 ms after answering; an answer lost to that reset is the revert under way.
      await this.call('OTA.Revert', {}, 10_000).catch((error: unknown) => {
        if (!(error instanceof MongooseLinkError)) throw error;
      });
    } else {
      ctx.log('The commit window is over; watching the device roll back.');
    }
    // The device reboots into the previous firmware: at once after OTA.Revert, at its deadline otherwise.
    const grace = decision === 'revert' ? 0 : Math.max(0, deadline - Date.now()) + ctx.timeouts.rollbackGraceMs;
    await this.awaitRollbackReboot(grace);
    const back = await this.sysInfo();
    const runs = back.version;
    this.deps.recordFirmware(runs);
    if (runs && runs === toVersion && fromVersion !== toVersion) {
      const state = (await this.call('OTA.GetBootState')) as { is_committed?: boolean } | null;
      if (state?.is_committed) {
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
      throw new UpdateError('update-failed', `${name} rebooted but still runs ${toVersion} uncommitted.`);
    }
    const why =
      decision === 'revert'
        ? 'Reverted on your request'
        : healthProblem
          ? `Not committed because ${healthProblem}`
          : say.notCommittedWithin(toVersion, window);
    ctx.setState('rolled-back', {
      commitDeadline: null,
      toVersion: runs,
      result: { code: 'rolled-back', message: say.rolledBackBecause(why, name, runs), deviceMessage: null },
    });
  }

  /**
   * The user's click, or the deadline, or the device rolling back on its own clock first (its reset drops
   * the link we hold): waiting on after that would only hold the job.
   */
  private async nextDecision(deadline: number): Promise<Decision | 'deadline'> {
    const rpc = this.open.rpc;
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    this.ctx.signal.addEventListener('abort', onAbort, { once: true });
    const off = rpc?.connection.onDisconnect(() => stop.abort());
    try {
      return await this.ctx.decisions.next(stop.signal, deadline - Date.now());
    } catch (error) {
      if (this.ctx.signal.aborted) throw error;
      return 'deadline';
    } finally {
      off?.();
      this.ctx.signal.removeEventListener('abort', onAbort);
    }
  }

  /** --commit auto: the device must answer, report the new version and not reboot for N seconds. */
  private async healthCheck(running: FirmwareInfo): Promise<string | null> {
    let lastUptime = running.uptimeSeconds;
    for (let second = 0; second < this.ctx.timeouts.healthSeconds; second++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      let info: FirmwareInfo;
      try {
        info = await this.sysInfo();
      } catch {
        return `the device stopped answering ${second + 1} s after booting the new firmware`;
      }
      if (info.version !== running.version)
        return `the device reports ${info.version ?? 'no version'} instead of ${running.version}`;
      if (info.uptimeSeconds !== null && lastUptime !== null && info.uptimeSeconds < lastUptime)
        return 'the new firmware rebooted by itself';
      lastUptime = info.uptimeSeconds ?? lastUptime;
    }
    return null;
  }

  private async ensureConnected(): Promise<void> {
    if (!this.open.rpc?.connected) await this.connect('Reconnected to');
  }

  /** The rollback's reboot: the held link drops (or already did), then the device advertises again. */
  private async awaitRollbackReboot(graceMs: number): Promise<void> {
    const rpc = this.open.rpc;
    if (rpc?.connected) {
      const dropped = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), graceMs + this.ctx.timeouts.rebootGoneMs);
        const onAbort = () => resolve(false);
        this.ctx.signal.addEventListener('abort', onAbort, { once: true });
        rpc.connection.onDisconnect(() => {
          clearTimeout(timer);
          this.ctx.signal.removeEventListener('abort', onAbort);
          resolve(true);
        });
      });
      if (this.ctx.signal.aborted)
        throw new UpdateError(
          'cancelled',
          'Stopped watching the commit window; the device decides by itself when it ends.',
        );
      if (!dropped) return; // still up on the same link: read what it runs
    }
    await this.rebootAndReconnect(this.ctx.timeouts.rebootComeBackMs);
  }
}
