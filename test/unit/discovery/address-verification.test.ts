// A known board at a new address must prove it is the same board before jobs, status or credentials
// follow it (#10 §2b). The registry keeps the verified address and shows the claim in words; the
// verifier compares the identity the protocol reports. No sockets: the checks are injected fakes.
import { describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../../electron/engine/discovery/device-registry.ts';
import type { ServiceObservation } from '../../../electron/engine/discovery/mdns-browser.ts';
import type { ProbeResult } from '../../../electron/engine/discovery/probe.ts';
import {
  type AddressCheck,
  type AddressVerdict,
  type IdentityReader,
  verifyAddress,
} from '../../../electron/engine/discovery/verify-address.ts';
import type { BoardIdentity, IdentityReading } from '../../../electron/engine/protocols/board-identity.ts';
import { compareIdentities, describeIdentity } from '../../../electron/engine/protocols/board-identity.ts';

const board = (over: Partial<ServiceObservation> = {}): ServiceObservation => ({
  fqdn: 'mos-esp32-00000a._http._tcp.local',
  instance: 'mOS-esp32-00000A',
  type: '_http._tcp',
  host: 'mos-esp32-00000a.local',
  port: 80,
  addresses: ['10.0.0.10'],
  txt: { id: 'esp32_00000A', arch: 'esp32', app: 'demo', fw_version: '1.0', fw_id: 'a' },
  ttlSeconds: 120,
  ...over,
});
const impostor = () =>
  board({ fqdn: 'evil._http._tcp.local', instance: 'evil', host: 'evil.local', addresses: ['10.0.0.66'] });
const realIdentity: BoardIdentity = { id: 'esp32_00000A', mac: '240ac400000a' };
const probed: ProbeResult = {
  protocol: 'mongoose-os',
  authRequired: false,
  basis: 'answer',
  info: {
    version: '1.0',
    firmwareId: 'a',
    uptimeSeconds: 3,
    identity: 'esp32_00000A',
    arch: 'esp32',
    app: 'demo',
    mac: '240AC400000A',
  },
};
const settled = () => new Promise((resolve) => setImmediate(resolve));

/** A registry whose address checks are answered by `answer` (recorded), on a clock the test moves. */
function bench(answer: (check: AddressCheck) => AddressVerdict) {
  let now = 1_000_000;
  const checks: AddressCheck[] = [];
  const reg = new DeviceRegistry(
    () => now,
    async (check) => {
      checks.push(check);
      return answer(check);
    },
  );
  reg.observeService(board());
  reg.recordProbe({ host: '10.0.0.10', port: 80 }, probed, reg.list()[0]!.id);
  return { reg, checks, row: () => reg.list()[0]!, advance: (ms: number) => (now += ms) };
}

describe('a known board at a new address (registry)', () => {
  it('an impostor reusing the TXT id at another address does not take over the row', async () => {
    const t = bench(() => ({
      verdict: 'different',
      message: 'A different device at 10.0.0.66 claims to be this board (possibly an impostor)',
    }));
    t.reg.observeService(impostor());
    expect(t.reg.list()).toHaveLength(1);
    expect(t.row()).toMatchObject({
      address: '10.0.0.10',
      addressChange: {
        address: '10.0.0.66',
        state: 'checking',
        message: expect.stringMatching(/^Address changed, checking/),
      },
    });
    await settled();
    // Checked against the identity the probe read at the verified address (Sys.GetInfo id and MAC).
    expect(t.checks).toEqual([
      expect.objectContaining({
        candidate: '10.0.0.66',
        port: 80,
        protocol: 'mongoose-os',
        home: { host: '10.0.0.10', identity: realIdentity },
      }),
    ]);
    expect(t.row()).toMatchObject({
      address: '10.0.0.10',
      addressChange: { address: '10.0.0.66', state: 'different-device', message: expect.stringMatching(/impostor/) },
    });
    // Announcing again does not make it ask again straight away, nor move the row.
    t.reg.observeService(impostor());
    await settled();
    expect(t.checks).toHaveLength(1);
    expect(t.row().address).toBe('10.0.0.10');
  });

  it("an impostor answering for the board's host name (an A record) does not move the row either", async () => {
    const t = bench(() => ({ verdict: 'different', message: 'different' }));
    t.reg.observeAddress('mos-esp32-00000a.local', '10.0.0.66');
    await settled();
    expect(t.row()).toMatchObject({
      address: '10.0.0.10',
      addressChange: { address: '10.0.0.66', state: 'different-device' },
    });
    expect(t.reg.reachabilityTargets()).toEqual([{ deviceId: t.row().id, host: '10.0.0.10', port: 80 }]);
  });

  it('a board back from a reboot on a new DHCP address proves it and the row moves', async () => {
    const t = bench((check) => ({ verdict: 'same', identity: check.home.identity! }));
    t.reg.observeService(board({ addresses: ['10.0.0.77'] }));
    expect(t.row().address).toBe('10.0.0.10');
    await settled();
    expect(t.row()).toMatchObject({ address: '10.0.0.77', addressChange: null });
    // From there on it is the verified address: a later move is checked against the same identity.
    t.reg.observeService(board({ addresses: ['10.0.0.78'] }));
    await settled();
    expect(t.checks.map((c) => [c.home.host, c.candidate, c.home.identity])).toEqual([
      ['10.0.0.10', '10.0.0.77', realIdentity],
      ['10.0.0.77', '10.0.0.78', realIdentity],
    ]);
    expect(t.row().address).toBe('10.0.0.78');
  });

  it('a board that cannot prove it stays unverified, is asked again after a back-off, and the user can add it by address', async () => {
    const t = bench((check) => ({
      verdict: 'unverified',
      message: `Address changed, not verified: … add it by address (${check.candidate}).`,
    }));
    t.reg.observeService(board({ addresses: ['10.0.0.77'] }));
    await settled();
    expect(t.row()).toMatchObject({
      address: '10.0.0.10',
      addressChange: { state: 'unverified', message: expect.stringMatching(/^Address changed, not verified/) },
    });
    t.advance(2_000);
    t.reg.expire();
    await settled();
    expect(t.checks).toHaveLength(1);
    t.advance(4_000);
    t.reg.expire();
    await settled();
    expect(t.checks).toHaveLength(2);
    // The user types the new address (add form, CLI): that is where they mean the board to be.
    t.reg.recordProbe({ host: '10.0.0.77', port: 80 }, probed);
    expect(t.reg.list()).toHaveLength(1);
    expect(t.row()).toMatchObject({ address: '10.0.0.77', addressChange: null });
  });

  it('the warning goes when the claiming address leaves', async () => {
    const t = bench(() => ({ verdict: 'different', message: 'different' }));
    t.reg.observeService(impostor());
    await settled();
    t.reg.goodbye('evil._http._tcp.local');
    t.reg.expire();
    expect(t.row()).toMatchObject({ address: '10.0.0.10', addressChange: null });
  });

  it('a check that fails outright leaves the row unverified, in words', async () => {
    const t = bench(() => {
      throw new Error('boom');
    });
    t.reg.observeService(impostor());
    await settled();
    expect(t.row().addressChange).toMatchObject({
      state: 'unverified',
      message: expect.stringMatching(/checking it failed \(boom\)/),
    });
  });

  it('one board on IPv4 and IPv6 is not a claim', () => {
    const t = bench(() => ({ verdict: 'different', message: 'x' }));
    t.reg.observeService(board({ addresses: ['fe80::1', '10.0.0.10'] }));
    expect(t.row()).toMatchObject({ address: '10.0.0.10', addressChange: null });
    expect(t.checks).toHaveLength(0);
  });
});

/** A reader answering from a table by host (and recording which hosts it was asked). */
function reader(answers: Record<string, IdentityReading | Error>): IdentityReader & { asked: string[] } {
  const asked: string[] = [];
  const read = async (_protocol: unknown, target: { host: string }) => {
    asked.push(target.host);
    const answer = answers[target.host];
    if (answer instanceof Error || !answer) throw answer ?? new Error('no answer');
    return answer;
  };
  return Object.assign(read, { asked });
}

const check = (identity: BoardIdentity | null): AddressCheck => ({
  protocol: 'mongoose-os',
  port: 80,
  home: { host: '10.0.0.10', identity },
  candidate: '10.0.0.77',
  signal: new AbortController().signal,
});

describe('verifyAddress', () => {
  it('same identity: same board', async () => {
    const read = reader({ '10.0.0.77': { identity: realIdentity } });
    expect(await verifyAddress(check(realIdentity), read)).toEqual({ verdict: 'same', identity: realIdentity });
    expect(read.asked).toEqual(['10.0.0.77']);
  });

  it('another identity: a different device, said so with both identities', async () => {
    const read = reader({ '10.0.0.77': { identity: { id: 'esp32_00000A', mac: 'deadbeef0001' } } });
    const verdict = await verifyAddress(check(realIdentity), read);
    expect(verdict).toMatchObject({
      verdict: 'different',
      message: expect.stringContaining(
        'A different device at 10.0.0.77 claims to be this board (possibly an impostor): it reports device id esp32_00000A, MAC de:ad:be:ef:00:01, this board is device id esp32_00000A, MAC 24:0a:c4:00:00:0a. OTA Bench keeps using 10.0.0.10 and sends nothing to 10.0.0.77.',
      ),
    });
  });

  it('no identity at the new address (a password, a protocol that reports none, no answer): unverified, with why', async () => {
    const why =
      'it asks for a password before it says which board it is (Sys.GetInfo), and OTA Bench sends no password to an address that has not proved it is the board';
    expect(await verifyAddress(check(realIdentity), reader({ '10.0.0.77': { identity: null, why } }))).toEqual({
      verdict: 'unverified',
      message: `Address changed, not verified: a board announcing itself as this one appeared at 10.0.0.77, but ${why}. Jobs, status and credentials stay with 10.0.0.10; if the board really moved, add it by address (10.0.0.77).`,
    });
    expect(await verifyAddress(check(realIdentity), reader({}))).toMatchObject({
      verdict: 'unverified',
      message: expect.stringMatching(/but it does not answer on port 80\./),
    });
  });

  it('nothing recorded at the verified address: asks it now; if it cannot say either, unverified', async () => {
    const read = reader({ '10.0.0.77': { identity: realIdentity }, '10.0.0.10': { identity: realIdentity } });
    expect(await verifyAddress(check(null), read)).toMatchObject({ verdict: 'same' });
    expect(read.asked).toEqual(['10.0.0.77', '10.0.0.10']);
    expect(await verifyAddress(check(null), reader({ '10.0.0.77': { identity: realIdentity } }))).toMatchObject({
      verdict: 'unverified',
      message: expect.stringMatching(/never learned which board was at 10\.0\.0\.10/),
    });
  });

  it('identities with nothing in common cannot be compared: unverified', async () => {
    const verdict = await verifyAddress(
      check({ id: 'esp32_00000A', mac: null }),
      reader({ '10.0.0.77': { identity: { id: null, mac: '240ac400000a' } } }),
    );
    expect(verdict).toMatchObject({ verdict: 'unverified', message: expect.stringMatching(/cannot be compared/) });
  });
});

describe('compareIdentities', () => {
  it('needs one detail in common and none disagreeing', () => {
    expect(compareIdentities(realIdentity, realIdentity)).toBe('same');
    expect(compareIdentities(realIdentity, { id: 'esp32_00000A', mac: null })).toBe('same');
    expect(compareIdentities(realIdentity, { id: 'esp32_00000B', mac: '240ac400000a' })).toBe('different');
    expect(compareIdentities({ id: null, mac: 'aa' }, { id: 'x', mac: null })).toBe('incomparable');
    expect(describeIdentity({ id: null, mac: null })).toBe('no identity');
  });
});
