// A device without MCUmgr params at a small ATT MTU (Zephyr's default is 65): one SMP packet per
// write, MTU − 3 bytes. The first upload request must hold the 32-byte MCUboot header, so the file's
// sha is trimmed or left out (saying what that costs), and below that the plan refuses in words.
// Never a RangeError ("Internal error in OTA Bench").
import { afterEach, describe, expect, it } from 'vitest';
import type { OtaEngine } from '../../../electron/engine/index.ts';
import { simImage, simSmpBench } from './sim-engine.ts';

const v2 = simImage(1, 1, 12_000);
let engine: OtaEngine | null = null;
afterEach(async () => {
  await engine?.close();
  engine = null;
});

async function atMtu(maxMtu: number, extra = {}) {
  const bench = await simSmpBench({ params: false, maxMtu, ...extra });
  engine = bench.engine;
  const info = await bench.open(v2);
  const plan = await bench.engine.planPush(bench.found.id, info.imageId);
  return { ...bench, plan, link: plan.checks.find((c) => c.id === 'link')! };
}

describe('SMP upload at small MTUs without MCUmgr params', () => {
  it('MTU 23: refused before a byte is sent, naming the MTU the device needs', async () => {
    const { plan, link, push, device } = await atMtu(23);
    expect(plan.verdict).toBe('refused');
    expect(link.status).toBe('fail');
    expect(link.detail).toMatch(
      /20-byte SMP packet \(ATT MTU 23 − 3.*cannot carry the first upload request.*32-byte MCUboot header.*at least \d+ bytes \(an ATT MTU of \d+\)/,
    );
    const job = await push(v2);
    expect(job.state).toBe('failed');
    expect(job.result?.message).toMatch(/cannot carry the first upload request/);
    expect(job.result?.message).not.toMatch(/RangeError|Internal error/);
    expect(device.stats.bytesReceived).toBeLessThan(100); // params and image list only
  });

  it('MTU 65: uploads without sha, saying resume is lost, and restarts from 0 after a drop', async () => {
    const { link, push, device } = await atMtu(65, { dropLinkAfterBytes: 6_000 });
    expect(link.status).toBe('warn');
    expect(link.detail).toMatch(
      /carries no SHA-256 of the file: a dropped link restarts the upload from byte 0 \(no resume\)/,
    );
    const job = await push(v2);
    expect(job.state, job.result?.message).toBe('committed');
    expect(job.link).toMatchObject({ attMtu: 65, bufSize: null, maxPacketBytes: 62, window: 1 });
    expect(job.log.map((l) => l.text).join('\n')).toMatch(/lost the partial upload: starting again from byte 0/);
    expect(device.activeVersion).toBe('1.1.0');
  }, 15_000);

  it("MTU 100: a trimmed sha keeps resume (the device's match:false on a trimmed sha is not corruption)", async () => {
    const { link, push, device } = await atMtu(100, { dropLinkAfterBytes: 6_000 });
    expect(link.status).toBe('warn');
    expect(link.detail).toMatch(/carries only \d+ of the 32 bytes of the file's SHA-256: a dropped link still resumes/);
    const job = await push(v2);
    expect(job.state, job.result?.message).toBe('committed');
    expect(job.link?.resumedFrom.length).toBe(1);
    expect(device.activeVersion).toBe('1.1.0');
  }, 15_000);

  for (const mtu of [103, 104]) {
    it(`MTU ${mtu}: the whole sha fits beside the header; the push goes through`, async () => {
      const { plan, link, push, device } = await atMtu(mtu);
      expect(plan.verdict).toBe('ready');
      expect(link.status).toBe('pass');
      const job = await push(v2);
      expect(job.state, job.result?.message).toBe('committed');
      expect(job.link).toMatchObject({ attMtu: mtu, maxPacketBytes: mtu - 3 });
      expect(job.log.map((l) => l.text).join('\n')).toMatch(/checked the whole file against its SHA-256/);
      expect(device.activeVersion).toBe('1.1.0');
    }, 15_000);
  }
});
