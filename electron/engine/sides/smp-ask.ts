// The few SMP questions the serial and UDP sides ask on their own, outside a session: "is MCUmgr on
// this port?" (the probe), "is the board back after the reset?" (the connector), "is the UDP board
// still there?" (the liveness echo). One request at a time over a raw SmpTransport, answered by
// sequence number; a session (smp/smp-session.ts) takes over the transport afterwards.
import { SMP_OP, decodeSmpPacket } from '../smp/smp-frame.ts';
import {
  SMP_COMMAND,
  SMP_GROUP,
  checkResponse,
  encodeSmpRequest,
  imageStateReadRequest,
  mcumgrParamsRequest,
  parseImageState,
  parseMcumgrParams,
  type CborMap,
  type ImageSlotState,
  type McumgrParams,
  type SmpRequest,
} from '../smp/smp-messages.ts';
import type { SmpTransport } from '../smp/smp-transport.ts';

export function echoRequest(text = 'ota-bench'): SmpRequest {
  return { op: SMP_OP.write, group: SMP_GROUP.os, id: SMP_COMMAND.os.echo, body: { d: text }, what: 'echo' };
}

let nextSequence = Math.floor(Math.random() * 256);

/** The raw answer to one request (any SMP packet with its sequence number), or null after `timeoutMs`. */
export function askRaw(
  transport: SmpTransport,
  request: SmpRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ReturnType<typeof decodeSmpPacket> | null> {
  nextSequence = (nextSequence + 1) & 0xff;
  const sequence = nextSequence;
  return new Promise((resolve, reject) => {
    let stopPackets = () => {};
    let stopClose = () => {};
    const finish = (value: ReturnType<typeof decodeSmpPacket> | null, error?: Error) => {
      clearTimeout(timer);
      stopPackets();
      stopClose();
      signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve(value);
    };
    const onAbort = () => finish(null, new Error('cancelled'));
    const timer = setTimeout(() => finish(null), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    stopPackets = transport.onPacket((bytes) => {
      try {
        const packet = decodeSmpPacket(bytes);
        if (packet.header.sequence === sequence) finish(packet);
      } catch {
        // not an SMP packet we can read: keep waiting
      }
    });
    stopClose = transport.onClose((reason) => finish(null, new Error(reason)));
    transport.send(encodeSmpRequest(request, sequence, 2)).catch((error: Error) => finish(null, error));
  });
}

/** The checked answer map, or null when nothing answered in time; throws the board's error (SmpDeviceError). */
export async function ask(
  transport: SmpTransport,
  request: SmpRequest,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<CborMap | null> {
  const packet = await askRaw(transport, request, timeoutMs, signal);
  return packet ? checkResponse(packet, request) : null;
}

export interface SmpAnswer {
  /** Something answered SMP (even a refusal: an MCUmgr error is MCUmgr). */
  answered: boolean;
  /** `{buf_size, buf_count}` when the params request was answered with them. */
  params: McumgrParams | null;
}

/**
 * A params request, then an echo (params are opt-in firmware): any SMP answer to either counts. Repeats
 * the pair until `totalMs` is spent (a board still booting after a reset), each question bounded by `eachMs`.
 */
export async function pingSmp(
  transport: SmpTransport,
  options: { eachMs: number; totalMs: number; signal?: AbortSignal },
): Promise<SmpAnswer> {
  const deadline = Date.now() + options.totalMs;
  do {
    for (const request of [mcumgrParamsRequest(), echoRequest()]) {
      const left = Math.max(1, Math.min(options.eachMs, deadline - Date.now()));
      const packet = await askRaw(transport, request, left, options.signal);
      if (packet) {
        let params: McumgrParams | null = null;
        if (request.what === 'MCUmgr params') {
          try {
            params = parseMcumgrParams(checkResponse(packet, request));
          } catch {
            params = null;
          }
        }
        return { answered: true, params };
      }
      if (Date.now() >= deadline) break;
    }
  } while (Date.now() < deadline);
  return { answered: false, params: null };
}

/** The image list, or null when it was not answered in time. */
export async function readSlots(transport: SmpTransport, timeoutMs: number): Promise<ImageSlotState[] | null> {
  const map = await ask(transport, imageStateReadRequest(), timeoutMs);
  return map ? parseImageState(map) : null;
}
