// A simulated Arduino sketch running ESP8266HTTPUpdateServer / the ESP32 HTTPUpdateServer, plus the
// ArduinoOTA mDNS announcement. Quirks kept (shared reference §4.1–4.2): failures are HTTP 200
// `Update error: …`; Basic auth is judged when the file part starts but the 401 only comes after
// the whole body; the ESP32 server rejects uploads whose Origin is not `http://` + Host
// (200 `Update error: Wrong origin received!` without credentials, 401 with them); the
// "authenticated" flag survives between requests, so a POST with no file part reuses the last one.
// Arduino has no version endpoint: by test convention the board reads `OTA_BENCH_VERSION=<v>` from
// the image it applied and publishes it as TXT `version` on `_http._tcp`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { findVersionMarker } from '../esp-image.ts';
import { HttpBoard, type HttpBoardOptions } from '../http-board.ts';
import { macFromAddress } from '../identity.ts';
import type { MdnsService } from '../mdns-responder.ts';
import { drainBody, isMultipart, readMultipart, type MultipartPart } from '../request-body.ts';
import { firmwareCapacity, updaterError, type ArduinoVariant } from './arduino-updater.ts';

export interface ArduinoBoardOptions extends HttpBoardOptions {
  variant: ArduinoVariant;
  /** ESP8266 chip id, 6 hex digits (default from the address). */
  chipId?: string;
  /** ESP32 MAC, 12 hex digits (default from the address). */
  mac?: string;
  /** Web updater credentials; null/absent means no authentication. */
  credentials?: { user: string; password: string } | null;
  /** ESP.getFreeSketchSpace() (default ESP8266 1 MB-ish, ESP32 the 1.25 MiB OTA slot). */
  freeSketchSpace?: number;
  filesystemSize?: number;
  /** ESP8266 real flash size, checked against the image header (default 4 MiB). */
  flashChipRealSize?: number;
  /** Version the running sketch reports through TXT `version` (null: none). */
  version?: string | null;
  /** TXT `board` on `_arduino._tcp` (default `generic` / `esp32`). */
  boardId?: string;
  /** ArduinoOTA has a password: TXT auth_upload=yes (default: true when credentials are set). */
  otaPassword?: boolean;
  /** ESP32 only: the CSRF Origin check of arduino-esp32 PR #11530 (default true; older cores lack it). */
  originCheck?: boolean;
  /** ESP8266 only: extra time of the first boot after an update, while eboot copies the image. */
  stagedCopyMs?: number;
}

// The ESP32 server's filesystem field also accepts `.image` (HTTPUpdateServer.h); the ESP8266 one does not.
const formPage = (variant: 'esp8266' | 'esp32') => `<!DOCTYPE html>
     <html lang='en'>
     <head>
         <meta charset='utf-8'>
         <meta name='viewport' content='width=device-width,initial-scale=1'/>
     </head>
     <body>
     <form method='POST' action='' enctype='multipart/form-data'>
         Firmware:<br>
         <input type='file' accept='.bin,.bin.gz' name='firmware'>
         <input type='submit' value='Update Firmware'>
     </form>
     <form method='POST' action='' enctype='multipart/form-data'>
         FileSystem:<br>
         <input type='file' accept='${variant === 'esp32' ? '.bin,.bin.gz,.image' : '.bin,.bin.gz'}' name='filesystem'>
         <input type='submit' value='Update FileSystem'>
     </form>
     </body>
     </html>`;
const SUCCESS_PAGE = '<META http-equiv="refresh" content="15;URL=/">Update Success! Rebooting...';
const HTML = { 'Content-Type': 'text/html' };

export class ArduinoBoard extends HttpBoard {
  readonly kind: string;
  readonly hostname: string;
  readonly variant: ArduinoVariant;
  readonly mac: string;
  credentials: { user: string; password: string } | null;
  freeSketchSpace: number;
  filesystemSize: number;
  flashChipRealSize: number;
  version: string | null;
  originCheck: boolean;
  private readonly boardId: string;
  private readonly otaPassword: boolean;
  private readonly stagedCopyMs: number;
  /** HTTPUpdateServer's `_authenticated` member: set at each file part start, kept across requests. */
  private authenticated = false;
  /** What the next boot runs: set when an image was written, applied in onBoot. */
  private stagedVersion: { version: string | null } | null = null;

  constructor(options: ArduinoBoardOptions) {
    super(options);
    this.variant = options.variant;
    this.kind = `arduino-${options.variant}`;
    this.mac = (
      options.mac ?? macFromAddress(options.address, this.variant === 'esp8266' ? '5CCF7F' : '240AC4')
    ).toLowerCase();
    const chipId = (options.chipId ?? this.mac.slice(-6)).toLowerCase();
    this.hostname = this.variant === 'esp8266' ? `esp8266-${chipId}` : `esp32-${this.mac}`;
    this.credentials = options.credentials ?? null;
    this.freeSketchSpace = options.freeSketchSpace ?? (this.variant === 'esp8266' ? 1_044_480 : 0x140000);
    this.filesystemSize = options.filesystemSize ?? (this.variant === 'esp8266' ? 0x100000 : 0x160000);
    this.flashChipRealSize = options.flashChipRealSize ?? 0x400000;
    this.version = options.version === undefined ? '1.0.0' : options.version;
    this.originCheck = options.originCheck ?? true;
    this.boardId = options.boardId ?? (this.variant === 'esp8266' ? 'generic' : 'esp32');
    this.otaPassword = options.otaPassword ?? this.credentials !== null;
    this.stagedCopyMs = options.stagedCopyMs ?? 0;
  }

  get firmwareVersion(): string | null {
    return this.version;
  }

  protected override onBoot(): void {
    if (this.stagedVersion) this.version = this.stagedVersion.version;
    this.stagedVersion = null;
  }

  protected mdnsServices(): MdnsService[] {
    return [
      {
        type: '_arduino._tcp',
        instance: this.hostname,
        port: this.variant === 'esp8266' ? 8266 : 3232,
        txt: { tcp_check: 'no', ssh_upload: 'no', board: this.boardId, auth_upload: this.otaPassword ? 'yes' : 'no' },
      },
      {
        type: '_http._tcp',
        instance: this.hostname,
        port: this.port,
        txt: this.version ? { version: this.version } : [],
      },
    ];
  }

  private hasValidCredentials(request: IncomingMessage): boolean {
    if (!this.credentials) return true;
    const header = request.headers.authorization ?? '';
    const expected = Buffer.from(`${this.credentials.user}:${this.credentials.password}`).toString('base64');
    return header === `Basic ${expected}`;
  }

  private requestAuthentication(response: ServerResponse): void {
    this.send(response, 401, { ...HTML, 'WWW-Authenticate': 'Basic realm="Login Required"' }, '');
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://device').pathname;
    if (path === '/update' && request.method === 'POST') return this.receiveUpload(request, response);
    await drainBody(request, () => this.quirks);
    if (path === '/update' && request.method === 'GET') {
      if (!this.hasValidCredentials(request)) return this.requestAuthentication(response);
      if (this.quirks.garbageResponses) return this.sendGarbage(response);
      return this.send(response, 200, HTML, formPage(this.variant));
    }
    if (path === '/update' && request.method === 'OPTIONS' && this.variant === 'esp8266') {
      return this.send(
        response,
        200,
        { 'Content-Type': 'text/plain', 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': '*' },
        'y',
      );
    }
    this.send(response, 404, { 'Content-Type': 'text/plain' }, `Not found: ${path}`);
  }

  /** Runs the upload handler for one file part: UPLOAD_FILE_START … UPLOAD_FILE_END. */
  private processFilePart(request: IncomingMessage, part: MultipartPart): string | null {
    this.authenticated = this.hasValidCredentials(request);
    if (!this.authenticated) return null;
    if (this.variant === 'esp32' && this.originCheck) {
      const expectedOrigin = `http://${request.headers.host ?? ''}`;
      if ((request.headers.origin ?? '') !== expectedOrigin) {
        this.authenticated = false;
        return null;
      }
    }
    const target = part.name === 'filesystem' ? 'filesystem' : 'firmware';
    const capacity = target === 'filesystem' ? this.filesystemSize : firmwareCapacity(this.freeSketchSpace);
    return updaterError(this.variant, target, part.data, { capacity, flashChipRealSize: this.flashChipRealSize });
  }

  private async receiveUpload(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // The WebServer parses the whole multipart body before the POST handler runs.
    const form = isMultipart(request)
      ? await readMultipart(request, () => this.quirks)
      : { ...(await drainBody(request, () => this.quirks)), parts: [] };
    if (!form.complete) return; // UPLOAD_FILE_ABORTED: Update.end(), nobody to answer
    const files = form.parts.filter((part) => part.filename !== undefined);
    let error: string | null = null;
    let applied: MultipartPart | null = null;
    for (const part of files) {
      error = this.processFilePart(request, part);
      applied = error === null && this.authenticated ? part : null;
    }
    const reply = this.authenticated ? (error === null ? SUCCESS_PAGE : `Update error: ${error}`) : 'unauthenticated';
    for (const part of files) {
      const outcome = this.quirks.hangResponse ? 'hung' : part === applied ? 'applied' : 'rejected';
      this.recordUpload(request, part, outcome, part === files.at(-1) ? reply : 'superseded by a later part');
    }
    if (this.quirks.hangResponse) return;
    if (!this.authenticated) {
      if (this.variant === 'esp32' && !this.credentials)
        return this.send(response, 200, HTML, 'Update error: Wrong origin received!');
      return this.requestAuthentication(response);
    }
    this.send(response, 200, HTML, reply);
    if (error !== null) return;
    const newSketch = applied !== null && applied.name !== 'filesystem';
    if (applied && newSketch) this.stagedVersion = { version: findVersionMarker(applied.data) };
    const copyMs = newSketch && this.variant === 'esp8266' ? this.stagedCopyMs : 0;
    void this.reboot({ bootMs: this.quirks.bootMs + copyMs });
  }
}
