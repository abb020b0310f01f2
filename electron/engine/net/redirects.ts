// Boards are never followed across a redirect. node:http does not follow redirects by itself, and
// nothing in OTA Bench does either: a 3xx that points at another host, port or scheme is an error
// in words, so the request (and the user's credentials) stay with the address they were meant for.
// A redirect within the same board (esp-link's `/` → `/home.html`) is returned as it is, unfollowed.
import { cleanText } from './sanitize.ts';
import { UpdateError } from '../update-error.ts';
import type { HttpResponse, Target } from './http-types.ts';

const where = (target: Target) => {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return target.port === 80 ? host : `${host}:${target.port}`;
};

/** True when `location` (a Location header) leads away from the board at `target`. */
export function leavesBoard(target: Target, location: string): boolean {
  let url: URL;
  try {
    url = new URL(location, `http://${where(target)}/`);
  } catch {
    return true; // unparseable: not somewhere we can call "the same board"
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return url.protocol !== 'http:' || host !== target.host.toLowerCase() || port !== target.port;
}

/** The response as it came, unless it redirects away from the board: then an UpdateError that says so. */
export function refuseRedirectAway(target: Target, res: HttpResponse): HttpResponse {
  if (res.status < 300 || res.status > 399) return res;
  const header = res.headers.location;
  const location = Array.isArray(header) ? header[0] : header;
  if (location === undefined || !leavesBoard(target, location)) return res;
  throw new UpdateError('update-failed', redirectRefused(where(target), res.status, location));
}

/** Why a redirect away from the board (at `board`, as host[:port]) ends the request. */
function redirectRefused(board: string, status: number, location: string): string {
  return (
    `${board} answered HTTP ${status}, redirecting to ${cleanText(location, 120) || 'another address'}. ` +
    `OTA Bench does not follow a board's redirects to another address and sends credentials only to the address ` +
    `they were given for (${board}).`
  );
}
