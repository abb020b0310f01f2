// A user1/user2 pair: the two images an ESP8266 SDK OTA build produces, one linked for each slot.
// esp-link boards take whichever the board asks for, so users pick both (or their build folder) and
// OTA Bench sends the right one. Which file is which comes from the slot evidence, not the order the
// user picked them in.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ImageFact } from '../../../shared/domain.ts';
import { UpdateError } from '../update-error.ts';
import { slotFromFileName } from './esp8266-slot-evidence.ts';
import type { InspectedImage } from './inspect-image.ts';
import * as say from './esp-messages.ts';

export const PAIR_LABEL = 'ESP8266 user1/user2 pair';

type Slot = 1 | 2;

/** The slot each member goes to, or why that cannot be decided. */
function assignSlots(a: InspectedImage, b: InspectedImage): { user1: InspectedImage; user2: InspectedImage } | string {
  const slotOf = (image: InspectedImage): Slot | null => image.slotEvidence?.linkedSlot ?? null;
  const [sa, sb] = [slotOf(a), slotOf(b)];
  if (sa && sb && sa === sb) {
    return `Both files are linked for slot ${sa} (${a.fileName}: ${a.slotEvidence?.summary} ${b.fileName}: ${b.slotEvidence?.summary}) A pair needs one user1 and one user2 image from the same build.`;
  }
  if (sa || sb) {
    const aIsUser1 = sa ? sa === 1 : sb === 2;
    return aIsUser1 ? { user1: a, user2: b } : { user1: b, user2: a };
  }
  // Neither the code nor the names tell (1024+1024 builds renamed): header byte 3 as the build wrote it.
  const [ha, hb] = [a.slotEvidence?.headerByte3, b.slotEvidence?.headerByte3];
  if (ha !== undefined && hb !== undefined && Math.abs(ha - hb) === 1 && Math.min(ha, hb) <= 1) {
    return ha < hb ? { user1: a, user2: b } : { user1: b, user2: a };
  }
  return `OTA Bench cannot tell which of ${a.fileName} and ${b.fileName} is user1 and which is user2: rename them user1.bin and user2.bin as the build produced them.`;
}

/**
 * Facts one gen_appbin run fixes for both of its images: user1 and user2 differ only in where the
 * irom code is linked (and header byte 3, the CRC), so twins agree on every one of these. Two files
 * that do not are two builds (the real OLIMEX and ZiGate pairs differ in all of them).
 */
const BUILD_FACTS = ['Flash mode', 'Flash size', 'Flash frequency', 'Inner entry point', 'irom0 length', 'Segments'];

function buildDifferences(user1: InspectedImage, user2: InspectedImage): string[] {
  const valueOf = (image: InspectedImage, label: string) => image.facts.find((f) => f.label === label)?.value;
  const differences: string[] = [];
  for (const label of BUILD_FACTS) {
    const [a, b] = [valueOf(user1, label), valueOf(user2, label)];
    if (a !== undefined && b !== undefined && a !== b) differences.push(`${label.toLowerCase()} ${a} vs ${b}`);
  }
  if (user1.version && user2.version && user1.version !== user2.version)
    differences.push(`version ${user1.version} vs ${user2.version}`);
  return differences;
}

/**
 * Combines two inspected files into the pair's description (`swapped`: b is the slot-1 file).
 * Throws when they are not a pair at all.
 */
export function describePair(a: InspectedImage, b: InspectedImage): { pair: InspectedImage; swapped: boolean } {
  for (const image of [a, b]) {
    if (image.format !== 'esp8266-ota-v2') {
      throw new UpdateError('unsupported-package', say.notAPairMember(image.fileName, image.formatLabel));
    }
  }
  const assigned = assignSlots(a, b);
  const [user1, user2] = typeof assigned === 'string' ? [a, b] : [assigned.user1, assigned.user2];
  const problems = [user1, user2].filter((m) => m.problem).map((m) => `${m.fileName}: ${m.problem}`);
  if (typeof assigned === 'string') problems.unshift(assigned);
  const layouts = new Set([user1, user2].map((m) => m.slotEvidence?.layout));
  if (layouts.size > 1) {
    const layoutOf = (image: InspectedImage) => ({ fileName: image.fileName, layout: image.slotEvidence?.layout });
    problems.push(say.pairLayoutsDiffer(layoutOf(user1), layoutOf(user2)));
  }
  const differences = buildDifferences(user1, user2);
  if (differences.length > 0) {
    problems.push(say.pairBuildsDiffer(user1.fileName, user2.fileName, differences));
  }
  const facts: ImageFact[] = [
    { label: 'Slot 1 (user1)', value: `${user1.fileName}, ${user1.size.toLocaleString('en-US')} bytes` },
    { label: 'Slot 2 (user2)', value: `${user2.fileName}, ${user2.size.toLocaleString('en-US')} bytes` },
    { label: 'Flash layout', value: [...layouts].join(' / ') },
  ];
  const problem = problems.length > 0 ? problems.join(' ') : null;
  const pair: InspectedImage = {
    fileName: `${user1.fileName} + ${user2.fileName}`,
    size: Math.max(user1.size, user2.size),
    sha256: createHash('sha256').update(`${user1.sha256}\n${user2.sha256}`).digest('hex'),
    format: 'esp8266-ota-pair',
    formatLabel: PAIR_LABEL,
    facts,
    version: user1.version === user2.version ? user1.version : null,
    pushableWith: problem ? [] : ['esp-link'],
    warnings: [...new Set([...user1.warnings, ...user2.warnings])],
    problem,
    slotEvidence: null,
    members: null,
  };
  return { pair, swapped: user1 === b };
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.pio', '.vscode', '.idea']);
const MAX_DEPTH = 4;
const MAX_ENTRIES = 5000;

interface Candidate {
  file: string;
  slot: Slot;
  key: string;
  depth: number;
}

/** The user1/user2 pair in a build folder (searched a few levels deep), or an UpdateError saying why not. */
export async function findPairInFolder(folder: string): Promise<[string, string]> {
  const candidates: Candidate[] = [];
  let seen = 0;
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((x, y) => x.name.localeCompare(y.name))) {
      if (++seen > MAX_ENTRIES) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < MAX_DEPTH && !SKIP_DIRS.has(entry.name)) await walk(full, depth + 1);
      if (!entry.isFile() || !/\.bin$/i.test(entry.name)) continue;
      const slot = slotFromFileName(entry.name);
      // The pair key is the name with its slot marker blanked: user1.2048.new.3.bin ↔ user2.2048.new.3.bin.
      if (slot)
        candidates.push({
          file: full,
          slot,
          depth,
          key: path.join(dir, entry.name.toLowerCase().replace(/user[12]|0x0*(?:1000|81000|41000|101000)/, '#')),
        });
    }
  };
  await walk(folder, 0);
  const pairs = new Map<string, Candidate[]>();
  for (const candidate of candidates) pairs.set(candidate.key, [...(pairs.get(candidate.key) ?? []), candidate]);
  const complete = [...pairs.values()].filter(
    (group) => group.some((c) => c.slot === 1) && group.some((c) => c.slot === 2) && group.length === 2,
  );
  const relative = (file: string) => path.relative(folder, file) || path.basename(file);
  if (complete.length === 0) {
    const found = candidates
      .map((c) => relative(c.file))
      .slice(0, 6)
      .join(', ');
    throw new UpdateError(
      'invalid-uri',
      `No user1/user2 pair in ${folder}${found ? ` (found only ${found})` : ''}. Build with the SDK's OTA option (boot v1.2+), or pick the two files yourself.`,
    );
  }
  const shallowest = Math.min(...complete.map((group) => group[0]!.depth));
  const best = complete.filter((group) => group[0]!.depth === shallowest);
  if (best.length > 1) {
    const listed = best
      .slice(0, 4)
      .map((group) => group.map((c) => relative(c.file)).join(' + '))
      .join('; ');
    throw new UpdateError(
      'invalid-uri',
      `${folder} holds several user1/user2 pairs (${listed}). Pick the two files you mean.`,
    );
  }
  const [first, second] = best[0]!.sort((x, y) => x.slot - y.slot);
  return [first!.file, second!.file];
}
