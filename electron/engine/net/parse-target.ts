// Parses what a user types as a board address: `host`, `host:port`, `[v6]:port`, or an http:// URL.
// OTA Bench speaks plain HTTP to boards: `https://` is refused in words rather than quietly sent
// in clear text to port 80, which is what dropping the scheme used to do.
import net from 'node:net';
import { UpdateError } from '../update-error.ts';
import type { Target } from './http-client.ts';

export const HTTPS_NOT_SUPPORTED =
  'OTA Bench talks plain HTTP to boards; https:// is not supported yet. Give host[:port] to push over plain HTTP.';

/** Null when the text is not an address; throws for https:// (an address, but one we will not use as asked). */
export function parseTarget(text: string): Target | null {
  const trimmed = text.trim();
  if (/^https:\/\//i.test(trimmed)) throw new UpdateError('invalid-uri', HTTPS_NOT_SUPPORTED);
  const raw = trimmed.replace(/^http:\/\//i, '').replace(/\/.*$/, '');
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
  const [, host, port] = v6 ?? /^([^:]+)(?::(\d+))?$/.exec(raw) ?? [];
  if (!host) return null;
  const portNumber = port ? Number(port) : 80;
  if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) return null;
  const validHost = net.isIP(host) !== 0 || /^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*\.?$/i.test(host);
  return validHost ? { host, port: portNumber } : null;
}
