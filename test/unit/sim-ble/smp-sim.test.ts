// The simulated radio driven through the REAL noble (lib/noble.js with our bindings): scan, connect,
// MTU, discovery, SMP over notifications, upload, test → reset → confirm, revert, drop, timing.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { decode, encode } from 'cborg';
import type { Characteristic, Noble as NobleClass, Peripheral } from '@stoprocent/noble';
import { describe, expect, it } from 'vitest';
import { Link, SimClock, linkMetrics } from '../../sim/ble/link-model.ts';
import { buildMcubootImage, parseMcubootImage } from '../../sim/ble/mcuboot-image.ts';
import { AdvertisingPeripheral, SimBindings } from '../../sim/ble/sim-bindings.ts';
import {
  SMP_CHARACTERISTIC_UUID,
  SMP_SERVICE_UUID,
  SmpPeripheral,
  type SmpPeripheralOptions,
} from '../../sim/ble/smp-peripheral.ts';
import { until } from '../support/until.ts';

// lib/noble.js is CommonJS (module.exports = class Noble) and has no typings of its own; the package's
// index.d.ts describes the same class. Importing the package root would build the native HCI bindings.
const require = createRequire(import.meta.url);
const Noble = require('@stoprocent/noble/lib/noble.js') as typeof NobleClass;

const SVC = SMP_SERVICE_UUID.replace(/-/g, '').toLowerCase();
const CHR = SMP_CHARACTERISTIC_UUID.replace(/-/g, '').toLowerCase();
const TIME_SCALE = 0.02;

const v1 = buildMcubootImage({ version: { major: 1, minor: 0, revision: 0 }, payloadSize: 2048 });
const v2 = buildMcubootImage({ version: { major: 1, minor: 1, revision: 0 }, payloadSize: 6000 });

function setup(opts: Partial<SmpPeripheralOptions> = {}, timeScale = TIME_SCALE) {
  const device = new SmpPeripheral({ id: 'c0de0001', name: 'smp-svr', initialImage: v1, bufSize: 1024, ...opts });
  const bindings = new SimBindings({ peripherals: [device], timeScale, supervisionTimeoutMs: 500 });
  const noble = new Noble(bindings);
  return { device, bindings, noble };
}

async function discover(noble: NobleClass, uuid = SVC): Promise<Peripheral> {
  await noble.waitForPoweredOnAsync(2000);
  const found = new Promise<Peripheral>((resolve) => noble.once('discover', resolve));
  await noble.startScanningAsync([uuid], false);
  const p = await found;
  await noble.stopScanningAsync();
  return p;
}

/** A throwaway SMP client for the tests (the engine has its own). */
class Smp {
  seq = 0;
  private rx = Buffer.alloc(0);
  private waiters: {
    resolve: (p: { hdr: Buffer; body: Record<string, unknown> }) => void;
    reject: (e: Error) => void;
  }[] = [];
  readonly chr: Characteristic;
  readonly mtu: number;

  constructor(chr: Characteristic, mtu: number) {
    this.chr = chr;
    this.mtu = mtu;
    chr.on('data', (data: Buffer, isNotification: boolean) => {
      if (!isNotification) return;
      this.rx = Buffer.concat([this.rx, data]);
      while (this.rx.length >= 8 && this.rx.length >= 8 + this.rx.readUInt16BE(2)) {
        const len = 8 + this.rx.readUInt16BE(2);
        const hdr = this.rx.subarray(0, 8);
        const body = decode(this.rx.subarray(8, len)) as Record<string, unknown>;
        this.rx = this.rx.subarray(len);
        this.waiters.shift()?.resolve({ hdr, body });
      }
    });
  }

  /** The link went away: no answer will come. */
  fail(reason: unknown): void {
    for (const w of this.waiters.splice(0)) w.reject(new Error(`Disconnected ${String(reason)}`));
  }

  async request(op: number, group: number, id: number, map: Record<string, unknown>, ver = 1) {
    const body = Buffer.from(encode(map));
    const hdr = Buffer.alloc(8);
    hdr[0] = (ver << 3) | op;
    hdr.writeUInt16BE(body.length, 2);
    hdr.writeUInt16BE(group, 4);
    hdr[6] = this.seq++ & 0xff;
    hdr[7] = id;
    const packet = Buffer.concat([hdr, body]);
    const reply = new Promise<{ hdr: Buffer; body: Record<string, unknown> }>((resolve, reject) =>
      this.waiters.push({ resolve, reject }),
    );
    for (let at = 0; at < packet.length; at += this.mtu - 3) {
      await this.chr.writeAsync(packet.subarray(at, at + this.mtu - 3), true);
    }
    return reply;
  }

  /** Stop-and-wait upload; returns the last response body. */
  async upload(image: Buffer, packetSize: number, from = 0) {
    const sha = createHash('sha256').update(image).digest();
    let off = from;
    let last: Record<string, unknown> = {};
    while (off < image.length) {
      const first = off === 0;
      const mapFor = (n: number): Record<string, unknown> =>
        first
          ? {
              image: 0,
              len: image.length,
              off,
              sha: new Uint8Array(sha),
              data: new Uint8Array(image.subarray(off, off + n)),
            }
          : { off, data: new Uint8Array(image.subarray(off, off + n)) };
      let n = packetSize - (first ? 69 : 26);
      while (8 + encode(mapFor(n)).length > packetSize) n--;
      const map = mapFor(n);
      last = (await this.request(2, 1, 1, map)).body;
      if (typeof last.off !== 'number') throw new Error(`upload failed: ${JSON.stringify(last)}`);
      off = last.off;
    }
    return last;
  }
}

async function open(p: Peripheral): Promise<Smp> {
  const mtu = new Promise<number>((resolve) => p.once('mtu', resolve));
  await p.connectAsync();
  const negotiated = await mtu;
  const { characteristics } = await p.discoverSomeServicesAndCharacteristicsAsync([SVC], [CHR]);
  expect(characteristics.map((c) => c.uuid)).toEqual([CHR]);
  const chr = characteristics[0]!;
  expect(chr.properties).toEqual(['writeWithoutResponse', 'notify']);
  await chr.subscribeAsync();
  const smp = new Smp(chr, negotiated);
  p.once('disconnect', (reason: unknown) => smp.fail(reason));
  return smp;
}

function images(body: Record<string, unknown>) {
  return (body.images as Record<string, unknown>[]).map((i) => ({
    slot: i.slot,
    version: i.version,
    active: i.active,
    confirmed: i.confirmed,
    pending: i.pending,
    permanent: i.permanent,
  }));
}

const sleepReal = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('link model (§6.2)', () => {
  it('reproduces the worked numbers', () => {
    const a = linkMetrics({ phy: 2, llPayload: 251, attMtu: 498, connIntervalMs: 7.5 });
    expect(a.pairUs).toBeCloseTo(1392, 0);
    expect(a.packetsPerEvent).toBe(5);
    expect(a.llPacketsPerPdu).toBe(2);
    expect(a.streamingRate / 1000).toBeCloseTo(165, 0);
    const b = linkMetrics({ phy: 1, llPayload: 251, attMtu: 247, connIntervalMs: 7.5 });
    expect(b.packetsPerEvent).toBe(3);
    expect(b.streamingRate / 1000).toBeCloseTo(97.6, 0);
    const c = linkMetrics({ phy: 1, llPayload: 27, attMtu: 23, connIntervalMs: 15, packetsPerEventCap: 6 });
    expect(c.streamingRate).toBeCloseTo(8000, 0);
    expect(c.writeRequestRate).toBeCloseTo(666.7, 0);
  });

  it('delivers streamed PDUs at the modelled rate, in order, with loss slowing it down', async () => {
    const measure = async (loss: number) => {
      // Half speed, not a tenth: a timer ~1 ms late on a busy 2-core machine was 10 ms of simulated time
      // at 0.1 (two thirds of a connection interval), enough to hide the loss (seen failing in CI).
      const clock = new SimClock(0.5);
      const link = new Link(
        { phy: 1, llPayload: 27, attMtu: 23, connIntervalMs: 15, packetsPerEventCap: 6, lossProbability: loss },
        clock,
        mulberry(7),
      );
      const got: number[] = [];
      const start = clock.now();
      await new Promise<void>((resolve) => {
        for (let i = 0; i < 120; i++)
          link.send('toPeripheral', 20, () => {
            got.push(i);
            if (i === 119) resolve();
          });
      });
      expect(got).toEqual([...Array(120).keys()]);
      return (120 * 20) / ((clock.now() - start) / 1000);
    };
    const clean = await measure(0);
    const model = linkMetrics({
      phy: 1,
      llPayload: 27,
      attMtu: 23,
      connIntervalMs: 15,
      packetsPerEventCap: 6,
    }).streamingRate;
    expect(clean / model).toBeGreaterThan(0.75);
    expect(clean / model).toBeLessThan(1.15);
    const lossy = await measure(0.3);
    expect(lossy / clean).toBeLessThan(0.85);
  });
});

describe('simulated radio through the real noble', () => {
  it('scans with advertisement data, filters by service, reports hostile names verbatim', async () => {
    const hostile = new AdvertisingPeripheral({
      id: 'bad0',
      address: 'de:ad:be:ef:00:01',
      rssi: -90,
      advertisement: {
        localName: '\u001b[31mevil\u0000\u202e<script>',
        manufacturerData: Buffer.from([0x59, 0x00, 0xff]),
      },
    });
    const { device, bindings, noble } = setup({ name: 'smp-svr', manufacturerData: Buffer.from([0x59, 0x00, 1, 2]) });
    bindings.addPeripheral(hostile);
    await noble.waitForPoweredOnAsync(2000);
    const seen = new Map<string, Peripheral>();
    noble.on('discover', (p: Peripheral) => seen.set(p.id, p));
    await noble.startScanningAsync([], false);
    await until(() => seen.size >= 2, 'both advertisers');
    await noble.stopScanningAsync();
    expect([...seen.keys()].sort()).toEqual(['bad0', device.id]);
    const smp = seen.get(device.id)!;
    expect(smp.advertisement.localName).toBe('smp-svr');
    expect(smp.advertisement.serviceUuids).toEqual([SVC]);
    expect(smp.advertisement.manufacturerData).toEqual(Buffer.from([0x59, 0x00, 1, 2]));
    expect(smp.rssi).toBe(-55);
    expect(smp.connectable).toBe(true);
    expect(seen.get('bad0')!.advertisement.localName).toBe('\u001b[31mevil\u0000\u202e<script>');

    const filtered = await discover(noble, SVC);
    expect(filtered.id).toBe(device.id);
  });

  it('connects, exchanges the MTU, reads MCUmgr params and the image list; legacy answers v1 with rc', async () => {
    const { noble } = setup({ maxMtu: 247, bufSize: 2475, bufCount: 4 });
    const p = await discover(noble);
    const smp = await open(p);
    expect(p.mtu).toBe(247);
    const params = await smp.request(0, 0, 6, {});
    expect(params.hdr[0]).toBe(0x09); // v2 read response
    expect(params.body).toEqual({ buf_size: 2475, buf_count: 4 });
    const list = await smp.request(0, 1, 0, {});
    expect(images(list.body)).toEqual([
      { slot: 0, version: '1.0.0', active: true, confirmed: true, pending: false, permanent: false },
    ]);
    expect(Buffer.from((list.body.images as { hash: Uint8Array }[])[0]!.hash)).toEqual(parseMcubootImage(v1)!.hash);
    await p.disconnectAsync();

    const legacy = setup({ legacy: true, id: 'c0de0002' });
    const lp = await discover(legacy.noble);
    const lsmp = await open(lp);
    const nope = await lsmp.request(0, 0, 6, {});
    expect(nope.hdr[0] & 0x18).toBe(0);
    expect(nope.body).toEqual({ rc: 8 });
    const echo = await lsmp.request(2, 0, 0, { d: 'hi' });
    expect(echo.body).toEqual({ r: 'hi', rc: 0 });
  });

  it('reassembles a request split over writes; a packet beyond buf_size or an overflowing fragment is dropped', async () => {
    const { noble, device } = setup({ maxMtu: 23, bufSize: 256 });
    const p = await discover(noble);
    const smp = await open(p);
    expect(smp.mtu).toBe(23);
    const echo = await smp.request(2, 0, 0, { d: 'x'.repeat(120) }); // 8 + ~125 bytes over 7 writes
    expect(echo.body).toEqual({ r: 'x'.repeat(120) });
    // A legacy (no reassembly) device rejects the same split request.
    const legacy = setup({ legacy: true, id: 'c0de0003', maxMtu: 23 });
    const lsmp = await open(await discover(legacy.noble));
    void lsmp.request(2, 0, 0, { d: 'x'.repeat(120) });
    const requestBytes = 8 + encode({ d: 'x'.repeat(120) }).length;
    await until(() => legacy.device.stats.bytesReceived >= requestBytes, 'every fragment at the legacy device');
    expect(legacy.device.stats.requests).toBe(0);
    expect(legacy.device.stats.droppedReassembly).toBeGreaterThan(0);
    expect(device.stats.droppedReassembly).toBe(0);
  });

  it('uploads, tests, resets, comes back with the new image and confirms it', async () => {
    const { noble, device } = setup({ maxMtu: 247, bufSize: 1024, swapMs: 1500 });
    let p = await discover(noble);
    let smp = await open(p);
    const done = await smp.upload(v2, 1024);
    expect(done).toEqual({ off: v2.length, match: true });
    const hash = new Uint8Array(parseMcubootImage(v2)!.hash);
    const tested = await smp.request(2, 1, 0, { hash, confirm: false });
    expect(images(tested.body)[1]).toMatchObject({ slot: 1, version: '1.1.0', pending: true, permanent: false });
    const gone = new Promise<unknown>((resolve) => p.once('disconnect', resolve));
    expect((await smp.request(2, 0, 5, {})).body).toEqual({});
    expect(await gone).toBe(0x08);

    p = await discover(noble);
    smp = await open(p);
    const after = await smp.request(0, 1, 0, {});
    expect(images(after.body)).toEqual([
      { slot: 0, version: '1.1.0', active: true, confirmed: false, pending: false, permanent: false },
      { slot: 1, version: '1.0.0', active: false, confirmed: true, pending: false, permanent: false },
    ]);
    const confirmed = await smp.request(2, 1, 0, { hash, confirm: true });
    expect(images(confirmed.body)[0]).toMatchObject({ version: '1.1.0', confirmed: true });
    expect(device.stats.swaps).toBe(1);

    // A second reset keeps the confirmed image.
    const gone2 = new Promise<unknown>((resolve) => p.once('disconnect', resolve));
    await smp.request(2, 0, 5, {});
    await gone2;
    smp = await open(await discover(noble));
    expect(images((await smp.request(0, 1, 0, {})).body)[0]).toMatchObject({
      version: '1.1.0',
      active: true,
      confirmed: true,
    });
  });

  it('reverts a test image that was not confirmed before the next reset; refuses a corrupt image', async () => {
    const { noble, device } = setup({ swapMs: 500 });
    const hash = new Uint8Array(parseMcubootImage(v2)!.hash);
    const cycle = async (smp: Smp, p: Peripheral) => {
      const gone = new Promise((resolve) => p.once('disconnect', resolve));
      await smp.request(2, 0, 5, {});
      await gone;
      const np = await discover(noble);
      return { p: np, smp: await open(np) };
    };
    let p = await discover(noble);
    let smp = await open(p);
    await smp.upload(v2, 1024);
    await smp.request(2, 1, 0, { hash, confirm: false });
    ({ p, smp } = await cycle(smp, p));
    expect(device.activeVersion).toBe('1.1.0');
    ({ smp } = await cycle(smp, p)); // not confirmed → MCUboot swaps back
    expect(images((await smp.request(0, 1, 0, {})).body)).toEqual([
      { slot: 0, version: '1.0.0', active: true, confirmed: true, pending: false, permanent: false },
      { slot: 1, version: '1.1.0', active: false, confirmed: false, pending: false, permanent: false },
    ]);
    expect(device.stats.reverts).toBe(1);

    const bad = buildMcubootImage({
      version: { major: 2, minor: 0, revision: 0 },
      payloadSize: 1000,
      corruptHash: true,
    });
    expect((await smp.upload(bad, 1024)).match).toBe(true); // the file arrived intact; MCUboot judges it
    const list = await smp.request(0, 1, 0, {});
    expect((list.body.images as unknown[]).length).toBe(1); // img_mgmt does not list an image without a valid hash
  });

  it('a v2 group error comes back as err{group,rc}; v1 gets a translated rc', async () => {
    const { noble } = setup();
    const smp = await open(await discover(noble));
    const active = new Uint8Array(parseMcubootImage(v1)!.hash);
    expect((await smp.request(2, 1, 0, { hash: active, confirm: false })).body).toEqual({ err: { group: 1, rc: 33 } });
    expect((await smp.request(2, 1, 0, { hash: new Uint8Array(32), confirm: false }, 0)).body).toEqual({ rc: 5 });
    expect((await smp.request(2, 1, 1, { off: 0, len: 100, data: new Uint8Array(40) })).body).toEqual({
      err: { group: 1, rc: 23 },
    });
  });

  it('the device offset wins: wrong offset answered with the current one; drop after N bytes, then resume by sha', async () => {
    const { noble, device } = setup({ dropLinkAfterBytes: 3000 });
    let p = await discover(noble);
    let smp = await open(p);
    const first = await smp.request(2, 1, 1, {
      image: 0,
      len: v2.length,
      off: 0,
      sha: new Uint8Array(createHash('sha256').update(v2).digest()),
      data: new Uint8Array(v2.subarray(0, 500)),
    });
    expect(first.body).toEqual({ off: 500 });
    expect((await smp.request(2, 1, 1, { off: 900, data: new Uint8Array(v2.subarray(900, 1000)) })).body).toEqual({
      off: 500,
    });

    const gone = new Promise<unknown>((resolve) => p.once('disconnect', resolve));
    await expect(smp.upload(v2, 1024, 500)).rejects.toThrow(/Disconnected|upload failed/);
    expect(await gone).toBe(0x08);
    const reached = device.upload!.off;
    expect(reached).toBeGreaterThan(500);
    expect(reached).toBeLessThan(v2.length);

    p = await discover(noble);
    smp = await open(p);
    const resumed = await smp.request(2, 1, 1, {
      image: 0,
      len: v2.length,
      off: 0,
      sha: new Uint8Array(createHash('sha256').update(v2).digest()),
      data: new Uint8Array(v2.subarray(0, 500)),
    });
    expect(resumed.body).toEqual({ off: reached });
    expect(await smp.upload(v2, 1024, reached)).toEqual({ off: v2.length, match: true });
  });

  it('a device that never comes back after reset is never rediscovered', async () => {
    const { noble } = setup({ neverReturnAfterReset: true });
    const p = await discover(noble);
    const smp = await open(p);
    const gone = new Promise((resolve) => p.once('disconnect', resolve));
    await smp.request(2, 0, 5, {});
    await gone;
    let seen = 0;
    noble.on('discover', () => seen++);
    await noble.startScanningAsync([SVC], false);
    // Deliberately lets time pass: a scan thirty (simulated) advertising intervals long must see nothing.
    await sleepReal(3000 * TIME_SCALE + 20);
    await noble.stopScanningAsync();
    expect(seen).toBe(0);
  });

  it('upload time follows the link: reassembly with a big buffer beats MTU-sized packets by about the model ratio', async () => {
    const image = buildMcubootImage({ version: { major: 3, minor: 0, revision: 0 }, payloadSize: 24_000 });
    const run = async (packetSize: number) => {
      const { noble, bindings } = setup(
        { maxMtu: 247, bufSize: 2475, erasePageMs: 0, flashWriteBytesPerSec: 1e9, processingMs: 0 },
        0.25,
      );
      const smp = await open(await discover(noble));
      const t0 = bindings.clock.now();
      await smp.upload(image, packetSize);
      return bindings.clock.now() - t0;
    };
    const small = await run(244); // one write per request: 2 intervals each
    const big = await run(2475); // 11 writes per request: ceil(11/n_ev) + 1 intervals
    const m = linkMetrics({ phy: 2, llPayload: 251, attMtu: 247, connIntervalMs: 15 });
    const reqSmall = Math.ceil(image.length / (244 - 26));
    const reqBig = Math.ceil(image.length / (2475 - 26));
    const model = (reqSmall * 2) / (reqBig * (Math.ceil(11 / m.packetsPerEvent) + 1));
    // Node timers are ≥ 1 ms late at times, which costs the many small requests more: keep the band wide.
    // On a loaded 2-core machine the ratio was seen at 0.73 × model (CI with tests beside it); without
    // reassembly it would be about 1, so 0.6 × model (≈ 4.4) still tells the two apart.
    expect(small / big).toBeGreaterThan(model * 0.6);
    expect(small / big).toBeLessThan(model * 1.4);
  }, 20_000);
});

function mulberry(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
