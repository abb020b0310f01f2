// Mongoose OS: POST /update (multipart fw.zip + commit_timeout), RPC over HTTP for Sys.GetInfo and
// the OTA boot state, commit and revert. See lan-protocols.md §3: 200 "Update applied, finalizing"
// on success, 400 + the updater's message on failure; RPC errors are {code, message} bodies.
import { z } from 'zod';
import { UpdateError, deviceWords } from '../update-error.ts';
import { type Target, describeTarget, httpRequest } from '../net/http-client.ts';
import { uploadMultipart } from '../net/multipart-upload.ts';
import { UploadCutError } from '../net/stream-upload.ts';
import { describeChallenge, rememberedCredentials, sendWithAuth } from '../net/board-auth.ts';
import { recogniseMongoose } from './recognise.ts';
import { sysInfoFrom } from './mongoose-sysinfo.ts';
import { formatBytes, formatCountdown } from '../../../shared/format.ts';
import { readMongooseManifest } from '../images/index.ts';
import {
  type BootState,
  type FirmwareInfo,
  type PushContext,
  type UpdateProtocol,
  fileToSend,
} from './update-protocol.ts';

const bootStateSchema = z.looseObject({
  active_slot: z.number().int(),
  is_committed: z.boolean(),
  revert_slot: z.number().int(),
  commit_timeout: z.number().int(),
});

/** POSTs an RPC in Mongoose's "REST" form and returns the parsed result (or throws its error). */
async function callRpc(target: Target, method: string, signal?: AbortSignal, timeoutMs = 5000): Promise<unknown> {
  const res = await httpRequest(target, {
    method: 'POST',
    path: `/rpc/${method}`,
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
    timeoutMs,
    signal,
  });
  if (res.status === 401) throw authRefusal(target, `${method} (its RPC)`, res.headers['www-authenticate']);
  let parsed: unknown;
  try {
    parsed = res.body.trim() === '' ? null : JSON.parse(res.body);
  } catch {
    throw new UpdateError(
      'update-failed',
      `${describeTarget(target)} answered ${method} with something that is not JSON (HTTP ${res.status}).`,
      deviceWords(res.body),
    );
  }
  if (res.status !== 200) {
    const message =
      typeof (parsed as { message?: unknown })?.message === 'string'
        ? (parsed as { message: string }).message
        : res.body;
    const code: 'auth-failed' | 'unsupported-protocol' | 'update-failed' =
      res.status === 401 ? 'auth-failed' : res.status === 404 ? 'unsupported-protocol' : 'update-failed';
    throw new UpdateError(
      code,
      `${describeTarget(target)} refused ${method} (HTTP ${res.status}).`,
      deviceWords(message),
    );
  }
  return parsed;
}

/**
 * A 401 from the board: it needs a password (none given or remembered), or refused the one it got.
 * The engine's words; the CLI adds which options carry them.
 */
function authRefusal(target: Target, what: string, challenge: string | string[] | undefined): UpdateError {
  const how = describeChallenge(challenge);
  const scheme = how ? ` (${how})` : '';
  return rememberedCredentials(target)
    ? new UpdateError(
        'auth-failed',
        `${describeTarget(target)} refused the user name or password for ${what}${scheme}.`,
      )
    : new UpdateError(
        'auth-failed',
        `${describeTarget(target)} needs a password for ${what}${scheme}: give its user name and password.`,
      );
}

export async function readMongooseInfo(target: Target, signal?: AbortSignal): Promise<FirmwareInfo | null> {
  return sysInfoFrom(await callRpc(target, 'Sys.GetInfo', signal, 3000));
}

/** Maps the updater's 400 message to a result; see lan-protocols.md §3.1 and §3.3. */
export function mongooseFailure(status: number, body: string, imageSize: number): UpdateError {
  const words = deviceWords(body);
  const text = words ?? '';
  if (status === 403)
    return new UpdateError(
      'auth-failed',
      'The board refused the update: its access list does not let this user update.',
      words,
    );
  if (/disabled/i.test(text))
    return new UpdateError(
      'update-failed',
      'The board has HTTP POST updates turned off (update.enable_post is false in its config).',
      words,
    );
  if (/another update/i.test(text))
    return new UpdateError(
      'update-failed',
      'The board is already applying another update; wait for it to finish, then push again.',
      words,
    );
  if (/space|too (big|large)|no room/i.test(text)) {
    return new UpdateError(
      'not-enough-space',
      `The board has no room for this image (${formatBytes(imageSize)}).`,
      words,
    );
  }
  if (/memory|alloc/i.test(text))
    return new UpdateError(
      'out-of-ram',
      'The board ran out of RAM while receiving the update; reboot it and push again.',
      words,
    );
  if (/crc|checksum|hash|sha/i.test(text))
    return new UpdateError(
      'integrity-failure',
      'The board found the image corrupt (CRC check failed). Rebuild or re-download fw.zip.',
      words,
    );
  if (/platform/i.test(text))
    return new UpdateError(
      'unsupported-package',
      'The board rejected fw.zip: it was built for another platform.',
      words,
    );
  if (/manifest|archive|zip|compressed/i.test(text)) {
    return new UpdateError(
      'unsupported-package',
      'The board could not read this file as a Mongoose OS fw.zip (build it with `mos build`; do not re-zip it).',
      words,
    );
  }
  return new UpdateError('update-failed', `The board refused the update (HTTP ${status}).`, words);
}

/**
 * The updater refuses to start while an update is uncommitted (updater_context_create) and the HTTP
 * server then closes the upload without a reply. The plan checks this first, but an update can land
 * in between (another tool, another person): a cut before the whole file went out is explained by
 * the boot state when it says so, instead of "connection lost … push again".
 */
async function explainClosedUpload(error: unknown, target: Target, signal: AbortSignal): Promise<never> {
  if (!(error instanceof UploadCutError) || error.wholeImageSent || signal.aborted) throw error;
  const boot = await mongooseOs.commitControl!.bootState(target, signal).catch(() => null);
  if (!boot || boot.committed) throw error;
  const version = boot.runningVersion ?? 'a firmware';
  const left =
    boot.revertsInSeconds == null
      ? ''
      : boot.revertsInSeconds > 0
        ? ` (reverts in ${formatCountdown(boot.revertsInSeconds)})`
        : ' (its commit window is over: it is reverting)';
  const what = `The board closed the upload without a reply: this board runs ${version} uncommitted${left}`;
  throw new UpdateError(
    'update-failed',
    `${what}, and takes no other update until it is committed or reverted. Commit or revert it first.`,
  );
}

export const mongooseOs: UpdateProtocol = {
  id: 'mongoose-os',
  recognise: recogniseMongoose,

  async preflight(image, device) {
    const manifest = await readMongooseManifest(image.path);
    if (!manifest)
      return 'This file is not a Mongoose OS fw.zip; Mongoose OS boards only accept the fw.zip that `mos build` produces.';
    if (device.arch && manifest.platform && manifest.platform.toLowerCase() !== device.arch.toLowerCase()) {
      return `This fw.zip is built for ${manifest.platform}, but the board is an ${device.arch}: it would refuse it ("Wrong platform").`;
    }
    return null;
  },

  async push(context: PushContext) {
    const { image, target } = context;
    const upload = (authorization: string | undefined) =>
      uploadMultipart({
        target,
        path: '/update',
        // Sent before the file so the updater knows the commit window before it starts writing.
        fields: [['commit_timeout', String(context.commitTimeoutSeconds)]],
        fileField: 'filedata',
        file: fileToSend(image),
        fileName: image.info.fileName,
        headers: authorization ? { Authorization: authorization } : {},
        timeouts: context.timeouts,
        signal: context.signal,
        onBytes: context.onBytes,
      });
    // With a password, the Digest challenge is learnt from a cheap RPC first (or from the job's
    // own Sys.GetInfo), so the fw.zip goes out once, already authenticated.
    const res = await sendWithAuth(target, 'POST', '/update', context.credentials, upload, {
      preflight: () => readMongooseInfo(target, context.signal),
    }).catch((error: unknown) => explainClosedUpload(error, target, context.signal));
    if (res.status === 401) throw authRefusal(target, 'updates (/update)', res.headers['www-authenticate']);
    if (res.status === 200 && /update applied/i.test(res.body)) {
      return { deviceMessage: deviceWords(res.body), rebootsByItself: true };
    }
    if (res.status === 200) {
      throw new UpdateError(
        'update-failed',
        'The board answered 200 but not "Update applied": it may not be a Mongoose OS /update handler.',
        deviceWords(res.body),
      );
    }
    throw mongooseFailure(res.status, res.body, image.info.size);
  },

  readFirmware: readMongooseInfo,

  commitControl: {
    async bootState(target, signal): Promise<BootState> {
      const raw = await callRpc(target, 'OTA.GetBootState', signal);
      const parsed = bootStateSchema.safeParse(raw);
      if (!parsed.success) {
        throw new UpdateError(
          'update-failed',
          `${describeTarget(target)} answered OTA.GetBootState with an unexpected shape.`,
          deviceWords(JSON.stringify(raw) ?? ''),
        );
      }
      const s = parsed.data;
      const state: BootState = {
        committed: s.is_committed,
        activeSlot: s.active_slot,
        revertSlot: s.revert_slot,
        commitTimeoutSeconds: s.commit_timeout,
        revertsInSeconds: null,
      };
      if (s.is_committed) return state;
      // mgos_upd_boot_finish arms the revert watchdog at boot for commit_timeout seconds, so what is
      // left is commit_timeout − uptime, on the board's own clock (OTA.GetBootState alone never changes).
      const info = await readMongooseInfo(target, signal);
      const uptime = info?.uptimeSeconds ?? null;
      return {
        ...state,
        runningVersion: info?.version ?? null,
        revertsInSeconds: uptime === null ? null : Math.max(0, s.commit_timeout - uptime),
      };
    },
    async commit(target) {
      await callRpc(target, 'OTA.Commit', undefined, 10_000);
    },
    async revert(target) {
      await callRpc(target, 'OTA.Revert', undefined, 10_000);
    },
  },
};
