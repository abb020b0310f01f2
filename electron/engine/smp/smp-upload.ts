// MCUmgr image upload (ble-protocols.md §1.6–1.8): the first chunk goes alone (the device erases the
// slot and may answer with the offset of an interrupted session: resume), then up to `window`
// requests stay in flight. The device's `off` always wins: any answer that does not continue where
// we thought restarts sending from the offset it asks for. Timeouts follow Nordic's uploader: 40 s
// for the first chunk, 20 s for the last, 2.5 s for the others, 5 tries per offset.
import { UpdateError } from '../update-error.ts';
import type { CborMap, SmpRequest } from './smp-messages.ts';
import { imageUploadRequest, parseUploadResponse } from './smp-messages.ts';
import { SmpTimeoutError } from './smp-client.ts';
import { planChunk } from './upload-chunks.ts';

/** The waits of one SMP upload over any transport (not HTTP's: net/stream-upload.ts has HttpUploadTimeouts). */
export interface SmpUploadTimeouts {
  firstMs: number;
  lastMs: number;
  otherMs: number;
  triesPerOffset: number;
}

export const NORDIC_UPLOAD_TIMEOUTS: SmpUploadTimeouts = {
  firstMs: 40_000,
  lastMs: 20_000,
  otherMs: 2_500,
  triesPerOffset: 5,
};

/** What the uploader needs from an SMP client: queue a request, get its answer. */
export interface SmpSender {
  send(request: SmpRequest, timeoutMs: number): Promise<CborMap>;
}

export interface UploadInput {
  client: SmpSender;
  /** The whole file, as uploaded (`len` = its size). */
  file: Buffer;
  /** SHA-256 of the whole file: tags the session for resume and is checked at the end (`match`). */
  sha: Buffer;
  /**
   * Bytes of `sha` the first request carries (default all): fewer when a small packet cannot hold
   * it beside the MCUboot header (planFirstChunk). Trimmed: resume works, no `match`; 0: neither.
   */
  shaBytes?: number;
  /** Largest SMP packet (buf_size, or MTU − 3). */
  maxPacket: number;
  /** Requests in flight (1 = stop-and-wait). */
  window: number;
  /** Round non-final chunks down to this (old NCS firmware when pipelining). */
  alignment?: number;
  timeouts?: SmpUploadTimeouts;
  signal?: AbortSignal;
  /** The device's confirmed offset, whenever it moves (cheap: a number). */
  onOffset?(offset: number): void;
  /**
   * The first answer of this call: the device's offset, and whether it resumed an earlier session
   * with the same sha (or already holds the whole file) rather than taking our first chunk.
   */
  onStart?(offset: number, resumed: boolean): void;
  log?(text: string): void;
}

export interface UploadResult {
  /** Where the device resumed an earlier session with the same sha; 0 when it started afresh. */
  startedAt: number;
  /** The device's verdict on the whole file vs `sha`; null when it does not check (no image check). */
  match: boolean | null;
  /** Upload requests sent, and how many of those were re-sent. */
  requests: number;
  resent: number;
}

interface InFlight {
  off: number;
  end: number;
  /** Bumped on every restart: answers to requests of an older generation do not restart again. */
  generation: number;
  /** Send order: the device handles requests in this order, so the answer to the latest one is its current state. */
  index: number;
}

type Answer = { entry: InFlight; map: CborMap } | { entry: InFlight; error: unknown };

export async function uploadImage(input: UploadInput): Promise<UploadResult> {
  const { client, file, maxPacket, signal } = input;
  const len = file.length;
  const sha = input.sha.subarray(0, input.shaBytes ?? input.sha.length);
  const timeouts = input.timeouts ?? NORDIC_UPLOAD_TIMEOUTS;
  const window = Math.max(1, Math.floor(input.window));
  const tries = new Map<number, number>();
  const answers: Answer[] = [];
  let wake: (() => void) | null = null;
  const inFlight = new Set<InFlight>();
  let generation = 0;
  let next = 0;
  let deviceOffset = 0;
  let started = false;
  let startedAt = 0;
  let requests = 0;
  let resent = 0;
  let newestAnswered = -1;
  const sentOffsets = new Set<number>();

  const countTry = (offset: number, why: string): void => {
    const count = (tries.get(offset) ?? 0) + 1;
    tries.set(offset, count);
    if (count >= timeouts.triesPerOffset) {
      const what = `The upload made no progress at byte ${offset} of ${len} after ${count} tries (${why}).`;
      throw new UpdateError(
        'connection-lost',
        `${what} Move the device closer or check its log; the next push resumes from there.`,
      );
    }
  };

  const launch = (off: number): void => {
    const first = off === 0;
    const chunk = planChunk(first ? { off, len, shaBytes: sha.length } : { off }, len, maxPacket, input.alignment ?? 1);
    const end = off + chunk.dataBytes;
    const entry: InFlight = { off, end, generation, index: requests };
    const request = imageUploadRequest(
      first
        ? { off, len, sha: sha.length > 0 ? sha : undefined, data: file.subarray(off, end) }
        : { off, data: file.subarray(off, end) },
    );
    const timeoutMs = first ? timeouts.firstMs : end === len ? timeouts.lastMs : timeouts.otherMs;
    requests++;
    if (sentOffsets.has(off)) resent++;
    sentOffsets.add(off);
    inFlight.add(entry);
    next = end;
    client.send(request, timeoutMs).then(
      (map) => deliver({ entry, map }),
      (error: unknown) => deliver({ entry, error }),
    );
  };
  const deliver = (answer: Answer): void => {
    answers.push(answer);
    wake?.();
  };
  const restartFrom = (offset: number, why: string): void => {
    countTry(offset, why);
    generation++;
    next = offset;
  };

  const onAbort = (): void => wake?.();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await run();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }

  async function run(): Promise<UploadResult> {
    for (;;) {
      if (signal?.aborted)
        throw new UpdateError(
          'cancelled',
          `Upload cancelled at byte ${deviceOffset} of ${len}; the next push resumes from there.`,
        );
      // The first chunk travels alone: the device erases the slot first and may resume elsewhere.
      const limit = started ? window : 1;
      while (inFlight.size < limit && next < len) launch(next);
      if (answers.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        continue;
      }
      const answer = answers.shift()!;
      inFlight.delete(answer.entry);
      if ('error' in answer) {
        if (!(answer.error instanceof SmpTimeoutError)) throw answer.error;
        // A later answer may already have covered this chunk; an older generation was already restarted.
        if (deviceOffset >= answer.entry.end || answer.entry.generation !== generation) continue;
        input.log?.(
          `No answer in time to the chunk at byte ${answer.entry.off}; sending again from byte ${started ? deviceOffset : 0}.`,
        );
        restartFrom(started ? deviceOffset : 0, 'no answer');
        continue;
      }
      const parsed = parseUploadResponse(answer.map);
      const { off } = parsed;
      // Zephyr compares the stored file with the sha zero-padded to 32 bytes: after a trimmed (or no)
      // sha its `match: false` says nothing about the data.
      const match = sha.length === 32 ? parsed.match : null;
      if (off > len)
        throw new UpdateError(
          'update-failed',
          `The device says it expects byte ${off} of a ${len}-byte image; its upload state is inconsistent. Reset it and push again.`,
        );
      const firstAnswer = !started;
      if (firstAnswer) {
        started = true;
        const resumed = off !== answer.entry.end;
        startedAt = resumed ? off : 0;
        input.onStart?.(off, resumed);
      }
      // An answer overtaken by the answer to a later request is stale: it must not pull the offset back.
      if (answer.entry.index > newestAnswered) {
        newestAnswered = answer.entry.index;
        deviceOffset = off;
        input.onOffset?.(off);
      }
      if (off === len) {
        if (match === false) {
          throw new UpdateError(
            'integrity-failure',
            `The device stored all ${len} bytes, but they do not hash to the file's SHA-256 (match: false): the image was corrupted on the way. Push again.`,
          );
        }
        return { startedAt, match, requests, resent };
      }
      if (firstAnswer && off !== answer.entry.end) {
        // A resumed session: carry on from the device's offset.
        generation++;
        next = off;
      } else if (off !== answer.entry.end && answer.entry.generation === generation) {
        input.log?.(`The device expects byte ${off}, not ${answer.entry.end}: sending from there.`);
        restartFrom(off, `the device kept asking for byte ${off}`);
      } else if (off > next) {
        next = off;
      }
    }
  }
}
