// After a push the board reboots: we wait to see it go away, then come back — at its old address
// or wherever mDNS says it is now (a new DHCP lease) — and read what it runs. Both waits are
// bounded: a board that never returns ends the job with a clear result, never a hang.
import { UpdateError } from '../update-error.ts';
import type { Target } from '../net/http-client.ts';
import { describeTarget } from '../net/http-client.ts';
import type { FirmwareInfo, UpdateProtocol } from '../protocols/update-protocol.ts';
import { notBackInTime, silentAndUnannounced } from './job-messages.ts';

export interface RebootWatchOptions {
  protocol: UpdateProtocol;
  /** Where the board may be now; called on every poll (mDNS may move it). */
  candidates(): Target[];
  /** Uptime the board reported, and when: an uptime lower than that plus the time since proves a reboot. */
  uptimeBefore: { seconds: number; at: number } | null;
  /** How long to look for the board going away before assuming it rebooted faster than we poll. */
  goneWaitMs: number;
  /** Total budget to come back. */
  comeBackMs: number;
  pollMs: number;
  signal: AbortSignal;
  /** True when mDNS saw the board say goodbye or re-announce since the push. */
  reannounced(): boolean;
  /**
   * Epoch ms before which the board cannot have rebooted (esp-link waits 2 s after answering): mDNS
   * traffic before then is the old firmware still talking, not a reboot.
   */
  earliestRebootAt?: number;
  /** Epoch ms mDNS last heard the board: a silent board (ArduinoOTA) is back when it announces again. */
  lastHeard?(): number;
  /** Whether mDNS knows the board at all (false for one typed in as host:port). */
  announces?(): boolean;
  log(text: string): void;
}

export interface Returned {
  target: Target;
  info: FirmwareInfo | null;
  at: number;
  /** A silent board nothing announces: it was not seen coming back, only assumed to restart. */
  unseen?: true;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new UpdateError('cancelled', 'Cancelled while waiting for the board to reboot.'));
      },
      { once: true },
    );
  });

async function readAny(options: RebootWatchOptions): Promise<Returned | null> {
  for (const target of options.candidates()) {
    try {
      const info = await options.protocol.readFirmware(target, options.signal);
      return { target, info, at: Date.now() };
    } catch (error) {
      if (options.signal.aborted) throw error;
    }
  }
  return null;
}

/** Two seconds of slack cover whole-second uptimes and request latency. */
const rebootedSince = (info: FirmwareInfo | null, before: RebootWatchOptions['uptimeBefore']) =>
  info?.uptimeSeconds != null &&
  before != null &&
  info.uptimeSeconds < before.seconds + (Date.now() - before.at) / 1000 - 2;

/**
 * A board with nothing to ask (protocol.silentBoard) is back when mDNS hears it after the moment it
 * can have rebooted: its boot announcement. Nothing is read from it, so `info` stays null.
 */
async function waitForAnnouncement(options: RebootWatchOptions): Promise<Returned> {
  const started = Date.now();
  const rebootAt = Math.max(options.earliestRebootAt ?? started, started);
  const target = options.candidates()[0];
  if (target && options.announces?.() === false) {
    options.log(silentAndUnannounced());
    return { target, info: null, at: Date.now(), unseen: true };
  }
  while (Date.now() - started < options.comeBackMs) {
    const target = options.candidates()[0];
    if (target && (options.lastHeard?.() ?? 0) > rebootAt) {
      options.log(`The board announced itself again (mDNS) at ${describeTarget(target)}.`);
      return { target, info: null, at: Date.now() };
    }
    await sleep(Math.min(options.pollMs, 100), options.signal);
  }
  throw new UpdateError('update-failed', notBackInTime(options.comeBackMs));
}

export async function waitForReboot(options: RebootWatchOptions): Promise<Returned> {
  if (options.protocol.silentBoard) return waitForAnnouncement(options);
  const started = Date.now();
  let wentAway = false;
  while (!wentAway && Date.now() - started < options.goneWaitMs) {
    if (options.reannounced() && Date.now() >= (options.earliestRebootAt ?? 0)) break;
    const seen = await readAny(options);
    // A failed read before the board can have rebooted is a busy board (esp-link has six connection
    // slots), not a reboot: counting it would end the wait while the old firmware still runs.
    if (!seen) wentAway = Date.now() >= (options.earliestRebootAt ?? 0);
    else if (rebootedSince(seen.info, options.uptimeBefore)) return seen;
    // Poll fast here: a board without an uptime may be down for only a moment, and missing that
    // moment costs the whole goneWaitMs.
    else await sleep(Math.min(options.pollMs, 100), options.signal);
  }
  options.log(
    wentAway
      ? 'The board went offline to reboot.'
      : 'Did not see the board go offline; it may reboot faster than we poll.',
  );
  while (Date.now() - started < options.comeBackMs) {
    const seen = await readAny(options);
    if (seen) {
      options.log(`The board is back at ${describeTarget(seen.target)}.`);
      return seen;
    }
    await sleep(options.pollMs, options.signal);
  }
  throw new UpdateError('update-failed', notBackInTime(options.comeBackMs));
}
