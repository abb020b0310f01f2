// LittleFS images (mklittlefs) are told by the superblock name at byte 8 and go to ArduinoOTA only.
import { describe, expect, it } from 'vitest';
import { inspectImage } from '../../../electron/engine/images/index.ts';
import { writeFixture } from '../../sim/firmware-fixtures.ts';

function littlefs(size: number): Buffer {
  const data = Buffer.alloc(size, 0xff);
  Buffer.from([1, 0, 0, 0, 0xf0, 0x0f, 0xff, 0xf7]).copy(data, 0);
  data.write('littlefs', 8, 'latin1');
  return data;
}

describe('LittleFS filesystem images', () => {
  it('is recognised and pushable with ArduinoOTA only, with the warning that it replaces the partition', async () => {
    const info = await inspectImage(writeFixture('data.littlefs.bin', littlefs(64 * 1024)).path);
    expect(info).toMatchObject({ format: 'littlefs', problem: null, pushableWith: ['arduino-ota'] });
    expect(info.warnings[0]).toContain('replaces the board');
  });

  it('is not claimed without the name at byte 8', async () => {
    const data = littlefs(4096);
    data.write('LITTLEFS', 8, 'latin1');
    const info = await inspectImage(writeFixture('other.bin', data).path);
    expect(info.format).not.toBe('littlefs');
  });
});
