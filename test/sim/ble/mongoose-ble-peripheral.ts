// A Mongoose OS device with rpc-gatts and rpc-service-ota (ble-protocols.md §2): the RPC frame protocol
// over data / tx_ctl / rx_ctl as mgos_rpc_channel_gatts.c does it (big-endian length to tx_ctl, the frame
// in write requests to data, a new tx_ctl write drops a half frame, frames over max_frame_size refused,
// overflow answered with ATT "invalid offset"; replies announced on rx_ctl and read from data in chunks
// of at most MTU − 2 bytes, ignoring the ATT offset), and the OTA RPCs with the updater's behaviour:
// OTA.Status / Begin / Write {offset, data} / End, the fw.zip judged as the LAN board's updater judges
// it (../boards/mongoose-updater.ts), a reboot ~100 ms after a good OTA.End into the new firmware
// uncommitted, OTA.Commit / OTA.Revert / OTA.GetBootState, and the rollback when nobody commits within
// commit_timeout. Quirks to test against: a link that drops during the upload, a device that never
// comes back, a firmware that crashes at boot.
import { createHash } from 'node:crypto';
import { checkFwZip } from '../boards/mongoose-updater.ts';
import { type CentralLink, type SimService, type VirtualPeripheral, ATT, nobleUuid } from './sim-bindings.ts';
import type { SimClock } from './link-model.ts';
import {
  MOS_RPC_DATA_UUID,
  MOS_RPC_RX_CTL_UUID,
  MOS_RPC_SERVICE_UUID,
  MOS_RPC_TX_CTL_UUID,
  addressFromId,
} from './other-peripherals.ts';

const INVALID_OFFSET = 0x07;
const DATA = nobleUuid(MOS_RPC_DATA_UUID);
const TX_CTL = nobleUuid(MOS_RPC_TX_CTL_UUID);
const RX_CTL = nobleUuid(MOS_RPC_RX_CTL_UUID);

export interface MongooseBlePeripheralOptions {
  id: string;
  address?: string;
  name?: string;
  rssi?: number;
  maxMtu?: number;
  /** Running firmware version (committed). Default 1.0.0. */
  version?: string;
  /** FW_ARCHITECTURE, compared with the manifest's platform. Default esp32. */
  arch?: string;
  app?: string;
  /** rpc.gatts.max_frame_size (default 4096). */
  maxFrameSize?: number;
  /** Bytes the OTA partition takes (default 4 MiB). */
  freeSpace?: number;
  /** Virtual ms from reset to advertising again (default 300). */
  bootMs?: number;
  /** Virtual ms per RPC handled (default 5). */
  handleMs?: number;
  /** The radio goes silent once this many firmware bytes have arrived (once). */
  dropLinkAfterBytes?: number;
  /** After OTA.End's reboot the device never advertises again. */
  neverReturnAfterReset?: boolean;
  /** Firmware versions that crash at boot: the bootloader falls back to the committed one. */
  crashingVersions?: string[];
}

interface OtaContext {
  size: number;
  commitTimeout: number;
  received: Buffer[];
  bytes: number;
}

/** OTA states (mgos_ota.h). */
const IDLE = 0;
const PROGRESS = 1;
const ERROR = 2;
const SUCCESS = 3;

class RpcError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

export class MongooseBlePeripheral implements VirtualPeripheral {
  readonly id: string;
  readonly address: string;
  readonly addressType = 'public' as const;
  rssi: number;
  readonly maxMtu: number;
  readonly name: string;
  readonly arch: string;
  /** What runs, and whether it is committed; `previous` is what a revert or rollback boots. */
  activeVersion: string;
  committed = true;
  previous: string | null = null;
  commitTimeout = 0;
  otaState = IDLE;
  /** Every RPC method called, in order (tests). */
  readonly calls: string[] = [];
  /** Boots since the simulation started (tests). */
  boots = 0;
  private readonly options: MongooseBlePeripheralOptions;
  private clock: SimClock | null = null;
  private central: CentralLink | null = null;
  private bootedAt = 0;
  private down = false;
  private dropped = false;
  private ota: OtaContext | null = null;
  private rollbackTimer: (() => void) | null = null;
  /** The frame coming in: expected length and what has arrived. */
  private incoming: { length: number; parts: Buffer[]; bytes: number } | null = null;
  /** The reply going out, and the read cursor over it. */
  private outgoing: Buffer | null = null;
  private cursor = 0;

  constructor(options: MongooseBlePeripheralOptions) {
    this.options = options;
    this.id = options.id;
    this.address = options.address ?? addressFromId(options.id);
    this.name = options.name ?? 'mos-ble-lamp';
    this.rssi = options.rssi ?? -60;
    this.maxMtu = options.maxMtu ?? 247;
    this.arch = options.arch ?? 'esp32';
    this.activeVersion = options.version ?? '1.0.0';
  }

  attach(clock: SimClock): void {
    this.clock = clock;
    this.bootedAt = clock.now();
  }

  private get now(): number {
    return this.clock?.now() ?? 0;
  }

  advertisement() {
    if (this.central || this.down) return null;
    return { localName: this.name, serviceUuids: [MOS_RPC_SERVICE_UUID], connectable: true };
  }

  gatt(): SimService[] {
    return [
      {
        uuid: MOS_RPC_SERVICE_UUID,
        characteristics: [
          { uuid: MOS_RPC_DATA_UUID, properties: ['read', 'write'] },
          { uuid: MOS_RPC_TX_CTL_UUID, properties: ['write'] },
          { uuid: MOS_RPC_RX_CTL_UUID, properties: ['read', 'notify', 'indicate'] },
        ],
      },
    ];
  }

  onConnect(central: CentralLink): void {
    this.central = central;
  }

  onDisconnect(): void {
    // rpc-gatts frees the connection's half frame and pending reply with it.
    this.central = null;
    this.incoming = null;
    this.outgoing = null;
  }

  onWrite(_service: string, characteristic: string, data: Buffer): number | void {
    const chr = nobleUuid(characteristic);
    if (chr === TX_CTL) {
      if (data.length !== 4) return ATT.INVALID_ATTRIBUTE_VALUE_LENGTH;
      const length = data.readUInt32BE(0);
      // A new length discards any half frame; a frame too big for the buffer is refused outright.
      this.incoming = null;
      if (length === 0 || length > (this.options.maxFrameSize ?? 4096)) return ATT.INSUFFICIENT_RESOURCES;
      this.incoming = { length, parts: [], bytes: 0 };
      return;
    }
    if (chr !== DATA) return ATT.WRITE_NOT_PERMITTED;
    const frame = this.incoming;
    if (!frame || frame.bytes + data.length > frame.length) return INVALID_OFFSET;
    frame.parts.push(Buffer.from(data));
    frame.bytes += data.length;
    if (frame.bytes === frame.length) {
      this.incoming = null;
      const text = Buffer.concat(frame.parts).toString('utf8');
      const central = this.central;
      this.clock?.after(this.options.handleMs ?? 5, () => this.dispatch(text, central));
    }
  }

  onRead(_service: string, characteristic: string): Buffer | number {
    const chr = nobleUuid(characteristic);
    const mtu = this.central?.mtu ?? 23;
    if (chr === RX_CTL) {
      this.cursor = 0;
      return lengthOf(this.outgoing?.length ?? 0);
    }
    if (chr !== DATA) return ATT.REQUEST_NOT_SUPPORTED;
    if (!this.outgoing) return Buffer.alloc(0);
    const chunk = this.outgoing.subarray(this.cursor, this.cursor + mtu - 2);
    this.cursor += chunk.length;
    if (this.cursor >= this.outgoing.length) this.outgoing = null;
    return chunk;
  }

  private dispatch(text: string, central: CentralLink | null): void {
    if (!central?.connected || central !== this.central) return;
    let id: unknown = null;
    let reply: Record<string, unknown>;
    try {
      const frame = JSON.parse(text) as { id?: unknown; method?: unknown; params?: unknown };
      id = frame.id ?? null;
      const method = String(frame.method);
      this.calls.push(method);
      const params = (typeof frame.params === 'object' && frame.params) || {};
      reply = { id, result: this.handle(method, params as Record<string, unknown>) ?? null };
    } catch (error) {
      const e = error instanceof RpcError ? error : new RpcError(-1, (error as Error).message);
      reply = { id, error: { code: e.code, message: e.message } };
    }
    if (this.dropped && !central.connected) return;
    this.outgoing = Buffer.from(JSON.stringify(reply));
    this.cursor = 0;
    central.notify(MOS_RPC_SERVICE_UUID, MOS_RPC_RX_CTL_UUID, lengthOf(this.outgoing.length));
  }

  private handle(method: string, params: Record<string, unknown>): unknown {
    switch (method) {
      case 'Sys.GetInfo':
        return {
          id: `${this.name}-${this.id.slice(-6)}`,
          app: this.options.app ?? 'mos-ble-lamp',
          fw_version: this.activeVersion,
          fw_id: createHash('sha1').update(this.activeVersion).digest('hex').slice(0, 16),
          arch: this.arch,
          mac: this.address.replace(/:/g, '').toUpperCase(),
          uptime: Math.floor((this.now - this.bootedAt) / 1000),
        };
      case 'OTA.Status':
        return {
          state: this.otaState,
          is_committed: this.committed,
          commit_timeout: this.commitTimeout,
          progress_percent: this.ota ? Math.floor((this.ota.bytes * 100) / this.ota.size) : 0,
        };
      case 'OTA.GetBootState':
        return {
          active_slot: this.boots % 2,
          is_committed: this.committed,
          revert_slot: this.committed ? this.boots % 2 : (this.boots + 1) % 2,
          commit_timeout: this.commitTimeout,
        };
      case 'OTA.Begin':
        return this.begin(params);
      case 'OTA.Write':
        return this.write(params);
      case 'OTA.End':
        return this.end();
      case 'OTA.Commit':
        this.committed = true;
        this.rollbackTimer?.();
        this.rollbackTimer = null;
        return null;
      case 'OTA.Revert':
        if (this.committed || !this.previous) throw new RpcError(-1, 'Nothing to revert');
        this.clock?.after(100, () => this.reboot(this.previous!, true));
        return null;
      default:
        throw new RpcError(404, `No handler for ${method}`);
    }
  }

  private begin(params: Record<string, unknown>): unknown {
    if (this.otaState === PROGRESS) throw new RpcError(-1, 'Update already in progress');
    if (!this.committed) throw new RpcError(-1, 'Previous update has not been committed yet');
    const size = params.size;
    if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) throw new RpcError(400, 'size is required');
    if (size > (this.options.freeSpace ?? 4 * 1024 * 1024))
      throw new RpcError(-1, `Not enough space: need ${size} bytes`);
    const commitTimeout = typeof params.commit_timeout === 'number' ? params.commit_timeout : 0;
    this.ota = { size, commitTimeout, received: [], bytes: 0 };
    this.otaState = PROGRESS;
    return null;
  }

  private write(params: Record<string, unknown>): unknown {
    const ota = this.ota;
    if (!ota || this.otaState !== PROGRESS) throw new RpcError(-1, 'Update not started');
    if (typeof params.data !== 'string') throw new RpcError(400, 'data is required');
    // Older clients send no offset; when one is sent it must be where the updater is.
    if (typeof params.offset === 'number' && params.offset !== ota.bytes)
      throw new RpcError(400, `Offset mismatch: expected ${ota.bytes}, got ${params.offset}`);
    const data = Buffer.from(params.data, 'base64');
    if (ota.bytes + data.length > ota.size) {
      this.fail();
      throw new RpcError(-1, 'Too much data');
    }
    ota.received.push(data);
    ota.bytes += data.length;
    const limit = this.options.dropLinkAfterBytes;
    if (limit !== undefined && !this.dropped && ota.bytes >= limit) {
      this.dropped = true;
      this.central?.drop();
    }
    return null;
  }

  private end(): unknown {
    const ota = this.ota;
    if (!ota || this.otaState !== PROGRESS) throw new RpcError(-1, 'Update not started');
    if (ota.bytes < ota.size) {
      this.fail();
      throw new RpcError(-1, `Update aborted: got ${ota.bytes} of ${ota.size} bytes`);
    }
    const verdict = checkFwZip(Buffer.concat(ota.received), {
      arch: this.arch,
      freeSpace: this.options.freeSpace ?? 4 * 1024 * 1024,
    });
    if (!verdict.ok) {
      this.fail();
      throw new RpcError(-1, verdict.message);
    }
    this.otaState = SUCCESS;
    this.ota = null;
    const version = verdict.manifest.version;
    this.commitTimeout = ota.commitTimeout;
    this.clock?.after(100, () => this.reboot(version, false));
    return null;
  }

  private fail(): void {
    this.ota = null;
    this.otaState = ERROR;
  }

  /** Reset: the link goes silent, the device boots `version` (committed when going back). */
  private reboot(version: string, goingBack: boolean): void {
    this.central?.drop();
    this.down = true;
    this.rollbackTimer?.();
    this.rollbackTimer = null;
    const before = this.activeVersion;
    this.clock?.after(this.options.bootMs ?? 300, () => {
      if (this.options.neverReturnAfterReset && !goingBack) return;
      this.boots++;
      this.bootedAt = this.now;
      this.down = false;
      this.otaState = IDLE;
      if (goingBack) {
        this.activeVersion = version;
        this.committed = true;
        this.previous = null;
        return;
      }
      if ((this.options.crashingVersions ?? []).includes(version)) {
        // The new firmware never reaches its commit: the boot loader falls back to the committed one.
        this.committed = true;
        return;
      }
      this.previous = before;
      this.activeVersion = version;
      this.committed = this.commitTimeout === 0;
      if (!this.committed)
        this.rollbackTimer =
          this.clock?.after(this.commitTimeout * 1000, () => this.reboot(this.previous!, true)) ?? null;
    });
  }
}

function lengthOf(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value);
  return b;
}
