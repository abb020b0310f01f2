// Words for an ESP8266 user1/user2 image's slot evidence (shared/domain.ts SlotEvidence). Pure, so
// the wording is unit-tested; the components only lay it out.
import type { ImageInfo, SlotEvidence } from '../../../../shared/domain.ts';
import { formatCount } from '../../../../shared/format.ts';

/** "slot 2", or "slot unknown" when the evidence cannot tell. */
export function slotName(slot: 1 | 2 | null): string {
  return slot === null ? 'slot unknown' : `slot ${slot}`;
}

/** What the file name says: "user2 → slot 2", or that it says nothing. */
export function nameEvidence(evidence: SlotEvidence): string {
  return evidence.byFileName === null ? 'no slot in the name' : `slot ${evidence.byFileName}`;
}

/**
 * Header byte 3 as it is, with what it may mean: gen_appbin on SDK ≥ 2.0 writes the app number (1/2),
 * esp-link's Makefile writes 0/1, esptool writes the flash size byte. Only a hint either way.
 */
export function headerByte3Text(evidence: SlotEvidence): string {
  const hex = `0x${evidence.headerByte3.toString(16).padStart(2, '0')}`;
  return evidence.headerByte3 === 1 || evidence.headerByte3 === 2 ? `${hex} (app ${evidence.headerByte3}?)` : hex;
}

/** "812 · 0", slot 1's references first, as the label says. */
export function iromCounts(evidence: SlotEvidence): string {
  return `${formatCount(evidence.iromReferences.slot1)} · ${formatCount(evidence.iromReferences.slot2)}`;
}

/** 4MB:512/512 → where each slot starts in flash (lan-protocols.md §2.1); null when the map is unknown. */
export function slotAddress(slot: 1 | 2, flashMap: string | null): string | null {
  if (slot === 1) return '0x01000';
  const halves = flashMap?.match(/(\d+)\s*[/+]\s*(\d+)/);
  if (!halves) return null;
  const offsets: Record<string, string> = { '256': '0x41000', '512': '0x81000', '1024': '0x101000' };
  return offsets[halves[1]] ?? null;
}

/**
 * A warning about both files (or the pair) is said once, under the pair; a warning about one file
 * stays with that file.
 */
export function splitPairWarnings(pair: ImageInfo, members: ImageInfo[]): { shared: string[]; own: string[][] } {
  const inEveryMember = (warning: string) => members.every((member) => member.warnings.includes(warning));
  const shared = [
    ...new Set([...pair.warnings, ...members.flatMap((member) => member.warnings).filter(inEveryMember)]),
  ];
  const own = members.map((member) => [...new Set(member.warnings)].filter((warning) => !shared.includes(warning)));
  return { shared, own };
}
