// Mongoose OS RPC over HTTP (rpc-common `mg_rpc_channel_http.c`): `POST /rpc/<Method>` with the
// args as JSON body (or `GET /rpc/<Method>?k=v`), answering with the bare result; `POST /rpc` with a
// whole frame `{id, method, params}`, answering with a frame. Errors are `{"code","message"}` with
// HTTP 403/404 when the code says so, else 500. CORS headers on everything; OPTIONS → 200.
import type { IncomingMessage, ServerResponse } from 'node:http';

export class RpcError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

export type RpcHandler = (args: Record<string, unknown>) => unknown;

export interface RpcChannel {
  /** Looks a method up at call time, so a firmware without some service can hide it. */
  method(name: string): RpcHandler | undefined;
  send(response: ServerResponse, status: number, headers: Record<string, string>, body: string): void;
  deviceId: string;
}

const CORS = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' };
const JSON_HEADERS = { 'Content-Type': 'application/json', ...CORS };

function httpStatusFor(code: number): number {
  return code === 403 || code === 404 ? code : 500;
}

function parseArgs(text: string): Record<string, unknown> | RpcError {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return new RpcError(400, 'Invalid JSON');
  }
}

/** GET query strings become args with values taken raw: `?a=1&b="x"` → `{a:1, b:"x"}`. */
function queryArgs(query: URLSearchParams): Record<string, unknown> | RpcError {
  const pairs = [...query.entries()].map(([key, value]) => `${JSON.stringify(key)}:${value}`);
  return parseArgs(pairs.length ? `{${pairs.join(',')}}` : '');
}

function invoke(
  channel: RpcChannel,
  method: string,
  args: Record<string, unknown> | RpcError,
): { result: unknown } | { error: RpcError } {
  if (args instanceof RpcError) return { error: args };
  const handler = channel.method(method);
  if (!handler) return { error: new RpcError(404, `No handler for ${method}`) };
  try {
    return { result: handler(args) ?? null };
  } catch (error) {
    return { error: error instanceof RpcError ? error : new RpcError(-1, String(error)) };
  }
}

/** Serves one /rpc request whose body was already read. */
export function serveRpc(channel: RpcChannel, request: IncomingMessage, response: ServerResponse, body: string): void {
  const url = new URL(request.url ?? '/', 'http://device');
  if (request.method === 'OPTIONS') return channel.send(response, 200, CORS, '');
  const method = decodeURIComponent(url.pathname.replace(/^\/rpc\/?/, ''));

  if (method === '') {
    // A full frame posted to /rpc.
    const frame = parseArgs(body);
    if (frame instanceof RpcError || typeof frame.method !== 'string') {
      return channel.send(
        response,
        400,
        JSON_HEADERS,
        JSON.stringify({ error: { code: 400, message: 'Invalid frame' } }),
      );
    }
    const params = (frame.params ?? frame.args ?? {}) as Record<string, unknown>;
    const outcome = invoke(channel, frame.method, params);
    const reply: Record<string, unknown> = { id: frame.id ?? 0, src: channel.deviceId };
    if (typeof frame.src === 'string') reply.dst = frame.src;
    if ('result' in outcome) reply.result = outcome.result;
    else reply.error = { code: outcome.error.code, message: outcome.error.message };
    return channel.send(response, 200, JSON_HEADERS, JSON.stringify(reply));
  }

  const args = request.method === 'GET' ? queryArgs(url.searchParams) : parseArgs(body);
  const outcome = invoke(channel, method, args);
  if ('result' in outcome) return channel.send(response, 200, JSON_HEADERS, JSON.stringify(outcome.result));
  const { code, message } = outcome.error;
  channel.send(response, httpStatusFor(code), JSON_HEADERS, JSON.stringify({ code, message }));
}
