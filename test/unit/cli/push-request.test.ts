// The CLI builds its push through the contract's pushRequestSchema: whatever the schema refuses
// (and so the UI cannot send), the CLI refuses too, as a usage error (exit 2) in our words.
import { describe, expect, it } from 'vitest';
import { pushRequestSchema } from '../../../shared/request-schemas.ts';
import {
  FILLED_BY_CLI,
  OPTION_OF_FIELD,
  pushRequestFor,
  pushRequestOptions,
  type PushOptionValues,
} from '../../../electron/cli/push-request.ts';
import { UsageError } from '../../../electron/cli/usage.ts';

const interactive = { interactive: false };
const base = { deviceId: 'id:board', imageId: 'image-1', commitPolicy: 'never', commitTimeoutSeconds: 300 };

/** What the CLI makes of the options: the options, or the usage error's words. */
function cli(values: PushOptionValues): { ok: true } | { ok: false; words: string } {
  try {
    pushRequestOptions(values, interactive);
    return { ok: true };
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return { ok: false, words: (error as Error).message };
  }
}

// For each option, values the schema takes and values it refuses, as typed and as the request field.
const CASES: { field: keyof typeof OPTION_OF_FIELD; option: PushOptionValues; request: Record<string, unknown> }[] = [
  ...['0', '9', '86401', '30.5', '-10', 'abc', '', '1e9'].map((v) => ({
    field: 'commitTimeoutSeconds' as const,
    option: { 'commit-timeout': v },
    request: { commitTimeoutSeconds: v.trim() === '' ? v : Number(v) },
  })),
  ...['10', '300', '86400', '1e2'].map((v) => ({
    field: 'commitTimeoutSeconds' as const,
    option: { 'commit-timeout': v },
    request: { commitTimeoutSeconds: Number(v) },
  })),
  ...['auto', 'prompt', 'never', 'later', 'AUTO', ''].map((v) => ({
    field: 'commitPolicy' as const,
    option: { commit: v },
    request: { commitPolicy: v },
  })),
  ...['mongoose-os', 'esp-link', 'mcumgr-smp', 'mongoose', 'http'].map((v) => ({
    field: 'protocol' as const,
    option: { protocol: v },
    request: { protocol: v },
  })),
  ...['test-and-confirm', 'confirm-only', 'test-only', 'yolo'].map((v) => ({
    field: 'mode' as const,
    option: { mode: v },
    request: { mode: v },
  })),
  // --ota-port: an unprivileged TCP port, a whole number (1e4 is one, as for --commit-timeout).
  ...['80', '1023', '70000', '1.5', '-1', 'abc', '', '0'].map((v) => ({
    field: 'otaListenPort' as const,
    option: { 'ota-port': v },
    request: { otaListenPort: v.trim() === '' ? v : Number(v) },
  })),
  ...['1024', '47124', '65535', '1e4'].map((v) => ({
    field: 'otaListenPort' as const,
    option: { 'ota-port': v },
    request: { otaListenPort: Number(v) },
  })),
  ...[
    ['admin', 'secret'],
    ['a'.repeat(201), 'secret'],
    ['admin', 'p'.repeat(201)],
    ['a'.repeat(200), 'p'.repeat(200)],
    // --password alone (ESPHome native OTA, ArduinoOTA): the user name goes out empty.
    ['', 'secret'],
  ].map(([user, password]) => ({
    field: 'credentials' as const,
    option: { user, password },
    request: { credentials: { user, password } },
  })),
];

describe('the CLI push options go through pushRequestSchema', () => {
  it('every field of the schema is an option of the CLI or filled by the CLI itself', () => {
    expect(Object.keys(pushRequestSchema.shape).sort()).toEqual(
      [...Object.keys(OPTION_OF_FIELD), ...FILLED_BY_CLI].sort(),
    );
  });

  it('every option has cases the schema takes and cases it refuses', () => {
    for (const field of Object.keys(OPTION_OF_FIELD)) {
      const outcomes = CASES.filter((c) => c.field === field).map(
        (c) => pushRequestSchema.safeParse({ ...base, ...c.request }).success,
      );
      expect(outcomes, field).toContain(true);
      expect(outcomes, field).toContain(false);
    }
  });

  it.each(CASES.map((c) => [c.field, JSON.stringify(c.option), c] as const))(
    '%s %s: the CLI refuses exactly what the schema refuses',
    (_field, _shown, c) => {
      const schemaTakes = pushRequestSchema.safeParse({ ...base, ...c.request }).success;
      expect(cli(c.option).ok).toBe(schemaTakes);
    },
  );

  it('--commit-timeout 0 is refused in our words, naming the range', () => {
    expect(cli({ 'commit-timeout': '0' })).toEqual({
      ok: false,
      words: '--commit-timeout wants whole seconds from 10 to 86400, not "0".',
    });
  });

  it('--ota-port goes into the request; refused ones are said naming the range', () => {
    expect(pushRequestOptions({ 'ota-port': '47124' }, interactive).otaListenPort).toBe(47124);
    // Absent: the engine falls back on OTA_BENCH_OTA_PORT, then on a free port.
    expect(pushRequestOptions({}, interactive).otaListenPort).toBeUndefined();
    expect(cli({ 'ota-port': '80' })).toEqual({
      ok: false,
      words: '--ota-port wants a TCP port from 1024 to 65535, not "80".',
    });
  });

  it('keeps the words it had for --commit, --protocol and --mode', () => {
    expect(cli({ commit: 'later' })).toEqual({
      ok: false,
      words: '--commit must be auto, prompt or never, not "later".',
    });
    expect(cli({ protocol: 'http' })).toMatchObject({
      ok: false,
      words: expect.stringMatching(/^Unknown --protocol "http"\. Known: mongoose-os, /),
    });
    expect(cli({ mode: 'yolo' })).toEqual({
      ok: false,
      words: '--mode must be test-and-confirm, confirm-only, test-only, not "yolo".',
    });
    expect(cli({ user: 'admin' })).toEqual({
      ok: false,
      words: '--user needs a password: --password PASSWORD, OTA_BENCH_PASSWORD, or a terminal to type it in.',
    });
  });

  it('defaults: commit prompt in a terminal, never elsewhere; a 300 s commit window', () => {
    expect(pushRequestOptions({}, { interactive: true })).toMatchObject({
      commitPolicy: 'prompt',
      commitTimeoutSeconds: 300,
    });
    expect(pushRequestOptions({}, { interactive: false })).toMatchObject({
      commitPolicy: 'never',
      commitTimeoutSeconds: 300,
    });
  });

  it('the request it pushes passes the whole schema', () => {
    const options = pushRequestOptions(
      { 'commit-timeout': '60', commit: 'auto', user: 'u', password: 'p' },
      interactive,
    );
    const request = pushRequestFor(options, { deviceId: 'id:board', imageId: 'image-1' });
    expect(pushRequestSchema.parse(request)).toEqual(request);
    expect(request).toMatchObject({
      commitPolicy: 'auto',
      commitTimeoutSeconds: 60,
      credentials: { user: 'u', password: 'p' },
    });
    expect(() => pushRequestFor(options, { deviceId: '', imageId: 'image-1' })).toThrow(UsageError);
  });
});
