// What OTA Bench knows about each board's HTTP authentication: the credentials the user gave for
// it and the last challenge it sent (a Digest session with its nonce count, or Basic). Every HTTP
// request to a board goes through `sendWithAuth`, which answers challenges: a first 401 (or one to a
// header built from an old nonce) is answered once with the new challenge, a `stale=true` nonce is
// retried once more, anything else is the board's verdict (wrong user name or password).
import type { HttpResponse, Target } from './http-types.ts';
import { DigestSession, basicAuthorization, strongestDigest } from './digest-auth.ts';
import { type Challenge, parseChallenges } from './www-authenticate.ts';
import { cleanText } from './sanitize.ts';
import { refuseRedirectAway } from './redirects.ts';

export interface Credentials {
  user: string;
  password: string;
}

interface BoardAuth {
  credentials?: Credentials;
  session?: DigestSession;
  basic?: boolean;
  /** The last challenge the board sent, in words (see describeChallenge). */
  asked?: string | null;
}

const boards = new Map<string, BoardAuth>();
const keyOf = (target: Target) => `${target.host.toLowerCase()}:${target.port}`;

function stateOf(target: Target): BoardAuth {
  let state = boards.get(keyOf(target));
  if (!state) {
    state = {};
    boards.set(keyOf(target), state);
  }
  return state;
}

/** Credentials for this board from now on (RPCs after a push, status, commit, a board back on a new address). */
export function rememberCredentials(target: Target, credentials: Credentials): void {
  stateOf(target).credentials = credentials;
}

export function rememberedCredentials(target: Target): Credentials | null {
  return boards.get(keyOf(target))?.credentials ?? null;
}

/** How the board last asked for credentials (`HTTP Digest (realm "RPC", MD5)`), or null if it never did. */
export function lastChallenge(target: Target): string | null {
  return boards.get(keyOf(target))?.asked ?? null;
}

/**
 * The user forgot this board's credentials: later requests go without them (until given again). How
 * the board asks stays known, so a plan still says it needs a password.
 */
export function forgetCredentials(target: Target): void {
  const state = boards.get(keyOf(target));
  if (state) state.credentials = undefined;
}

/** Tests: start from nothing. */
export function forgetBoardAuth(): void {
  boards.clear();
}

function authorization(
  state: BoardAuth,
  credentials: Credentials,
  method: string,
  uri: string,
  basicUpFront: boolean,
): string | undefined {
  if (state.session) return state.session.authorize(credentials, method, uri);
  if (state.basic || basicUpFront) return basicAuthorization(credentials);
  return undefined;
}

/** Takes in a 401's challenges; false when none is one we can answer. */
function learn(state: BoardAuth, challenges: Challenge[]): boolean {
  const digest = strongestDigest(challenges);
  if (digest) {
    state.session = new DigestSession(digest);
    state.basic = false;
    return true;
  }
  if (challenges.some((c) => c.scheme === 'basic')) {
    state.session = undefined;
    state.basic = true;
    return true;
  }
  return false;
}

export interface AuthOptions {
  /** Send Basic before any challenge (Arduino's HTTPUpdateServer answers 401 only after the whole body). */
  basicUpFront?: boolean;
  /**
   * A cheap request that makes the board challenge, sent first when no challenge is known yet, so a
   * large body goes out once, already authenticated.
   */
  preflight?: () => Promise<unknown>;
}

/**
 * Sends a request (through `send`, which sets the Authorization header it is given) and answers the
 * board's challenges. Without credentials (given or remembered), the first answer is returned as
 * it is: a 401 then says what the board wants (see `describeChallenge`).
 */
export async function sendWithAuth(
  target: Target,
  method: string,
  uri: string,
  credentials: Credentials | null | undefined,
  sendAsIs: (authorization: string | undefined) => Promise<HttpResponse>,
  options: AuthOptions = {},
): Promise<HttpResponse> {
  // Never across a redirect: an answer pointing elsewhere ends here, before anything is sent again.
  const send = async (authorization: string | undefined) => refuseRedirectAway(target, await sendAsIs(authorization));
  // What the user gave last is what this board gets from now on (status, commit, a later push).
  if (credentials) rememberCredentials(target, credentials);
  const creds = credentials ?? rememberedCredentials(target);
  const state = stateOf(target);
  if (!creds) {
    const res = await send(undefined);
    if (res.status === 401) state.asked = describeChallenge(res.headers['www-authenticate']);
    return res;
  }
  if (!state.session && !state.basic && options.preflight) await options.preflight().catch(() => undefined);
  let sent = authorization(state, creds, method, uri, options.basicUpFront ?? false);
  let answeredFresh = false;
  let staleRetried = false;
  for (;;) {
    const sentNonce = state.session?.challenge.nonce;
    const sentScheme = sent?.split(' ')[0]?.toLowerCase();
    const res = await send(sent);
    if (res.status !== 401) return res;
    state.asked = describeChallenge(res.headers['www-authenticate']);
    const challenges = parseChallenges(res.headers['www-authenticate']);
    if (!learn(state, challenges)) return res;
    const digest = state.session?.challenge;
    // A header from an old nonce (or none, or another scheme) earns one answer to the new challenge;
    // the same scheme and nonce refused means the user name or password is wrong.
    const fresh =
      !answeredFresh &&
      (sent === undefined ||
        sentScheme !== (digest ? 'digest' : 'basic') ||
        (digest !== undefined && digest.nonce !== sentNonce));
    const stale = !fresh && digest?.stale === true && !staleRetried;
    if (!fresh && !stale) return res;
    if (fresh) answeredFresh = true;
    else staleRetried = true;
    sent = authorization(state, creds, method, uri, false);
  }
}

/** A 401's challenge in words: `HTTP Digest (realm "RPC", SHA-256)`; null when there is none. */
export function describeChallenge(header: string | string[] | undefined): string | null {
  const challenges = parseChallenges(header);
  const digest = strongestDigest(challenges);
  // Realms come from the board: printable and short before they reach a terminal.
  if (digest) return `HTTP Digest (realm "${cleanText(digest.realm, 64)}", ${digest.algorithm.name})`;
  const basic = challenges.find((c) => c.scheme === 'basic');
  if (basic)
    return `HTTP Basic${basic.params.realm !== undefined ? ` (realm "${cleanText(basic.params.realm, 64)}")` : ''}`;
  const other = challenges[0];
  return other ? `HTTP ${cleanText(other.scheme, 32)}, which OTA Bench cannot answer` : null;
}
