// Reading what the bootloader can do (smp/boot-mode.ts) from a fake board that answers each request
// as the real ones do: bootloader info with each MCUboot mode; rc 8 to it (both real QEMU builds) and
// then the harmless confirm probe answered with the list (M0 swap build) or rc 8 (mps2 RAM-load build);
// no probe when the running image is not confirmed or something is pending.
import { describe, expect, it } from 'vitest';
import {
  bootModeFromInfo,
  isNotSupported,
  probeIsHarmless,
  readBootMode,
  type SmpRequester,
} from '../../../electron/engine/smp/boot-mode.ts';
import { MCUBOOT_MODES } from '../../../electron/engine/smp/boot-mode-messages.ts';
import { SmpTimeoutError } from '../../../electron/engine/smp/smp-client.ts';
import {
  responseError,
  SmpDeviceError,
  type CborMap,
  type ImageSlotState,
  type SmpRequest,
} from '../../../electron/engine/smp/smp-messages.ts';

const slot = (over: Partial<ImageSlotState>): ImageSlotState => ({
  image: 0,
  slot: 0,
  version: '0.0.0',
  hash: 'aa'.repeat(32),
  bootable: true,
  pending: false,
  confirmed: true,
  active: true,
  permanent: false,
  ...over,
});
const confirmedRunning = [slot({})];

type Answer = CborMap | 'timeout';
/** A board as a table: the answer to each kind of request (group/id/body), rc maps thrown as the client does. */
function board(answers: { info?: Answer; mode?: Answer; confirm?: Answer }) {
  const sent: string[] = [];
  const client: SmpRequester = {
    async request(request: SmpRequest, timeoutMs: number) {
      const kind =
        request.group === 0 && request.id === 8
          ? request.body.query === 'mode'
            ? 'mode'
            : 'info'
          : request.group === 1 && request.id === 0 && request.op === 2
            ? 'confirm'
            : 'other';
      sent.push(kind === 'confirm' ? `confirm ${JSON.stringify(Object.keys(request.body))}` : kind);
      const answer = answers[kind as 'info' | 'mode' | 'confirm'] ?? { rc: 8 };
      if (answer === 'timeout') throw new SmpTimeoutError(request, timeoutMs);
      const error = responseError(answer, request.what);
      if (error) throw new SmpDeviceError(error, request.what);
      return answer;
    },
  };
  return { client, sent };
}

const imageList = { images: [{ slot: 0, version: '0.0.0', confirmed: true, active: true }] };

describe('reading the boot mode', () => {
  it.each(Object.entries(MCUBOOT_MODES))('bootloader info mode %s: %o', async (mode, facts) => {
    const { client, sent } = board({ info: { bootloader: 'MCUboot' }, mode: { mode: Number(mode) } });
    const bootMode = await readBootMode(client, confirmedRunning);
    expect(bootMode).toEqual({
      bootloader: 'MCUboot',
      mode: facts.words,
      stateWrites: facts.stateWrites,
      source: 'bootloader-info',
      summary: expect.stringContaining(`MCUboot in ${facts.words} mode: `),
    });
    expect(sent).toEqual(['info', 'mode']); // no probe when the board says its mode
  });

  it('says which modes cannot write state: serial-recovery kinds, RAM load, direct XIP', () => {
    const without = Object.values(MCUBOOT_MODES)
      .filter((f) => !f.stateWrites)
      .map((f) => f.words);
    expect(without).toEqual([
      'single application slot',
      'direct XIP',
      'RAM load',
      'firmware loader',
      'single-slot RAM load',
    ]);
    expect(bootModeFromInfo('MCUboot', 5, false)?.summary).toMatch(
      /must be marked for test .* or MCUboot erases it at boot/,
    );
    expect(bootModeFromInfo('MCUboot', 3, true)?.summary).toMatch(/no-downgrade/);
  });

  it('mode -1 (Zephyr does not know it) is unknown: then the probe decides', async () => {
    const { client, sent } = board({ info: { bootloader: 'MCUboot' }, mode: { mode: -1 }, confirm: imageList });
    const bootMode = await readBootMode(client, confirmedRunning);
    expect(bootMode).toMatchObject({ bootloader: 'MCUboot', mode: null, stateWrites: true, source: 'confirm-probe' });
    expect(sent).toEqual(['info', 'mode', 'confirm ["confirm"]']);
  });

  it('rc 8 to bootloader info, probe answered with the image list (the M0 swap build): state writes work', async () => {
    const { client, sent } = board({ confirm: imageList });
    const bootMode = await readBootMode(client, confirmedRunning);
    expect(bootMode).toEqual({
      bootloader: null,
      mode: null,
      stateWrites: true,
      source: 'confirm-probe',
      summary: expect.stringMatching(/accepts image state writes/),
    });
    // the probe carries no hash: it confirms the running image, which is already confirmed
    expect(sent).toEqual(['info', 'confirm ["confirm"]']);
  });

  it('rc 8 to bootloader info and rc 8 to the probe (the mps2 RAM-load build): no state writes', async () => {
    const { client } = board({});
    const bootMode = await readBootMode(client, confirmedRunning);
    expect(bootMode).toEqual({
      bootloader: null,
      mode: null,
      stateWrites: false,
      source: 'rc8-answer',
      summary: expect.stringMatching(/"not supported" \(MGMT_ERR_ENOTSUP, rc 8\)/),
    });
  });

  it('another refusal of the probe still means a state-write handler exists', async () => {
    const { client } = board({ confirm: { err: { group: 1, rc: 28 } } });
    expect((await readBootMode(client, confirmedRunning)).source).toBe('confirm-probe');
  });

  it('never probes when the running image is unconfirmed or an image is pending: swap assumed', async () => {
    for (const slots of [
      [slot({ confirmed: false })],
      [slot({}), slot({ slot: 1, active: false, confirmed: false, pending: true, hash: 'bb'.repeat(32) })],
      [],
    ]) {
      const { client, sent } = board({});
      const bootMode = await readBootMode(client, slots);
      expect(bootMode).toMatchObject({ stateWrites: true, source: 'assumed', mode: null });
      expect(bootMode.summary).toMatch(/assumes MCUboot swap mode/);
      expect(sent).toEqual(['info']);
    }
    expect(probeIsHarmless(confirmedRunning)).toBe(true);
  });

  it('silence is bounded: a board that never answers ends with swap assumed', async () => {
    const { client } = board({ info: 'timeout', confirm: 'timeout' });
    expect(await readBootMode(client, confirmedRunning, 10)).toMatchObject({ source: 'assumed', stateWrites: true });
  });

  it('a bootloader without a mode is named in the summary', async () => {
    const { client } = board({ info: { bootloader: 'MCUboot' }, mode: { err: { group: 0, rc: 3 } } });
    const bootMode = await readBootMode(client, [slot({ confirmed: false })]);
    expect(bootMode).toMatchObject({ bootloader: 'MCUboot', source: 'assumed' });
    expect(bootMode.summary).toMatch(/bootloader is MCUboot, but it does not say in which mode/);
  });

  it('a dropped link is not mistaken for an answer', async () => {
    const client: SmpRequester = {
      request: () => Promise.reject(new Error('link down')),
    };
    await expect(readBootMode(client, confirmedRunning)).rejects.toThrow('link down');
  });

  it('isNotSupported: only a plain rc 8', () => {
    const err = (map: CborMap) => new SmpDeviceError(responseError(map)!, 'x');
    expect(isNotSupported(err({ rc: 8 }))).toBe(true);
    expect(isNotSupported(err({ rc: 3 }))).toBe(false);
    expect(isNotSupported(err({ err: { group: 1, rc: 8 } }))).toBe(false);
    expect(isNotSupported(new Error('rc 8'))).toBe(false);
  });
});
