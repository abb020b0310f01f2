// A simulated ESPHome node with the web_server OTA handler (`ota_web_server.cpp`): `POST /update`
// multipart, the first file part streamed to the OTA backend with unknown size, and ALWAYS a
// 200 `text/plain` answer with `Connection: close`: `Update Successful!` or `Update Failed!` (the
// body is the only verdict). Reboot 100 ms after success. mDNS: `_esphomelib._tcp` (native API
// port) with the node's TXT, and `_http._tcp` for the web server. ESPHome has no firmware version
// endpoint for the web OTA path; by test convention `project_version` comes from the image's
// `OTA_BENCH_VERSION=` marker after an update.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { findVersionMarker } from '../esp-image.ts';
import { HttpBoard, type HttpBoardOptions } from '../http-board.ts';
import { macFromAddress } from '../identity.ts';
import type { MdnsService } from '../mdns-responder.ts';
import { drainBody, isMultipart, readMultipart } from '../request-body.ts';
import { SimAuth } from '../http-auth.ts';

export interface EsphomeBoardOptions extends HttpBoardOptions {
  /** Node name: mDNS host and instance (default `esphome-<6 hex of the MAC>`). */
  name?: string;
  friendlyName?: string;
  /** 12 hex digits (default from the address). */
  mac?: string;
  platform?: 'ESP32' | 'ESP8266';
  board?: string;
  /** ESPHome version of the running build (TXT `version`). */
  esphomeVersion?: string;
  projectName?: string;
  /** TXT `project_version` (null: not published). */
  projectVersion?: string | null;
  /** Native API port announced on `_esphomelib._tcp` (default 6053). */
  apiPort?: number;
  /** Bytes the OTA partition can take (default 1.25 MiB on ESP32, ~1 MB on ESP8266). */
  freeSpace?: number;
  /**
   * `web_server: auth:` credentials, checked by the middleware around each registered handler (GET /
   * and POST /update; an unknown path is a plain 404). ESP32 (ESP-IDF server): Basic realm "Login
   * Required", Basic only. ESP8266 (ESPAsyncWebServer): Digest realm "asyncesp" with opaque, and
   * Basic or Digest accepted (web_server_base.h, web_server_idf.cpp, ESPAsyncWebServer).
   */
  credentials?: { user: string; password: string } | null;
}

const INDEX_V2 =
  '<!DOCTYPE html><html><head><meta charset=UTF-8><link rel=icon href=data:></head><body><esp-app></esp-app><script src="https://oi.esphome.io/v2/www.js"></script></body></html>';
const TEXT = { 'Content-Type': 'text/plain', 'Access-Control-Allow-Origin': '*', Connection: 'close' };

export class EsphomeBoard extends HttpBoard {
  readonly kind = 'esphome';
  readonly hostname: string;
  readonly mac: string;
  readonly platform: 'ESP32' | 'ESP8266';
  friendlyName: string;
  board: string;
  esphomeVersion: string;
  projectName: string;
  projectVersion: string | null;
  apiPort: number;
  freeSpace: number;
  credentials: { user: string; password: string } | null;
  readonly auth: SimAuth | null;
  private stagedProjectVersion: { version: string | null } | null = null;

  constructor(options: EsphomeBoardOptions) {
    super(options);
    this.mac = (options.mac ?? macFromAddress(options.address, 'A4CF12')).toUpperCase();
    this.hostname = options.name ?? `esphome-${this.mac.slice(-6).toLowerCase()}`;
    this.friendlyName = options.friendlyName ?? `Bench node ${this.mac.slice(-4)}`;
    this.platform = options.platform ?? 'ESP32';
    this.board = options.board ?? (this.platform === 'ESP32' ? 'esp32dev' : 'nodemcuv2');
    this.esphomeVersion = options.esphomeVersion ?? '2026.10.1';
    this.projectName = options.projectName ?? 'ota-bench.sim-node';
    this.projectVersion = options.projectVersion === undefined ? '1.0.0' : options.projectVersion;
    this.apiPort = options.apiPort ?? 6053;
    this.freeSpace = options.freeSpace ?? (this.platform === 'ESP32' ? 0x140000 : 1_044_480);
    this.credentials = options.credentials ?? null;
    this.auth = this.credentials
      ? new SimAuth({ ...this.credentials, style: this.platform === 'ESP8266' ? 'esp-async' : 'basic' })
      : null;
  }

  get firmwareVersion(): string | null {
    return this.projectVersion;
  }

  protected mdnsServices(): MdnsService[] {
    const txt: Record<string, string> = {
      friendly_name: this.friendlyName,
      version: this.esphomeVersion,
      mac: this.mac.toLowerCase(),
      platform: this.platform,
      board: this.board,
      network: 'wifi',
      project_name: this.projectName,
    };
    if (this.projectVersion !== null) txt.project_version = this.projectVersion;
    return [
      { type: '_esphomelib._tcp', instance: this.hostname, port: this.apiPort, txt },
      { type: '_http._tcp', instance: this.hostname, port: this.port, txt: [] },
    ];
  }

  protected override onBoot(): void {
    if (this.stagedProjectVersion) this.projectVersion = this.stagedProjectVersion.version;
    this.stagedProjectVersion = null;
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://device').pathname;
    const handled = (path === '/update' && request.method === 'POST') || (path === '/' && request.method === 'GET');
    if (handled && this.auth && !this.auth.check(request)) {
      // Answer at once; a client still sending its body sees the connection close under it.
      this.send(response, 401, { ...TEXT, 'WWW-Authenticate': this.auth.challenge() }, '');
      return;
    }
    if (path === '/update' && request.method === 'POST') return this.receiveUpdate(request, response);
    await drainBody(request, () => this.quirks);
    if (path === '/' && request.method === 'GET') {
      if (this.quirks.garbageResponses) return this.sendGarbage(response);
      // web_server version 2's page, sent as the firmware stores it: gzip-compressed, with
      // Content-Encoding: gzip whatever the request accepts (handle_index_request); the app is
      // loaded from ESPHome's own host.
      return this.send(response, 200, { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip' }, gzipSync(INDEX_V2));
    }
    this.send(response, 404, { 'Content-Type': 'text/plain' }, 'Not Found');
  }

  /** The OTA backend's verdict on the streamed image: it must look like an app image and fit. */
  private accepts(image: Buffer): boolean {
    return image.length > 0 && image[0] === 0xe9 && image.length <= this.freeSpace;
  }

  private async receiveUpdate(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const parts = isMultipart(request)
      ? await readMultipart(request, () => this.quirks)
      : { ...(await drainBody(request, () => this.quirks)), parts: [] };
    if (!parts.complete) return;
    // Only the first file part reaches the OTA backend; later ones are ignored.
    const image = parts.parts.find((part) => part.filename !== undefined);
    const success = image !== undefined && this.accepts(image.data);
    const message = success ? 'Update Successful!' : 'Update Failed!';
    if (image)
      this.recordUpload(request, image, this.quirks.hangResponse ? 'hung' : success ? 'applied' : 'rejected', message);
    if (this.quirks.hangResponse) return;
    this.send(response, 200, TEXT, message);
    if (!success || !image) return;
    this.stagedProjectVersion = { version: findVersionMarker(image.data) };
    void this.reboot();
  }
}
