// What the engine needs from a Bluetooth LE central, independent of noble: scan for advertisements,
// connect to one peripheral, talk to one notifying characteristic. noble-radio.ts implements it over
// @stoprocent/noble (real adapter, or the simulated radio handed in as bindings).
import type { EventEmitter } from 'node:events';

/** Where the radio is: `off` only when the user turned BLE off (OTA_BENCH_BLE=off). */
export type RadioState = 'off' | 'starting' | 'scanning' | 'unavailable';

export interface RadioStatus {
  state: RadioState;
  /** One sentence for the UI ("No Bluetooth adapter: …"). */
  message: string;
}

/** One advertisement as received: untrusted radio data, sanitised by whoever shows it. */
export interface Advertisement {
  /** The radio's peripheral id (noble's), stable for this adapter. */
  peripheralId: string;
  /** Bluetooth address as the radio reports it ('' on macOS, which hides addresses). */
  address: string;
  addressType: string;
  /** Advertised local name, raw; may be absent, empty, overlong or hostile. */
  localName: string | null;
  /** Service UUIDs in noble's spelling: lowercase hex without dashes; 16-bit ones as 4 hex digits or fewer. */
  serviceUuids: string[];
  manufacturerData: Buffer | null;
  rssi: number;
  connectable: boolean;
  /** Epoch ms when it arrived. */
  at: number;
}

export interface RadioEvents {
  advertisement: [Advertisement];
  status: [RadioStatus];
}

export interface ConnectOptions {
  /** ATT MTU to ask for (HCI bindings honour it; others negotiate by themselves). */
  mtu?: number;
  signal?: AbortSignal;
  /** How long to wait for the peripheral to be in range and connectable. */
  timeoutMs: number;
}

/** A characteristic the engine writes without response and hears back from by notification (SMP). */
export interface NotifyChannel {
  /**
   * Queues one ATT write without response. Writes are serialised here (noble's writeAsync on one
   * characteristic must not overlap, ble-protocols.md §5.5), so callers may call it without awaiting;
   * the promise settles when this write has been handed to the radio.
   */
  write(data: Buffer): Promise<void>;
  /** Every notification, in order. */
  onNotification(listener: (data: Buffer) => void): () => void;
}

/** One characteristic of a service opened with `openService`: reads, writes of either kind, notifications. */
export interface GattCharacteristic {
  readonly uuid: string;
  /** As discovered: 'read', 'write', 'writeWithoutResponse', 'notify', 'indicate'… */
  readonly properties: readonly string[];
  /** One ATT read (noble may follow it with read-blob requests when the value fills the PDU). */
  read(): Promise<Buffer>;
  /**
   * One write: a write request (`withoutResponse` false, settles on the peripheral's answer and rejects
   * with its ATT error) or a write command. Serialised per characteristic, like NotifyChannel.write.
   */
  write(data: Buffer, withoutResponse: boolean): Promise<void>;
  /** Enables notifications/indications (once) and hears every one, in order. */
  subscribe(listener: (data: Buffer) => void): Promise<() => void>;
}

/**
 * A characteristic written with whichever write it offers (write-without-response preferred, else
 * write requests, one at a time) and heard back from by notification or indication: Espressif BLE OTA
 * firmware declares one or the other depending on the variant (ble-protocols.md §3.1, §3.6).
 */
export interface WriteNotifyChannel extends NotifyChannel {
  /** 'request' when the characteristic has no write-without-response: each write then waits for its ATT response. */
  readonly writeKind: 'command' | 'request';
}

export interface GattConnection {
  readonly peripheralId: string;
  /** Negotiated ATT MTU; null when the radio does not report it (BlueZ D-Bus). */
  readonly attMtu: number | null;
  readonly connected: boolean;
  /** Discovers the service and characteristic and subscribes to its notifications. */
  openNotifyChannel(serviceUuid: string, characteristicUuid: string, signal?: AbortSignal): Promise<NotifyChannel>;
  /**
   * Discovers and subscribes to characteristics of one service that notify or indicate, each written
   * as it allows; in one discovery (noble forgets a service's characteristics on every discovery).
   */
  openWriteNotifyChannels?(
    serviceUuid: string,
    characteristicUuids: string[],
    signal?: AbortSignal,
  ): Promise<WriteNotifyChannel[]>;
  /**
   * Discovers one service and the named characteristics (noble's or the dashed spelling), keyed by the
   * UUID as asked. Rejects with a phrase when one is missing; properties are the caller's to check.
   */
  openService(
    serviceUuid: string,
    characteristicUuids: string[],
    signal?: AbortSignal,
  ): Promise<Map<string, GattCharacteristic>>;
  /** Called once when the link goes down for any reason, with a phrase saying why. */
  onDisconnect(listener: (reason: string) => void): () => void;
  disconnect(): Promise<void>;
}

export interface BleRadio extends Pick<EventEmitter<RadioEvents>, 'on' | 'off' | 'once'> {
  status(): RadioStatus;
  /** Powers the adapter up (loading the native bindings lazily) and scans for the given services. */
  startScanning(serviceUuids: string[]): Promise<void>;
  stopScanning(): Promise<void>;
  /** Connects to a peripheral seen in a scan (or about to be). Rejects with a sentence on timeout. */
  connect(peripheralId: string, options: ConnectOptions): Promise<GattConnection>;
  close(): Promise<void>;
}
