// Mongoose OS firmware bundles (fw.zip from `mos build`), pushed to the device's /update endpoint or
// over RPC. The bundle reading and device-side checks live in mongoose-bundle.ts, shared with
// readMongooseManifest(); this file turns them into facts.
import type { ImageFact } from '../../../shared/domain.ts';
import { byteCount, fact, hex, type FormatReport, type ImageFormat } from './image-format.ts';
import { readMongooseBundle, type MongoosePart } from './mongoose-bundle.ts';

const LABEL = 'Mongoose OS firmware bundle (fw.zip)';

function describePart(part: MongoosePart): string {
  const details = [
    part.src,
    part.addr !== null ? `@ ${hex(part.addr, 1)}` : null,
    part.size !== null ? `${part.size} B` : null,
  ].filter((d) => d !== null);
  return details.length > 0 ? `${part.name} (${details.join(' ')})` : part.name;
}

export const mongooseFwZipFormat: ImageFormat = {
  id: 'mongoose-fw-zip',
  label: LABEL,
  // Local file header, or the end-of-central-directory record of an empty zip.
  detect: (head) =>
    head.length >= 4 &&
    head[0] === 0x50 &&
    head[1] === 0x4b &&
    ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6)),

  async inspect(file): Promise<FormatReport> {
    const bundle = await readMongooseBundle(file.handle);
    if (bundle.kind !== 'bundle') {
      const kind = bundle.kind === 'damaged-zip' ? 'damaged zip archive' : bundle.kindLabel;
      return {
        format: 'unknown',
        formatLabel: `Unknown (${kind})`,
        facts: [fact('Looks like', kind)],
        version: null,
        pushableWith: [],
        warnings: [],
        problem: bundle.problem,
      };
    }
    const { manifest, entries } = bundle;
    const facts: ImageFact[] = [];
    if (manifest) {
      if (manifest.name) facts.push(fact('Name', manifest.name));
      facts.push(fact('Platform', manifest.platform), fact('Version', manifest.version));
      if (manifest.buildId) facts.push(fact('Build ID', manifest.buildId));
      if (manifest.buildTimestamp) facts.push(fact('Built', manifest.buildTimestamp));
      facts.push(fact('Parts', manifest.parts.map(describePart).join(', ')));
    }
    facts.push(
      fact('Manifest', bundle.manifestPath),
      fact(
        'Zip entries',
        `${entries.length} (${entries.every((e) => e.method === 0) ? 'all stored' : 'some compressed'})`,
      ),
      fact('Unpacked size', byteCount(entries.reduce((sum, e) => sum + e.size, 0))),
    );
    if (bundle.integrity) facts.push(fact('Integrity', bundle.integrity));
    // Several reasons to refuse are rare; when they happen the user needs all of them at once.
    const problem = bundle.problems.length > 0 ? bundle.problems.join(' ') : null;
    return {
      formatLabel: LABEL,
      facts,
      version: manifest?.version ?? null,
      pushableWith: problem ? [] : ['mongoose-os', 'mongoose-os-ble'],
      warnings: bundle.warnings,
      problem,
    };
  },
};
