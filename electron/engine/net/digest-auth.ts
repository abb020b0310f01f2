// HTTP Digest access authentication, client side (RFC 7616): MD5, SHA-256 and SHA-512-256, their
// -sess variants, qop=auth (and the qop-less RFC 2069 form old servers use), userhash, and one
// session per challenge that reuses the nonce with an incrementing nonce count. Mongoose OS RPC
// (`rpc.auth_file`, htdigest) and ESPAsyncWebServer (ESPHome on ESP8266) challenge with Digest.
//
// Why our own: the npm packages we looked at (digest-header, www-authenticate, request-digest,
// digest-fetch, http-auth-client) are MD5-only, keep one global nonce count, split the header on
// every comma (qop="auth,auth-int" breaks them), or are built around fetch/axios while our uploads
// are node:http streams. The RFC part is ~100 lines and is checked against the RFC's own vectors.
import { createHash, randomBytes } from 'node:crypto';
import type { Challenge } from './www-authenticate.ts';

interface Algorithm {
  /** The name as RFC 7616 spells it, echoed back in `algorithm=`. */
  name: string;
  hash: 'md5' | 'sha256' | 'sha512-256';
  session: boolean;
}

const ALGORITHMS: Record<string, Algorithm> = {
  md5: { name: 'MD5', hash: 'md5', session: false },
  'md5-sess': { name: 'MD5-sess', hash: 'md5', session: true },
  'sha-256': { name: 'SHA-256', hash: 'sha256', session: false },
  'sha-256-sess': { name: 'SHA-256-sess', hash: 'sha256', session: true },
  'sha-512-256': { name: 'SHA-512-256', hash: 'sha512-256', session: false },
  'sha-512-256-sess': { name: 'SHA-512-256-sess', hash: 'sha512-256', session: true },
};

/** Stronger first: RFC 7616 §3.7 asks the client to use the strongest algorithm it understands. */
const STRENGTH = ['sha-512-256', 'sha-256', 'md5'];

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque: string | null;
  algorithm: Algorithm;
  /** Whether the server named the algorithm (old servers do not; then we do not name it either). */
  algorithmNamed: boolean;
  /** `auth` when offered; null for the RFC 2069 form without qop. */
  qop: 'auth' | null;
  stale: boolean;
  userhash: boolean;
}

/** The Digest challenge we can answer, or null (another scheme, qop=auth-int only, unknown algorithm, no nonce). */
export function digestChallenge(challenge: Challenge): DigestChallenge | null {
  if (challenge.scheme !== 'digest') return null;
  const p = challenge.params;
  if (p.realm === undefined || !p.nonce) return null;
  const algorithm = ALGORITHMS[(p.algorithm ?? 'MD5').toLowerCase()];
  if (!algorithm) return null;
  let qop: 'auth' | null = null;
  if (p.qop !== undefined) {
    const offered = p.qop.split(',').map((q) => q.trim().toLowerCase());
    if (!offered.includes('auth')) return null; // auth-int would mean hashing the whole firmware first
    qop = 'auth';
  }
  return {
    realm: p.realm,
    nonce: p.nonce,
    opaque: p.opaque ?? null,
    algorithm,
    algorithmNamed: p.algorithm !== undefined,
    qop,
    stale: p.stale?.toLowerCase() === 'true',
    userhash: p.userhash?.toLowerCase() === 'true',
  };
}

/** Of several Digest challenges (one per algorithm, RFC 7616 §3.7), the strongest we can answer. */
export function strongestDigest(challenges: Challenge[]): DigestChallenge | null {
  const usable = challenges.map(digestChallenge).filter((c): c is DigestChallenge => c !== null);
  const rank = (c: DigestChallenge) => STRENGTH.indexOf(c.algorithm.name.toLowerCase().replace(/-sess$/, ''));
  return usable.sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

export interface DigestInput {
  challenge: DigestChallenge;
  username: string;
  password: string;
  method: string;
  /** The request-target exactly as sent (path and query). */
  uri: string;
  nc: number;
  cnonce: string;
}

const hex = (algorithm: Algorithm, text: string) => createHash(algorithm.hash).update(text, 'utf8').digest('hex');

/** The `response` value of RFC 7616 §3.4.1. */
export function digestResponse(input: DigestInput): string {
  const { challenge: c, username, password, method, uri, cnonce } = input;
  const h = (text: string) => hex(c.algorithm, text);
  let ha1 = h(`${username}:${c.realm}:${password}`);
  if (c.algorithm.session) ha1 = h(`${ha1}:${c.nonce}:${cnonce}`);
  const ha2 = h(`${method}:${uri}`);
  if (c.qop === null) return h(`${ha1}:${c.nonce}:${ha2}`);
  return h(`${ha1}:${c.nonce}:${ncText(input.nc)}:${cnonce}:${c.qop}:${ha2}`);
}

const ncText = (nc: number) => nc.toString(16).padStart(8, '0');

/** A quoted-string: backslash before `"` and `\` (RFC 9110 §5.6.4). */
const quote = (value: string) => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** The Authorization header value for one request. */
export function digestAuthorization(input: DigestInput): string {
  const { challenge: c } = input;
  const user = c.userhash ? hex(c.algorithm, `${input.username}:${c.realm}`) : input.username;
  // RFC 7616 §3.4.4: a user name that is not plain ASCII goes in username* (RFC 8187 encoding).
  const plain = /^[\x20-\x7e]*$/.test(user);
  const parts = [
    plain ? `username=${quote(user)}` : `username*=UTF-8''${encodeURIComponent(user)}`,
    `realm=${quote(c.realm)}`,
    `uri=${quote(input.uri)}`,
  ];
  if (c.algorithmNamed) parts.push(`algorithm=${c.algorithm.name}`);
  parts.push(`nonce=${quote(c.nonce)}`);
  if (c.qop) parts.push(`nc=${ncText(input.nc)}`, `cnonce=${quote(input.cnonce)}`, `qop=${c.qop}`);
  parts.push(`response=${quote(digestResponse(input))}`);
  if (c.opaque !== null) parts.push(`opaque=${quote(c.opaque)}`);
  if (c.userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}

/**
 * One server nonce in use: every request reuses it with the next nonce count (RFC 7616 §3.4), so
 * after the first challenge a board is answered without another 401 round trip.
 */
export class DigestSession {
  private nc = 0;
  readonly challenge: DigestChallenge;
  constructor(challenge: DigestChallenge) {
    this.challenge = challenge;
  }

  authorize(credentials: { user: string; password: string }, method: string, uri: string): string {
    this.nc += 1;
    const cnonce = randomBytes(16).toString('hex');
    return digestAuthorization({
      challenge: this.challenge,
      username: credentials.user,
      password: credentials.password,
      method,
      uri,
      nc: this.nc,
      cnonce,
    });
  }
}

export function basicAuthorization(credentials: { user: string; password: string }): string {
  return `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`, 'utf8').toString('base64')}`;
}
