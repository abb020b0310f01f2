// A Zephyr-like MCUmgr SMP server on a virtual BLE peripheral (ble-protocols.md §1): the smp_bt transport
// (write-without-response in, notifications out split at MTU − 3, ONE reassembly context, `buf_count`
// net_bufs) around the transport-free server in ../smp/smp-server.ts (SMP itself, MCUboot slots and swap),
// which the UDP and serial simulated boards share.
//
// Variant `legacy: true` is Mynewt-like: no reassembly (every write is one whole packet), no params, v1
// headers only in answers, `rc` in every response. Quirks: `dropLinkAfterBytes`, `neverReturnAfterReset`.

import {
  type CentralLink,
  type SimAdvertisement,
  type SimService,
  type VirtualPeripheral,
  ATT,
} from './sim-bindings.ts';
import type { SimClock } from './link-model.ts';
import {
  SmpServer,
  type SmpImage,
  type SmpLogEntry,
  type SmpServerOptions,
  type SmpSnapshot,
  type SmpStats,
  type UploadSession,
} from '../smp/smp-server.ts';

export {
  IMG_ERR,
  MGMT_ERR,
  type SmpChange,
  type SmpImage,
  type SmpLogEntry,
  type SmpSnapshot,
} from '../smp/smp-server.ts';

export const SMP_SERVICE_UUID = '8D53DC1D-1DB7-4CD3-868B-8A527460AA84';
export const SMP_CHARACTERISTIC_UUID = 'DA2E7828-FBCE-4E01-AE9E-261174997C48';

export interface SmpPeripheralOptions extends SmpServerOptions {
  /** Hex id (noble's peripheral id). */
  id: string;
  address?: string;
  /** Any string, hostile ones included; undefined = no name in the advertisement. */
  name?: string;
  rssi?: number;
  manufacturerData?: Buffer;
  /** Put the SMP service UUID in the advertisement (default true, like smp_svr). */
  advertiseService?: boolean;
  maxMtu?: number;
  /** Quirk: the radio goes silent once this many bytes (ATT values) have been received in total. */
  dropLinkAfterBytes?: number;
}

export class SmpPeripheral implements VirtualPeripheral {
  readonly id: string;
  readonly address: string;
  readonly addressType = 'random' as const;
  rssi: number;
  readonly maxMtu: number;
  readonly options: SmpPeripheralOptions;
  /** SMP itself, the slots and MCUboot: shared with the UDP and serial boards. */
  readonly server: SmpServer;

  private central: CentralLink | null = null;
  private reasm: { buf: Buffer; expected: number } | null = null;
  private discard = 0;
  private readonly queue: Buffer[] = [];
  private busy = false;

  constructor(options: SmpPeripheralOptions) {
    this.options = options;
    this.id = options.id;
    this.address =
      options.address ??
      `c0:de:00:00:${options.id.slice(-4, -2).padStart(2, '0')}:${options.id.slice(-2).padStart(2, '0')}`;
    this.rssi = options.rssi ?? -55;
    this.maxMtu = options.maxMtu ?? 247;
    this.server = new SmpServer(options);
    this.server.onResetDue = () => {
      this.central?.drop();
      this.central = null;
    };
    this.server.onPowerOff = () => {
      this.reasm = null;
      this.queue.length = 0;
    };
  }

  // The server's state under the names tests and the radio have always used.
  get slots(): [SmpImage, SmpImage | null] {
    return this.server.slots;
  }
  set slots(slots: [SmpImage, SmpImage | null]) {
    this.server.slots = slots;
  }
  get pendingSwap(): 'test' | 'perm' | null {
    return this.server.pendingSwap;
  }
  set pendingSwap(value: 'test' | 'perm' | null) {
    this.server.pendingSwap = value;
  }
  get revertOnNextBoot(): boolean {
    return this.server.revertOnNextBoot;
  }
  set revertOnNextBoot(value: boolean) {
    this.server.revertOnNextBoot = value;
  }
  get upload(): UploadSession | null {
    return this.server.upload;
  }
  set upload(value: UploadSession | null) {
    this.server.upload = value;
  }
  get log(): SmpLogEntry[] {
    return this.server.log;
  }
  get stats(): SmpStats {
    return this.server.stats;
  }

  get activeVersion(): string {
    return this.server.activeVersion;
  }

  get connected(): boolean {
    return this.central !== null;
  }

  // ---- VirtualPeripheral -----------------------------------------------------------------------------

  attach(clock: SimClock): void {
    this.server.attach(clock);
  }

  advertisement(): SimAdvertisement | null {
    if (!this.server.powered || this.server.dead || this.central) return null;
    return {
      localName: this.options.name,
      serviceUuids: this.options.advertiseService === false ? [] : [SMP_SERVICE_UUID],
      manufacturerData: this.options.manufacturerData,
      connectable: true,
    };
  }

  gatt(): SimService[] {
    return [
      {
        uuid: SMP_SERVICE_UUID,
        characteristics: [{ uuid: SMP_CHARACTERISTIC_UUID, properties: ['writeWithoutResponse', 'notify'] }],
      },
    ];
  }

  onConnect(central: CentralLink): void {
    this.central = central;
    this.server.note('connected');
  }

  onDisconnect(reason: number): void {
    this.central = null;
    this.reasm = null;
    this.discard = 0;
    this.queue.length = 0;
    this.server.note(`disconnected 0x${reason.toString(16)}`);
    this.server.changed('disconnect');
  }

  onSubscribe(_svc: string, _chr: string, enabled: boolean): void {
    if (!enabled) this.reasm = null; // smp_bt_ccc_changed drops a partial packet
  }

  onWrite(_svc: string, chr: string, data: Buffer, withoutResponse: boolean): number | void {
    if (!sameUuid(chr, SMP_CHARACTERISTIC_UUID)) return ATT.INVALID_HANDLE;
    if (!withoutResponse) return ATT.WRITE_NOT_PERMITTED; // smp_bt declares write-without-response only
    this.stats.bytesReceived += data.length;
    const drop = this.options.dropLinkAfterBytes;
    if (drop !== undefined && this.stats.bytesReceived >= drop && this.central) {
      this.options.dropLinkAfterBytes = undefined;
      this.server.note(`link dropped after ${this.stats.bytesReceived} bytes`);
      this.central.drop();
      this.central = null;
      this.reasm = null;
      return;
    }
    if (this.options.legacy) return this.receiveWhole(data);
    return this.receiveFragment(data);
  }

  // ---- transport --------------------------------------------------------------------------------------

  private buffersInUse(): number {
    return this.queue.length + (this.busy ? 1 : 0) + (this.reasm ? 1 : 0);
  }

  /** Non-reassembly branch of smp_bt: each write is one whole packet that fits a buffer. */
  private receiveWhole(data: Buffer): number | void {
    if (data.length > this.server.bufSize || data.length < 8 || data.length !== 8 + data.readUInt16BE(2)) {
      this.stats.droppedReassembly += 1;
      return ATT.INSUFFICIENT_RESOURCES;
    }
    this.enqueue(data);
  }

  /** smp_reassembly.c: one context; first fragment carries the header; overflow drops the partial packet. */
  private receiveFragment(data: Buffer): number | void {
    if (this.discard > 0) {
      // The rest of a packet we had no buffer for.
      this.discard = Math.max(0, this.discard - data.length);
      return;
    }
    if (!this.reasm) {
      if (data.length < 8) {
        this.stats.droppedReassembly += 1;
        return ATT.VALUE_NOT_ALLOWED;
      }
      const expected = 8 + data.readUInt16BE(2);
      if (expected > this.server.bufSize) {
        this.stats.droppedReassembly += 1;
        return ATT.INSUFFICIENT_RESOURCES;
      }
      if (this.buffersInUse() >= this.server.bufCount) {
        this.stats.droppedNoBuffer += 1;
        this.discard = Math.max(0, expected - data.length);
        return ATT.INSUFFICIENT_RESOURCES;
      }
      this.reasm = { buf: Buffer.alloc(0), expected };
    }
    const r = this.reasm;
    if (r.buf.length + data.length > r.expected) {
      this.reasm = null; // EOVERFLOW: drop the partial packet
      this.stats.droppedReassembly += 1;
      return ATT.VALUE_NOT_ALLOWED;
    }
    r.buf = Buffer.concat([r.buf, data]);
    if (r.buf.length === r.expected) {
      this.reasm = null;
      this.enqueue(r.buf);
    }
  }

  private enqueue(packet: Buffer): void {
    this.queue.push(Buffer.from(packet));
    void this.pump();
  }

  /** The SMP work queue: one request at a time, in order. */
  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0 && this.central) {
        const packet = this.queue.shift()!;
        const central = this.central;
        const answer = await this.server.answer(packet);
        if (answer && central === this.central && central.connected) this.send(central, answer);
      }
    } finally {
      this.busy = false;
    }
  }

  private send(central: CentralLink, packet: Buffer): void {
    const step = central.mtu - 3;
    for (let at = 0; at < packet.length; at += step) {
      // smp_bt drops responses when the client is not subscribed.
      if (!central.notify(SMP_SERVICE_UUID, SMP_CHARACTERISTIC_UUID, packet.subarray(at, at + step))) return;
    }
  }

  imageList(): Record<string, unknown> {
    return this.server.imageList();
  }

  /** Power-cycle now (what a watchdog or the reset command does). */
  reboot(): void {
    this.server.reboot();
  }

  /** The state a power cycle keeps (slots, swap flags) plus the upload session, for saving elsewhere. */
  snapshot(): SmpSnapshot {
    return this.server.snapshot();
  }

  /** Take over a snapshot (at start, before any central connects). Throws if slot 0 is not an MCUboot image. */
  restore(state: SmpSnapshot): void {
    this.server.restore(state);
  }
}

function sameUuid(a: string, b: string): boolean {
  return a.replace(/-/g, '').toLowerCase() === b.replace(/-/g, '').toLowerCase();
}
