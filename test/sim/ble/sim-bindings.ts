// A simulated BLE radio: an EventEmitter that implements the bindings contract @stoprocent/noble's
// lib/noble.js drives (ble-protocols.md §5.4), so `new Noble(new SimBindings({ peripherals }))` scans,
// connects, exchanges the MTU, discovers, writes and receives notifications from virtual peripherals
// in-process, over the §6.2 link model (link-model.ts). Nothing here opens a socket.
//
// Event order follows the HCI bindings: 'connect' is emitted as soon as the link is up and the MTU
// exchange runs afterwards ('onMtu' later); ATT requests (MTU, discovery, CCC writes, reads, writes with
// response) are serialised one at a time per connection; write-without-response PDUs are queued on the
// link and, like HCI, reported 'write' when queued (or, with `writeCompletion: 'sent'`, when delivered).

import { EventEmitter } from 'node:events';
import { Link, SimClock, type LinkParams } from './link-model.ts';

export type AdapterState = 'poweredOn' | 'poweredOff' | 'unauthorized' | 'unsupported' | 'unknown' | 'resetting';

/** HCI disconnect reasons the simulator uses. */
export const HCI = {
  CONNECTION_TIMEOUT: 0x08,
  REMOTE_USER_TERMINATED: 0x13,
  LOCAL_HOST_TERMINATED: 0x16,
} as const;

/** ATT error codes a peripheral may return from a write request. */
export const ATT = {
  INVALID_HANDLE: 0x01,
  WRITE_NOT_PERMITTED: 0x03,
  REQUEST_NOT_SUPPORTED: 0x06,
  INVALID_ATTRIBUTE_VALUE_LENGTH: 0x0d,
  INSUFFICIENT_RESOURCES: 0x11,
  VALUE_NOT_ALLOWED: 0x13,
} as const;

export interface SimAdvertisement {
  localName?: string;
  /** Any spelling; reported as noble does: lowercase hex without dashes. */
  serviceUuids?: string[];
  manufacturerData?: Buffer;
  serviceData?: { uuid: string; data: Buffer }[];
  txPowerLevel?: number;
  connectable?: boolean;
}

export type SimCharacteristicProperty = 'read' | 'write' | 'writeWithoutResponse' | 'notify' | 'indicate' | 'broadcast';

export interface SimService {
  uuid: string;
  characteristics: { uuid: string; properties: SimCharacteristicProperty[] }[];
}

/** What a virtual peripheral gets while a central is connected to it. */
export interface CentralLink {
  readonly mtu: number;
  readonly clock: SimClock;
  readonly link: Link;
  isSubscribed(serviceUuid: string, characteristicUuid: string): boolean;
  /** Queue one notification (≤ MTU − 3 bytes); false if the central is not subscribed or the link is gone. */
  notify(serviceUuid: string, characteristicUuid: string, data: Buffer): boolean;
  /** Peripheral terminates the connection (central sees 0x13 after one interval). */
  disconnect(reason?: number): void;
  /** The radio goes silent (reset, crash, out of range): central sees 0x08 after the supervision timeout. */
  drop(): void;
  readonly connected: boolean;
}

export interface VirtualPeripheral {
  /** Hex only: noble treats non-hex ids as addresses (addressToId). */
  readonly id: string;
  readonly address: string;
  readonly addressType: 'public' | 'random';
  readonly rssi: number;
  /** The peripheral's ATT MTU (the exchange settles on min(central, this)). */
  readonly maxMtu: number;
  /** null: not advertising (off, rebooting, already connected). */
  advertisement(): SimAdvertisement | null;
  gatt(): SimService[];
  /** Called by SimBindings.addPeripheral with the radio's clock (for processing and boot times). */
  attach?(clock: SimClock): void;
  onConnect(central: CentralLink): void;
  onDisconnect(reason: number): void;
  /** Returns an ATT error code to fail a write request (ignored for write-without-response). */
  onWrite(serviceUuid: string, characteristicUuid: string, data: Buffer, withoutResponse: boolean): number | void;
  onSubscribe?(serviceUuid: string, characteristicUuid: string, enabled: boolean): void;
  onRead?(serviceUuid: string, characteristicUuid: string): Buffer | number;
}

export interface SimBindingsOptions {
  peripherals?: VirtualPeripheral[];
  /** Real ms per virtual ms (default 1). Ignored when `clock` is given. */
  timeScale?: number;
  clock?: SimClock;
  /** Link defaults; the connection interval can be overridden per connect by noble's maxInterval (1.25 ms units). */
  link?: Partial<Omit<LinkParams, 'attMtu'>>;
  /** ATT MTU the central asks for when connect() passes none (HCI default 256). */
  centralMtu?: number;
  initialState?: AdapterState;
  /** Delay before 'stateChange' after start(), virtual ms (default 5). */
  powerOnMs?: number;
  advertisingIntervalMs?: number;
  supervisionTimeoutMs?: number;
  writeCompletion?: 'queued' | 'sent';
  adapterAddress?: string;
  random?: () => number;
}

export const DEFAULT_LINK: Omit<LinkParams, 'attMtu'> = { phy: 2, llPayload: 251, connIntervalMs: 15 };

/** Noble's UUID spelling: lowercase hex, no dashes; 16-bit ones without leading zeros. */
export function nobleUuid(uuid: string): string {
  const hex = uuid.replace(/-/g, '').toLowerCase();
  return hex.length <= 4 ? parseInt(hex, 16).toString(16) : hex;
}

interface Connection {
  peripheral: VirtualPeripheral;
  link: Link;
  mtu: number;
  subscribed: Set<string>;
  chain: Promise<unknown>;
  open: boolean;
  central: CentralLink;
}

const CCC = '2902';

export class SimBindings extends EventEmitter {
  readonly clock: SimClock;
  private readonly options: SimBindingsOptions;
  private readonly peripherals = new Map<string, VirtualPeripheral>();
  private readonly connections = new Map<string, Connection>();
  private readonly pendingConnects = new Map<string, () => void>();
  private state: AdapterState = 'unknown';
  private started = false;
  private scanning: { uuids: string[]; cancel: () => void } | null = null;

  constructor(options: SimBindingsOptions = {}) {
    super();
    this.options = options;
    this.clock = options.clock ?? new SimClock(options.timeScale ?? 1);
    for (const p of options.peripherals ?? []) this.addPeripheral(p);
  }

  // ---- test controls -------------------------------------------------------------------------------

  addPeripheral(p: VirtualPeripheral): void {
    if (!/^[0-9a-f]+$/.test(p.id)) throw new Error(`peripheral id must be lowercase hex, got ${JSON.stringify(p.id)}`);
    p.attach?.(this.clock);
    this.peripherals.set(p.id, p);
  }

  removePeripheral(id: string): void {
    this.connections.get(id)?.central.drop();
    this.peripherals.delete(id);
  }

  /** Change the adapter state (e.g. 'poweredOff' to test the engine's reaction). */
  setState(state: AdapterState): void {
    if (state !== 'poweredOn') {
      this.stopScanTimer();
      for (const conn of [...this.connections.values()]) this.closeConnection(conn, HCI.CONNECTION_TIMEOUT, false);
    }
    this.state = state;
    this.emit('stateChange', state);
  }

  /** The live link to a peripheral (stats, params), if connected. */
  linkOf(id: string): Link | undefined {
    return this.connections.get(id)?.link;
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  start(): void {
    if (this.started) return;
    this.started = true;
    this.clock.after(this.options.powerOnMs ?? 5, () => {
      this.emit('addressChange', this.options.adapterAddress ?? 'f0:0d:be:e5:00:01');
      this.state = this.options.initialState ?? 'poweredOn';
      this.emit('stateChange', this.state);
    });
  }

  /** abandonware name for start(). */
  init(): void {
    this.start();
  }

  stop(): void {
    this.stopScanTimer();
    for (const conn of [...this.connections.values()]) this.closeConnection(conn, HCI.LOCAL_HOST_TERMINATED, true);
    for (const cancel of this.pendingConnects.values()) cancel();
    this.pendingConnects.clear();
  }

  reset(): void {
    this.stop();
  }

  setScanParameters(_interval?: number, _window?: number): void {
    queueMicrotask(() => this.emit('scanParametersSet'));
  }

  setAddress(address: string): void {
    this.emit('addressChange', address);
  }

  addressToId(address: string): string | null {
    const wanted = String(address).toLowerCase();
    for (const p of this.peripherals.values()) if (p.address.toLowerCase() === wanted) return p.id;
    return null;
  }

  // ---- scanning -------------------------------------------------------------------------------------

  startScanning(serviceUuids?: string[], allowDuplicates?: boolean): void {
    this.stopScanTimer();
    const uuids = (serviceUuids ?? []).map(nobleUuid);
    const interval = this.options.advertisingIntervalMs ?? 100;
    let cancelled = false;
    let cancel = (): void => {
      cancelled = true;
    };
    const round = (): void => {
      if (cancelled) return;
      this.advertiseOnce(uuids);
      const c = this.clock.after(interval, round);
      cancel = () => {
        cancelled = true;
        c();
      };
    };
    this.scanning = { uuids, cancel: () => cancel() };
    queueMicrotask(() => {
      this.emit('scanStart', !allowDuplicates);
      // First advertisements arrive within a fraction of an advertising interval.
      const c = this.clock.after(Math.min(interval, 20), round);
      cancel = () => {
        cancelled = true;
        c();
      };
    });
  }

  stopScanning(): void {
    this.stopScanTimer();
    queueMicrotask(() => this.emit('scanStop'));
  }

  private stopScanTimer(): void {
    this.scanning?.cancel();
    this.scanning = null;
  }

  private advertiseOnce(filter: string[]): void {
    if (this.state !== 'poweredOn') return;
    for (const p of this.peripherals.values()) {
      if (this.connections.has(p.id)) continue;
      const adv = p.advertisement();
      if (!adv) continue;
      const serviceUuids = (adv.serviceUuids ?? []).map(nobleUuid);
      const serviceData = (adv.serviceData ?? []).map((d) => ({ uuid: nobleUuid(d.uuid), data: d.data }));
      if (filter.length > 0 && !filter.some((u) => serviceUuids.includes(u) || serviceData.some((d) => d.uuid === u)))
        continue;
      const advertisement = {
        localName: adv.localName,
        txPowerLevel: adv.txPowerLevel,
        manufacturerData: adv.manufacturerData,
        serviceData,
        serviceUuids,
        serviceSolicitationUuids: [],
      };
      const connectable = adv.connectable ?? true;
      this.emit('discover', p.id, p.address, p.addressType, connectable, advertisement, p.rssi, true);
    }
  }

  // ---- connections ----------------------------------------------------------------------------------

  connect(id: string, params?: { maxInterval?: number; minInterval?: number; mtu?: number }): void {
    if (this.state !== 'poweredOn') {
      queueMicrotask(() =>
        this.emit('connect', id, new Error(`Cannot connect while adapter state is ${this.state} (not poweredOn)`)),
      );
      return;
    }
    if (this.connections.has(id) || this.pendingConnects.has(id)) return;
    // Like a controller's create-connection: wait (without timeout) until the peripheral advertises
    // connectably, then the link is up one interval later. cancelConnect() ends the wait.
    const interval = this.options.advertisingIntervalMs ?? 100;
    let cancelTimer = (): void => {};
    const attempt = (): void => {
      const p = this.peripherals.get(id);
      const adv = p?.advertisement();
      if (p && adv && (adv.connectable ?? true) && this.state === 'poweredOn') {
        this.pendingConnects.delete(id);
        this.establish(p, params);
        return;
      }
      cancelTimer = this.clock.after(interval, attempt);
    };
    this.pendingConnects.set(id, () => cancelTimer());
    cancelTimer = this.clock.after(Math.min(interval, 20), attempt);
  }

  cancelConnect(id: string): void {
    const cancel = this.pendingConnects.get(id);
    if (cancel) {
      cancel();
      this.pendingConnects.delete(id);
    }
  }

  private establish(p: VirtualPeripheral, params?: { maxInterval?: number; mtu?: number }): void {
    const linkDefaults = { ...DEFAULT_LINK, ...this.options.link };
    const connIntervalMs = params?.maxInterval ? params.maxInterval * 1.25 : linkDefaults.connIntervalMs;
    const wantedMtu = params?.mtu ?? this.options.centralMtu ?? 256;
    const mtu = Math.max(23, Math.min(wantedMtu, p.maxMtu, 517));
    // The link starts at ATT_MTU 23 semantics for the exchange itself; data PDUs after it use `mtu`.
    const link = new Link({ ...linkDefaults, connIntervalMs, attMtu: mtu }, this.clock, this.options.random);
    const conn: Connection = {
      peripheral: p,
      link,
      mtu: 23,
      subscribed: new Set(),
      chain: Promise.resolve(),
      open: true,
      central: undefined as unknown as CentralLink,
    };
    conn.central = {
      get mtu() {
        return conn.mtu;
      },
      clock: this.clock,
      link,
      get connected() {
        return conn.open;
      },
      isSubscribed: (svc, chr) => conn.subscribed.has(key(svc, chr)),
      notify: (svc, chr, data) => {
        if (!conn.open || !conn.subscribed.has(key(svc, chr))) return false;
        if (data.length > conn.mtu - 3)
          throw new RangeError(`notification of ${data.length} bytes exceeds MTU ${conn.mtu} − 3`);
        const copy = Buffer.from(data);
        link.send('toCentral', copy.length, () => {
          if (conn.open) this.emit('read', p.id, nobleUuid(svc), nobleUuid(chr), copy, true);
        });
        return true;
      },
      disconnect: (reason = HCI.REMOTE_USER_TERMINATED) => {
        if (!conn.open) return;
        link.close();
        this.clock.after(connIntervalMs, () => this.closeConnection(conn, reason, true));
      },
      drop: () => {
        if (!conn.open) return;
        link.close();
        this.clock.after(this.options.supervisionTimeoutMs ?? 2000, () =>
          this.closeConnection(conn, HCI.CONNECTION_TIMEOUT, true),
        );
      },
    };
    this.connections.set(p.id, conn);
    this.clock.after(connIntervalMs, () => {
      if (!conn.open) return;
      p.onConnect(conn.central);
      this.emit('connect', p.id, null);
      // MTU exchange: request and response, one event each.
      this.request(conn, async () => {
        await link.nextEvents(2);
        conn.mtu = mtu;
        this.emit('onMtu', p.id, mtu);
      });
    });
  }

  disconnect(id: string): void {
    const conn = this.connections.get(id);
    if (!conn) {
      queueMicrotask(() => this.emit('disconnect', id, HCI.LOCAL_HOST_TERMINATED));
      return;
    }
    conn.link.close();
    this.clock.after(conn.link.connIntervalMs, () => this.closeConnection(conn, HCI.LOCAL_HOST_TERMINATED, true));
  }

  private closeConnection(conn: Connection, reason: number, emit: boolean): void {
    if (!conn.open) return;
    conn.open = false;
    conn.link.close();
    this.connections.delete(conn.peripheral.id);
    conn.peripheral.onDisconnect(reason);
    if (emit) this.emit('disconnect', conn.peripheral.id, reason);
  }

  updateRssi(id: string): void {
    const p = this.peripherals.get(id);
    queueMicrotask(() => this.emit('rssiUpdate', id, p?.rssi ?? 127, p ? undefined : new Error('unknown peripheral')));
  }

  pair(id: string): void {
    queueMicrotask(() => this.emit('pair', id, false, new Error('pairing is not simulated')));
  }

  // ---- GATT -----------------------------------------------------------------------------------------

  /** Run an ATT request procedure after the previous one finished (ATT allows one outstanding request). */
  private request(conn: Connection, fn: () => Promise<void>): void {
    conn.chain = conn.chain
      .then(async () => {
        if (conn.open) await fn();
      })
      .catch((error: unknown) => this.emit('warning', String(error)));
  }

  private withConnection(id: string, onMissing: (error: Error) => void): Connection | null {
    const conn = this.connections.get(id);
    if (!conn || !conn.open) {
      queueMicrotask(() => onMissing(new Error(`peripheral ${id} is not connected`)));
      return null;
    }
    return conn;
  }

  private findCharacteristic(conn: Connection, svc: string, chr: string) {
    const service = conn.peripheral.gatt().find((s) => nobleUuid(s.uuid) === nobleUuid(svc));
    return service?.characteristics.find((c) => nobleUuid(c.uuid) === nobleUuid(chr));
  }

  /** One request/response round trip: the request in one event, the response in a later one. */
  private roundTrip(conn: Connection, requestBytes: number, responseBytes: number): Promise<void> {
    return new Promise((resolve) => {
      conn.link.send('toPeripheral', requestBytes, () => conn.link.send('toCentral', responseBytes, resolve));
    });
  }

  discoverServices(id: string, uuids?: string[]): void {
    const conn = this.withConnection(id, (e) => this.emit('servicesDiscover', id, [], e));
    if (!conn) return;
    this.request(conn, async () => {
      await this.roundTrip(conn, 4, 20);
      const wanted = (uuids ?? []).map(nobleUuid);
      const found = conn.peripheral
        .gatt()
        .map((s) => nobleUuid(s.uuid))
        .filter((u) => wanted.length === 0 || wanted.includes(u));
      this.emit('servicesDiscover', id, found);
    });
  }

  discoverIncludedServices(id: string, serviceUuid: string): void {
    queueMicrotask(() => this.emit('includedServicesDiscover', id, serviceUuid, []));
  }

  discoverCharacteristics(id: string, serviceUuid: string, uuids?: string[]): void {
    const conn = this.withConnection(id, (e) => this.emit('characteristicsDiscover', id, serviceUuid, [], e));
    if (!conn) return;
    this.request(conn, async () => {
      await this.roundTrip(conn, 4, 21);
      const service = conn.peripheral.gatt().find((s) => nobleUuid(s.uuid) === nobleUuid(serviceUuid));
      const wanted = (uuids ?? []).map(nobleUuid);
      const chars = (service?.characteristics ?? [])
        .filter((c) => wanted.length === 0 || wanted.includes(nobleUuid(c.uuid)))
        .map((c) => ({ uuid: nobleUuid(c.uuid), properties: [...c.properties] }));
      this.emit('characteristicsDiscover', id, serviceUuid, chars);
    });
  }

  read(id: string, svc: string, chr: string): void {
    const conn = this.withConnection(id, (e) => this.emit('read', id, svc, chr, Buffer.alloc(0), false, e));
    if (!conn) return;
    this.request(conn, async () => {
      const c = this.findCharacteristic(conn, svc, chr);
      const value = c?.properties.includes('read') ? conn.peripheral.onRead?.(svc, chr) : ATT.REQUEST_NOT_SUPPORTED;
      const data = Buffer.isBuffer(value) ? value.subarray(0, conn.mtu - 1) : Buffer.alloc(0);
      await this.roundTrip(conn, 0, data.length);
      const error = Buffer.isBuffer(value)
        ? undefined
        : new Error(`ATT error 0x${(value ?? ATT.REQUEST_NOT_SUPPORTED).toString(16)}`);
      this.emit('read', id, svc, chr, data, false, error);
    });
  }

  write(id: string, svc: string, chr: string, data: Buffer, withoutResponse: boolean): void {
    const conn = this.withConnection(id, (e) => this.emit('write', id, svc, chr, e));
    if (!conn) return;
    const c = this.findCharacteristic(conn, svc, chr);
    const payload = Buffer.from(data);
    if (withoutResponse) {
      // A write command larger than MTU − 3 never leaves a real stack; the sim truncates like BlueZ would refuse.
      if (!c?.properties.includes('writeWithoutResponse') || payload.length > conn.mtu - 3) {
        queueMicrotask(() =>
          this.emit(
            'write',
            id,
            svc,
            chr,
            new Error(
              !c
                ? 'unknown characteristic'
                : payload.length > conn.mtu - 3
                  ? `write of ${payload.length} bytes exceeds MTU ${conn.mtu} − 3`
                  : 'write without response not permitted',
            ),
          ),
        );
        return;
      }
      const sent = this.options.writeCompletion === 'sent';
      // Queued behind any outstanding request only for ordering with the MTU exchange, as in HCI gatt.js.
      this.request(conn, async () => {
        conn.link.send('toPeripheral', payload.length, () => {
          if (conn.open) conn.peripheral.onWrite(svc, chr, payload, true);
          if (sent) this.emit('write', id, svc, chr);
        });
        if (!sent) this.emit('write', id, svc, chr);
      });
      return;
    }
    this.request(conn, async () => {
      if (!c?.properties.includes('write')) {
        await this.roundTrip(conn, payload.length, 2);
        this.emit('write', id, svc, chr, new Error(`ATT error 0x${ATT.WRITE_NOT_PERMITTED.toString(16)}`));
        return;
      }
      let code: number | undefined;
      await new Promise<void>((resolve) => {
        conn.link.send('toPeripheral', Math.min(payload.length, conn.mtu - 3), () => {
          code = conn.open ? (conn.peripheral.onWrite(svc, chr, payload, false) ?? undefined) : undefined;
          conn.link.send('toCentral', 0, resolve);
        });
      });
      this.emit('write', id, svc, chr, code !== undefined ? new Error(`ATT error 0x${code.toString(16)}`) : undefined);
    });
  }

  broadcast(id: string, svc: string, chr: string, state: boolean): void {
    queueMicrotask(() => this.emit('broadcast', id, svc, chr, state));
  }

  notify(id: string, svc: string, chr: string, enable: boolean): void {
    const conn = this.withConnection(id, (e) => this.emit('notify', id, svc, chr, false, e));
    if (!conn) return;
    this.request(conn, async () => {
      const c = this.findCharacteristic(conn, svc, chr);
      await this.roundTrip(conn, 2, 0);
      if (!c || !(c.properties.includes('notify') || c.properties.includes('indicate'))) {
        this.emit('notify', id, svc, chr, false, new Error('characteristic does not notify'));
        return;
      }
      if (enable) conn.subscribed.add(key(svc, chr));
      else conn.subscribed.delete(key(svc, chr));
      conn.peripheral.onSubscribe?.(svc, chr, enable);
      this.emit('notify', id, svc, chr, enable);
    });
  }

  discoverDescriptors(id: string, svc: string, chr: string): void {
    const conn = this.withConnection(id, (e) => this.emit('descriptorsDiscover', id, svc, chr, [], e));
    if (!conn) return;
    this.request(conn, async () => {
      await this.roundTrip(conn, 4, 4);
      const c = this.findCharacteristic(conn, svc, chr);
      const hasCcc = c && (c.properties.includes('notify') || c.properties.includes('indicate'));
      this.emit('descriptorsDiscover', id, svc, chr, hasCcc ? [CCC] : []);
    });
  }

  readValue(id: string, svc: string, chr: string, desc: string): void {
    const conn = this.withConnection(id, (e) => this.emit('valueRead', id, svc, chr, desc, Buffer.alloc(0), e));
    if (!conn) return;
    this.request(conn, async () => {
      await this.roundTrip(conn, 0, 2);
      const value = Buffer.alloc(2);
      if (nobleUuid(desc) === CCC && conn.subscribed.has(key(svc, chr))) value.writeUInt16LE(1);
      this.emit('valueRead', id, svc, chr, desc, value);
    });
  }

  writeValue(id: string, svc: string, chr: string, desc: string, data: Buffer): void {
    if (nobleUuid(desc) === CCC) {
      const enable = data.length >= 1 && (data[0]! & 0x03) !== 0;
      const conn = this.withConnection(id, (e) => this.emit('valueWrite', id, svc, chr, desc, e));
      if (!conn) return;
      this.request(conn, async () => {
        await this.roundTrip(conn, 2, 0);
        if (enable) conn.subscribed.add(key(svc, chr));
        else conn.subscribed.delete(key(svc, chr));
        conn.peripheral.onSubscribe?.(svc, chr, enable);
        this.emit('valueWrite', id, svc, chr, desc);
      });
      return;
    }
    queueMicrotask(() =>
      this.emit('valueWrite', id, svc, chr, desc, new Error('descriptor writes other than the CCC are not simulated')),
    );
  }

  readHandle(id: string, handle: number): void {
    queueMicrotask(() =>
      this.emit('handleRead', id, handle, Buffer.alloc(0), new Error('handle access is not simulated')),
    );
  }

  writeHandle(id: string, handle: number): void {
    queueMicrotask(() => this.emit('handleWrite', id, handle, new Error('handle access is not simulated')));
  }
}

function key(svc: string, chr: string): string {
  return `${nobleUuid(svc)}/${nobleUuid(chr)}`;
}

/** A plain peripheral that only advertises (and accepts connections with an empty GATT): for scan tests
 *  with hostile or odd advertisement data. */
export class AdvertisingPeripheral implements VirtualPeripheral {
  readonly id: string;
  readonly address: string;
  readonly addressType: 'public' | 'random';
  rssi: number;
  readonly maxMtu = 23;
  adv: SimAdvertisement | null;

  constructor(options: {
    id: string;
    address: string;
    addressType?: 'public' | 'random';
    rssi?: number;
    advertisement: SimAdvertisement | null;
  }) {
    this.id = options.id;
    this.address = options.address;
    this.addressType = options.addressType ?? 'random';
    this.rssi = options.rssi ?? -60;
    this.adv = options.advertisement;
  }

  advertisement(): SimAdvertisement | null {
    return this.adv;
  }

  gatt(): SimService[] {
    return [];
  }

  onConnect(): void {}
  onDisconnect(): void {}
  onWrite(): number {
    return ATT.INVALID_HANDLE;
  }
}
