// ArduinoOTA's pre-flight: a plain 0xE9 app (or a gzipped ESP8266 one) passes; an SDK user1/user2
// image (0xEA) and an MCUboot image are refused with their reason; the chip is judged from the port
// and TXT `board`; a board with auth_upload=yes asks for its password.
import { describe, expect, it } from 'vitest';
import type { Device } from '../../../shared/domain.ts';
import { inspectImage } from '../../../electron/engine/images/index.ts';
import { boardChip, planArduinoOta } from '../../../electron/engine/protocols/arduino-ota-plan.ts';
import { makeEspAppImage, writeFixture } from '../../sim/firmware-fixtures.ts';
import { buildEsp8266V2Image } from '../../sim/esp8266-v2-image.ts';
import { buildMcubootImage } from '../../sim/mcuboot-image.ts';

const device = (over: Partial<Device> = {}): Device =>
  ({
    id: 'host:esp32-a.local',
    name: 'esp32-a',
    port: 3232,
    protocol: 'arduino-ota',
    txt: { tcp_check: 'no', ssh_upload: 'no', board: 'esp32', auth_upload: 'no' },
    ...over,
  }) as Device;

async function plan(path: string, board: Device = device()) {
  const info = { ...(await inspectImage(path)), imageId: 'img' };
  return planArduinoOta({ image: { path, info }, device: board, target: { host: '192.0.2.9', port: board.port } });
}

describe('ArduinoOTA pre-flight', () => {
  it('takes a plain ESP32 app image for an ESP32 board', async () => {
    const { checks } = await plan(makeEspAppImage({ chip: 'esp32', size: 60_000, version: '1.0.0' }).path);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['format', 'pass'],
      ['chip', 'pass'],
      // ArduinoOTA boards do not announce their free space: not a pass, a warning that the board decides.
      ['size', 'warn'],
    ]);
    expect(checks.at(-1)?.label).toBe('Free space not known');
  });

  it('refuses an SDK user1/user2 image (0xEA) and says which file to push instead', async () => {
    const file = writeFixture('user1.bin', buildEsp8266V2Image({ slot: 1, version: '1.0.0', size: 60_000 }));
    const { checks } = await plan(file.path, device({ port: 8266, txt: { board: 'generic' } }));
    expect(checks[0]).toMatchObject({ id: 'format', status: 'fail' });
    expect(checks[0]!.detail).toContain('user1/user2 image (0xEA)');
  });

  it('refuses an MCUboot image', async () => {
    const file = writeFixture('app.signed.bin', buildMcubootImage());
    const { checks } = await plan(file.path);
    expect(checks[0]).toMatchObject({ id: 'format', status: 'fail' });
    expect(checks[0]!.detail).toContain('MCUboot image');
  });

  it('flags an ESP8266 image for an ESP32 board (overridable: the port is evidence, not proof)', async () => {
    const { checks } = await plan(makeEspAppImage({ chip: 'esp8266', size: 60_000 }).path);
    expect(checks.find((c) => c.id === 'chip')).toMatchObject({ status: 'fail', overridable: true });
  });

  it('says the board wants its OTA password', async () => {
    const { checks } = await plan(
      makeEspAppImage({ chip: 'esp32', size: 60_000 }).path,
      device({ txt: { board: 'esp32', auth_upload: 'yes' } }),
    );
    expect(checks.at(-1)).toMatchObject({ id: 'auth', status: 'warn' });
  });

  it('tells the chip from the port and TXT board', () => {
    expect(boardChip({ port: 3232, txt: {} })).toBe('esp32');
    expect(boardChip({ port: 8266, txt: { board: 'generic' } })).toBe('esp8266');
    expect(boardChip({ port: 4000, txt: { board: 'esp32s3' } })).toBe('esp32');
    expect(boardChip({ port: 4000, txt: {} })).toBeNull();
  });
});
