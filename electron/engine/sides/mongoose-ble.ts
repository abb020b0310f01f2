// The BLE side's Mongoose OS RPC-over-GATT devices (ble-protocols.md §2): plan (fw.zip, arch, committed
// and idle), status (Sys.GetInfo, OTA.GetBootState), commit/revert outside a job and the push's job
// sequence (jobs/mongoose-ble-job.ts). ble-side.ts routes devices of protocol 'mongoose-os-ble' here.
import type { Device, DeviceStatus, PushPlan } from '../../../shared/domain.ts';
import { formatDuration } from '../../../shared/format.ts';
import { UpdateError } from '../update-error.ts';
import type { BleRadio } from '../ble/ble-radio.ts';
import { MongooseLinkError, MongooseRpcError, MongooseRpcGatt } from '../ble/mongoose-rpc-gatt.ts';
import { readMongooseManifest } from '../images/index.ts';
import { mongooseBleChecks, notFwZipChecks } from '../protocols/mongoose-ble-plan.ts';
import { sysInfoFrom } from '../protocols/mongoose-sysinfo.ts';
import type { FirmwareInfo, ImageOnDisk } from '../protocols/update-protocol.ts';
import { check } from '../protocols/preflight-check.ts';
import type { Decision } from '../jobs/commit-decisions.ts';
import type { JobContext, JobSequence, JobTimeouts } from '../jobs/job-context.ts';
import { runMongooseBleJob } from '../jobs/mongoose-ble-job.ts';
import { judgePlan } from '../jobs/push-plan.ts';

/** What ble-side.ts lends for one device. */
export interface MongooseAccess {
  radio: BleRadio;
  peripheralId(): string;
  connectTimeoutMs: number;
  timeouts: JobTimeouts;
  recordFirmware(version: string | null): void;
  /** Holds the device against jobs and other actions while a status, plan or decision has it. */
  hold(words: string): void;
  release(): void;
  /** Devices a job holds. */
  busy: Set<string>;
  device(): Device;
}

interface BootStateAnswer {
  is_committed?: boolean;
  commit_timeout?: number;
  active_slot?: number;
  revert_slot?: number;
}

/** Connects, runs `work`, disconnects; the device is held meanwhile. */
async function withRpc<T>(
  access: MongooseAccess,
  words: string,
  work: (rpc: MongooseRpcGatt) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  access.hold(words);
  let rpc: MongooseRpcGatt | null = null;
  try {
    rpc = await MongooseRpcGatt.open(access.radio, access.peripheralId(), {
      connectTimeoutMs: access.connectTimeoutMs,
      signal,
    });
    return await work(rpc);
  } catch (error) {
    if (error instanceof MongooseRpcError) throw new UpdateError('update-failed', error.message);
    if (error instanceof UpdateError) throw error;
    throw new UpdateError('connection-lost', `The Bluetooth link failed: ${(error as Error).message}.`);
  } finally {
    await rpc?.close();
    access.release();
  }
}

async function readInfo(rpc: MongooseRpcGatt): Promise<FirmwareInfo> {
  const info = sysInfoFrom(await rpc.call('Sys.GetInfo'));
  if (!info) throw new UpdateError('unsupported-protocol', 'The device answered Sys.GetInfo with an unexpected shape.');
  return info;
}

export async function mongooseBleStatus(access: MongooseAccess): Promise<DeviceStatus> {
  return withRpc(access, 'reading its status', async (rpc) => {
    const info = await readInfo(rpc);
    const boot = (await rpc.call('OTA.GetBootState').catch(() => null)) as BootStateAnswer | null;
    access.recordFirmware(info.version);
    const details: Record<string, string> = { 'ATT MTU': String(rpc.attMtu) };
    if (info.arch) details.Arch = info.arch;
    if (info.app) details.App = info.app;
    if (info.uptimeSeconds !== null) details.Uptime = formatDuration(info.uptimeSeconds);
    const committed = boot?.is_committed ?? null;
    const left =
      committed === false && boot?.commit_timeout !== undefined
        ? Math.max(0, boot.commit_timeout - (info.uptimeSeconds ?? 0))
        : null;
    return {
      device: access.device(),
      reachable: true,
      firmwareVersion: info.version,
      firmwareId: info.firmwareId,
      bootState:
        committed === null
          ? null
          : {
              committed,
              activeSlot: boot?.active_slot ?? 0,
              revertSlot: boot?.revert_slot ?? 0,
              commitTimeoutSeconds: boot?.commit_timeout ?? 0,
              revertsInSeconds: left,
            },
      slots: null,
      imageSlots: null,
      details,
    };
  });
}

export async function mongooseBlePlan(
  device: Device,
  image: ImageOnDisk,
  access: () => MongooseAccess,
  signal?: AbortSignal,
): Promise<PushPlan> {
  const { info } = image;
  const base = {
    deviceId: device.id,
    imageId: info.imageId,
    protocol: device.protocol,
    reason:
      'Sends fw.zip with OTA.Begin / OTA.Write / OTA.End over the RPC service; the device reboots into it uncommitted.',
    slots: null,
    imageSlots: null,
    send: { imageId: info.imageId, fileName: info.fileName, size: info.size, sha256: info.sha256 },
  };
  const manifest = info.problem ? null : await readMongooseManifest(image.path);
  if (!manifest) {
    const checks = notFwZipChecks(info.fileName, info.format === 'mongoose-fw-zip' ? info.problem : null);
    return { ...base, checks, ...judgePlan(checks, base) };
  }
  let checks;
  try {
    checks = await withRpc(
      access(),
      'planning a push',
      async (rpc) => {
        const facts = await readInfo(rpc);
        const status = (await rpc.call('OTA.Status')) as { state?: number; is_committed?: boolean } | null;
        return mongooseBleChecks({
          manifest,
          info: facts,
          status: { state: status?.state ?? null, committed: status?.is_committed ?? null },
        });
      },
      signal,
    );
  } catch (error) {
    if (!(error instanceof UpdateError) || error.code === 'cancelled') throw error;
    checks = [check('board', 'Device answers', 'fail', error.message)];
  }
  return { ...base, checks, ...judgePlan(checks, base) };
}

export async function mongooseBleDecide(device: Device, access: MongooseAccess, decision: Decision): Promise<string> {
  const words = decision === 'commit' ? 'committing its firmware' : 'reverting its firmware';
  const first = await withRpc(access, words, async (rpc): Promise<{ said: string } | { revertedFrom: string }> => {
    const info = await readInfo(rpc);
    const boot = (await rpc.call('OTA.GetBootState')) as BootStateAnswer | null;
    const running = info.version ?? 'its firmware';
    if (boot?.is_committed !== false) {
      if (decision === 'commit')
        return { said: `${device.name} already runs ${running} committed: nothing to commit.` };
      throw new UpdateError(
        'update-failed',
        `${device.name} runs ${running} committed: there is nothing to revert to.`,
      );
    }
    if (decision === 'commit') {
      await rpc.call('OTA.Commit');
      const after = (await rpc.call('OTA.GetBootState')) as BootStateAnswer | null;
      if (after?.is_committed !== true)
        throw new UpdateError(
          'update-failed',
          `OTA.Commit returned, but ${device.name} still reports ${running} as uncommitted.`,
        );
      return { said: `Committed ${running} on ${device.name}.` };
    }
    // It reboots ~100 ms after answering (the answer may be lost to that reset).
    const down = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, access.timeouts.rebootGoneMs);
      rpc.connection.onDisconnect(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    await rpc.call('OTA.Revert').catch((error: unknown) => {
      if (!(error instanceof MongooseLinkError)) throw error;
    });
    await down;
    return { revertedFrom: running };
  });
  if ('said' in first) return first.said;
  // As for LAN boards, the words come from what it runs once it is back.
  const back = { ...access, connectTimeoutMs: access.timeouts.rebootComeBackMs };
  const after = await withRpc(back, words, readInfo);
  access.recordFirmware(after.version);
  return `Reverted: ${device.name} went back from ${first.revertedFrom} to ${after.version ?? 'its previous firmware'}.`;
}

export function mongooseBleSequence(device: Device, access: MongooseAccess): JobSequence {
  const run = async (ctx: JobContext): Promise<void> => {
    access.busy.add(device.id);
    try {
      await runMongooseBleJob(ctx, {
        radio: access.radio,
        peripheralId: access.peripheralId,
        recordFirmware: access.recordFirmware,
        connectTimeoutMs: Math.min(access.connectTimeoutMs, access.timeouts.rebootComeBackMs),
        onReleased: () => access.busy.delete(device.id),
      });
    } finally {
      access.busy.delete(device.id);
    }
  };
  return {
    protocolId: 'mongoose-os-ble',
    target: `BLE ${device.address ?? device.name}`,
    currentDevice: access.device,
    run,
  };
}
