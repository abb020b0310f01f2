// The files of a fleet run become images: user1/user2 files that make a pair are one image, every
// other file is its own; two files given as a pair that are not one build stay a pair, with its problem.
import { describe, expect, it } from 'vitest';
import type { ImageInfo } from '../../../shared/domain.ts';
import { groupImages } from '../../../electron/cli/fleet-images.ts';
import { image } from './fake-fleet-engine.ts';

const v2 = (fileName: string) => image(fileName, { format: 'esp8266-ota-v2', pushableWith: ['esp-link'] });

/** inspectImages as the engine answers it: one file, or two that pair up (or throw). */
function engine(known: ImageInfo[]) {
  const byName = new Map(known.map((i) => [i.fileName, i]));
  const asked: string[][] = [];
  return {
    asked,
    inspectImages: async (paths: string[]) => {
      asked.push(paths);
      const name = paths.map((p) => p.split('/').pop()).join('+');
      const found = byName.get(name);
      if (!found) throw new Error(`not a pair: ${name}`);
      return found;
    },
  };
}

describe('groupImages', () => {
  it('pairs user1/user2 of one build and keeps every other file its own image, in the order given', async () => {
    const pair = image('user1.bin + user2.bin', { format: 'esp8266-ota-pair', pushableWith: ['esp-link'] });
    const e = engine([
      image('app.bin', { format: 'esp-app', pushableWith: ['arduino-esp32'] }),
      v2('user1.bin'),
      v2('user2.bin'),
      image('app.signed.bin', { format: 'mcuboot', pushableWith: ['mcumgr-smp'] }),
      { ...pair, fileName: 'user1.bin+user2.bin' },
    ]);
    const groups = await groupImages(e, ['/b/app.bin', '/b/user1.bin', '/b/app.signed.bin', '/b/user2.bin']);
    expect(groups.map((g) => g.files)).toEqual([
      ['/b/app.bin'],
      ['/b/user1.bin', '/b/user2.bin'],
      ['/b/app.signed.bin'],
    ]);
    expect(groups[1]!.info.format).toBe('esp8266-ota-pair');
    // Only user1/user2 images are tried as pairs: nothing else is read twice.
    expect(e.asked.filter((paths) => paths.length === 2)).toEqual([['/b/user1.bin', '/b/user2.bin']]);
  });

  it('keeps two images given as a pair together when they are not one build: the pair says why', async () => {
    const flawed = image('user1.bin+user2-old.bin', {
      format: 'esp8266-ota-pair',
      problem: 'user1.bin and user2-old.bin are not one build.',
      pushableWith: [],
    });
    const groups = await groupImages(engine([v2('user1.bin'), v2('user2-old.bin'), flawed]), [
      'user1.bin',
      'user2-old.bin',
    ]);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.info.problem).toMatch(/not one build/);
  });

  it('prefers a pair of one build over a flawed one, and leaves the odd file out on its own', async () => {
    const good = image('user1.bin+user2.bin', { format: 'esp8266-ota-pair', pushableWith: ['esp-link'] });
    const flawed = image('user1.bin+user2-old.bin', { format: 'esp8266-ota-pair', problem: 'not one build' });
    const groups = await groupImages(engine([v2('user1.bin'), v2('user2-old.bin'), v2('user2.bin'), good, flawed]), [
      'user1.bin',
      'user2-old.bin',
      'user2.bin',
    ]);
    expect(groups.map((g) => g.files)).toEqual([['user1.bin', 'user2.bin'], ['user2-old.bin']]);
  });

  it('counts a file named twice once', async () => {
    const groups = await groupImages(engine([image('app.zip')]), ['app.zip', './app.zip']);
    expect(groups).toHaveLength(1);
  });
});
