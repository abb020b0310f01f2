// esp-link (jeelabs/esp-link) on an ESP8266 with two firmware slots (lan-protocols.md §1–2):
//   GET /flash/next     → "user1.bin" | "user2.bin": the slot it will write (the one not running)
//   GET /system/info    → JSON with `partition` (running) and `size` (flash map, "4MB:512/512")
//   POST /flash/upload  → the raw image as the body, Content-Length required; 200 empty, or 400 + words
//   GET /flash/reboot   → re-checks the slot's header, then switches to it 2 s later
// After the reboot /flash/next flips if the new image booted; the same answer means the bootloader
// went back to the old slot. The pre-flight plan (which file, which checks) is esp-link-plan.ts,
// reading the board's slots esp-link-device.ts.
import { UpdateError, deviceWords } from '../update-error.ts';
import { type Target, describeTarget, httpRequest } from '../net/http-client.ts';
import { uploadRaw } from '../net/raw-upload.ts';
import { formatBytes } from '../../../shared/format.ts';
import { type PushContext, type UpdateProtocol, fileToSend } from './update-protocol.ts';
import { planEspLinkPush } from './esp-link-plan.ts';
import {
  ESP_LINK_SLOT_BYTES,
  readEspLinkFirmware,
  readEspLinkSlots,
  readNextSlot,
  readResetCause,
} from './esp-link-device.ts';

/** cgiRebootFirmware switches slots on a 2000 ms timer after answering. */
const REBOOT_AFTER_MS = 2000;

/** esp-link's 4xx/5xx words (cgiflash.c) → a result a developer can act on. */
export function espLinkFailure(status: number, body: string, imageSize: number): UpdateError {
  const words = deviceWords(body);
  const text = words ?? '';
  if (/too large/i.test(text)) {
    return new UpdateError(
      'not-enough-space',
      `The board's slot has no room for this image (${formatBytes(imageSize)}; esp-link takes at most ${formatBytes(ESP_LINK_SLOT_BYTES)}).`,
      words,
    );
  }
  if (/IROM magic|bad flash header|entry addr|start offset/i.test(text)) {
    return new UpdateError(
      'unsupported-package',
      'The board refused the image header: it is not an SDK user1/user2 image it can boot.',
      words,
    );
  }
  if (/too small/i.test(text))
    return new UpdateError(
      'unsupported-protocol',
      'The board cannot update over the air: its flash map has no second slot.',
      words,
    );
  if (/invalid request/i.test(text)) {
    return new UpdateError(
      'update-failed',
      'The board did not get a usable upload (it needs the raw image with a Content-Length, at least 1 KB).',
      words,
    );
  }
  if (/buffering/i.test(text))
    return new UpdateError(
      'connection-lost',
      'The board lost its place in the stream while writing; push again.',
      words,
    );
  return new UpdateError('update-failed', `The board refused the upload (HTTP ${status}).`, words);
}

/** GET /flash/reboot, retried briefly: right after an upload the board may still be closing sockets. */
async function requestSlotSwitch(target: Target, signal: AbortSignal): Promise<void> {
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      const res = await httpRequest(target, { path: '/flash/reboot', signal, timeoutMs: 10_000 });
      if (res.status === 200) return;
      throw new UpdateError(
        'integrity-failure',
        'The board re-read the new slot before switching and found no valid image header there, so it stays on its current firmware.',
        deviceWords(res.body),
      );
    } catch (error) {
      if (error instanceof UpdateError && error.code !== 'connection-lost') throw error;
      lastError = error;
    }
  }
  const why = (lastError as Error)?.message ?? 'no answer';
  const what = `The image is written, but ${describeTarget(target)} did not take the request to switch slots (${why}).`;
  throw new UpdateError('connection-lost', `${what} It keeps running its current firmware; push again.`);
}

export const espLink: UpdateProtocol = {
  id: 'esp-link',

  plan: planEspLinkPush,

  readSlots: readEspLinkSlots,

  lastResetCause: readResetCause,

  async push(context: PushContext) {
    const { target, image } = context;
    const planned = context.slots?.nextSlot ?? null;
    const next = await readNextSlot(target, context.signal);
    if (next === null)
      throw new UpdateError(
        'unsupported-protocol',
        `${describeTarget(target)} no longer answers /flash/next like esp-link.`,
      );
    if (planned !== null && next !== planned) {
      throw new UpdateError(
        'update-failed',
        `The board now asks for user${next}.bin, not user${planned}.bin as it did a moment ago: something else updated it. Check it and push again.`,
      );
    }
    context.log(`Sending ${image.info.fileName} into slot ${next} (user${next}.bin).`);
    const res = await uploadRaw({
      target,
      path: '/flash/upload',
      file: fileToSend(image),
      timeouts: context.timeouts,
      signal: context.signal,
      onBytes: context.onBytes,
    });
    if (res.status !== 200) throw espLinkFailure(res.status, res.body, image.info.size);
    context.log('The board stored the image; asking it to switch slots.');
    await requestSlotSwitch(target, context.signal);
    return { deviceMessage: null, rebootsByItself: true, expectedSlot: next, rebootAfterMs: REBOOT_AFTER_MS };
  },

  readFirmware: readEspLinkFirmware,
};
