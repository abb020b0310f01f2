// BleRadio over @stoprocent/noble. noble is loaded lazily, on the first scan, so OTA Bench starts on a
// machine without Bluetooth (or without the native module) and reports why instead of crashing. The
// same class drives the real adapter and the simulated radio: only the noble instance differs.
import { EventEmitter } from 'node:events';
import { formatDuration } from '../../../shared/format.ts';
import type {
  Advertisement,
  BleRadio,
  ConnectOptions,
  GattCharacteristic,
  GattConnection,
  NotifyChannel,
  RadioEvents,
  RadioStatus,
  WriteNotifyChannel,
} from './ble-radio.ts';

/** The parts of noble's Peripheral / Characteristic / Noble this file uses (noble ships loose types). */
interface NobleCharacteristic {
  uuid: string;
  properties: string[];
  writeAsync(data: Buffer, withoutResponse: boolean): Promise<void>;
  readAsync(): Promise<Buffer>;
  subscribeAsync(): Promise<void>;
  on(event: 'data', listener: (data: Buffer, isNotification: boolean) => void): unknown;
  removeListener(event: 'data', listener: (data: Buffer, isNotification: boolean) => void): unknown;
}
interface NoblePeripheral {
  id: string;
  address: string;
  addressType: string;
  connectable: boolean;
  rssi: number;
  mtu: number | null;
  state: string;
  advertisement: {
    localName?: string;
    serviceUuids?: string[];
    manufacturerData?: Buffer;
    serviceData?: { uuid: string }[];
  };
  connectAsync(options?: { mtu?: number }): Promise<void>;
  cancelConnect(): void;
  disconnectAsync(): Promise<void>;
  discoverSomeServicesAndCharacteristicsAsync(
    services: string[],
    characteristics: string[],
  ): Promise<{ characteristics: NobleCharacteristic[] }>;
  once(event: 'disconnect', listener: (reason?: number) => void): unknown;
  removeListener(event: 'disconnect', listener: (reason?: number) => void): unknown;
}
export interface NobleLike {
  state: string;
  on(event: 'stateChange', listener: (state: string) => void): unknown;
  on(event: 'discover', listener: (peripheral: NoblePeripheral) => void): unknown;
  startScanningAsync(serviceUuids: string[], allowDuplicates: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
  stop?(): void;
}

/** noble's UUID spelling: lowercase hex without dashes; 16-bit UUIDs without leading zeros. */
export function nobleUuid(uuid: string): string {
  const hex = uuid.replace(/-/g, '').toLowerCase();
  return hex.length <= 4 ? parseInt(hex, 16).toString(16) : hex;
}

/** HCI disconnect reasons in words (Bluetooth Core Vol 1 Part F). */
function disconnectReason(code: unknown): string {
  // noble itself passes 'cleanup' when the adapter leaves poweredOn; BlueZ D-Bus passes words.
  if (code === 'cleanup') return 'the Bluetooth adapter was turned off or reset';
  if (typeof code !== 'number') return 'the link went down';
  switch (code) {
    case 0x08:
      return 'the link timed out (the device reset, lost power or went out of range)';
    case 0x13:
      return 'the device closed the connection';
    case 0x16:
      return 'OTA Bench closed the connection';
    case 0x3e:
      return 'the connection could not be established';
    default:
      return `the link went down (HCI reason 0x${code.toString(16).padStart(2, '0')})`;
  }
}

/** What noble's adapter states mean for a user, with what to do about them. */
export function adapterStateMessage(state: string, platform: string = process.platform): RadioStatus {
  switch (state) {
    case 'poweredOn':
      return { state: 'scanning', message: 'Looking for Bluetooth LE devices nearby.' };
    case 'poweredOff':
      return { state: 'unavailable', message: 'Bluetooth is turned off. Turn it on to see BLE devices.' };
    case 'unauthorized':
      return {
        state: 'unavailable',
        message:
          platform === 'linux'
            ? 'Bluetooth needs permission: give the app raw HCI access (sudo setcap cap_net_raw+eip on the node or Electron binary), or use BlueZ over D-Bus with OTA_BENCH_BLE=dbus.'
            : 'Bluetooth needs permission: allow OTA Bench to use Bluetooth in the system settings.',
      };
    case 'unsupported':
      return {
        state: 'unavailable',
        message: 'No Bluetooth adapter: this machine has no Bluetooth LE adapter OTA Bench can use.',
      };
    default:
      return { state: 'starting', message: `Waiting for the Bluetooth adapter (${state}).` };
  }
}

export class NobleRadio extends EventEmitter<RadioEvents> implements BleRadio {
  private noble: NobleLike | null = null;
  private loading: Promise<NobleLike | null> | null = null;
  private current: RadioStatus = { state: 'starting', message: 'Bluetooth has not started yet.' };
  private readonly peripherals = new Map<string, NoblePeripheral>();
  private scanFor: string[] | null = null;
  private connecting = 0;

  private readonly load: () => Promise<NobleLike>;
  private readonly platform: string;

  constructor(load: () => Promise<NobleLike>, platform: string = process.platform) {
    super();
    this.load = load;
    this.platform = platform;
  }

  status(): RadioStatus {
    return this.current;
  }

  private setStatus(status: RadioStatus): void {
    if (status.state === this.current.state && status.message === this.current.message) return;
    this.current = status;
    this.emit('status', status);
  }

  private ensureNoble(): Promise<NobleLike | null> {
    this.loading ??= this.load()
      .then((noble) => {
        // Reading `state` makes noble start its bindings (lib/noble.js), which emit 'stateChange'.
        // Read it before listening: a first 'stateChange' listener makes noble start them on the next
        // tick instead, where a throwing start() (dbus bindings without dbus-next) is uncaught.
        void noble.state;
        this.noble = noble;
        noble.on('stateChange', (state) => this.onState(state));
        noble.on('discover', (peripheral) => this.onDiscover(peripheral));
        this.onState(noble.state);
        return noble;
      })
      .catch((error: unknown) => {
        this.noble = null;
        this.setStatus({
          state: 'unavailable',
          message: `No Bluetooth adapter: Bluetooth support could not be loaded (${error instanceof Error ? error.message : String(error)}).`,
        });
        return null;
      });
    return this.loading;
  }

  private onState(state: string): void {
    const status = adapterStateMessage(state, this.platform);
    if (state === 'poweredOn') void this.resumeScan();
    else this.setStatus(status);
  }

  private async resumeScan(): Promise<void> {
    const noble = this.noble;
    if (!noble || !this.scanFor || this.connecting > 0 || noble.state !== 'poweredOn') return;
    try {
      // Duplicates on: every advertisement refreshes RSSI and "last seen".
      await noble.startScanningAsync(this.scanFor, true);
      this.setStatus(adapterStateMessage('poweredOn'));
    } catch (error) {
      this.setStatus({ state: 'unavailable', message: `Bluetooth scanning failed: ${(error as Error).message}.` });
    }
  }

  private onDiscover(peripheral: NoblePeripheral): void {
    this.peripherals.set(peripheral.id, peripheral);
    const ad = peripheral.advertisement ?? {};
    const advertisement: Advertisement = {
      peripheralId: peripheral.id,
      address: typeof peripheral.address === 'string' ? peripheral.address : '',
      addressType: typeof peripheral.addressType === 'string' ? peripheral.addressType : 'unknown',
      localName: typeof ad.localName === 'string' ? ad.localName : null,
      serviceUuids: [
        ...(Array.isArray(ad.serviceUuids) ? ad.serviceUuids : []),
        ...(Array.isArray(ad.serviceData) ? ad.serviceData.map((d) => d?.uuid) : []),
      ].filter((u): u is string => typeof u === 'string'),
      manufacturerData: Buffer.isBuffer(ad.manufacturerData) ? ad.manufacturerData : null,
      rssi: Number.isFinite(peripheral.rssi) ? peripheral.rssi : -127,
      connectable: peripheral.connectable !== false,
      at: Date.now(),
    };
    this.emit('advertisement', advertisement);
  }

  async startScanning(serviceUuids: string[]): Promise<void> {
    this.scanFor = serviceUuids.map(nobleUuid);
    const noble = await this.ensureNoble();
    if (noble?.state === 'poweredOn') await this.resumeScan();
  }

  async stopScanning(): Promise<void> {
    this.scanFor = null;
    if (this.noble?.state === 'poweredOn') await this.noble.stopScanningAsync().catch(() => undefined);
  }

  async connect(peripheralId: string, options: ConnectOptions): Promise<GattConnection> {
    const noble = await this.ensureNoble();
    if (!noble || noble.state !== 'poweredOn') throw new Error(this.current.message);
    const peripheral = this.peripherals.get(peripheralId);
    if (!peripheral)
      throw new Error('the device has not been seen by this Bluetooth adapter yet; wait for it to appear in the list');
    // Some adapters refuse to connect while scanning (ble-protocols.md §5.3): pause the scan meanwhile.
    this.connecting++;
    if (this.scanFor) await noble.stopScanningAsync().catch(() => undefined);
    try {
      await connectWithin(peripheral, options);
    } finally {
      this.connecting--;
      void this.resumeScan();
    }
    return new NobleConnection(peripheral);
  }

  async close(): Promise<void> {
    await this.stopScanning();
    for (const p of this.peripherals.values())
      if (p.state === 'connected') await p.disconnectAsync().catch(() => undefined);
    this.noble?.stop?.();
  }
}

/** connectAsync has no timeout of its own (the controller waits for an advertisement forever). */
async function connectWithin(peripheral: NoblePeripheral, options: ConnectOptions): Promise<void> {
  if (peripheral.state === 'connected') return;
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stop = new Promise<never>((_, reject) => {
    const within = formatDuration(options.timeoutMs / 1000);
    const words = `the device did not accept a connection within ${within} (out of range, off, or connected to something else)`;
    timer = setTimeout(() => reject(new Error(words)), options.timeoutMs);
    onAbort = () => reject(new Error('cancelled'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([peripheral.connectAsync(options.mtu ? { mtu: options.mtu } : undefined), stop]);
  } catch (error) {
    peripheral.cancelConnect();
    throw error;
  } finally {
    clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  }
}

class NobleConnection implements GattConnection {
  private open = true;
  private readonly listeners = new Set<(reason: string) => void>();
  private reason = '';

  private readonly peripheral: NoblePeripheral;

  constructor(peripheral: NoblePeripheral) {
    this.peripheral = peripheral;
    peripheral.once('disconnect', (code?: number) => {
      this.open = false;
      this.reason = disconnectReason(code);
      for (const listener of this.listeners) listener(this.reason);
      this.listeners.clear();
    });
  }

  get peripheralId(): string {
    return this.peripheral.id;
  }

  get attMtu(): number | null {
    return typeof this.peripheral.mtu === 'number' && this.peripheral.mtu >= 23 ? this.peripheral.mtu : null;
  }

  get connected(): boolean {
    return this.open;
  }

  onDisconnect(listener: (reason: string) => void): () => void {
    if (!this.open) {
      queueMicrotask(() => listener(this.reason));
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async openNotifyChannel(
    serviceUuid: string,
    characteristicUuid: string,
    signal?: AbortSignal,
  ): Promise<NotifyChannel> {
    const wanted = nobleUuid(characteristicUuid);
    const found = await this.whileOpen(
      this.peripheral.discoverSomeServicesAndCharacteristicsAsync([nobleUuid(serviceUuid)], [wanted]),
      signal,
    );
    const characteristic = found.characteristics.find((c) => c.uuid === wanted);
    if (!characteristic)
      throw new Error(`the device does not offer characteristic ${characteristicUuid} in service ${serviceUuid}`);
    if (!characteristic.properties.includes('writeWithoutResponse') || !characteristic.properties.includes('notify')) {
      throw new Error(
        `characteristic ${characteristicUuid} does not allow write-without-response and notify (it has ${characteristic.properties.join(', ') || 'no properties'})`,
      );
    }
    const listeners = new Set<(data: Buffer) => void>();
    characteristic.on('data', (data, isNotification) => {
      if (isNotification === false) return;
      for (const listener of listeners) listener(data);
    });
    await this.whileOpen(characteristic.subscribeAsync(), signal);
    let chain: Promise<void> = Promise.resolve();
    return {
      write: (data) => {
        // One write at a time per characteristic: stoprocent noble loses the completion of a write
        // that overlaps another (onceExclusive), ble-protocols.md §5.5.
        const next = chain.then(() => {
          if (!this.open) throw new Error(`the link is down: ${this.reason}`);
          return characteristic.writeAsync(data, true);
        });
        chain = next.catch(() => undefined);
        return next;
      },
      onNotification: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }

  async openService(
    serviceUuid: string,
    characteristicUuids: string[],
    signal?: AbortSignal,
  ): Promise<Map<string, GattCharacteristic>> {
    const wanted = characteristicUuids.map(nobleUuid);
    const found = await this.whileOpen(
      this.peripheral.discoverSomeServicesAndCharacteristicsAsync([nobleUuid(serviceUuid)], wanted),
      signal,
    );
    const opened = new Map<string, GattCharacteristic>();
    characteristicUuids.forEach((asked, i) => {
      const characteristic = found.characteristics.find((c) => c.uuid === wanted[i]);
      if (!characteristic)
        throw new Error(`the device does not offer characteristic ${asked} in service ${serviceUuid}`);
      opened.set(asked, this.characteristic(characteristic, signal));
    });
    return opened;
  }

  private characteristic(characteristic: NobleCharacteristic, signal?: AbortSignal): GattCharacteristic {
    let chain: Promise<unknown> = Promise.resolve();
    // One ATT operation at a time per characteristic (noble's onceExclusive, ble-protocols.md §5.5).
    const serialised = <T>(operation: () => Promise<T>): Promise<T> => {
      const next = chain.then(() => {
        if (!this.open) throw new Error(`the link is down: ${this.reason}`);
        return this.whileOpen(operation(), signal);
      });
      chain = next.catch(() => undefined);
      return next;
    };
    const listeners = new Set<(data: Buffer) => void>();
    let subscribed: Promise<void> | null = null;
    return {
      uuid: characteristic.uuid,
      properties: [...characteristic.properties],
      read: () => serialised(() => characteristic.readAsync()),
      write: (data, withoutResponse) => serialised(() => characteristic.writeAsync(data, withoutResponse)),
      subscribe: async (listener) => {
        listeners.add(listener);
        subscribed ??= (async () => {
          characteristic.on('data', (data, isNotification) => {
            if (isNotification === false) return;
            for (const l of listeners) l(data);
          });
          await serialised(() => characteristic.subscribeAsync());
        })();
        await subscribed;
        return () => listeners.delete(listener);
      },
    };
  }

  async openWriteNotifyChannels(
    serviceUuid: string,
    characteristicUuids: string[],
    signal?: AbortSignal,
  ): Promise<WriteNotifyChannel[]> {
    const wanted = characteristicUuids.map(nobleUuid);
    const found = await this.whileOpen(
      this.peripheral.discoverSomeServicesAndCharacteristicsAsync([nobleUuid(serviceUuid)], wanted),
      signal,
    );
    const channels: WriteNotifyChannel[] = [];
    for (const uuid of wanted) {
      const characteristic = found.characteristics.find((c) => c.uuid === uuid);
      if (!characteristic)
        throw new Error(`the device does not offer characteristic ${uuid} in service ${serviceUuid}`);
      channels.push(await this.writeNotifyChannel(characteristic, signal));
    }
    return channels;
  }

  private async writeNotifyChannel(
    characteristic: NobleCharacteristic,
    signal?: AbortSignal,
  ): Promise<WriteNotifyChannel> {
    const has = (p: string) => characteristic.properties.includes(p);
    const writeKind = has('writeWithoutResponse') ? 'command' : has('write') ? 'request' : null;
    if (!writeKind || !(has('notify') || has('indicate'))) {
      throw new Error(
        `characteristic ${characteristic.uuid} cannot be written and heard back from (it has ${characteristic.properties.join(', ') || 'no properties'})`,
      );
    }
    const listeners = new Set<(data: Buffer) => void>();
    // Indications arrive as 'data' with isNotification true too; only read responses are false.
    characteristic.on('data', (data, isNotification) => {
      if (isNotification === false) return;
      for (const listener of listeners) listener(data);
    });
    await this.whileOpen(characteristic.subscribeAsync(), signal);
    let chain: Promise<void> = Promise.resolve();
    return {
      writeKind,
      write: (data) => {
        // Serialised as in openNotifyChannel; a write request also waits for its response here.
        const next = chain.then(() => {
          if (!this.open) throw new Error(`the link is down: ${this.reason}`);
          return this.whileOpen(characteristic.writeAsync(data, writeKind === 'command'));
        });
        chain = next.catch(() => undefined);
        return next;
      },
      onNotification: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }

  /** Rejects as soon as the link drops or the signal aborts, whatever noble does with the pending call. */
  private whileOpen<T>(operation: Promise<T>, signal?: AbortSignal): Promise<T> {
    if (!this.open) {
      operation.catch(() => undefined); // noble rejects it too, later: not an unhandled rejection
      return Promise.reject(new Error(`the link is down: ${this.reason}`));
    }
    return new Promise<T>((resolve, reject) => {
      const off = this.onDisconnect((reason) => reject(new Error(`the link went down: ${reason}`)));
      const onAbort = () => reject(new Error('cancelled'));
      signal?.addEventListener('abort', onAbort, { once: true });
      operation.then(resolve, reject).finally(() => {
        off();
        signal?.removeEventListener('abort', onAbort);
      });
    });
  }

  async disconnect(): Promise<void> {
    if (!this.open) return;
    await Promise.race([
      this.peripheral.disconnectAsync().catch(() => undefined),
      new Promise((r) => setTimeout(r, 3000)),
    ]);
  }
}
