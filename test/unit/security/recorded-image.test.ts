// "Push this image again": the page names a job, the main process opens the path that job recorded
// and inspects the file again. Only the very bytes that were pushed come back; a file rebuilt or
// edited since, or gone, is refused in a sentence — never silently pushed in its new form.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecordedImage } from '../../../electron/engine/engine-api.ts';
import { inspectImage } from '../../../electron/engine/images/inspect-image.ts';
import { reopenRecordedImage } from '../../../electron/main/recorded-image.ts';
import { makeEspAppImage, type FixtureFile } from '../../sim/firmware-fixtures.ts';

let dir: string;
let pushed: FixtureFile;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'recorded-image-'));
  pushed = makeEspAppImage({ chip: 'esp32', version: '1.2.0', size: 40_000, dir, fileName: 'app-1.2.0.bin' });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** An engine whose history recorded `recorded` for job-1, inspecting files for real (no imageId store). */
function engineWith(recorded: RecordedImage) {
  const inspectImages = vi.fn(async (paths: string[]) => ({
    imageId: 'img-again',
    ...(await inspectImage(paths[0]!)),
  }));
  const recordedImage = vi.fn((jobId: string) => {
    if (jobId !== 'job-1') throw new Error(`No push ${jobId} in the history.`);
    return recorded;
  });
  return { recordedImage, inspectImages };
}

describe('push this image again (recorded-image.ts)', () => {
  it('re-inspects the recorded file and returns it when its SHA-256 is the one pushed', async () => {
    const engine = engineWith({ path: pushed.path, pairPath: null, sha256: pushed.sha256 });
    const image = await reopenRecordedImage(engine, 'job-1');
    expect(image).toMatchObject({ imageId: 'img-again', fileName: 'app-1.2.0.bin', sha256: pushed.sha256 });
    expect(image.version).toBe('1.2.0');
    // Inspected again from the recorded path: a fresh imageId, the same checks as a file just picked.
    expect(engine.inspectImages).toHaveBeenCalledWith([pushed.path]);
  });

  it('refuses a file changed on disk since the push, saying so', async () => {
    const engine = engineWith({ path: pushed.path, pairPath: null, sha256: pushed.sha256 });
    const rebuilt = makeEspAppImage({ chip: 'esp32', version: '1.3.0', size: 40_000, dir, fileName: 'app-1.2.0.bin' });
    expect(rebuilt.sha256).not.toBe(pushed.sha256);
    await expect(reopenRecordedImage(engine, 'job-1')).rejects.toThrow(
      'app-1.2.0.bin has changed since that push (its SHA-256 is not the one pushed): pick it again to push what it holds now.',
    );
  });

  it('refuses a file that is gone, saying it cannot be opened', async () => {
    const engine = engineWith({ path: pushed.path, pairPath: null, sha256: pushed.sha256 });
    rmSync(pushed.path);
    await expect(reopenRecordedImage(engine, 'job-1')).rejects.toThrow(
      /^The file that push sent cannot be opened any more \(.+\)\. Pick it again\.$/,
    );
  });

  it('refuses a file whose bytes were overwritten with something else of the same name', async () => {
    const engine = engineWith({ path: pushed.path, pairPath: null, sha256: pushed.sha256 });
    writeFileSync(pushed.path, '<!DOCTYPE html><title>404</title>');
    await expect(reopenRecordedImage(engine, 'job-1')).rejects.toThrow(/has changed since that push/);
  });

  it('passes an unknown job refusal through unchanged (the page only ever names a job)', async () => {
    const engine = engineWith({ path: pushed.path, pairPath: null, sha256: pushed.sha256 });
    await expect(reopenRecordedImage(engine, 'job-9')).rejects.toThrow('No push job-9 in the history.');
    expect(engine.inspectImages).not.toHaveBeenCalled();
  });

  it('opens both files of a recorded user1/user2 pair together', async () => {
    const second = makeEspAppImage({ chip: 'esp32', version: '1.2.0', size: 40_000, dir, fileName: 'other.bin' });
    const engine = engineWith({ path: pushed.path, pairPath: second.path, sha256: pushed.sha256 });
    await reopenRecordedImage(engine, 'job-1');
    expect(engine.inspectImages).toHaveBeenCalledWith([pushed.path, second.path]);
  });
});
