// esp-link's web server (`httpd/httpd.c`, the esphttpd fork) on a raw `net` server, because its
// wire behaviour is what a client has to cope with and Node's http module would hide it:
//  - answers are `HTTP/1.0 <code> OK` (code < 400) or `HTTP/1.0 <code> ERROR`, `Server: esp-link`,
//    `Connection: close`; the connection is closed once the answer is out (no keep-alive);
//  - 6 connection slots: a 7th connection is dropped at once, without an answer;
//  - the request head is at most 1024 bytes (a longer one never ends: no answer); only `GET ` and
//    `POST ` request lines are understood (any other method: no answer at all);
//  - `Content-Length:` is matched case-sensitively (a lower-case `content-length` is not seen,
//    so the request has no body); no chunked transfer encoding (it counts as no body);
//  - a body is handed to the handler in 1024-byte pieces, the first one only once it is complete,
//    so every route answers only after min(Content-Length, 1024) body bytes arrived;
//  - once a handler is done, the rest of the body is ignored and the connection closed: a client
//    still streaming sees a reset (EPIPE / ECONNRESET) after the answer;
//  - unknown URLs: `HTTP/1.0 404 Not Found` with `Not Found.\r\n`.
import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import type { BodyQuirks } from '../request-body.ts';

export const MAX_CONN = 6;
const MAX_HEAD_LEN = 1024;
const MAX_POST = 1024;
const NOT_FOUND =
  'HTTP/1.0 404 Not Found\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nNot Found.\r\n';

/** `HTTPD_CGI_DONE` / `HTTPD_CGI_MORE`, plus `hang`: the simulator's "never answer" quirk. */
export type CgiResult = 'done' | 'more' | 'hang';

/** What a handler sees: esp-link's HttpdConnData, with the response helpers of httpd.c. */
export interface HttpdRequest {
  method: 'GET' | 'POST';
  /** Path without the query string. */
  url: string;
  /** Query string (after `?`), or null. */
  args: string | null;
  /** Header lines as sent, names lower-cased (for the record; the firmware only reads a few). */
  headers: IncomingHttpHeaders;
  /** Content-Length as esp-link parsed it (0 when it did not see one). */
  contentLength: number;
  /** Body bytes received so far. */
  received: number;
  /** The current body piece (at most 1024 bytes); null when the request had no Content-Length. */
  piece: Buffer | null;
  /** False when the connection went away: the handler is called once more to clean up. */
  connected: boolean;
  /** The handler's own state across pieces (cgiPrivData). */
  state: unknown;
  startResponse(code: number): void;
  header(name: string, value: string): void;
  endHeaders(): void;
  send(data: string | Buffer): void;
  /** httpdRedirect: a complete 302 answer. */
  redirect(location: string): void;
}

export type Cgi = (request: HttpdRequest) => CgiResult;

export interface EspHttpdOptions {
  /** The handler for a URL, or null for the built-in 404. */
  route(url: string): Cgi | null;
  quirks(): BodyQuirks;
  onRequest?(method: string, url: string): void;
  onFault?(error: Error): void;
}

/** esp-link's `atoi`: leading spaces skipped by the caller, then an optional sign and digits. */
function atoi(text: string): number {
  const match = /^[+-]?\d+/.exec(text);
  return match ? Number(match[0]) : 0;
}

class HttpdConnection {
  private readonly socket: net.Socket;
  private readonly options: EspHttpdOptions;
  private head = Buffer.alloc(0);
  /** httpd.c's post->len: -1 while reading the head, then the body length still expected (0: none). */
  private postLen = -1;
  private pieceParts: Buffer[] = [];
  private pieceBytes = 0;
  private pieceSize = 0;
  private received = 0;
  private request: HttpdRequest | null = null;
  private cgi: Cgi | null = null;
  private output: Buffer[] = [];
  private finished = false;
  private closed = false;
  /** Destroyed by the simulator (dropAfterBytes): stop consuming at once. */
  private gone = false;
  private readonly queue: Buffer[] = [];
  private pumping = false;

  constructor(socket: net.Socket, options: EspHttpdOptions) {
    this.socket = socket;
    this.options = options;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {}); // resets by the client are ordinary
    socket.on('close', () => this.onClose());
  }

  private onData(chunk: Buffer): void {
    if (this.finished || this.closed) return;
    if (!this.options.quirks().bytesPerSecond && this.queue.length === 0) return this.consume(chunk);
    this.queue.push(chunk);
    this.socket.pause();
    if (!this.pumping) this.pump();
  }

  /** Feeds queued data at the throttled rate (bytesPerSecond), in slices of 1/20 s, holding the socket meanwhile. */
  private pump(): void {
    const chunk = this.queue.shift();
    if (!chunk || this.closed || this.finished) {
      this.pumping = false;
      if (!this.closed && !this.finished) this.socket.resume();
      return;
    }
    this.pumping = true;
    const rate = this.options.quirks().bytesPerSecond;
    if (!rate) {
      this.consume(chunk);
      return this.pump();
    }
    const slice = chunk.subarray(0, Math.max(256, Math.floor(rate / 20)));
    if (slice.length < chunk.length) this.queue.unshift(chunk.subarray(slice.length));
    // Absolute times from when pacing started, so timer lateness does not slow the board below its
    // rate; a sender that fell behind earns no burst.
    const now = Date.now();
    if (!this.pace || this.pace.rate !== rate || this.pace.since + (this.pace.bytes / rate) * 1000 < now - 20)
      this.pace = { since: now, bytes: 0, rate };
    this.pace.bytes += slice.length;
    setTimeout(
      () => {
        if (this.closed) return;
        this.consume(slice);
        this.pump();
      },
      Math.max(0, this.pace.since + (this.pace.bytes / rate) * 1000 - now),
    );
  }

  private pace: { since: number; bytes: number; rate: number } | null = null;

  /** httpdRecvCb: head bytes, then body bytes in pieces. */
  private consume(data: Buffer): void {
    let at = 0;
    while (at < data.length && !this.finished && !this.closed && !this.gone) {
      if (this.postLen < 0) at += this.consumeHead(data.subarray(at));
      else if (this.postLen > 0) at += this.consumeBody(data.subarray(at));
      else return; // nothing more is read for this request (ignored until the close)
    }
  }

  private consumeHead(data: Buffer): number {
    const before = this.head.length;
    const room = MAX_HEAD_LEN - before;
    // A head that fills the buffer without ending never ends: every further byte is dropped.
    if (room <= 0) return data.length;
    this.head = Buffer.concat([this.head, data.subarray(0, room)]);
    const end = this.head.indexOf('\r\n\r\n', Math.max(0, before - 3), 'latin1');
    if (end < 0) return data.length;
    this.head = this.head.subarray(0, end + 4);
    this.parseHead(this.head.toString('latin1', 0, end));
    return end + 4 - before;
  }

  private parseHead(text: string): void {
    let method: 'GET' | 'POST' | null = null;
    let url: string | null = null;
    let contentLength: number | null = null;
    const headers: IncomingHttpHeaders = {};
    for (const line of text.split('\r\n')) {
      if (line.startsWith('GET ') || line.startsWith('POST ')) {
        method = line.startsWith('GET ') ? 'GET' : 'POST';
        url = line.slice(method.length + 1).split(' ')[0]!;
        continue;
      }
      if (line.startsWith('Content-Length:')) contentLength = atoi(line.slice(15).replace(/^ +/, ''));
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    if (contentLength !== null && contentLength < 0) {
      // httpd.c would take a negative length as "still reading the head" and misbehave; the
      // simulator just never answers.
      this.finished = true;
      return;
    }
    this.postLen = contentLength ?? 0;
    this.pieceSize = Math.min(this.postLen, MAX_POST);
    if (method === null || url === null) return; // "WtF? url = NULL": no answer, ever
    const query = url.indexOf('?');
    this.request = this.makeRequest(
      method,
      query < 0 ? url : url.slice(0, query),
      query < 0 ? null : url.slice(query + 1),
      headers,
      contentLength,
    );
    this.options.onRequest?.(method, this.request.url);
    if (this.postLen === 0) this.process();
  }

  private consumeBody(data: Buffer): number {
    let take = Math.min(data.length, this.pieceSize - this.pieceBytes, this.postLen - this.received);
    if (take <= 0) return data.length; // past the declared length: ignored
    const { dropAfterBytes } = this.options.quirks();
    const drop = dropAfterBytes !== null && this.received + take >= dropAfterBytes;
    if (drop) take = Math.max(0, dropAfterBytes - this.received);
    this.pieceParts.push(data.subarray(0, take));
    this.pieceBytes += take;
    this.received += take;
    if (this.request) this.request.received = this.received;
    if (take > 0 && (this.pieceBytes >= this.pieceSize || this.received === this.postLen)) {
      const piece = Buffer.concat(this.pieceParts);
      this.pieceParts = [];
      this.pieceBytes = 0;
      if (this.request) {
        this.request.piece = piece;
        this.process();
      }
    }
    if (!drop) return take;
    this.gone = true;
    this.socket.destroy();
    return data.length;
  }

  private makeRequest(
    method: 'GET' | 'POST',
    url: string,
    args: string | null,
    headers: IncomingHttpHeaders,
    contentLength: number | null,
  ): HttpdRequest {
    const write = (data: string | Buffer) =>
      this.output.push(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
    return {
      method,
      url,
      args,
      headers,
      contentLength: contentLength ?? 0,
      received: 0,
      // post->buff is only allocated when a Content-Length header was seen.
      piece: contentLength === null ? null : Buffer.alloc(0),
      connected: true,
      state: undefined,
      startResponse: (code) =>
        write(`HTTP/1.0 ${code} ${code < 400 ? 'OK' : 'ERROR'}\r\nServer: esp-link\r\nConnection: close\r\n`),
      header: (name, value) => write(`${name}: ${value}\r\n`),
      endHeaders: () => write('\r\n'),
      send: write,
      redirect: (location) =>
        write(
          `HTTP/1.0 302 Found\r\nServer: esp8266-link\r\nConnection: close\r\nLocation: ${location}\r\n\r\nRedirecting to ${location}\r\n`,
        ),
    };
  }

  /** httpdProcessRequest: find the handler once, run it, flush, and close when it is done. */
  private process(): void {
    const request = this.request;
    if (!request) return;
    if (!this.cgi) {
      this.cgi = this.options.route(request.url);
      if (!this.cgi) {
        this.output.push(Buffer.from(NOT_FOUND, 'latin1'));
        return this.finish();
      }
    }
    let result: CgiResult;
    try {
      result = this.cgi(request);
    } catch (error) {
      this.options.onFault?.(error as Error);
      this.output = [
        Buffer.from('HTTP/1.0 500 ERROR\r\nServer: esp-link\r\nConnection: close\r\n\r\nsimulator error\r\n', 'latin1'),
      ];
      result = 'done';
    }
    if (result === 'more') return this.flush();
    if (result === 'hang') {
      this.finished = true;
      this.cgi = null;
      this.output = [];
      return;
    }
    this.cgi = null;
    this.finish();
  }

  private flush(): void {
    if (this.output.length === 0 || this.closed) return;
    this.socket.write(Buffer.concat(this.output));
    this.output = [];
  }

  /** Done: send what is left, stop reading, close (a client still sending gets a reset). */
  private finish(): void {
    this.finished = true;
    this.postLen = 0;
    this.flush();
    if (this.closed) return;
    this.socket.pause();
    this.socket.end(() => this.socket.destroy());
  }

  /** httpdDisconCb / httpdReconCb: a handler that was not done gets its clean-up call. */
  private onClose(): void {
    this.closed = true;
    const cgi = this.cgi;
    this.cgi = null;
    if (cgi && this.request) {
      this.request.connected = false;
      try {
        cgi(this.request);
      } catch (error) {
        this.options.onFault?.(error as Error);
      }
    }
  }
}

/** A `net.Server` that behaves like esp-link's httpd on port 80. */
export function createEspHttpd(options: EspHttpdOptions): net.Server {
  const open = new Set<net.Socket>();
  return net.createServer((socket) => {
    if (open.size >= MAX_CONN) {
      // "HTTP: conn pool overflow!": espconn_disconnect, no answer.
      socket.on('error', () => {});
      socket.destroy();
      return;
    }
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    new HttpdConnection(socket, options);
  });
}
