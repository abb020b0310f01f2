// Server-side HTTP authentication as each simulated firmware does it (its own code, not the
// client's, so the tests meet the boards' rules rather than our own):
// - `mongoose`: Mongoose OS `rpc.auth_file` / `http.auth_file` (htdigest): `Digest qop="auth",
//   realm="<auth_domain>", nonce="<hex of the time>", algorithm=MD5|SHA-256`, no opaque; a nonce
//   older than an hour (mg_check_nonce) is challenged again, without stale; the nonce count is not tracked.
// - `esp-async`: ESPAsyncWebServer's `requestAuthentication()` (ESPHome on ESP8266/Arduino cores):
//   `Digest realm="asyncesp", qop="auth", nonce="<32 hex>", opaque="<32 hex>"`, and `authenticate()`
//   takes Basic as well as MD5 Digest, checking the response only (nonce and opaque are not compared).
// - `basic`: ESP8266WebServer's default and ESPHome's ESP-IDF server: `Basic realm="Login Required"`.
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface SimAuthOptions {
  user: string;
  password: string;
  style: 'mongoose' | 'esp-async' | 'basic';
  /** Mongoose: `rpc.auth_domain` (the htdigest file's realm); default "RPC" as in the reference notes. */
  realm?: string;
  /** Mongoose `rpc.auth_algo`: MD5 (0) or SHA-256 (1). */
  algorithm?: 'MD5' | 'SHA-256';
  /** Mongoose takes a nonce for an hour; tests shorten it. */
  nonceLifetimeMs?: number;
}

function params(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  // Embedded servers parse with a simple key="value" scan; ours is the same kind.
  for (const match of header.matchAll(/([a-zA-Z*]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g))
    out[match[1]!.toLowerCase()] = (match[2] ?? match[3] ?? '').replace(/\\(.)/g, '$1');
  return out;
}

export class SimAuth {
  readonly options: SimAuthOptions;
  /** Every Authorization header received, for tests that check what the client sent. */
  readonly received: Array<string | undefined> = [];

  constructor(options: SimAuthOptions) {
    this.options = options;
  }

  get realm(): string {
    return (
      this.options.realm ??
      (this.options.style === 'mongoose' ? 'RPC' : this.options.style === 'esp-async' ? 'asyncesp' : 'Login Required')
    );
  }

  /** The WWW-Authenticate value of a 401. */
  challenge(): string {
    switch (this.options.style) {
      case 'mongoose':
        return `Digest qop="auth", realm="${this.realm}", nonce="${Math.floor(Date.now() / 1000).toString(16)}", algorithm=${this.options.algorithm ?? 'MD5'}`;
      case 'esp-async':
        return `Digest realm="${this.realm}", qop="auth", nonce="${randomBytes(16).toString('hex')}", opaque="${randomBytes(16).toString('hex')}"`;
      case 'basic':
        return `Basic realm="${this.realm}"`;
    }
  }

  check(request: IncomingMessage): boolean {
    const header = request.headers.authorization;
    this.received.push(header);
    if (!header) return false;
    const basic = `Basic ${Buffer.from(`${this.options.user}:${this.options.password}`).toString('base64')}`;
    if (this.options.style === 'basic') return header === basic;
    if (this.options.style === 'esp-async' && header.startsWith('Basic ')) return header === basic;
    if (!header.startsWith('Digest ')) return false;
    const p = params(header.slice(7));
    if (p.username !== this.options.user || p.realm !== this.realm || !p.nonce || !p.uri || !p.response) return false;
    const hash = this.options.style === 'mongoose' && this.options.algorithm === 'SHA-256' ? 'sha256' : 'md5';
    if (this.options.style === 'mongoose') {
      const issued = Number.parseInt(p.nonce, 16) * 1000;
      if (!/^[0-9a-f]+$/.test(p.nonce) || Date.now() - issued > (this.options.nonceLifetimeMs ?? 3_600_000))
        return false;
    }
    const h = (text: string) => createHash(hash).update(text).digest('hex');
    const ha1 = h(`${this.options.user}:${this.realm}:${this.options.password}`);
    const ha2 = h(`${request.method}:${p.uri}`);
    const expected = p.qop ? h(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2}`) : h(`${ha1}:${p.nonce}:${ha2}`);
    return p.response === expected;
  }
}
