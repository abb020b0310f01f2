// A Zephyr-like MCUmgr SMP server without a transport (ble-protocols.md §1), written from the spec and
// Zephyr's behaviour, independently of the engine: SMP v1/v2 headers and both error shapes, os_mgmt
// (echo, reset, MCUmgr params, os info, bootloader info), img_mgmt (state read/write, upload with
// off/len/sha/data, erase) and MCUboot's swap on reset: test → swap → revert at the next reset unless
// confirmed; a bad or non-bootable image is not booted. The BLE peripheral (ble/smp-peripheral.ts), the
// UDP board (udp-smp-board.ts) and the serial board (serial-smp-board.ts) carry its packets.
//
// `mode` picks the answers of one real build (recorded-zephyr-answers.json, from Zephyr 4.4.0 smp_server
// under QEMU): 'zephyr-swap' is the qemu_cortex_m0 MCUboot swap build (buf 384 × 4, no bootloader info),
// 'no-state-writes' the mps2_an385 build (buf 2048 × 4, image state writes answer rc 8; its MCUboot
// RAM-loads the newest valid slot at boot instead of swapping, and the list marks that slot active
// and confirmed, in slot order),
// 'bootloader-info' a newer app that answers os_mgmt bootloader info (id 8). In these modes answers are
// encoded as Zephyr's zcbor does (indefinite-length maps and arrays: the real header lengths) and the
// last upload answer has no `match` (CONFIG_IMG_ENABLE_IMAGE_CHECK is off in those builds). Without a
// mode it is the BLE simulator's long-standing Zephyr-like server.
//
// Variant `legacy: true` is Mynewt-like: no params, v1 headers only in answers, `rc` in every response.
import { createHash } from 'node:crypto';
import { decode, encode } from 'cborg';
import { parseMcubootImage, type ParsedImage } from '../ble/mcuboot-image.ts';
import { encodeZcbor } from './zcbor-encode.ts';

/** mcumgr_err_t */
export const MGMT_ERR = {
  EOK: 0,
  EUNKNOWN: 1,
  ENOMEM: 2,
  EINVAL: 3,
  ENOENT: 5,
  EBADSTATE: 6,
  EMSGSIZE: 7,
  ENOTSUP: 8,
  UNSUPPORTED_TOO_NEW: 13,
} as const;
/** img_mgmt v2 group errors used here. */
export const IMG_ERR = {
  NO_FREE_SLOT: 9,
  INVALID_OFFSET: 20,
  INVALID_LENGTH: 21,
  INVALID_IMAGE_HEADER_MAGIC: 23,
  INVALID_HASH: 24,
  HASH_NOT_FOUND: 8,
  IMAGE_ALREADY_PENDING: 28,
  INVALID_IMAGE_TOO_LARGE: 30,
  INVALID_IMAGE_DATA_OVERRUN: 31,
  IMAGE_SETTING_TEST_TO_ACTIVE_DENIED: 33,
  INVALID_SLOT: 14,
} as const;

/**
 * MCUboot modes as os_mgmt bootloader info reports them ({query: "mode"} → {mode}): Zephyr's
 * subsys/mgmt/mcumgr/grp/os_mgmt/src/os_mgmt.c answers MCUBOOT_MODE_* from MCUboot's bootutil
 * (boot/bootutil/include/bootutil/boot_status.h); the same numbers in Nordic's client,
 * NordicSemiconductor/Android-nRF-Connect-Device-Manager McuMgrBootloaderInfoResponse.java.
 */
export const MCUBOOT_MODE = {
  SINGLE_APP: 0,
  SWAP_USING_SCRATCH: 1,
  OVERWRITE_ONLY: 2,
  SWAP_WITHOUT_SCRATCH: 3,
  DIRECT_XIP: 4,
  DIRECT_XIP_WITH_REVERT: 5,
  RAM_LOAD: 6,
} as const;

/** Which real build the server answers like (see the file comment). */
export type SmpServerMode = 'zephyr-swap' | 'no-state-writes' | 'bootloader-info';

export interface SmpImage {
  bytes: Buffer;
  info: ParsedImage;
}

export interface SmpServerOptions {
  /** Answer like this real build (undefined: the BLE simulator's server). */
  mode?: SmpServerMode;
  /** MCUMGR_TRANSPORT_NETBUF_SIZE: one SMP packet incl. header (default 384, or the mode's). */
  bufSize?: number;
  /** MCUMGR_TRANSPORT_NETBUF_COUNT (default 4). */
  bufCount?: number;
  /** Old Mynewt-like server: no reassembly, no params, v1 answers, rc always present. */
  legacy?: boolean;
  /** The image in slot 0 at power-on (confirmed). */
  initialImage: Buffer;
  slotSize?: number;
  /** Erase time per 4 KiB page, ms (default 85, nRF52-like). */
  erasePageMs?: number;
  /** Flash write rate, bytes per second (default 100 000). */
  flashWriteBytesPerSec?: number;
  /** SMP processing time per request, ms (default 1). */
  processingMs?: number;
  /** CONFIG_MCUMGR_GRP_OS_RESET_MS (default 250). */
  resetDelayMs?: number;
  /** Boot time without a swap, ms (default 300). */
  bootMs?: number;
  /** MCUboot swap time, ms (default 2000). */
  swapMs?: number;
  /** CONFIG_MCUMGR_GRP_OS_MCUMGR_PARAMS (default true): false answers the params read with ENOTSUP. */
  params?: boolean;
  /** Mode 'bootloader-info': the MCUboot mode reported (default 3, swap without scratch). */
  bootloaderMode?: number;
  /** CONFIG_MCUMGR_GRP_IMG_ALLOW_ERASE_PENDING (default false): erase may clear a pending slot 1. */
  allowErasePending?: boolean;
  /** Quirk: after a reset the device never comes back. */
  neverReturnAfterReset?: boolean;
  /** Decide whether an image, once swapped in, crashes at boot (default: never). A crash resets → revert. */
  crashesAtBoot?: (image: SmpImage) => boolean;
  /** Told after every change worth saving (see snapshot()): 'flash' = slots or swap flags changed, or the
   *  device finished booting; 'upload' = the upload session advanced; 'disconnect' = the central left. */
  onChange?: (what: SmpChange) => void;
}

export type SmpChange = 'flash' | 'upload' | 'disconnect';

/** The device's state across processes: the flash (slots, swap flags) and the upload session in RAM. */
export interface SmpSnapshot {
  slots: [Buffer, Buffer | null];
  pendingSwap: 'test' | 'perm' | null;
  revertOnNextBoot: boolean;
  /** `received` holds the first `off` bytes. */
  upload: { len: number; off: number; sha: Buffer | null; received: Buffer; done: boolean } | null;
}

export interface UploadSession {
  len: number;
  off: number;
  sha: Buffer | null;
  data: Buffer;
  done: boolean;
}

export interface SmpRequestPacket {
  op: number;
  ver: number;
  group: number;
  seq: number;
  id: number;
  payload: Buffer;
}

type ReplyMap = Record<string, unknown>;

export interface SmpLogEntry {
  t: number;
  what: string;
}

/** Time as the server sees it: the BLE simulator's virtual clock, or real time (realClock). */
export interface SmpClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: SmpClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Counters for tests (the transport ones are kept here too, so one object tells the whole story). */
export interface SmpStats {
  bytesReceived: number;
  requests: number;
  droppedNoBuffer: number;
  droppedReassembly: number;
  /** Requests larger than buf_size, dropped without an answer (serial, UDP). */
  droppedOversize: number;
  resets: number;
  swaps: number;
  reverts: number;
}

const MODE_BUF_SIZE: Record<SmpServerMode, number> = {
  'zephyr-swap': 384,
  'no-state-writes': 2048,
  'bootloader-info': 384,
};

export function parseSmpRequest(packet: Buffer): SmpRequestPacket {
  return {
    op: packet[0]! & 0x07,
    ver: (packet[0]! >> 3) & 0x03,
    group: packet.readUInt16BE(4),
    seq: packet[6]!,
    id: packet[7]!,
    payload: Buffer.from(packet.subarray(8)),
  };
}

export class SmpServer {
  readonly options: SmpServerOptions;
  /** Slot 0 (primary, runs) and slot 1 (secondary). */
  slots: [SmpImage, SmpImage | null];
  /** Slot 1 is marked for the next boot: 'test' (one boot) or 'perm'. */
  pendingSwap: 'test' | 'perm' | null = null;
  /** Slot 0 runs a test image not yet confirmed: the next boot reverts. */
  revertOnNextBoot = false;
  upload: UploadSession | null = null;
  readonly log: SmpLogEntry[] = [];
  readonly stats: SmpStats = {
    bytesReceived: 0,
    requests: 0,
    droppedNoBuffer: 0,
    droppedReassembly: 0,
    droppedOversize: 0,
    resets: 0,
    swaps: 0,
    reverts: 0,
  };
  /** False from a reset until the boot is over. */
  powered = true;
  /** Never comes back (neverReturnAfterReset). */
  dead = false;
  /** Called when the reset delay has passed, just before the board powers off (the link drops then). */
  onResetDue: (() => void) | null = null;
  /** Called at every power-off (reset, reboot(), a crash at boot): transports drop what they held. */
  onPowerOff: (() => void) | null = null;
  /** Called when the board is up again after a boot. */
  onBooted: (() => void) | null = null;
  /**
   * Mode 'no-state-writes' (RAM load): which physical slot `slots[0]` (the running image) is. The
   * server keeps the running image in slots[0] and the other in slots[1] as everywhere else; only
   * the image list names the physical slots.
   */
  private ramLoadRunning: 0 | 1 = 0;
  private clock: SmpClock | null;

  constructor(options: SmpServerOptions, clock: SmpClock | null = null) {
    this.options = options;
    this.clock = clock;
    this.slots = [this.image(options.initialImage), null];
  }

  attach(clock: SmpClock): void {
    this.clock = clock;
  }

  get activeVersion(): string {
    return this.slots[0].info.version;
  }

  get bufSize(): number {
    return this.options.bufSize ?? (this.options.mode ? MODE_BUF_SIZE[this.options.mode] : 384);
  }

  get bufCount(): number {
    return this.options.bufCount ?? 4;
  }

  /**
   * One whole request packet in, the whole answer packet out (null: no answer, e.g. a request that
   * is not a packet). Takes the processing time; requests are not size-checked here (the transport
   * knows what its buffers hold).
   */
  async answer(packet: Buffer): Promise<Buffer | null> {
    if (packet.length < 8 || packet.length !== 8 + packet.readUInt16BE(2)) return null;
    const req = parseSmpRequest(packet);
    this.stats.requests += 1;
    await this.sleep(this.options.processingMs ?? 1);
    const map = await this.handle(req);
    return map ? this.encodeAnswer(req, map) : null;
  }

  encodeAnswer(req: SmpRequestPacket, map: ReplyMap): Buffer {
    const legacy = this.options.legacy === true;
    const full = legacy && !('rc' in map) ? { ...map, rc: 0 } : map;
    const body = this.options.mode ? encodeZcbor(full) : Buffer.from(encode(full));
    const header = Buffer.alloc(8);
    const ver = legacy ? 0 : Math.min(req.ver, 1);
    header[0] = ((ver & 0x03) << 3) | (req.op + 1);
    header[1] = 0;
    header.writeUInt16BE(body.length, 2);
    header.writeUInt16BE(req.group, 4);
    header[6] = req.seq;
    header[7] = req.id;
    return Buffer.concat([header, body]);
  }

  private image(bytes: Buffer): SmpImage {
    const info = parseMcubootImage(bytes);
    if (!info) throw new Error('not an MCUboot image');
    return { bytes, info };
  }

  // ---- SMP ------------------------------------------------------------------------------------------

  private async handle(req: SmpRequestPacket): Promise<ReplyMap | null> {
    if (req.ver > 1) return { rc: MGMT_ERR.UNSUPPORTED_TOO_NEW };
    let body: Record<string, unknown>;
    try {
      const decoded = req.payload.length === 0 ? {} : decode(req.payload);
      if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) return { rc: MGMT_ERR.EINVAL };
      body = decoded as Record<string, unknown>;
    } catch {
      return { rc: MGMT_ERR.EINVAL };
    }
    const write = req.op === 2;
    const g = req.group;
    const c = req.id;
    const mode = this.options.mode;
    if (req.op !== 0 && req.op !== 2) return { rc: MGMT_ERR.EINVAL };
    if (g === 0 && c === 0 && write) return { r: typeof body.d === 'string' ? body.d : '' };
    if (g === 0 && c === 5 && write) return this.reset();
    if (g === 0 && c === 6 && !write) {
      if (this.options.legacy || this.options.params === false) return { rc: MGMT_ERR.ENOTSUP };
      return { buf_size: this.bufSize, buf_count: this.bufCount };
    }
    if (g === 0 && c === 7 && !write && mode) return this.osInfo(body);
    if (g === 0 && c === 8 && !write && !this.options.legacy) return this.bootloaderInfo(body);
    if (g === 1 && c === 0) {
      if (!write) return this.imageList();
      return mode === 'no-state-writes' ? { rc: MGMT_ERR.ENOTSUP } : this.stateWrite(req, body);
    }
    if (g === 1 && c === 1 && write) return this.imageUpload(req, body);
    if (g === 1 && c === 5 && write) return this.imageErase(req, body);
    return { rc: MGMT_ERR.ENOTSUP };
  }

  /** os_mgmt info (uname-like): the real builds answer "Zephyr unknown 4.4.0 arm" to format "snmv". */
  private osInfo(body: Record<string, unknown>): ReplyMap {
    const format = typeof body.format === 'string' ? body.format : 's';
    const parts: Record<string, string> = {
      s: 'Zephyr',
      n: 'unknown',
      r: '4.4.0',
      v: '4.4.0',
      b: 'Dec  4 2026 00:00:00',
      m: 'arm',
      p: 'cortex-m',
      i: 'qemu',
      o: 'Zephyr',
    };
    // Zephyr prints the fields named in its own order (s n r v b m p i o), whatever order the format uses.
    const words = [...'snrvbmpio'].filter((c) => format.includes(c) || format.includes('a')).map((c) => parts[c]!);
    return { output: words.join(' ') };
  }

  private bootloaderInfo(body: Record<string, unknown>): ReplyMap {
    const mode = this.options.mode;
    if (mode === 'zephyr-swap' || mode === 'no-state-writes') return { rc: MGMT_ERR.ENOTSUP };
    if (mode === 'bootloader-info') {
      if (body.query === 'mode') {
        return { mode: this.options.bootloaderMode ?? MCUBOOT_MODE.SWAP_WITHOUT_SCRATCH, 'no-downgrade': false };
      }
      if (body.query !== undefined) return { rc: MGMT_ERR.ENOTSUP };
      return { bootloader: 'MCUboot' };
    }
    return body.query === 'mode' ? { mode: MCUBOOT_MODE.SWAP_USING_SCRATCH } : { bootloader: 'MCUboot' };
  }

  /** A group error in the shape the request's version asks for (v2 `err`, v1 translated `rc`). */
  private imgError(req: SmpRequestPacket, code: number): ReplyMap {
    if (req.ver === 1 && !this.options.legacy) return { err: { group: 1, rc: code } };
    const translated: Record<number, number> = {
      [IMG_ERR.NO_FREE_SLOT]: MGMT_ERR.EBADSTATE,
      [IMG_ERR.IMAGE_ALREADY_PENDING]: MGMT_ERR.EBADSTATE,
      [IMG_ERR.HASH_NOT_FOUND]: MGMT_ERR.ENOENT,
    };
    const rc =
      translated[code] ??
      (code === 14 || (code >= 19 && code <= 25)
        ? MGMT_ERR.EINVAL
        : code === 30 || code === 31
          ? MGMT_ERR.EINVAL
          : MGMT_ERR.EUNKNOWN);
    return { rc };
  }

  imageList(): ReplyMap {
    if (this.options.mode === 'no-state-writes') return this.ramLoadImageList();
    const images: ReplyMap[] = [];
    const [primary, secondary] = this.slots;
    images.push(
      this.entry(0, primary, { active: true, confirmed: !this.revertOnNextBoot, pending: false, permanent: false }),
    );
    if (secondary && secondary.info.hashValid) {
      images.push(
        this.entry(1, secondary, {
          active: false,
          pending: this.pendingSwap !== null,
          permanent: this.pendingSwap === 'perm',
          confirmed: this.revertOnNextBoot,
        }),
      );
    }
    return { images, splitStatus: 0 };
  }

  /** The mps2 build's list: slots in order, the running one active and confirmed, never pending. */
  private ramLoadImageList(): ReplyMap {
    const [running, other] = this.slots;
    const entries: Array<[number, SmpImage, boolean]> = [[this.ramLoadRunning, running, true]];
    if (other && other.info.hashValid) entries.push([1 - this.ramLoadRunning, other, false]);
    entries.sort((a, b) => a[0] - b[0]);
    const images = entries.map(([slot, img, runs]) =>
      this.entry(slot, img, { active: runs, confirmed: runs, pending: false, permanent: false }),
    );
    return { images, splitStatus: 0 };
  }

  private entry(
    slot: number,
    img: SmpImage,
    flags: { active: boolean; confirmed: boolean; pending: boolean; permanent: boolean },
  ): ReplyMap {
    return {
      slot,
      version: img.info.version,
      hash: new Uint8Array(img.info.hash),
      bootable: img.info.bootable,
      pending: flags.pending,
      confirmed: flags.confirmed,
      active: flags.active,
      permanent: flags.permanent,
    };
  }

  private stateWrite(req: SmpRequestPacket, body: Record<string, unknown>): ReplyMap {
    const confirm = body.confirm === true;
    const hash = body.hash instanceof Uint8Array ? Buffer.from(body.hash) : undefined;
    const [primary, secondary] = this.slots;
    if (!confirm) {
      if (!hash || hash.length !== 32) return this.imgError(req, IMG_ERR.INVALID_HASH);
      if (primary.info.hash.equals(hash)) return this.imgError(req, IMG_ERR.IMAGE_SETTING_TEST_TO_ACTIVE_DENIED);
      if (!secondary || !secondary.info.hashValid || !secondary.info.hash.equals(hash))
        return this.imgError(req, IMG_ERR.HASH_NOT_FOUND);
      if (this.pendingSwap === 'test') return this.imageList(); // already pending: no-op
      if (this.pendingSwap === 'perm' || this.revertOnNextBoot)
        return this.imgError(req, IMG_ERR.IMAGE_ALREADY_PENDING);
      this.pendingSwap = 'test';
      this.note(`slot 1 ${secondary.info.version} marked for test`);
      this.changed('flash');
      return this.imageList();
    }
    if (!hash || primary.info.hash.equals(hash)) {
      if (this.revertOnNextBoot) {
        this.note(`slot 0 ${primary.info.version} confirmed`);
        this.revertOnNextBoot = false;
        this.changed('flash');
      }
      return this.imageList();
    }
    if (!secondary || !secondary.info.hash.equals(hash)) return this.imgError(req, IMG_ERR.HASH_NOT_FOUND);
    if (this.revertOnNextBoot) return this.imgError(req, IMG_ERR.IMAGE_ALREADY_PENDING);
    this.pendingSwap = 'perm';
    this.note(`slot 1 ${secondary.info.version} marked permanent`);
    this.changed('flash');
    return this.imageList();
  }

  private slotInUse(): boolean {
    return this.pendingSwap !== null || this.revertOnNextBoot;
  }

  private async imageUpload(req: SmpRequestPacket, body: Record<string, unknown>): Promise<ReplyMap> {
    const off = body.off;
    if (typeof off !== 'number' || !Number.isInteger(off) || off < 0) return this.imgError(req, IMG_ERR.INVALID_OFFSET);
    const data = body.data instanceof Uint8Array ? Buffer.from(body.data) : Buffer.alloc(0);
    const sha = body.sha instanceof Uint8Array ? Buffer.from(body.sha) : null;
    if (off === 0) {
      const len = body.len;
      if (typeof len !== 'number' || !Number.isInteger(len) || len <= 0)
        return this.imgError(req, IMG_ERR.INVALID_LENGTH);
      const s = this.upload;
      if (s && sha && s.sha && s.sha.equals(sha) && s.len === len) {
        // Same session: resume from the device's offset, or report it complete.
        if (s.done) return this.options.mode ? { off: s.len } : { off: s.len, match: true };
        this.note(`upload resumed at ${s.off}`);
        return { off: s.off };
      }
      if (data.length < 32 || data.readUInt32LE(0) !== 0x96f3b83d)
        return this.imgError(req, IMG_ERR.INVALID_IMAGE_HEADER_MAGIC);
      if (len > (this.options.slotSize ?? 0x70000)) return this.imgError(req, IMG_ERR.INVALID_IMAGE_TOO_LARGE);
      if (this.slotInUse()) return this.imgError(req, IMG_ERR.NO_FREE_SLOT);
      if (data.length > len) return this.imgError(req, IMG_ERR.INVALID_IMAGE_DATA_OVERRUN);
      this.slots[1] = null;
      const pages = Math.ceil(len / 4096);
      this.note(`upload started: ${len} bytes, erasing ${pages} pages`);
      await this.sleep(pages * (this.options.erasePageMs ?? 85));
      this.upload = { len, off: 0, sha: sha && sha.length > 0 ? sha : null, data: Buffer.alloc(len), done: false };
      this.changed('flash');
    }
    const s = this.upload;
    if (!s) return { off: 0 }; // no session (after a reboot): client must restart with the first-chunk fields
    if (off !== s.off) return { off: s.off };
    if (off + data.length > s.len) return this.imgError(req, IMG_ERR.INVALID_IMAGE_DATA_OVERRUN);
    await this.sleep((data.length / (this.options.flashWriteBytesPerSec ?? 100_000)) * 1000);
    if (this.upload !== s) return { off: 0 };
    data.copy(s.data, off);
    s.off += data.length;
    if (s.off < s.len) {
      this.changed('upload');
      return { off: s.off };
    }
    s.done = true;
    const parsed = parseMcubootImage(s.data);
    this.slots[1] = parsed ? { bytes: s.data, info: parsed } : null;
    this.note(`upload complete: ${parsed ? parsed.version : 'not an image'}`);
    this.changed('flash');
    const rsp: ReplyMap = { off: s.off };
    // CONFIG_IMG_ENABLE_IMAGE_CHECK (Zephyr img_mgmt.c): the stored file against the sha as kept,
    // zero-padded to 32 bytes, so a trimmed or absent sha answers `match: false`. Mynewt sends none,
    // and neither do the real smp_server builds the modes copy (the option is off there).
    if (!this.options.legacy && !this.options.mode) {
      const kept = Buffer.alloc(32);
      s.sha?.copy(kept);
      rsp.match = createHash('sha256').update(s.data).digest().equals(kept);
    }
    return rsp;
  }

  /**
   * Zephyr img_mgmt_erase: `slot` defaults to the other slot; a slot holding a valid image that is in
   * use (the active one, or one marked for the next boot or the revert; img_mgmt_slot_in_use) is
   * refused with NO_FREE_SLOT, unless CONFIG_MCUMGR_GRP_IMG_ALLOW_ERASE_PENDING lets pending go.
   */
  private async imageErase(req: SmpRequestPacket, body: Record<string, unknown>): Promise<ReplyMap> {
    const slot = body.slot === undefined ? 1 : body.slot;
    if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0) return { rc: MGMT_ERR.EINVAL };
    if (slot === 0) return this.imgError(req, IMG_ERR.NO_FREE_SLOT);
    if (slot > 1) return this.imgError(req, IMG_ERR.INVALID_SLOT);
    if (this.slots[1] && !this.options.allowErasePending && this.slotInUse())
      return this.imgError(req, IMG_ERR.NO_FREE_SLOT);
    this.pendingSwap = null;
    // An already-blank slot is only scanned (img_mgmt_erase_slot → check_empty), not erased.
    const size = this.options.slotSize ?? 0x70000;
    if (this.slots[1] || this.upload) await this.sleep(Math.ceil(size / 4096) * (this.options.erasePageMs ?? 85));
    this.note('slot 1 erased');
    this.slots[1] = null;
    this.upload = null;
    this.changed('flash');
    return {};
  }

  // ---- reset and MCUboot -----------------------------------------------------------------------------

  private reset(): ReplyMap {
    this.stats.resets += 1;
    this.note('reset requested');
    this.sleep(this.options.resetDelayMs ?? 250).then(
      () => {
        this.onResetDue?.();
        this.reboot();
      },
      () => {},
    );
    return {};
  }

  /** Power-cycle now (what a watchdog or the reset command does). */
  reboot(): void {
    this.powered = false;
    this.upload = null;
    this.onPowerOff?.();
    if (this.options.neverReturnAfterReset) {
      this.dead = true;
      this.note('did not come back after reset');
      return;
    }
    const swapped = this.bootloader();
    const wait = swapped ? (this.options.swapMs ?? 2000) : (this.options.bootMs ?? 300);
    this.sleep(wait).then(
      () => {
        const crash = swapped === 'test' && this.options.crashesAtBoot?.(this.slots[0]);
        if (crash) {
          this.note(`${this.slots[0].info.version} crashed at boot`);
          this.reboot();
          return;
        }
        this.powered = true;
        this.note(`booted ${this.slots[0].info.version}${this.revertOnNextBoot ? ' (test, unconfirmed)' : ''}`);
        this.changed('flash');
        this.onBooted?.();
      },
      () => {},
    );
  }

  /** MCUboot swap decision; returns what happened. */
  private bootloader(): 'test' | 'perm' | 'revert' | null {
    const [primary, secondary] = this.slots;
    if (this.options.mode === 'no-state-writes') {
      // RAM load: the newest valid, bootable image runs, whichever slot holds it (measured on the mps2
      // build: a newer upload in slot 1 runs after a reset, with no test or confirm).
      if (secondary && secondary.info.hashValid && secondary.info.bootable) {
        if (compareVersions(secondary.info.version, primary.info.version) > 0) {
          this.slots = [secondary, primary];
          this.ramLoadRunning = this.ramLoadRunning === 0 ? 1 : 0;
          this.note(`RAM load: slot ${this.ramLoadRunning} ${secondary.info.version} is newer, runs`);
        }
      }
      return null;
    }
    if (this.revertOnNextBoot && secondary) {
      this.slots = [secondary, primary];
      this.revertOnNextBoot = false;
      this.pendingSwap = null;
      this.stats.reverts += 1;
      this.note(`revert: ${primary.info.version} was not confirmed, back to ${secondary.info.version}`);
      return 'revert';
    }
    if (this.pendingSwap && secondary) {
      const kind = this.pendingSwap;
      this.pendingSwap = null;
      if (!secondary.info.hashValid) {
        this.slots[1] = null; // MCUboot erases an image that fails validation
        this.note(`slot 1 ${secondary.info.version} failed validation, not booted`);
        return null;
      }
      if (!secondary.info.bootable) {
        this.note(`slot 1 ${secondary.info.version} is not bootable, not swapped`);
        return null;
      }
      this.slots = [secondary, primary];
      this.revertOnNextBoot = kind === 'test';
      this.stats.swaps += 1;
      this.note(`swap (${kind}): now ${secondary.info.version}`);
      return kind;
    }
    return null;
  }

  // ---- persistence -------------------------------------------------------------------------------------

  /** The state a power cycle keeps (slots, swap flags) plus the upload session, for saving elsewhere. */
  snapshot(): SmpSnapshot {
    const u = this.upload;
    return {
      slots: [Buffer.from(this.slots[0].bytes), this.slots[1] ? Buffer.from(this.slots[1].bytes) : null],
      pendingSwap: this.pendingSwap,
      revertOnNextBoot: this.revertOnNextBoot,
      upload: u
        ? {
            len: u.len,
            off: u.off,
            sha: u.sha ? Buffer.from(u.sha) : null,
            received: Buffer.from(u.data.subarray(0, u.off)),
            done: u.done,
          }
        : null,
    };
  }

  /** Take over a snapshot (at start, before any client talks). Throws if slot 0 is not an MCUboot image. */
  restore(state: SmpSnapshot): void {
    const primary = this.image(Buffer.from(state.slots[0]));
    const secondaryBytes = state.slots[1];
    const secondaryInfo = secondaryBytes ? parseMcubootImage(secondaryBytes) : null;
    const u = state.upload;
    if (u && !(Number.isInteger(u.len) && u.len > 0 && u.off >= 0 && u.off <= u.len && u.received.length === u.off)) {
      throw new Error(
        `the saved upload session is inconsistent (off ${u.off}, len ${u.len}, ${u.received.length} bytes)`,
      );
    }
    this.slots = [
      primary,
      secondaryBytes && secondaryInfo ? { bytes: Buffer.from(secondaryBytes), info: secondaryInfo } : null,
    ];
    this.pendingSwap = state.pendingSwap;
    this.revertOnNextBoot = state.revertOnNextBoot;
    if (u) {
      const data = Buffer.alloc(u.len);
      u.received.copy(data);
      this.upload = { len: u.len, off: u.off, sha: u.sha ? Buffer.from(u.sha) : null, data, done: u.done };
    } else {
      this.upload = null;
    }
    this.note(
      `restored: slot 0 ${primary.info.version}${this.slots[1] ? `, slot 1 ${this.slots[1].info.version}` : ''}`,
    );
  }

  // ---- helpers -----------------------------------------------------------------------------------------

  changed(what: SmpChange): void {
    this.options.onChange?.(what);
  }

  sleep(ms: number): Promise<void> {
    if (!this.clock) throw new Error('SmpServer used before a clock was attached');
    return this.clock.sleep(ms);
  }

  note(what: string): void {
    this.log.push({ t: this.clock ? Math.round(this.clock.now()) : 0, what });
  }
}

/** "1.2.3" / "1.2.3.4" by number, field by field. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+]/).map(Number);
  const pb = b.split(/[.+]/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
