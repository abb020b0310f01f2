// Which board is this? What each firmware says about itself that another board would not say the
// same way, read WITHOUT credentials: these questions go to addresses that have not yet proved they
// are the board the user gave a password for (discovery/verify-address.ts). Sources:
// lan-protocols.md §3.2 (Mongoose `Sys.GetInfo`: `id`, `mac`), esp-link `cgiwifi.c` printWifiInfo
// (`/wifi/info`: the station `mac`; `/system/info`'s `id` is the flash chip's JEDEC id, the same on
// every board of a model, so it does not tell boards apart). ESPHome's web server and Arduino's
// HTTPUpdateServer report nothing that identifies the board.
// Note: this tells boards apart; it is not proof against a device built to copy another's answers.
import { z } from 'zod';
import type { ProtocolId } from '../../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../../shared/domain.ts';
import { type Target, httpRequest } from '../net/http-client.ts';
import { cleanText, normaliseMac } from '../net/sanitize.ts';
import { parseSysInfo } from './mongoose-sysinfo.ts';

export interface BoardIdentity {
  /** The firmware's own device id (Mongoose `device.id`). */
  id: string | null;
  /** 12 lowercase hex digits. */
  mac: string | null;
}

/** An identity, or why there is none: words that finish "…, but <why>". */
export type IdentityReading = { identity: BoardIdentity } | { identity: null; why: string };

const wifiInfoSchema = z.looseObject({ mac: z.string().optional() });

/** A Mongoose `Sys.GetInfo` answer (the probe's, or any other) as an identity. */
export function mongooseIdentity(info: { identity: string | null; mac: string | null } | null): BoardIdentity | null {
  const id = cleanText(info?.identity, 100) || null;
  const mac = normaliseMac(info?.mac);
  return id || mac ? { id, mac } : null;
}

const ask = (target: Target, path: string, signal: AbortSignal | undefined, method = 'GET') =>
  httpRequest(target, {
    method,
    path,
    signal,
    timeoutMs: 3000,
    maxBodyBytes: 16 * 1024,
    // Never the user's credentials: this address has not shown it is their board yet.
    credentials: null,
    ...(method === 'POST' ? { body: '{}', headers: { 'Content-Type': 'application/json' } } : {}),
  });

async function readMongoose(target: Target, signal?: AbortSignal): Promise<IdentityReading> {
  const res = await ask(target, '/rpc/Sys.GetInfo', signal, 'POST');
  if (res.status === 401)
    return {
      identity: null,
      why: 'it asks for a password before it says which board it is (Sys.GetInfo), and OTA Bench sends no password to an address that has not proved it is the board',
    };
  const identity = res.status === 200 ? mongooseIdentity(parseSysInfo(res.body)) : null;
  return identity
    ? { identity }
    : { identity: null, why: `it did not answer Sys.GetInfo with a device id or MAC (HTTP ${res.status})` };
}

/** esp-link's station MAC, from `/wifi/info` (no authentication on esp-link). */
export async function readEspLinkMac(target: Target, signal?: AbortSignal): Promise<string | null> {
  const res = await ask(target, '/wifi/info', signal);
  if (res.status !== 200) return null;
  try {
    const parsed = wifiInfoSchema.safeParse(JSON.parse(res.body));
    return parsed.success ? normaliseMac(parsed.data.mac) : null;
  } catch {
    return null;
  }
}

async function readEspLink(target: Target, signal?: AbortSignal): Promise<IdentityReading> {
  const mac = await readEspLinkMac(target, signal);
  return mac ? { identity: { id: null, mac } } : { identity: null, why: 'it did not report its MAC on /wifi/info' };
}

/**
 * Asks the board at `target` which board it is, as its protocol allows, without credentials.
 * Rejects only when nothing answers (the caller says so in its own words).
 */
export async function readBoardIdentity(
  protocol: ProtocolId,
  target: Target,
  signal?: AbortSignal,
): Promise<IdentityReading> {
  switch (protocol) {
    case 'mongoose-os':
      return readMongoose(target, signal);
    case 'esp-link':
      return readEspLink(target, signal);
    case 'esphome-web':
      return {
        identity: null,
        why: "ESPHome's web server does not say which board it is (its MAC is only in its mDNS announcement, which any device can copy, and in its native API, which OTA Bench does not speak)",
      };
    case 'esphome-native':
      return {
        identity: null,
        why: "ESPHome's native OTA does not say which board it is (its MAC is only in its mDNS announcement, which any device can copy)",
      };
    case 'arduino-esp8266':
    case 'arduino-esp32':
      return { identity: null, why: "Arduino's HTTPUpdateServer does not say which board it is" };
    default:
      return { identity: null, why: `OTA Bench cannot ask a ${PROTOCOL_LABELS[protocol]} board which board it is` };
  }
}

/** `same`: every detail both report agrees (at least one); `different`: one disagrees; `incomparable`: none in common. */
export function compareIdentities(known: BoardIdentity, seen: BoardIdentity): 'same' | 'different' | 'incomparable' {
  const pairs = [
    [known.id, seen.id],
    [known.mac, seen.mac],
  ].filter(([a, b]) => a !== null && b !== null);
  if (pairs.length === 0) return 'incomparable';
  return pairs.every(([a, b]) => a === b) ? 'same' : 'different';
}

/** `device id esp32_0A0B0C, MAC 240ac400000a` */
export function describeIdentity(identity: BoardIdentity): string {
  const parts = [
    identity.id ? `device id ${identity.id}` : null,
    identity.mac ? `MAC ${identity.mac.replace(/(..)(?!$)/g, '$1:')}` : null,
  ];
  return parts.filter(Boolean).join(', ') || 'no identity';
}
