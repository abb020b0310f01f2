import { describe, expect, it } from 'vitest';
import { arduinoUpdaterFailure } from '../../../electron/engine/protocols/arduino-http-update.ts';
import { mongooseFailure } from '../../../electron/engine/protocols/mongoose-os.ts';
import { espLinkFailure } from '../../../electron/engine/protocols/esp-link.ts';
import { parseFlashMap } from '../../../electron/engine/protocols/esp-link-plan.ts';

describe('device words → result codes', () => {
  it('maps the Arduino Updater errors that come back with HTTP 200', () => {
    expect(arduinoUpdaterFailure('Update error: ERROR[4]: Not Enough Space\n', 1_468_006).code).toBe(
      'not-enough-space',
    );
    expect(arduinoUpdaterFailure('Update error: ERROR[4]: Not Enough Space\n', 1_468_006).message).toContain(
      '1.40 MiB',
    );
    expect(arduinoUpdaterFailure('Update error: ERROR[10]: Magic byte is wrong, not 0xE9\n', 1).code).toBe(
      'unsupported-package',
    );
    expect(arduinoUpdaterFailure('Update error: ERROR[7]: MD5 verification failed', 1).code).toBe('integrity-failure');
    expect(
      arduinoUpdaterFailure('Update error: ERROR[11]: Invalid bootstrapping state, reset ESP8266 before updating', 1)
        .message,
    ).toContain('reset');
    expect(arduinoUpdaterFailure('Update error: Wrong origin received!', 1).message).toContain('Origin');
    expect(arduinoUpdaterFailure('Update error: Wrong Magic Byte', 1).code).toBe('unsupported-package');
    const unknown = arduinoUpdaterFailure('Update error: ERROR[99]: \u001b[31mweird', 1);
    expect(unknown.code).toBe('update-failed');
    expect(unknown.deviceMessage).toBe('Update error: ERROR[99]: [31mweird');
  });

  it('maps Mongoose OS 400 messages', () => {
    expect(mongooseFailure(400, 'Wrong platform\r\n', 1).code).toBe('unsupported-package');
    expect(mongooseFailure(400, 'Not enough space: need 1468006 bytes, have 1048576\r\n', 1_468_006).code).toBe(
      'not-enough-space',
    );
    expect(mongooseFailure(400, 'Invalid CRC\r\n', 1).code).toBe('integrity-failure');
    expect(mongooseFailure(400, 'POST updates are disabled.\r\n', 1).message).toContain('enable_post');
    expect(mongooseFailure(400, 'Cannot handle compressed .zip\r\n', 1).code).toBe('unsupported-package');
    expect(mongooseFailure(500, '', 1)).toMatchObject({ code: 'update-failed', deviceMessage: null });
  });
});

describe('esp-link', () => {
  it('maps the words of cgiflash.c', () => {
    expect(espLinkFailure(400, 'Firmware image too large\r\n', 600_000)).toMatchObject({
      code: 'not-enough-space',
      deviceMessage: 'Firmware image too large',
    });
    for (const words of ['IROM magic missing', 'bad flash header', 'Invalid entry addr', 'Invalid start offset']) {
      expect(espLinkFailure(400, `${words}\r\n`, 1).code).toBe('unsupported-package');
    }
    expect(espLinkFailure(400, 'Flash too small for OTA update\r\n', 1).code).toBe('unsupported-protocol');
    expect(espLinkFailure(400, 'Invalid request\r\n', 1).message).toMatch(/Content-Length/);
    expect(espLinkFailure(500, 'Buffering problem\r\n', 1).code).toBe('connection-lost');
    expect(espLinkFailure(503, '<html>busy</html>', 1)).toMatchObject({ code: 'update-failed' });
  });

  it("reads the board's flash map in both spellings esp-link has used", () => {
    expect(parseFlashMap('4MB:512/512')).toEqual({ size: '4MB', layout: '512+512' });
    expect(parseFlashMap('2MB (1024+1024)')).toEqual({ size: '2MB', layout: '1024+1024' });
    expect(parseFlashMap('512KB:256/256')).toEqual({ size: '512KB', layout: '256+256' });
    expect(parseFlashMap('256KB')).toEqual({ size: '256KB', layout: null });
    expect(parseFlashMap('garbage')).toBeNull();
    expect(parseFlashMap(null)).toBeNull();
  });
});
