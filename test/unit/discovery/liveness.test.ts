// Online/offline rules over registry evidence (mDNS records, goodbyes, probes, re-checks), with a
// fake clock. Before, a probe vouched for a board for five minutes, goodbye or not.
import { describe, expect, it, vi } from 'vitest';
import { DeviceRegistry } from '../../../electron/engine/discovery/device-registry.ts';
import type { ServiceObservation } from '../../../electron/engine/discovery/mdns-browser.ts';
import type { ProbeResult } from '../../../electron/engine/discovery/probe.ts';
import { ReachabilityWatch } from '../../../electron/engine/discovery/reachability-watch.ts';

const arduinoHttp = (over: Partial<ServiceObservation> = {}): ServiceObservation => ({
  fqdn: 'esp8266-0a0b0c._http._tcp.local',
  instance: 'esp8266-0a0b0c',
  type: '_http._tcp',
  host: 'esp8266-0a0b0c.local',
  port: 80,
  addresses: ['10.0.0.30'],
  txt: {},
  ttlSeconds: 120,
  ...over,
});
const probed: ProbeResult = { protocol: 'arduino-esp8266', info: null, authRequired: false };

function setup() {
  let now = 1_000_000;
  const reg = new DeviceRegistry(() => now);
  const device = () => reg.list()[0]!;
  return { reg, device, advance: (ms: number) => (now += ms), now: () => now };
}

/** An Arduino board seen over mDNS and identified by probing its web server. */
function probedArduino() {
  const t = setup();
  t.reg.observeService(arduinoHttp());
  t.reg.recordProbe({ host: '10.0.0.30', port: 80 }, probed, t.device().id);
  return t;
}

describe('liveness', () => {
  it('a goodbye takes a probed board offline at once, and keeps the time it was last seen', () => {
    const t = probedArduino();
    const seen = t.device().lastSeen;
    t.advance(1000);
    t.reg.goodbye('esp8266-0a0b0c._http._tcp.local');
    expect(t.device()).toMatchObject({ online: false, lastSeen: seen, protocol: 'arduino-esp8266' });
  });

  it('the automatic probe of a discovered board, finishing after its goodbye, does not bring it back', () => {
    const t = setup();
    t.reg.observeService(arduinoHttp());
    const id = t.device().id;
    const heard = t.now();
    t.advance(300);
    t.reg.goodbye('esp8266-0a0b0c._http._tcp.local');
    t.advance(200); // the probe that the announcement started answers now
    t.reg.recordProbe({ host: '10.0.0.30', port: 80 }, probed, id);
    expect(t.device()).toMatchObject({ online: false, lastSeen: heard, protocol: 'arduino-esp8266' });
  });

  it('an answer after the goodbye (the user adds it by address again) is newer evidence', () => {
    const t = probedArduino();
    t.reg.goodbye('esp8266-0a0b0c._http._tcp.local');
    t.advance(1000);
    t.reg.recordProbe({ host: '10.0.0.30', port: 80 }, probed);
    expect(t.device().online).toBe(true);
  });

  it('records whose TTL ran out take a probed board offline, however recent the probe', () => {
    const t = setup();
    t.reg.observeService(arduinoHttp({ ttlSeconds: 10 }));
    t.advance(9000);
    t.reg.recordProbe({ host: '10.0.0.30', port: 80 }, probed, t.device().id);
    t.advance(999);
    expect(t.device().online).toBe(true);
    t.advance(2);
    expect(t.device().online).toBe(false);
  });

  it('a failed re-check takes a probed board offline while its records live; an answer brings it back', () => {
    const t = probedArduino();
    const changed = vi.fn();
    t.reg.on('changed', changed);
    t.reg.recordCheck(t.device().id, false);
    expect(t.device().online).toBe(false);
    expect(changed).toHaveBeenCalledTimes(1);
    t.reg.recordCheck(t.device().id, true);
    expect(t.device().online).toBe(true);
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('a board added by address stays online while re-checks answer, and only then', () => {
    const t = setup();
    t.reg.recordProbe({ host: '10.0.0.40', port: 80 }, probed);
    const id = t.device().id;
    for (let i = 0; i < 12; i++) {
      t.advance(5000);
      t.reg.recordCheck(id, true);
    }
    expect(t.device()).toMatchObject({ online: true, lastSeen: t.now() });
    t.advance(30_001);
    expect(t.device().online).toBe(false);
  });

  it('re-checks probed boards, not boards mDNS alone vouches for, nor those whose records ended', () => {
    const t = probedArduino();
    t.reg.observeService({
      ...arduinoHttp(),
      fqdn: 'mos._http._tcp.local',
      host: 'mos.local',
      addresses: ['10.0.0.31'],
      txt: { id: 'mos1', fw_version: '1.0', arch: 'esp32' },
    });
    expect(t.reg.reachabilityTargets()).toEqual([
      { deviceId: 'host:esp8266-0a0b0c.local', host: '10.0.0.30', port: 80 },
    ]);
    t.reg.goodbye('esp8266-0a0b0c._http._tcp.local');
    expect(t.reg.reachabilityTargets()).toEqual([]);
  });
});

describe('ReachabilityWatch', () => {
  it('marks a board unreachable after two failures a second apart, skips busy boards, and recovers', async () => {
    const calls: string[] = [];
    const answers: boolean[] = [];
    const recorded: Array<[string, boolean]> = [];
    let busy = false;
    const registry = {
      reachabilityTargets: () => [{ deviceId: 'd', host: 'h', port: 80 }],
      recordCheck: (id: string, ok: boolean) => recorded.push([id, ok]),
    };
    const watch = new ReachabilityWatch(registry, () => busy, {
      intervalMs: 5000,
      retryMs: 1000,
      check: async (host) => {
        calls.push(host);
        return answers.shift() ?? true;
      },
    });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    let now = 0;
    watch.tick(now); // first sight: first check one interval later
    watch.tick((now += 4999));
    expect(calls).toHaveLength(0);
    answers.push(false, false, true);
    vi.spyOn(Date, 'now').mockImplementation(() => now);
    watch.tick((now += 1));
    await settle();
    expect(recorded).toEqual([]); // one failure is not enough
    watch.tick((now += 1000));
    await settle();
    expect(recorded).toEqual([['d', false]]);
    busy = true;
    watch.tick((now += 5000));
    await settle();
    expect(calls).toHaveLength(2);
    busy = false;
    watch.tick((now += 5000));
    await settle();
    expect(recorded).toEqual([
      ['d', false],
      ['d', true],
    ]);
    vi.restoreAllMocks();
  });
});
