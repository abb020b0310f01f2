// Small clients for driving simulated boards from tests: curl (what a developer would type) and
// node:http with form-data (to control timing, headers and partial bodies).
import { execFile } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import http from 'node:http';
import { promisify } from 'node:util';
import FormData from 'form-data';

const run = promisify(execFile);

export interface CurlResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** curl's exit code (0 ok, 52 empty reply, 56 recv failure, 28 timeout…). */
  exitCode: number;
}

/** Runs curl with `-sS -i`, never throwing on HTTP or transport errors. */
export async function curl(...args: string[]): Promise<CurlResult> {
  let stdout: string;
  let exitCode = 0;
  try {
    ({ stdout } = await run('curl', ['-sS', '-i', '-H', 'Expect:', ...args], { encoding: 'latin1' }));
  } catch (error) {
    const failure = error as { code?: number; stdout?: string };
    exitCode = typeof failure.code === 'number' ? failure.code : -1;
    stdout = failure.stdout ?? '';
  }
  const split = stdout.indexOf('\r\n\r\n');
  const head = split >= 0 ? stdout.slice(0, split) : '';
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return {
    status: Number(statusLine.split(' ')[1] ?? 0),
    headers,
    body: split >= 0 ? stdout.slice(split + 4) : '',
    exitCode,
  };
}

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface UploadOptions {
  url: string;
  field?: string;
  filename?: string;
  data: Buffer;
  fields?: Record<string, string>;
  /** Extra fields appended after the file part. */
  fieldsAfter?: Record<string, string>;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** The multipart body and headers form-data builds (Content-Length included). */
export function multipartBody(options: Omit<UploadOptions, 'url'>): { body: Buffer; headers: Record<string, string> } {
  const form = new FormData();
  for (const [key, value] of Object.entries(options.fields ?? {})) form.append(key, value);
  form.append(options.field ?? 'file', options.data, {
    filename: options.filename ?? 'image.bin',
    contentType: 'application/octet-stream',
  });
  for (const [key, value] of Object.entries(options.fieldsAfter ?? {})) form.append(key, value);
  const body = form.getBuffer();
  return { body, headers: { ...form.getHeaders(), 'Content-Length': String(body.length) } };
}

/** POSTs a multipart upload with node:http. Rejects on transport errors (reset, timeout). */
export function upload(options: UploadOptions): Promise<HttpReply> {
  const { body, headers } = multipartBody(options);
  return request(options.url, {
    method: 'POST',
    headers: { ...headers, ...options.headers },
    body,
    timeoutMs: options.timeoutMs,
  });
}

export function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; timeoutMs?: number } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('latin1'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error('client timeout')));
    req.end(options.body);
  });
}

/** POSTs JSON to a Mongoose RPC endpoint. */
export function rpc(baseUrl: string, method: string, args: unknown = {}): Promise<HttpReply & { json: unknown }> {
  return request(`${baseUrl}/rpc/${method}`, {
    method: 'POST',
    body: JSON.stringify(args),
    headers: { 'Content-Type': 'application/json' },
  }).then((reply) => ({ ...reply, json: safeJson(reply.body) }));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Resolves with the event's arguments, or rejects after `timeoutMs`. */
export function nextEvent<T extends unknown[] = unknown[]>(
  emitter: EventEmitter,
  event: string,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    };
    emitter.once(event, listener);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns true, failing after `timeoutMs`. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
