// A push to several boards goes through the contract's fleetRequestSchema: whatever the schema refuses
// (and so the fleet card cannot send), the CLI refuses too, as a usage error (exit 2) in our words.
import { describe, expect, it } from 'vitest';
import { FLEET_LIMITS, fleetRequestSchema } from '../../../shared/request-schemas.ts';
import {
  OPTION_OF_FLEET_FIELD,
  fleetRequestFor,
  fleetRequestOptions,
  isFleetPush,
  targetRefs,
  type FleetOptionValues,
} from '../../../electron/cli/fleet-request.ts';
import { UsageError } from '../../../electron/cli/usage.ts';

function words(values: FleetOptionValues, interactive = false): string {
  try {
    fleetRequestOptions(values, { interactive });
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
}

describe('which push is a fleet run', () => {
  it('splits --to at commas, trims, and counts a reference typed twice once', () => {
    expect(targetRefs(['a', 'b,c', ' d ', 'A', ',', 'c'])).toEqual(['a', 'b', 'c', 'd']);
    expect(targetRefs(undefined)).toEqual([]);
    expect(targetRefs([''])).toEqual([]);
  });

  it('one board and no fleet option is the single push of before', () => {
    expect(isFleetPush({ to: ['kitchen'] }, ['kitchen'])).toBe(false);
    expect(isFleetPush({ to: ['kitchen', 'kitchen'] }, targetRefs(['kitchen', 'kitchen']))).toBe(false);
    expect(isFleetPush({ to: ['kitchen'], commit: 'auto', force: true }, ['kitchen'])).toBe(false);
  });

  it('several boards, --all or any fleet option make a fleet run', () => {
    expect(isFleetPush({ to: ['a,b'] }, targetRefs(['a,b']))).toBe(true);
    expect(isFleetPush({ all: true }, [])).toBe(true);
    for (const option of ['outdated', 'skip-offline', 'stop-on-failure', 'staged'] as const)
      expect(isFleetPush({ to: ['a'], [option]: true }, ['a'])).toBe(true);
    expect(isFleetPush({ to: ['a'], concurrency: '2' }, ['a'])).toBe(true);
  });
});

describe('fleet options through fleetRequestSchema', () => {
  it('defaults: 4 at a time, never outside a terminal and prompt in one, nothing left out', () => {
    expect(fleetRequestOptions({ to: ['a', 'b'] }, { interactive: false })).toEqual({
      commitPolicy: 'never',
      commitTimeoutSeconds: 300,
      concurrency: FLEET_LIMITS.defaultConcurrency,
      stopOnFailure: false,
      skipOffline: false,
      onlyOutdated: false,
      staged: false,
    });
    expect(fleetRequestOptions({}, { interactive: true }).commitPolicy).toBe('prompt');
  });

  it('maps every switch to its field', () => {
    const options = fleetRequestOptions(
      {
        outdated: true,
        'skip-offline': true,
        'stop-on-failure': true,
        staged: true,
        concurrency: '32',
        commit: 'auto',
        mode: 'confirm-only',
        'ota-port': '40000',
        password: 'pw',
      },
      { interactive: false },
    );
    expect(options).toMatchObject({
      onlyOutdated: true,
      skipOffline: true,
      stopOnFailure: true,
      staged: true,
      concurrency: 32,
      commitPolicy: 'auto',
      mode: 'confirm-only',
      otaListenPort: 40000,
      credentials: { user: '', password: 'pw' },
    });
  });

  it('refuses a concurrency outside 1–32 or not a whole number, naming the option as typed', () => {
    for (const bad of ['0', '33', '1.5', '-1', 'abc', ''])
      expect(words({ concurrency: bad })).toBe(
        `--concurrency wants a whole number of pushes at once from 1 to 32, not "${bad}".`,
      );
    expect(words({ concurrency: '1' })).toBe('ok');
  });

  it('refuses the shared options in the single push’s words', () => {
    expect(words({ commit: 'later' })).toBe('--commit must be auto, prompt or never, not "later".');
    expect(words({ 'commit-timeout': '0' })).toMatch(/^--commit-timeout wants whole seconds/);
    expect(words({ 'ota-port': '80' })).toMatch(/^--ota-port wants a TCP port from 1024/);
    expect(words({ user: 'admin' })).toMatch(/^--user needs a password/);
  });

  it('refuses --all with --to, and the one-board options --protocol and --force', () => {
    expect(words({ all: true, to: ['a'] })).toMatch(/give --all or --to, not both/);
    expect(words({ to: ['a', 'b'], protocol: 'mongoose-os' })).toMatch(/^--protocol is for a push to one board/);
    expect(words({ to: ['a', 'b'], force: true })).toMatch(/^--force overrides one board’s checks/);
  });

  it('names a CLI option for every field of the schema but the boards and the images', () => {
    const fields = Object.keys(fleetRequestSchema.shape).filter((f) => f !== 'deviceIds' && f !== 'imageIds');
    expect(Object.keys(OPTION_OF_FLEET_FIELD).sort()).toEqual(fields.sort());
  });

  it('checks the whole request once the boards and images are known: too many of either is refused in words', () => {
    const options = fleetRequestOptions({}, { interactive: false });
    expect(fleetRequestFor(options, { deviceIds: ['id:a'], imageIds: ['i'] }).deviceIds).toEqual(['id:a']);
    const many = Array.from({ length: FLEET_LIMITS.maxDevices + 1 }, (_, i) => `id:${i}`);
    expect(() => fleetRequestFor(options, { deviceIds: many, imageIds: ['i'] })).toThrow(
      `one run takes at most ${FLEET_LIMITS.maxDevices} boards`,
    );
    const images = Array.from({ length: FLEET_LIMITS.maxImages + 1 }, (_, i) => `i${i}`);
    expect(() => fleetRequestFor(options, { deviceIds: ['id:a'], imageIds: images })).toThrow(
      `one run takes at most ${FLEET_LIMITS.maxImages} images`,
    );
  });
});
