// uploadImage (ble-protocols.md §1.6–1.8) against a device modelled in JS: a Zephyr-like img_mgmt
// that keeps an expected offset (a chunk at another offset is dropped and answered with the expected
// one), resumes a session with the same sha, and checks the whole file at the end. The fake sender
// also plays the SMP client's part: per-request timeouts, device errors as SmpDeviceError, and a
// count of requests in flight. No radio, no sockets.
import { createHash } from 'node:crypto';
import { decode } from 'cborg';
import { describe, expect, it } from 'vitest';
import { SmpTimeoutError } from '../../../electron/engine/smp/smp-client.ts';
import { decodeSmpPacket } from '../../../electron/engine/smp/smp-frame.ts';
import {
  encodeSmpRequest,
  responseError,
  SmpDeviceError,
  type CborMap,
  type SmpRequest,
} from '../../../electron/engine/smp/smp-messages.ts';
import {
  uploadImage,
  type SmpSender,
  type UploadInput,
  type UploadResult,
  type SmpUploadTimeouts,
} from '../../../electron/engine/smp/smp-upload.ts';
import { planChunk } from '../../../electron/engine/smp/upload-chunks.ts';
import { UpdateError } from '../../../electron/engine/update-error.ts';

// Every time in this file is a multiple of K ms: large enough that a busy CI machine's event-loop
// stalls do not reorder answers and timeouts, small enough to keep the file fast.
const K = 4;
const TIMEOUTS: SmpUploadTimeouts = { firstMs: 200 * K, lastMs: 100 * K, otherMs: 30 * K, triesPerOffset: 5 };
const MAX_PACKET = 2475;

/** Deterministic pseudo-random bytes (xorshift) starting with the MCUboot magic. */
function makeFile(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  out.writeUInt32LE(0x96f3b83d, 0);
  return out;
}
const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

/** One request as the device saw it (or would have, had it not been lost). */
interface Sent {
  index: number;
  off: number;
  dataBytes: number;
  first: boolean;
  packetBytes: number;
  timeoutMs: number;
}

interface DeviceBehaviour {
  /** The request never reaches the device: no answer, the client times out. */
  loseRequest?(sent: Sent): boolean;
  /** The device handles the request but its answer never arrives. */
  loseAnswer?(sent: Sent): boolean;
  /** Milliseconds before the answer arrives (default 0: next macrotask). */
  delay?(sent: Sent): number;
  /** Replace the device's answer (error maps, match: false…). */
  answer?(sent: Sent, normal: CborMap): CborMap;
}

interface Session {
  sha: Buffer;
  len: number;
  off: number;
  bytes: Buffer;
}

class FakeDevice implements SmpSender {
  readonly sent: Sent[] = [];
  /** Requests whose timeout fired before an answer. */
  readonly timedOut: Sent[] = [];
  session: Session | null = null;
  /** sha of an image already complete in the slot: the first chunk answers off = len, match: true. */
  holds: Buffer | null = null;
  outstanding = 0;
  maxOutstanding = 0;
  readonly behaviour: DeviceBehaviour;

  constructor(behaviour: DeviceBehaviour = {}) {
    this.behaviour = behaviour;
  }

  send(request: SmpRequest, timeoutMs: number): Promise<CborMap> {
    expect([request.op, request.group, request.id]).toEqual([2, 1, 1]);
    const packet = encodeSmpRequest(request, 0);
    const body = decode(decodeSmpPacket(packet).body) as CborMap;
    const data = body.data as Uint8Array;
    const sent: Sent = {
      index: this.sent.length,
      off: body.off as number,
      dataBytes: data.length,
      first: body.off === 0,
      packetBytes: packet.length,
      timeoutMs,
    };
    this.sent.push(sent);
    this.outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    // The device handles requests in the order they were sent; only the answers travel late.
    const lostOnTheWay = this.behaviour.loseRequest?.(sent) ?? false;
    let map = lostOnTheWay ? null : this.handle(body);
    if (map && this.behaviour.answer) map = this.behaviour.answer(sent, map);
    const answered = map !== null && !(this.behaviour.loseAnswer?.(sent) ?? false);
    return new Promise<CborMap>((resolve, reject) => {
      let done = false;
      const settle = (fn: () => void) => {
        if (done) return;
        done = true;
        this.outstanding--;
        fn();
      };
      const timer = setTimeout(
        () =>
          settle(() => {
            this.timedOut.push(sent);
            reject(new SmpTimeoutError(request, timeoutMs));
          }),
        timeoutMs,
      );
      if (!answered) return;
      setTimeout(
        () => {
          clearTimeout(timer);
          settle(() => {
            const error = responseError(map!, request.what);
            if (error) reject(new SmpDeviceError(error, request.what));
            else resolve(map!);
          });
        },
        this.behaviour.delay?.(sent) ?? 0,
      );
    });
  }

  /** Zephyr img_mgmt_upload, reduced to what the client can observe. */
  private handle(body: CborMap): CborMap {
    const off = body.off as number;
    const data = body.data as Uint8Array;
    if (off === 0) {
      const len = body.len as number;
      const sha = Buffer.from(body.sha as Uint8Array);
      if (typeof len !== 'number' || sha.length !== 32) return { rc: 3 };
      if (this.holds?.equals(sha)) return { off: len, match: true };
      if (this.session && this.session.sha.equals(sha) && this.session.len === len && this.session.off > 0)
        return { off: this.session.off };
      if (data.length < 32) return { err: { group: 1, rc: 22 } };
      this.session = { sha, len, off: 0, bytes: Buffer.alloc(len) };
    }
    const session = this.session;
    if (!session) return { off: 0 };
    if (off !== session.off) return { off: session.off };
    if (off + data.length > session.len) return { err: { group: 1, rc: 31 } };
    session.bytes.set(data, off);
    session.off += data.length;
    if (session.off < session.len) return { off: session.off };
    return { off: session.off, match: sha256(session.bytes).equals(session.sha) };
  }

  /** How often each offset was sent. */
  sendsAt(off: number): number {
    return this.sent.filter((s) => s.off === off).length;
  }
}

interface Run {
  result: UploadResult;
  /** onStart calls: the device's first offset, and whether it resumed. */
  starts: Array<[number, boolean]>;
  offsets: number[];
  logs: string[];
}

async function upload(device: FakeDevice, file: Buffer, extra: Partial<UploadInput> = {}): Promise<Run> {
  const starts: Array<[number, boolean]> = [];
  const offsets: number[] = [];
  const logs: string[] = [];
  const result = await uploadImage({
    client: device,
    file,
    sha: sha256(file),
    maxPacket: MAX_PACKET,
    window: 3,
    timeouts: TIMEOUTS,
    onStart: (off, resumed) => starts.push([off, resumed]),
    onOffset: (off) => offsets.push(off),
    log: (text) => logs.push(text),
    ...extra,
  });
  return { result, starts, offsets, logs };
}

async function failure(promise: Promise<unknown>): Promise<UpdateError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(UpdateError);
    return error as UpdateError;
  }
  throw new Error('the upload did not fail');
}

/** Chunk offsets the uploader should use for a fresh upload of `len` bytes. */
function plannedOffsets(len: number, sha = 32): number[] {
  const offs: number[] = [];
  for (let off = 0; off < len;) {
    offs.push(off);
    off += planChunk(off === 0 ? { off, len, shaBytes: sha } : { off }, len, MAX_PACKET).dataBytes;
  }
  return offs;
}

describe('uploadImage: pipelining', () => {
  it('uploads a file byte for byte with window 3: first chunk alone, never more than 3 in flight', async () => {
    const file = makeFile(70_000);
    const device = new FakeDevice();
    const run = await upload(device, file);

    expect(device.session!.bytes.equals(file)).toBe(true);
    expect(run.result).toEqual({ startedAt: 0, match: true, requests: device.sent.length, resent: 0 });
    expect(device.sent.map((s) => s.off)).toEqual(plannedOffsets(file.length));
    expect(device.maxOutstanding).toBe(3);
    expect(run.starts).toEqual([[2406, false]]);
    expect(run.offsets.at(-1)).toBe(70_000);
    // Offsets confirmed one chunk at a time, never backwards.
    expect(run.offsets).toEqual([...run.offsets].sort((a, b) => a - b));
  });

  it('the first chunk travels alone: nothing else is sent before its answer', async () => {
    const file = makeFile(20_000);
    let firstAnswered = false;
    let sentBeforeFirstAnswer = -1;
    const device = new FakeDevice({ delay: (s) => (s.first ? 20 * K : 0) });
    const original = device.send.bind(device);
    device.send = (request, timeoutMs) => {
      const promise = original(request, timeoutMs);
      if (device.sent.length === 1)
        void promise.then(() => {
          firstAnswered = true;
          sentBeforeFirstAnswer = device.sent.length;
        });
      return promise;
    };
    await upload(device, file);
    expect(firstAnswered).toBe(true);
    expect(sentBeforeFirstAnswer).toBe(1);
    expect(device.sent[0]!.timeoutMs).toBe(TIMEOUTS.firstMs);
  });

  it('chunk sizes follow §1.7: 2406 data bytes first (69 overhead), 2451 below 64 KiB (24), 2449 above (26), packets fill buf_size', async () => {
    const file = makeFile(70_000);
    const device = new FakeDevice();
    await upload(device, file);
    const sent = device.sent;

    // By hand: header 8 + map head 1 + "off" 4 + 0 → 1 + "data" 5 + bstr head 3 + "len" 4 + 70000 → 5 + "sha" 4 + 2+32 = 69.
    expect(sent[0]).toMatchObject({ off: 0, dataBytes: 2475 - 69, packetBytes: 2475 });
    // Later, below 65536: 8 + 1 + "off" 4 + off → 3 + "data" 5 + bstr head 3 = 24.
    expect(sent[1]).toMatchObject({ off: 2406, dataBytes: 2475 - 24, packetBytes: 2475 });
    const high = sent.find((s) => s.off >= 65_536)!;
    // Above 65535 the offset takes 5 bytes: 26 of overhead.
    expect(high.dataBytes).toBe(2475 - 26);
    for (const s of sent) {
      const plan = planChunk(
        s.first ? { off: 0, len: file.length, shaBytes: 32 } : { off: s.off },
        file.length,
        MAX_PACKET,
      );
      expect(s.dataBytes).toBe(plan.dataBytes);
      expect(s.packetBytes).toBe(plan.packetBytes);
      expect(s.packetBytes).toBeLessThanOrEqual(MAX_PACKET);
    }
    const last = sent.at(-1)!;
    expect(last.off + last.dataBytes).toBe(70_000);
    expect(last.dataBytes).toBeLessThan(2449);
    // Nordic timeouts, scaled: first, last, others.
    expect(sent.map((s) => s.timeoutMs)).toEqual(
      sent.map((s, i) => (i === 0 ? TIMEOUTS.firstMs : s === last ? TIMEOUTS.lastMs : TIMEOUTS.otherMs)),
    );
  });

  it('window 1 is stop-and-wait: never two requests in flight', async () => {
    const file = makeFile(12_000);
    const device = new FakeDevice({ delay: (s) => (s.index % 3) * K });
    const run = await upload(device, file, { window: 1 });
    expect(device.maxOutstanding).toBe(1);
    expect(device.session!.bytes.equals(file)).toBe(true);
    expect(run.result.resent).toBe(0);
  });

  it('rounds non-final chunks down to the alignment', async () => {
    const file = makeFile(12_000);
    const device = new FakeDevice();
    await upload(device, file, { alignment: 16 });
    const later = device.sent.slice(1, -1);
    expect(later.length).toBeGreaterThan(1);
    for (const s of later) expect(s.dataBytes).toBe(2448); // 2451 rounded down to 16
    expect(device.sent[0]!.dataBytes).toBe(2400); // 2475 − 67 (len < 65536: 3 bytes) = 2408 → 2400
    expect(device.session!.bytes.equals(file)).toBe(true);
  });

  it('answers arriving out of order still finish the upload without resending', async () => {
    const file = makeFile(40_000);
    // Every other answer is held back while later ones overtake it.
    const device = new FakeDevice({ delay: (s) => (s.index % 2 === 1 ? 12 * K : 0) });
    const run = await upload(device, file);
    expect(device.session!.bytes.equals(file)).toBe(true);
    expect(run.result.resent).toBe(0);
    expect(run.result.requests).toBe(plannedOffsets(file.length).length);
    expect(device.maxOutstanding).toBe(3);
    expect(run.offsets.at(-1)).toBe(40_000);
    expect(run.offsets).toEqual([...run.offsets].sort((a, b) => a - b));
  });

  it("a late answer to an older chunk does not pull the device's offset back: a covered timeout stays ignored", async () => {
    const file = makeFile(10_000);
    const offs = plannedOffsets(file.length);
    expect(offs).toHaveLength(5);
    // Requests 1, 2, 3 go out together after the first. 2's answer is lost (it times out at 30 K);
    // 3's arrives at once and covers it; 1's arrives late, at 10 K. The last chunk (4, timeout
    // 100 K) is answered at 60 K, so nothing newer arrives between 1's answer and 2's timeout.
    const device = new FakeDevice({
      loseAnswer: (s) => s.index === 2,
      delay: (s) => (s.index === 1 ? 10 * K : s.index === 4 ? 60 * K : 0),
    });
    const run = await upload(device, file);
    expect(device.timedOut.map((s) => s.index)).toEqual([2]);
    expect(device.session!.bytes.equals(file)).toBe(true);
    expect(run.logs).toEqual([]);
    expect(run.result).toEqual({ startedAt: 0, match: true, requests: 5, resent: 0 });
    expect(device.sent.map((s) => s.off)).toEqual(offs);
    expect(run.offsets).toEqual([offs[1], offs[4], 10_000]);
  });
});

describe("uploadImage: losses and the device's offset", () => {
  it("a lost request times out and is sent again from the device's offset (window 1)", async () => {
    const file = makeFile(12_000);
    const lost = plannedOffsets(file.length)[2]!;
    let dropped = false;
    const device = new FakeDevice({ loseRequest: (s) => (s.off === lost && !dropped ? (dropped = true) : false) });
    const run = await upload(device, file, { window: 1 });
    expect(device.session!.bytes.equals(file)).toBe(true);
    expect(device.sendsAt(lost)).toBe(2);
    expect(run.result.resent).toBe(1);
    expect(run.logs.some((l) => l.includes(`chunk at byte ${lost}`) && l.includes(`from byte ${lost}`))).toBe(true);
  });

  it('a lost last request times out after lastMs and is sent again (window 3)', async () => {
    const file = makeFile(12_000);
    const offs = plannedOffsets(file.length);
    const lastOff = offs.at(-1)!;
    let dropped = false;
    const device = new FakeDevice({ loseRequest: (s) => (s.off === lastOff && !dropped ? (dropped = true) : false) });
    const started = Date.now();
    const run = await upload(device, file);
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUTS.lastMs - 5);
    expect(device.sendsAt(lastOff)).toBe(2);
    expect(device.sent.filter((s) => s.off === lastOff).map((s) => s.timeoutMs)).toEqual([
      TIMEOUTS.lastMs,
      TIMEOUTS.lastMs,
    ]);
    expect(run.result).toMatchObject({ match: true, resent: 1, requests: offs.length + 1 });
  });

  it('a lost answer covered by a later answer: its timeout is ignored, nothing is sent again', async () => {
    const file = makeFile(20_000);
    const offs = plannedOffsets(file.length);
    // The last answer comes late (50 K), so both lost answers time out (30 K) during the upload.
    const device = new FakeDevice({
      loseAnswer: (s) => s.off === offs[2] || s.off === offs[4],
      delay: (s) => (s.off === offs.at(-1) ? 50 * K : 0),
    });
    const run = await upload(device, file);
    expect(device.timedOut.map((s) => s.off)).toEqual([offs[2], offs[4]]);
    expect(device.session!.bytes.equals(file)).toBe(true);
    expect(run.result.resent).toBe(0);
    expect(device.sent.map((s) => s.off)).toEqual(offs);
    expect(run.logs).toEqual([]);
  });

  it("a lost answer to a chunk the device accepted (window 1): one resend, the device's answer moves on", async () => {
    const file = makeFile(12_000);
    const offs = plannedOffsets(file.length);
    let lostOnce = false;
    const device = new FakeDevice({ loseAnswer: (s) => (s.off === offs[2] && !lostOnce ? (lostOnce = true) : false) });
    const run = await upload(device, file, { window: 1 });
    expect(device.session!.bytes.equals(file)).toBe(true);
    expect(device.sent.map((s) => s.off)).toEqual([...offs.slice(0, 3), ...offs.slice(2)]);
    expect(run.result.resent).toBe(1);
  });

  it('the device lost a chunk: restart from its offset once; stale answers in flight do not restart again', async () => {
    const file = makeFile(40_000);
    const offs = plannedOffsets(file.length);
    const lost = offs[4]!;
    let dropped = false;
    // The chunk at `lost` vanishes; answers are a little slow so the whole window is in flight.
    const device = new FakeDevice({
      loseRequest: (s) => (s.off === lost && !dropped ? (dropped = true) : false),
      delay: (s) => (s.off === offs.at(-1) ? 50 * K : 3 * K),
    });
    const run = await upload(device, file);
    // The lost request's own timeout fires during the upload, and is ignored: it belongs to an older generation.
    expect(device.timedOut.map((s) => s.off)).toEqual([lost]);
    expect(run.logs.filter((l) => l.startsWith('No answer'))).toEqual([]);
    expect(device.session!.bytes.equals(file)).toBe(true);
    const restarts = run.logs.filter((l) => l.startsWith('The device expects byte'));
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toContain(`expects byte ${lost}`);
    // Every offset is sent at most twice; the resent ones are exactly those sent the first time from `lost` on.
    const firstRestartIndex = device.sent.findIndex(
      (s, i) => s.off === lost && i > device.sent.findIndex((t) => t.off === lost),
    );
    const beforeRestart = device.sent.slice(0, firstRestartIndex).map((s) => s.off);
    const resentOffs = offs.filter((o) => device.sendsAt(o) === 2);
    expect(resentOffs).toEqual(beforeRestart.filter((o) => o >= lost));
    expect(offs.every((o) => device.sendsAt(o) <= 2)).toBe(true);
    expect(resentOffs.length).toBeGreaterThanOrEqual(2);
    expect(run.result.resent).toBe(resentOffs.length);
    expect(run.result.requests).toBe(offs.length + resentOffs.length);
    expect(device.maxOutstanding).toBeLessThanOrEqual(3);
  });

  it('5 tries at one offset: connection-lost naming the byte', async () => {
    const file = makeFile(12_000);
    const stuck = plannedOffsets(file.length)[1]!;
    const device = new FakeDevice({ loseRequest: (s) => s.off === stuck });
    const error = await failure(upload(device, file, { window: 1 }));
    expect(error.code).toBe('connection-lost');
    expect(error.message).toContain(`no progress at byte ${stuck} of 12000 after 5 tries`);
    expect(device.sendsAt(stuck)).toBe(5);
  });

  it('a device that keeps asking for the same offset also gives up after 5 tries', async () => {
    const file = makeFile(12_000);
    const offs = plannedOffsets(file.length);
    // The device never takes the chunk at offs[1]: it drops it and keeps asking for it.
    const device = new FakeDevice({ answer: (s, normal) => (s.off >= offs[1]! ? { off: offs[1] } : normal) });
    const error = await failure(upload(device, file));
    expect(error.code).toBe('connection-lost');
    expect(error.message).toContain(`byte ${offs[1]} of 12000`);
    expect(error.message).toContain('the device kept asking');
  });
});

describe('uploadImage: start, end and refusals', () => {
  it('match: false at the end is an integrity failure', async () => {
    const file = makeFile(12_000);
    const device = new FakeDevice();
    const error = await failure(upload(device, file, { sha: Buffer.alloc(32, 7) }));
    expect(device.session!.off).toBe(12_000);
    expect(error.code).toBe('integrity-failure');
    expect(error.message).toContain('match: false');
  });

  it('no match at all (device without image check): succeeds with match null', async () => {
    const file = makeFile(5_000);
    const device = new FakeDevice({ answer: (_s, normal) => ({ off: normal.off }) });
    const run = await upload(device, file);
    expect(run.result.match).toBeNull();
  });

  it('resumes an interrupted session: onStart gets the stored offset and only the rest is sent', async () => {
    const file = makeFile(30_000);
    const offs = plannedOffsets(file.length);
    // A first push that stops after 5 chunks (the link dropped).
    const device = new FakeDevice({ loseRequest: (s) => s.off >= offs[5]! });
    await failure(upload(device, file, { window: 1, timeouts: { ...TIMEOUTS, triesPerOffset: 1 } }));
    expect(device.session!.off).toBe(offs[5]);

    const resumed = new FakeDevice();
    resumed.session = device.session;
    const run = await upload(resumed, file);
    expect(run.starts).toEqual([[offs[5], true]]);
    expect(run.result.startedAt).toBe(offs[5]);
    expect(resumed.sent[0]).toMatchObject({ off: 0, first: true });
    const rest = resumed.sent.slice(1);
    expect(rest[0]!.off).toBe(offs[5]);
    expect(rest.reduce((sum, s) => sum + s.dataBytes, 0)).toBe(30_000 - offs[5]!);
    expect(resumed.session!.bytes.equals(file)).toBe(true);
    expect(run.result).toMatchObject({ match: true, resent: 0, requests: 1 + rest.length });
  });

  it('an image the device already holds: off = len and match on the first answer, returns at once', async () => {
    const file = makeFile(30_000);
    const device = new FakeDevice();
    device.holds = sha256(file);
    const run = await upload(device, file);
    expect(run.result).toEqual({ startedAt: 30_000, match: true, requests: 1, resent: 0 });
    expect(run.starts).toEqual([[30_000, true]]);
    expect(device.sent).toHaveLength(1);
  });

  it('a device error rejects with its words (SmpDeviceError)', async () => {
    const file = makeFile(12_000);
    const device = new FakeDevice({ answer: (s, normal) => (s.first ? { err: { group: 1, rc: 9 } } : normal) });
    const error = await failure(upload(device, file));
    expect(error).toBeInstanceOf(SmpDeviceError);
    expect(error.code).toBe('not-enough-space');
    expect(error.message).toBe(
      'The secondary slot holds a pending or confirmed image; reset the board (or erase the slot) first (image upload: IMG_MGMT_ERR_NO_FREE_SLOT, rc 9).',
    );
    expect(device.sent).toHaveLength(1);
  });

  it('a device error mid-upload stops the upload, no retry', async () => {
    const file = makeFile(20_000);
    const offs = plannedOffsets(file.length);
    const device = new FakeDevice({
      answer: (s, normal) => (s.off === offs[3] ? { err: { group: 1, rc: 12 } } : normal),
    });
    const error = await failure(upload(device, file, { window: 1 }));
    expect(error).toBeInstanceOf(SmpDeviceError);
    expect(error.message).toContain('IMG_MGMT_ERR_FLASH_WRITE_FAILED');
    expect(device.sendsAt(offs[3]!)).toBe(1);
  });

  it('an offset beyond the image is refused with a sentence', async () => {
    const file = makeFile(12_000);
    const device = new FakeDevice({ answer: (s, normal) => (s.index === 1 ? { off: 99_999 } : normal) });
    const error = await failure(upload(device, file));
    expect(error.code).toBe('update-failed');
    expect(error.message).toContain('expects byte 99999 of a 12000-byte image');
  });

  it("cancel via AbortSignal while waiting for an answer: cancelled at the device's offset, at once", async () => {
    const file = makeFile(30_000);
    const offs = plannedOffsets(file.length);
    const controller = new AbortController();
    // Answers from the chunk at offs[3] on never come. The chunk at offs[5] goes out once the answer
    // ending at offs[3] was taken (window 3), so aborting then is deterministic, however slow the machine.
    const device = new FakeDevice({
      delay: (s) => (s.off >= offs[3]! ? 1_000 : 0),
      loseAnswer: (s) => {
        if (s.off === offs[5]) setTimeout(() => controller.abort(), 0);
        return s.off >= offs[3]!;
      },
    });
    const started = Date.now();
    const error = await failure(
      upload(device, file, { signal: controller.signal, timeouts: { ...TIMEOUTS, otherMs: 5_000, lastMs: 5_000 } }),
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error.code).toBe('cancelled');
    expect(error.message).toContain(`at byte ${offs[3]} of 30000`);
  });

  it('an already aborted signal sends nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const device = new FakeDevice();
    const error = await failure(upload(device, makeFile(5_000), { signal: controller.signal }));
    expect(error.code).toBe('cancelled');
    expect(device.sent).toHaveLength(0);
  });
});
