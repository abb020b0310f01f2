// A simulated ESP8266 running jeelabs/esp-link (lan-protocols.md §1–2; routes from esp-link/main.c,
// handlers from cgiflash.c, cgi.c, cgiservices.c). The HTTP server is esp-link's own HTTP/1.0 one
// (esp-link-httpd.ts); flash slots and the bootloader's verdict are in esp-link-flash.ts.
//
//  GET /flash/next      → `user2.bin` while running user1, else `user1.bin` (text/plain, length 9)
//  POST /flash/upload   → raw body written in 1024-byte pieces into the next slot (0x1000 / 0x81000);
//                         400 `Invalid request` / `Firmware image too large` / header errors
//                         (`<message>\r\n`, no Content-Length), 200 with no body after the last byte
//  /flash/reboot        → header check of the next slot, 200 `Content-Length: 0`, upgrade reboot 2 s later
//  /log/reset           → 200, plain restart 2 s later (same slot)
//  /system/info, /menu  → the firmware's JSON, byte for byte (note `"reset cause"` has a space)
//  /                    → 302 to /home.html (a small home page); anything else 404
// Flash routes answer 400 `Flash too small for OTA update` (errorResponse: no-cache headers, no
// CRLF) below the 1MB:512/512 map. No authentication.
//
// Boot model: after /flash/reboot the bootloader tries the slot just written. If bootVerdict() says
// it cannot run there (bad checksum or CRC, truncated, linked for the other slot, 1024+1024 image
// at 0x81000) or `alwaysReverts` is set, the board comes back in the old slot with reset cause
// `2=exception`. A good boot reports `4=restart` (system_upgrade_reboot is a software restart), as
// does /log/reset; a power-on (start()) reports `0=normal`. The running version is the image's
// `OTA_BENCH_VERSION=` marker, else the configured esp-link version string.
import type { IncomingHttpHeaders } from 'node:http';
import type { Server } from 'node:net';
import { createHash } from 'node:crypto';
import { findVersionMarker } from '../esp-image.ts';
import { buildEsp8266V2Image } from '../esp8266-v2-image.ts';
import { HttpBoard, type HttpBoardOptions, type ReceivedImage } from '../http-board.ts';
import type { MdnsService } from '../mdns-responder.ts';
import {
  ESP_LINK_FIRMWARE_SIZE,
  FlashSlot,
  SLOT_ADDRESS,
  bootVerdict,
  otherSlot,
  type Slot,
} from './esp-link-flash.ts';
import { createEspHttpd } from './esp-link-httpd.ts';
import { FLASH_MAPS, flashRoutes, infoRoutes } from './esp-link-routes.ts';
import { macFromAddress } from '../identity.ts';

export { FLASH_MAPS, RESET_CAUSES } from './esp-link-routes.ts';

export interface EspLinkBoardOptions extends HttpBoardOptions {
  /** flashConfig.hostname: mDNS host and instance, `/system/info` name (default `esp-link`). */
  hostname?: string;
  /** Slot running at power-on (default 1). */
  runningSlot?: Slot;
  /** system_get_flash_size_map(), 0–6 (default 4 = 4MB:512/512). Below 2, OTA is refused. */
  flashSizeMap?: number;
  /** esp-link version string of the factory image (default `esp-link v3.0.14-g963ffbb`). */
  version?: string;
  /** FIRMWARE_SIZE: the largest upload (default 503808). Slot 2 stays at 0x81000 regardless. */
  firmwareSizeLimit?: number;
  /** spi_flash_get_id() (default a BergMicro chip of the map's size: 0xE0, 0x40, size code). */
  flashChipId?: number;
  /** The pushed image never boots: every upgrade reboot comes back in the old slot. */
  alwaysReverts?: boolean;
  /** Station MAC, 12 hex digits (`/wifi/info`); defaults to one derived from the address. */
  mac?: string;
}

/** An upload as esp-link took it: `data` is what it read (and wrote to flash). */
export interface EspLinkUpload extends ReceivedImage {
  field: 'raw';
  /** Slot the pieces were written to, and its flash address. */
  slot: Slot;
  address: number;
  /** Content-Length as esp-link saw it (0 when it saw none). */
  declaredLength: number;
  /** HTTP status sent back; null when nothing was (connection lost, hangResponse). */
  status: number | null;
}

export interface EspLinkBootEvent {
  /** Slot running after this boot. */
  slot: Slot;
  /** An upgrade was attempted and the board came back in the old slot. */
  reverted: boolean;
  /** The board switched slots. */
  switched: boolean;
  resetCause: string;
  /** Why the new image did not boot (null otherwise). */
  reason: string | null;
}

const CHIP_SIZE_CODE = [0x13, 0x12, 0x14, 0x15, 0x16, 0x15, 0x16];
export const DEFAULT_ESP_LINK_VERSION = 'esp-link v3.0.14-g963ffbb';

/**
 * Events (besides HttpBoard's): `upload` (EspLinkUpload), `boot` (EspLinkBootEvent, emitted once
 * the board is back online after a reboot).
 */
export class EspLinkBoard extends HttpBoard {
  readonly kind = 'esp-link';
  readonly hostname: string;
  override readonly uploads: EspLinkUpload[] = [];
  readonly slots: Record<Slot, FlashSlot>;
  readonly defaultVersion: string;
  flashSizeMap: number;
  firmwareSizeLimit: number;
  flashChipId: number;
  alwaysReverts: boolean;
  /** Station MAC, 12 uppercase hex digits. */
  readonly mac: string;
  /** system_upgrade_userbin_check() + 1. */
  runningSlot: Slot;
  /** Version of the running image. */
  version: string;
  /** rst_info->reason (index into RESET_CAUSES). */
  resetCause = 0;
  /** system_upgrade_flag_set(UPGRADE_FLAG_FINISH) was called and the reboot timer runs system_upgrade_reboot. */
  upgradePending = false;
  lastBoot: EspLinkBootEvent | null = null;
  private rebootTimer: NodeJS.Timeout | null = null;

  constructor(options: EspLinkBoardOptions) {
    super({ ...options, rebootDelayMs: options.rebootDelayMs ?? 2000 });
    this.hostname = options.hostname ?? 'esp-link';
    this.runningSlot = options.runningSlot ?? 1;
    this.flashSizeMap = options.flashSizeMap ?? 4;
    if (!Number.isInteger(this.flashSizeMap) || this.flashSizeMap < 0 || this.flashSizeMap >= FLASH_MAPS.length) {
      throw new Error(
        `flashSizeMap must be 0–${FLASH_MAPS.length - 1} (esp-link's flash_maps table), got ${this.flashSizeMap}`,
      );
    }
    this.defaultVersion = options.version ?? DEFAULT_ESP_LINK_VERSION;
    this.version = this.defaultVersion;
    this.firmwareSizeLimit = options.firmwareSizeLimit ?? ESP_LINK_FIRMWARE_SIZE;
    this.flashChipId = options.flashChipId ?? (CHIP_SIZE_CODE[this.flashSizeMap]! << 16) | 0x40e0;
    this.alwaysReverts = options.alwaysReverts ?? false;
    this.mac = (options.mac ?? macFromAddress(options.address, '5CCF7F')).toUpperCase();
    const slotBytes = Math.max(0x80000, this.firmwareSizeLimit);
    this.slots = { 1: new FlashSlot(SLOT_ADDRESS[1], slotBytes), 2: new FlashSlot(SLOT_ADDRESS[2], slotBytes) };
    // The factory image in the running slot (no version marker: it reports `version`); the other is erased.
    this.slots[this.runningSlot].program(
      buildEsp8266V2Image({ slot: this.runningSlot, size: 96 * 1024, seed: 'esp-link factory' }),
    );
  }

  get firmwareVersion(): string {
    return this.version;
  }

  get nextSlot(): Slot {
    return otherSlot(this.runningSlot);
  }

  /** canOTA(): flash map at least FLASH_SIZE_8M_MAP_512_512. */
  get canOta(): boolean {
    return this.flashSizeMap >= 2;
  }

  /** A power-on: reset cause 0, and the RAM-only upgrade flag is gone. */
  override async start(): Promise<void> {
    if (this.state !== 'online') {
      this.resetCause = 0;
      this.upgradePending = false;
    }
    await super.start();
  }

  protected mdnsServices(): MdnsService[] {
    return [{ type: '_http._tcp', instance: this.hostname, port: this.port, txt: ['ssh_upload=no'] }];
  }

  protected handle(): void {
    throw new Error('EspLinkBoard serves HTTP/1.0 through createServer(), not the Node HTTP server');
  }

  protected override createServer(): Server {
    const flash = flashRoutes(this);
    const info = infoRoutes(this);
    const routes = { ...flash, ...info };
    return createEspHttpd({
      route: (url) => routes[url] ?? null,
      quirks: () => this.quirks,
      onRequest: (method, url) => this.emit('request', { method, url }),
      onFault: (error) => this.reportFault(error),
    });
  }

  /** (Re-)arms esp-link's single reboot timer: a later /flash/reboot or /log/reset replaces it. */
  scheduleReboot(upgrade: boolean): void {
    this.upgradePending = upgrade;
    this.cancel(this.rebootTimer);
    this.rebootTimer = this.later(this.quirks.rebootDelayMs, () => {
      this.rebootTimer = null;
      void this.reboot({ delayMs: 0 });
    });
  }

  recordEspUpload(entry: {
    headers: IncomingHttpHeaders;
    data: Buffer;
    slot: Slot;
    declaredLength: number;
    status: number | null;
    outcome: ReceivedImage['outcome'];
    message: string;
  }): EspLinkUpload {
    const upload: EspLinkUpload = {
      field: 'raw',
      filename: undefined,
      data: entry.data,
      size: entry.data.length,
      sha256: createHash('sha256').update(entry.data).digest('hex'),
      headers: entry.headers,
      at: Date.now(),
      outcome: entry.outcome,
      message: entry.message,
      slot: entry.slot,
      address: SLOT_ADDRESS[entry.slot],
      declaredLength: entry.declaredLength,
      status: entry.status,
    };
    this.uploads.push(upload);
    this.emit('upload', upload);
    return upload;
  }

  protected override onBoot(): void {
    this.cancel(this.rebootTimer);
    this.rebootTimer = null;
    let event: EspLinkBootEvent;
    if (this.upgradePending) {
      this.upgradePending = false;
      const target = this.nextSlot;
      const verdict = bootVerdict(this.slots[target].bytes, target);
      const reason = this.alwaysReverts ? 'alwaysReverts: the new image never boots' : verdict.reason;
      if (reason === null && verdict.image) {
        this.runningSlot = target;
        this.version = findVersionMarker(verdict.image) ?? this.defaultVersion;
        this.resetCause = 4;
        event = { slot: target, reverted: false, switched: true, resetCause: '4=restart', reason: null };
      } else {
        this.resetCause = 2;
        event = { slot: this.runningSlot, reverted: true, switched: false, resetCause: '2=exception', reason };
      }
    } else {
      this.resetCause = 4;
      event = { slot: this.runningSlot, reverted: false, switched: false, resetCause: '4=restart', reason: null };
    }
    this.lastBoot = event;
    this.once('online', () => this.emit('boot', event));
  }
}
