// Where ../shared/testdata (real third-party firmware, beside the checkout) is. A developer's checkout sits
// beside ../shared; a CI clone may not (bash .ci/run clones main into a temporary directory), so tests look
// in order at $OTA_BENCH_TESTDATA, ../shared/testdata relative to the repository, and /work/shared/testdata
// (this project's machine), and skip, saying so, when none holds what they need.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The testdata directories tried, in order. */
export function testdataCandidates(): string[] {
  const candidates = [path.resolve(REPO_ROOT, '../shared/testdata'), '/work/shared/testdata'];
  const fromEnv = process.env.OTA_BENCH_TESTDATA;
  if (fromEnv) candidates.unshift(path.resolve(fromEnv));
  return [...new Set(candidates)];
}

/** `sub` (e.g. `firmware`, `firmware/esp8266-ota`) in the first testdata directory that has it, or null. */
export function findTestdata(sub: string): string | null {
  for (const testdata of testdataCandidates()) {
    const dir = path.join(testdata, sub);
    if (existsSync(dir)) return dir;
  }
  return null;
}
