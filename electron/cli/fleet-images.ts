// The files of a fleet run, as images: two files that make a user1/user2 pair (one esp-link build)
// are one image, every other file is an image of its own. Each board then gets the image its
// protocol takes (the engine's plan decides), so an ESP32 .bin and an MCUboot image go in one run.
import path from 'node:path';
import type { ImageInfo } from '../../shared/domain.ts';
import type { OtaEngine } from '../engine/engine-api.ts';

export interface FleetImage {
  info: ImageInfo;
  /** The file, or a pair's two files, as the user typed them. */
  files: string[];
}

/** ESP8266 user1/user2 images: the only files that may pair up. */
const PAIR_MEMBER_FORMAT = 'esp8266-ota-v2';

/**
 * Inspects every file alone, then pairs user1/user2 images: first the pairs that are one build, then
 * two left-over images that still make a pair with a problem (they were given as one; its words say
 * what is wrong with them, and the run refuses it). A file named twice counts once.
 */
export async function groupImages(engine: Pick<OtaEngine, 'inspectImages'>, files: string[]): Promise<FleetImage[]> {
  const unique = [...new Map(files.map((file) => [path.resolve(file), file])).values()];
  const singles: FleetImage[] = [];
  for (const file of unique) singles.push({ info: await engine.inspectImages([file]), files: [file] });
  const candidates = singles.flatMap((s, i) => (s.info.format === PAIR_MEMBER_FORMAT ? [i] : []));
  const pairAt = new Map<number, FleetImage>();
  const used = new Set<number>();
  const flawed: Array<{ i: number; j: number; info: ImageInfo }> = [];
  for (const i of candidates) {
    for (const j of candidates) {
      if (j <= i || used.has(i) || used.has(j)) continue;
      const info = await engine.inspectImages([unique[i]!, unique[j]!]).catch(() => null);
      if (!info) continue;
      if (info.problem) flawed.push({ i, j, info });
      else pair(i, j, info);
    }
  }
  for (const { i, j, info } of flawed) if (!used.has(i) && !used.has(j)) pair(i, j, info);
  return singles.flatMap((single, i) => (pairAt.has(i) ? [pairAt.get(i)!] : used.has(i) ? [] : [single]));

  function pair(i: number, j: number, info: ImageInfo): void {
    used.add(i);
    used.add(j);
    pairAt.set(i, { info, files: [unique[i]!, unique[j]!] });
  }
}
