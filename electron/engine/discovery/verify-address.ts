// A known board that appears at a new address must prove it is the same board before jobs, status
// or credentials follow it there: an impostor can copy a board's mDNS TXT `id`, or answer for its
// host name. The proof is the identity the board's protocol reports (protocols/board-identity.ts),
// asked WITHOUT credentials and compared with what the board said at the address already verified.
// A board that reboots onto a new DHCP lease passes; one that cannot say who it is without a
// password, or whose protocol reports no identity, stays unverified until the user adds it by address.
import type { ProtocolId } from '../../../shared/domain.ts';
import type { Target } from '../net/http-client.ts';
import {
  type BoardIdentity,
  type IdentityReading,
  compareIdentities,
  describeIdentity,
  readBoardIdentity,
} from '../protocols/board-identity.ts';

export interface AddressCheck {
  protocol: ProtocolId;
  /** The board's HTTP port: the same at the new address. */
  port: number;
  /** The verified address, and the identity recorded there (null: not learned yet). */
  home: { host: string; identity: BoardIdentity | null };
  /** The address that claims to be this board. */
  candidate: string;
  signal: AbortSignal;
}

export type AddressVerdict =
  | { verdict: 'same'; identity: BoardIdentity }
  | { verdict: 'different'; message: string }
  | { verdict: 'unverified'; message: string };

/** How the registry checks a new address; injected so tests need no sockets. */
export type AddressVerifier = (check: AddressCheck) => Promise<AddressVerdict>;

export type IdentityReader = (protocol: ProtocolId, target: Target, signal?: AbortSignal) => Promise<IdentityReading>;

const at = (host: string, port: number) => `${host.includes(':') ? `[${host}]` : host}${port === 80 ? '' : `:${port}`}`;

/** The row's words while the question is out. */
export function checkingMessage(candidate: string): string {
  return (
    `Address changed, checking: a board announcing itself as this one appeared at ${candidate}; ` +
    'OTA Bench is asking it which board it is before anything goes there.'
  );
}

export function unverifiedMessage(check: Pick<AddressCheck, 'home' | 'candidate' | 'port'>, why: string): string {
  const { home, candidate, port } = check;
  return (
    `Address changed, not verified: a board announcing itself as this one appeared at ${at(candidate, port)}, ` +
    `but ${why}. Jobs, status and credentials stay with ${at(home.host, port)}; ` +
    `if the board really moved, add it by address (${at(candidate, port)}).`
  );
}

export function differentDeviceMessage(
  check: Pick<AddressCheck, 'home' | 'candidate' | 'port'>,
  known: BoardIdentity,
  seen: BoardIdentity,
): string {
  const { home, candidate, port } = check;
  return (
    `A different device at ${at(candidate, port)} claims to be this board (possibly an impostor): ` +
    `it reports ${describeIdentity(seen)}, this board is ${describeIdentity(known)}. ` +
    `OTA Bench keeps using ${at(home.host, port)} and sends nothing to ${at(candidate, port)}.`
  );
}

async function readQuietly(
  read: IdentityReader,
  protocol: ProtocolId,
  target: Target,
  signal: AbortSignal,
): Promise<IdentityReading> {
  try {
    return await read(protocol, target, signal);
  } catch {
    return { identity: null, why: `it does not answer on port ${target.port}` };
  }
}

/** The default verifier: reads the candidate's identity (and the verified address's, if none was recorded) and compares. */
export async function verifyAddress(
  check: AddressCheck,
  read: IdentityReader = readBoardIdentity,
): Promise<AddressVerdict> {
  const seen = await readQuietly(read, check.protocol, { host: check.candidate, port: check.port }, check.signal);
  if (!seen.identity) return { verdict: 'unverified', message: unverifiedMessage(check, seen.why) };
  // Not recorded at the verified address yet (its probe got no answer): ask it now, if it still answers.
  const known =
    check.home.identity ??
    (await readQuietly(read, check.protocol, { host: check.home.host, port: check.port }, check.signal)).identity;
  if (!known) {
    return {
      verdict: 'unverified',
      message: unverifiedMessage(
        check,
        `OTA Bench never learned which board was at ${at(check.home.host, check.port)}, so there is nothing to compare with`,
      ),
    };
  }
  switch (compareIdentities(known, seen.identity)) {
    case 'same':
      return { verdict: 'same', identity: seen.identity };
    case 'different':
      return { verdict: 'different', message: differentDeviceMessage(check, known, seen.identity) };
    default:
      return {
        verdict: 'unverified',
        message: unverifiedMessage(
          check,
          `it reports ${describeIdentity(seen.identity)}, which cannot be compared with what this board reported (${describeIdentity(known)})`,
        ),
      };
  }
}
