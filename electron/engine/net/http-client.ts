// Small HTTP helpers over node:http for device RPCs and probes. We use node:http rather than fetch
// because boards need headers fetch forbids or rewrites (Host, Origin), and we want exact control
// over timeouts and the socket (a board that accepts and never answers must not hang a job).
import http from 'node:http';
import zlib from 'node:zlib';
import { UpdateError } from '../update-error.ts';
import { type Credentials, sendWithAuth } from './board-auth.ts';
import { refuseRedirectAway } from './redirects.ts';

export type { HttpResponse, Target } from './http-types.ts';
import type { HttpResponse, Target } from './http-types.ts';

export interface RequestOptions {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Bodies larger than this are cut (devices answering with megabytes of garbage). */
  maxBodyBytes?: number;
  /**
   * For a board that asks for them (Digest or Basic, see board-auth.ts). Absent: the credentials
   * remembered for this board, if any; null: none, so a 401 comes back as it is (the probe).
   */
  credentials?: Credentials | null;
}

export function hostHeader(target: Target): string {
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return target.port === 80 ? host : `${host}:${target.port}`;
}

/** `host` or `host:port` as a developer would type it (also the Host header value). */
export const describeTarget = hostHeader;

/**
 * One request with a total deadline (per round trip), answering the board's authentication
 * challenge when it has one; rejects with an UpdateError('connection-lost', …) on network failure.
 * Redirects are never followed; one that leads away from the board is an error (redirects.ts).
 */
export function httpRequest(target: Target, options: RequestOptions): Promise<HttpResponse> {
  const method = options.method ?? 'GET';
  if (options.credentials === null)
    return requestOnce(target, options, undefined).then((res) => refuseRedirectAway(target, res));
  return sendWithAuth(target, method, options.path, options.credentials, (authorization) =>
    requestOnce(target, options, authorization),
  );
}

function requestOnce(
  target: Target,
  options: RequestOptions,
  authorization: string | undefined,
): Promise<HttpResponse> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBody = options.maxBodyBytes ?? 256 * 1024;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: hostHeader(target), ...options.headers };
    if (authorization) headers.Authorization = authorization;
    if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
    const req = http.request({
      host: target.host,
      port: target.port,
      method: options.method ?? 'GET',
      path: options.path,
      headers,
      agent: false,
      signal: options.signal,
    });
    const timer = setTimeout(() => {
      req.destroy(
        new UpdateError('connection-lost', `${describeTarget(target)} did not answer within ${timeoutMs / 1000} s.`),
      );
    }, timeoutMs);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < maxBody) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('end', () => {
        clearTimeout(timer);
        const raw = Buffer.concat(chunks).subarray(0, maxBody);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: decoded(raw, res.headers['content-encoding'], maxBody).toString('utf8'),
        });
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(networkError(target, error));
      });
    });
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(networkError(target, error));
    });
    req.end(options.body);
  });
}

/**
 * ESPHome's web_server (v2/v3) serves its page gzip-compressed whatever the request asked: unpack
 * it, to the same size bound, so the page can be recognised. A body that does not unpack stays as it came.
 */
function decoded(body: Buffer, encoding: string | undefined, maxBytes: number): Buffer {
  if (encoding?.trim().toLowerCase() !== 'gzip') return body;
  try {
    return zlib.gunzipSync(body, { maxOutputLength: maxBytes, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return body;
  }
}

export function networkError(target: Target, error: unknown): UpdateError {
  if (error instanceof UpdateError) return error;
  const err = error as NodeJS.ErrnoException;
  const where = describeTarget(target);
  if (err?.name === 'AbortError') return new UpdateError('cancelled', 'Cancelled.');
  switch (err?.code) {
    case 'ECONNREFUSED':
      return new UpdateError(
        'connection-lost',
        `${where} refused the connection: nothing is listening on port ${target.port}.`,
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new UpdateError('connection-lost', `${where} is unreachable from this computer (no route to host).`);
    case 'ETIMEDOUT':
      return new UpdateError('connection-lost', `${where} did not accept the connection in time.`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new UpdateError('connection-lost', `${where} closed the connection.`);
    default:
      return new UpdateError('connection-lost', `Cannot talk to ${where}: ${err?.message ?? String(error)}.`);
  }
}
