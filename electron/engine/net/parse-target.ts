// Parses what a user types as a board address: `host`, `host:port`, `[v6]:port`, or a URL.
import net from 'node:net';
import type { Target } from './http-client.ts';

export function parseTarget(text: string): Target | null {
  const raw = text.trim().replace(/^https?:\/\//i, '').replace(/\/.*$/, '');
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(raw);
  const [, host, port] = v6 ?? /^([^:]+)(?::(\d+))?$/.exec(raw) ?? [];
  if (!host) return null;
  const portNumber = port ? Number(port) : 80;
  if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) return null;
  const validHost = net.isIP(host) !== 0 || /^[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*\.?$/i.test(host);
  return validHost ? { host, port: portNumber } : null;
}
