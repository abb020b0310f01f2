import { describe, expect, it } from 'vitest';
import { arduinoUpdaterFailure } from '../../../electron/engine/protocols/arduino-http-update.ts';
import { mongooseFailure } from '../../../electron/engine/protocols/mongoose-os.ts';

describe('device words → result codes', () => {
  it('maps the Arduino Updater errors that come back with HTTP 200', () => {
    expect(arduinoUpdaterFailure('Update error: ERROR[4]: Not Enough Space\n', 1_468_006).code).toBe('not-enough-space');
    expect(arduinoUpdaterFailure('Update error: ERROR[4]: Not Enough Space\n', 1_468_006).message).toContain('1.40 MiB');
    expect(arduinoUpdaterFailure('Update error: ERROR[10]: Magic byte is wrong, not 0xE9\n', 1).code).toBe('unsupported-package');
    expect(arduinoUpdaterFailure('Update error: ERROR[7]: MD5 verification failed', 1).code).toBe('integrity-failure');
    expect(arduinoUpdaterFailure('Update error: ERROR[11]: Invalid bootstrapping state, reset ESP8266 before updating', 1).message).toContain('reset');
    expect(arduinoUpdaterFailure('Update error: Wrong origin received!', 1).message).toContain('Origin');
    expect(arduinoUpdaterFailure('Update error: Wrong Magic Byte', 1).code).toBe('unsupported-package');
    const unknown = arduinoUpdaterFailure('Update error: ERROR[99]: \u001b[31mweird', 1);
    expect(unknown.code).toBe('update-failed');
    expect(unknown.deviceMessage).toBe('Update error: ERROR[99]: [31mweird');
  });

  it('maps Mongoose OS 400 messages', () => {
    expect(mongooseFailure(400, 'Wrong platform\r\n', 1).code).toBe('unsupported-package');
    expect(mongooseFailure(400, 'Not enough space: need 1468006 bytes, have 1048576\r\n', 1_468_006).code).toBe('not-enough-space');
    expect(mongooseFailure(400, 'Invalid CRC\r\n', 1).code).toBe('integrity-failure');
    expect(mongooseFailure(400, 'POST updates are disabled.\r\n', 1).message).toContain('enable_post');
    expect(mongooseFailure(400, 'Cannot handle compressed .zip\r\n', 1).code).toBe('unsupported-package');
    expect(mongooseFailure(500, '', 1)).toMatchObject({ code: 'update-failed', deviceMessage: null });
  });
});
