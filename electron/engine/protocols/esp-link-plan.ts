// Before an esp-link push: ask the board which slot it writes next and what flash map it has, pick
// the file for that slot (from a pair) and check the file the way the board and its bootloader
// would, and more. Checks the board would fail anyway are final; evidence that is strong but not
// certain (the slot a file was linked for, a flash layout mismatch) can be overridden by the user.
import type { FlashSlots, ImageInfo, PreflightCheck } from '../../../shared/domain.ts';
import { withArticle } from '../format.ts';
import { flashSizeName } from '../images/esp-image.ts';
import type { ImageOnDisk, PlanInput, ProtocolPlan } from './update-protocol.ts';
import { ESP_LINK_SLOT_BYTES, readEspLinkSlots } from './esp-link-device.ts';
import * as say from './esp-link-messages.ts';

type Slot = 1 | 2;

const pass = (id: string, label: string, detail: string): PreflightCheck => ({
  id,
  label,
  status: 'pass',
  detail,
  overridable: false,
});
const warn = (id: string, label: string, detail: string): PreflightCheck => ({
  id,
  label,
  status: 'warn',
  detail,
  overridable: false,
});
const fail = (id: string, label: string, detail: string, overridable = false): PreflightCheck => ({
  id,
  label,
  status: 'fail',
  detail,
  overridable,
});

/** What a file that is not a user1/user2 image is, and what to do with it instead. */
function notAnOtaImage(info: ImageInfo): string {
  switch (info.format) {
    case 'esp-app':
      return say.plainAppImage(info.fileName);
    case 'mongoose-fw-zip':
      return `${info.fileName} is a Mongoose OS fw.zip: esp-link only takes SDK user1/user2 images (.bin starting with 0xEA). Push it to a Mongoose OS board.`;
    default: {
      const only = 'esp-link only takes ESP8266 SDK user1/user2 images (.bin starting with 0xEA).';
      if (info.problem) return `${info.fileName} cannot be pushed: ${info.problem} ${only}`;
      return `${info.fileName} is ${withArticle(info.formatLabel)}: ${only}`;
    }
  }
}

/** "4MB:512/512" (current esp-link) or "4MB (512+512)" (older) → size and layout. */
export function parseFlashMap(text: string | null): { size: string; layout: string | null } | null {
  if (!text) return null;
  const match = /^\s*(\d+(?:KB|MB))\s*(?:[:(]\s*(\d+)\s*[/+]\s*(\d+)\)?)?/i.exec(text);
  if (!match) return null;
  return { size: match[1]!.toUpperCase(), layout: match[2] ? `${match[2]}+${match[3]}` : null };
}

function chooseFile(image: ImageOnDisk, next: Slot, running: Slot | null): { send: ImageOnDisk; reason: string } {
  const runs = running ? `The board runs user${running}.bin` : 'The board';
  if (image.members?.length === 2) {
    const send = image.members[next - 1]!;
    return {
      send,
      reason: `${runs}, so it writes slot ${next} next: sending ${send.info.fileName}, the slot-${next} file of the pair.`,
    };
  }
  return { send: image, reason: `${runs}, so it writes slot ${next} next: sending ${image.info.fileName}.` };
}

function slotCheck(info: ImageInfo, next: Slot): PreflightCheck {
  const label = `Linked for slot ${next}`;
  const evidence = info.slotEvidence;
  if (!evidence || evidence.linkedSlot === null) {
    return warn('slot', label, say.slotUnknown(info.fileName, evidence?.summary ?? 'no evidence', next));
  }
  if (evidence.linkedSlot !== next) {
    return fail('slot', label, say.wrongSlot(info.fileName, evidence.linkedSlot, evidence.summary, next), true);
  }
  return pass('slot', label, `${evidence.summary}${evidence.contradiction ? ` Note: ${evidence.contradiction}` : ''}`);
}

function layoutCheck(info: ImageInfo, slots: FlashSlots, next: Slot): PreflightCheck {
  const label = 'Flash layout';
  const board = parseFlashMap(slots.flashMap);
  const evidence = info.slotEvidence;
  if (!board)
    return warn(
      'layout',
      label,
      `The board did not report its flash map${slots.flashMap ? ` ("${slots.flashMap}")` : ''}, so OTA Bench cannot compare it with the image's.`,
    );
  if (!board.layout || board.layout === '256+256') {
    return fail(
      'layout',
      label,
      `The board's flash map is ${slots.flashMap}: esp-link needs 1 MB or more with 512+512 slots ("Flash too small for OTA update").`,
    );
  }
  if (board.layout === '1024+1024' && next === 2) {
    return fail('layout', label, say.slot2AddressMismatch(slots.flashMap), true);
  }
  if (!evidence) return warn('layout', label, 'The image does not say which flash layout it was built for.');
  if (evidence.layout !== board.layout) {
    return fail(
      'layout',
      label,
      say.layoutMismatch(info.fileName, evidence, { layout: board.layout, flashMap: slots.flashMap }),
      true,
    );
  }
  // The size map's flash size, without the "-c1" that marks the 1024+1024 variants.
  const imageSize = flashSizeName('esp8266', evidence.sizeMap << 4).replace(/-c1$/, '');
  if (!imageSize.startsWith('unknown') && imageSize !== board.size) {
    return warn('layout', label, say.flashSizesDiffer(board.layout, imageSize, board.size));
  }
  return pass('layout', label, `${evidence.layout} slots, ${board.size}, as the board (${slots.flashMap}).`);
}

function sizeCheck(info: ImageInfo, slots: FlashSlots): PreflightCheck {
  const room = slots.slotRoom ?? ESP_LINK_SLOT_BYTES;
  if (info.size > room) {
    return fail('size', 'Fits the slot', say.tooLargeForSlot(info.fileName, info.size, room));
  }
  return pass('size', 'Fits the slot', say.fitsSlot(info.size, room));
}

export async function planEspLinkPush({ image, target, signal }: PlanInput): Promise<ProtocolPlan> {
  const { info } = image;
  const isPair = info.format === 'esp8266-ota-pair';
  if (info.format !== 'esp8266-ota-v2' && !isPair) {
    // The file decides the refusal, but the slots are still worth showing if the board answers.
    const slots = await readEspLinkSlots(target, signal).catch(() => null);
    return {
      send: image,
      reason: null,
      slots,
      checks: [fail('format', 'ESP8266 user1/user2 image', notAnOtaImage(info))],
    };
  }
  if (info.problem) {
    const slots = await readEspLinkSlots(target, signal).catch(() => null);
    return { send: image, reason: null, slots, checks: [fail('format', 'ESP8266 user1/user2 image', info.problem)] };
  }
  const slots = await readEspLinkSlots(target, signal);
  const next = slots.nextSlot!;
  const { send, reason } = chooseFile(image, next, slots.runningSlot);
  // A missing CRC-32 trailer is only a warning from the inspector (an old build, or a file cut by 4 bytes).
  const trailer = send.info.facts.find((f) => f.label === 'CRC-32 trailer')?.value ?? 'not checked';
  const checks: PreflightCheck[] = [
    trailer.startsWith('valid')
      ? pass(
          'format',
          'ESP8266 user1/user2 image',
          `${send.info.fileName}: 0xEA header as esp-link checks it, inner image checksum and CRC-32 trailer valid.`,
        )
      : warn('format', 'ESP8266 user1/user2 image', say.trailerNotValid(send.info.fileName, trailer)),
    slotCheck(send.info, next),
    layoutCheck(send.info, slots, next),
    sizeCheck(send.info, slots),
  ];
  return { send, reason, slots, checks };
}
