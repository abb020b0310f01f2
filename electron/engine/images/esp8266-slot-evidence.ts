// Which slot an ESP8266 user1/user2 image was linked for (lan-protocols.md §2.3). The v2 header
// stores the irom address as 0, so nothing in the file says it outright; we weigh three clues:
//   - the code itself: literal pools hold addresses of irom functions and constants, and those fall
//     in the window of the slot the linker placed irom0 at (0x40201010… for slot 1, 0x40281010… for
//     slot 2 on 512+512 maps). This is the strongest clue, because it is what makes a wrong-slot
//     image crash. On 1024+1024 maps both slots are linked alike, so it cannot decide there;
//   - the file name the build gave it (user1… / user2…, or esptool's …-0x01000.bin / …-0x81000.bin);
//   - header byte 3: 1/2 from SDK ≥ 2.0 gen_appbin, but 0/1 from esp-link's Makefile and the flash
//     byte from esptool, so it is only ever a hint.
import type { SlotEvidence } from '../../../shared/domain.ts';
import { streamRange, type ImageFile } from './image-file.ts';
import * as say from './esp-messages.ts';

type Slot = 1 | 2;

export const SLOT_LAYOUTS: Record<number, string> = {
  0: '256+256',
  1: '256KB, no OTA',
  2: '512+512',
  3: '512+512',
  4: '512+512',
  5: '1024+1024',
  6: '1024+1024',
  8: '1024+1024',
  9: '1024+1024',
};

const SLOT1_START = 0x40201010;
const WINDOW_END = 0x40300000;
/** Below this many references in total, or this share for the winner, the code does not decide. */
const MIN_REFERENCES = 20;
const MIN_SHARE = 0.8;

/** Where slot 2's irom window starts for a layout; null when both slots are linked alike. */
function slot2Start(sizeMap: number): number | null {
  if (sizeMap === 0) return 0x40241010;
  if (sizeMap >= 2 && sizeMap <= 4) return 0x40281010;
  return null;
}

/** Counts aligned little-endian words of the whole file that point into each slot's irom window. */
export async function countIromReferences(file: ImageFile, sizeMap: number): Promise<{ slot1: number; slot2: number }> {
  // Windows as in our reference data: slot 1 0x40201010–0x4027FFFF, slot 2 0x40281010–0x402FFFFF
  // (256+256: the boundary is 0x40241010). 1024+1024 uses the 512+512 windows, for a like-for-like count.
  const boundary = sizeMap === 0 ? 0x40241010 : 0x40280000;
  const start2 = slot2Start(sizeMap) ?? 0x40281010;
  let slot1 = 0;
  let slot2 = 0;
  // Chunks are 4-byte multiples, and every chunk starts at a multiple of 4 in the file.
  await streamRange(file, 0, file.size - (file.size % 4), (data) => {
    const view = new DataView(data.buffer, data.byteOffset, data.length - (data.length % 4));
    for (let offset = 0; offset < view.byteLength; offset += 4) {
      const word = view.getUint32(offset, true);
      if (word < SLOT1_START || word >= WINDOW_END) continue;
      if (word < boundary) slot1 += 1;
      else if (word >= start2) slot2 += 1;
    }
  });
  return { slot1, slot2 };
}

/** `user1.bin`, `user2.2048.new.5.bin`, `firmware-0x81000.bin` → 1 or 2. */
export function slotFromFileName(fileName: string): Slot | null {
  const name = fileName.toLowerCase();
  const user = /(?:^|[^a-z0-9])user([12])(?![0-9])/.exec(name);
  if (user) return user[1] === '1' ? 1 : 2;
  const address = /0x0*(1000|81000|41000|101000)(?![0-9a-f])/.exec(name);
  if (address) return address[1] === '1000' ? 1 : 2;
  return null;
}

function headerHint(byte3: number): string {
  if (byte3 === 2) return 'header byte 3 is 2 (app 2 on SDK ≥ 2.0 builds)';
  if (byte3 === 0) return "header byte 3 is 0 (app 1 in esp-link's Makefile)";
  if (byte3 === 1) return "header byte 3 is 1 (app 1 on SDK ≥ 2.0 builds, app 2 in esp-link's Makefile)";
  return `header byte 3 is 0x${byte3.toString(16).padStart(2, '0')} (the flash byte, as esptool writes it)`;
}

export async function readSlotEvidence(
  file: ImageFile,
  fileName: string,
  headerByte3: number,
  sizeMap: number,
): Promise<SlotEvidence> {
  const layout = SLOT_LAYOUTS[sizeMap] ?? `unknown (size map ${sizeMap})`;
  const refs = await countIromReferences(file, sizeMap);
  const total = refs.slot1 + refs.slot2;
  const winner: Slot = refs.slot2 > refs.slot1 ? 2 : 1;
  const share = total === 0 ? 0 : Math.max(refs.slot1, refs.slot2) / total;
  const linkedAlike = slot2Start(sizeMap) === null;
  const iromDecisive = !linkedAlike && total >= MIN_REFERENCES && share >= MIN_SHARE;
  const byFileName = slotFromFileName(fileName);
  const counts = `${refs.slot1} irom references point into slot 1, ${refs.slot2} into slot 2`;

  let linkedSlot: Slot | null;
  let summary: string;
  if (iromDecisive) {
    linkedSlot = winner;
    summary = `Linked for slot ${winner} (user${winner}.bin): ${counts}; ${headerHint(headerByte3)}.`;
  } else if (linkedAlike) {
    // Both apps come from the same linker script: either file runs in either slot, as far as the
    // code goes; the name is what tells the two builds apart.
    linkedSlot = byFileName;
    summary = say.sharedLinkAddressSummary(layout, byFileName, headerHint(headerByte3));
  } else {
    linkedSlot = byFileName;
    summary = `The code does not decide (${counts}); ${byFileName ? `going by the file name: user${byFileName}` : 'the file name does not say either'}; ${headerHint(headerByte3)}.`;
  }
  const contradiction =
    iromDecisive && byFileName !== null && byFileName !== winner
      ? `The file is named like user${byFileName}.bin, but its code is linked for slot ${winner} (${counts}): it was renamed or mixed up with its twin.`
      : null;
  return {
    linkedSlot,
    byFileName,
    headerByte3,
    iromReferences: refs,
    iromDecisive,
    layout,
    sizeMap,
    summary,
    contradiction,
  };
}
