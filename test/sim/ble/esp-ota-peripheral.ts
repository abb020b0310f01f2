// A simulated Espressif BLE OTA device (ble-protocols.md §3), written from esp-iot-solution's firmware,
// independently of the engine: the ble_ota_raw profile (command CRC check, START rejected while a transfer
// runs or with length 0, START ACK with the sector window, STOP, sector/packet/CRC checks answered per
// packet exactly as esp_ble_ota_raw.c does) under the example application (examples/bluetooth/ble_ota):
// sectors written to the next OTA partition as they arrive, and once every byte is there esp_ota_end
// checks the image and the device restarts into it — or, when esp_ota_end refuses it, logs "OTA failed"
// and stays on its old firmware without telling the central.
//
// The transfer state lives in globals in the firmware, so it survives a disconnect: after a dropped link a
// new START is rejected until STOP. Quirks: `nimble: true` declares write + indicate only (the NimBLE
// ble_ota variant) and its START keeps the sector counter (so after a reconnect the device answers sector 0
// with an index error naming the sector it is at, and keeps the wrongly numbered packets all the same, as
// nimble_ota.c does); `corruptSector` makes the device's CRC of one sector
// come out wrong a number of times; `dropLinkAfterBytes` drops the link once.

import {
  type CentralLink,
  type SimAdvertisement,
  type SimService,
  type VirtualPeripheral,
  ATT,
  nobleUuid,
} from './sim-bindings.ts';
import type { SimClock } from './link-model.ts';

export const ESP_OTA_SERVICE = '8018';
const RECV_FW = '8020';
const PROGRESS = '8021';
const COMMAND = '8022';
const CUSTOMER = '8023';

const SECTOR = 4096;
const CMD_START = 1;
const CMD_STOP = 2;
const CMD_ACK = 3;
const FW_SUCCESS = 0;
const FW_CRC_ERR = 1;
const FW_INDEX_ERR = 2;
const FW_LEN_ERR = 3;

/** crc16_ccitt of the firmware: poly 0x1021, init 0, MSB first. */
export function firmwareCrc16(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export interface EspOtaPeripheralOptions {
  id: string;
  address?: string;
  name?: string;
  rssi?: number;
  maxMtu?: number;
  /** The chip id in the image header the device's esp_ota_end accepts (0 = ESP32, 9 = ESP32-S3, 5 = C3). */
  chipId?: number;
  /** What runs at power-on. */
  version?: string;
  /** The NimBLE ble_ota variant: write + indicate only, START keeps the sector counter. */
  nimble?: boolean;
  /** esp_ble_ota_raw_set_sector_send_window_for_ringbuf: the START ACK's byte 6 (default 2, an 8 KiB ring buffer). */
  sectorWindow?: number;
  /** Erase and write of one 4 KiB sector, virtual ms (default 40). */
  sectorWriteMs?: number;
  /** esp_ota_end (image check) before the restart, virtual ms (default 300). */
  finishMs?: number;
  /** Boot time after the restart, virtual ms (default 400). */
  bootMs?: number;
  /** Quirk: the radio goes silent once this many firmware bytes (ATT values) have arrived, once. */
  dropLinkAfterBytes?: number;
  /** Quirk: the device's CRC of this sector comes out wrong `times` times (default 1). */
  corruptSector?: { sector: number; times?: number };
}

export interface EspOtaLogEntry {
  t: number;
  what: string;
}

export class EspOtaPeripheral implements VirtualPeripheral {
  readonly id: string;
  readonly address: string;
  readonly addressType = 'public' as const;
  rssi: number;
  readonly maxMtu: number;
  readonly options: EspOtaPeripheralOptions;
  /** The image running (null: the factory firmware it was built with) and its version. */
  running: { image: Buffer | null; version: string };
  readonly log: EspOtaLogEntry[] = [];
  readonly stats = { bytesReceived: 0, sectorsWritten: 0, crcErrors: 0, indexErrors: 0, restarts: 0 };

  private clock: SimClock | null = null;
  private central: CentralLink | null = null;
  private booting = false;
  // s_ota_ctx of esp_ble_ota_raw.c, plus the partition the example app writes
  private startOta = false;
  private totalLen = 0;
  private curSector = 0;
  private curPacket = 0;
  private sectorBuf: Buffer[] = [];
  private sectorLen = 0;
  private partition: Buffer[] = [];
  private written = 0;
  private finishing = false;
  private corruptLeft: number;
  private work: Promise<void> = Promise.resolve();

  constructor(options: EspOtaPeripheralOptions) {
    this.options = options;
    this.id = options.id;
    this.address = options.address ?? options.id.padStart(12, '0').slice(-12).match(/../g)!.join(':');
    this.rssi = options.rssi ?? -59;
    this.maxMtu = options.maxMtu ?? 247;
    this.running = { image: null, version: options.version ?? '1.0.0' };
    this.corruptLeft = options.corruptSector ? (options.corruptSector.times ?? 1) : 0;
  }

  get connected(): boolean {
    return this.central !== null;
  }

  /** True while a transfer is started (the firmware's start_ota). */
  get transferRunning(): boolean {
    return this.startOta;
  }

  attach(clock: SimClock): void {
    this.clock = clock;
  }

  advertisement(): SimAdvertisement | null {
    if (this.central || this.booting) return null;
    return { localName: this.options.name, serviceUuids: [ESP_OTA_SERVICE], connectable: true };
  }

  gatt(): SimService[] {
    const inOut = this.options.nimble
      ? (['write', 'indicate'] as const)
      : (['write', 'writeWithoutResponse', 'notify', 'indicate'] as const);
    return [
      {
        uuid: ESP_OTA_SERVICE,
        characteristics: [
          { uuid: RECV_FW, properties: [...inOut] },
          { uuid: PROGRESS, properties: ['read', this.options.nimble ? 'indicate' : 'notify'] },
          { uuid: COMMAND, properties: [...inOut] },
          { uuid: CUSTOMER, properties: [...inOut] },
        ],
      },
      {
        uuid: '180a',
        characteristics: [
          { uuid: '2a24', properties: ['read'] },
          { uuid: '2a25', properties: ['read'] },
          { uuid: '2a26', properties: ['read'] },
        ],
      },
    ];
  }

  onConnect(central: CentralLink): void {
    this.central = central;
    this.note('connected');
  }

  onDisconnect(reason: number): void {
    // The firmware keeps its transfer state: nothing here resets it.
    this.central = null;
    this.note(`disconnected 0x${reason.toString(16)}`);
  }

  onRead(_svc: string, chr: string): Buffer | number {
    switch (nobleUuid(chr)) {
      case PROGRESS: {
        const percent = this.totalLen ? Math.min(100, (this.written * 100) / this.totalLen) : 0;
        return Buffer.from([Math.floor(percent), Math.round((percent % 1) * 100)]);
      }
      case '2a24':
        return Buffer.from('ESP32');
      case '2a25':
        return Buffer.from(this.id);
      case '2a26':
        // The DIS firmware revision is a build-time string, not the OTA image's version.
        return Buffer.from('1.0');
      default:
        return Buffer.alloc(0);
    }
  }

  onWrite(svc: string, chr: string, data: Buffer, withoutResponse: boolean): number | void {
    if (nobleUuid(svc) !== ESP_OTA_SERVICE) return ATT.INVALID_HANDLE;
    if (withoutResponse && this.options.nimble) return ATT.WRITE_NOT_PERMITTED;
    const which = nobleUuid(chr);
    if (which === RECV_FW) {
      this.stats.bytesReceived += data.length;
      const drop = this.options.dropLinkAfterBytes;
      if (drop !== undefined && this.stats.bytesReceived >= drop && this.central) {
        this.options.dropLinkAfterBytes = undefined;
        this.note(`link dropped after ${this.stats.bytesReceived} bytes`);
        this.central.drop();
        this.central = null;
        return;
      }
      const copy = Buffer.from(data);
      this.work = this.work.then(() => this.receiveFirmware(copy));
      return;
    }
    if (which === COMMAND) {
      const copy = Buffer.from(data);
      this.work = this.work.then(() => this.receiveCommand(copy));
      return;
    }
    if (which === CUSTOMER) return;
    return ATT.WRITE_NOT_PERMITTED;
  }

  // ---- esp_ble_ota_raw.c -------------------------------------------------------------------------------

  private receiveCommand(data: Buffer): void {
    if (data.length < 2) return;
    const id = data.readUInt16LE(0);
    if (data.length !== 20 || data.readUInt16LE(18) !== firmwareCrc16(data.subarray(0, 18))) {
      this.note(`command ${id} rejected: bad length or CRC`);
      return this.commandAck(id, 1);
    }
    if (id === CMD_START) return this.start(data.readUInt32LE(2));
    if (id === CMD_STOP) {
      if (this.options.nimble) {
        // ble_ota_start_write_chr: start_ota and the length cleared, the sector counter kept, always accepted.
        this.startOta = false;
        this.totalLen = 0;
        this.note(`stop at sector ${this.curSector}`);
        return this.commandAck(CMD_STOP, 0);
      }
      if (!this.startOta) return this.commandAck(CMD_STOP, 1);
      this.note(`stop after ${this.curSector} sectors`);
      this.resetTransfer();
      return this.commandAck(CMD_STOP, 0);
    }
    this.commandAck(id, 1);
  }

  private start(length: number): void {
    if (this.startOta && !this.options.nimble) {
      this.note('START rejected: a transfer is running');
      return this.commandAck(CMD_START, 1);
    }
    if (length === 0) {
      this.note('START rejected: length 0');
      return this.commandAck(CMD_START, 1);
    }
    if (this.options.nimble) {
      // ble_ota_start_write_chr: a new length and a new zeroed buffer, but the sector counter and the
      // buffer offset are kept (nothing resets them short of a reboot).
      this.sectorBuf = [Buffer.alloc(this.sectorLen)];
    } else {
      this.resetTransfer();
      this.partition = []; // the begin hook: esp_ota_begin on the next partition
      this.written = 0;
    }
    this.startOta = true;
    this.totalLen = length;
    this.note(`START ${length} bytes`);
    const extra = Buffer.alloc(1);
    extra[0] = this.options.nimble ? 0 : (this.options.sectorWindow ?? 2);
    this.commandAck(CMD_START, 0, extra);
  }

  private async receiveFirmware(data: Buffer): Promise<void> {
    if (data.length < 3) return;
    if (!this.startOta) {
      this.note('firmware before START: ignored');
      return;
    }
    const sector = data.readUInt16LE(0);
    const packet = data[2]!;
    const end = packet === 0xff;
    let payload = data.subarray(3);
    if (this.options.nimble) return this.receiveNimble(sector, packet, payload);
    if (sector !== this.curSector) {
      this.stats.indexErrors += 1;
      return this.sectorAck(sector, FW_INDEX_ERR, this.curSector);
    }
    if (!end && packet !== this.curPacket) return this.sectorAck(sector, FW_LEN_ERR, this.curSector);
    let crc = 0;
    if (end) {
      if (payload.length < 2) return this.sectorAck(sector, FW_LEN_ERR, this.curSector);
      crc = payload.readUInt16LE(payload.length - 2);
      payload = payload.subarray(0, payload.length - 2);
    }
    if (this.sectorLen + payload.length > SECTOR) {
      this.resetSector();
      return this.sectorAck(sector, FW_LEN_ERR, this.curSector);
    }
    this.sectorBuf.push(Buffer.from(payload));
    this.sectorLen += payload.length;
    if (!end) {
      this.curPacket += 1;
      return;
    }
    const data4k = Buffer.concat(this.sectorBuf);
    let computed = firmwareCrc16(data4k);
    if (this.corruptLeft > 0 && this.options.corruptSector?.sector === sector) {
      this.corruptLeft -= 1;
      computed ^= 0x0100; // a bit flipped in the device's buffer
    }
    if (computed !== crc) {
      this.stats.crcErrors += 1;
      this.note(`sector ${sector}: CRC mismatch`);
      this.resetSector();
      return this.sectorAck(sector, FW_CRC_ERR, this.curSector);
    }
    // recv_fw_cb → the example's ring buffer → esp_ota_write: erase and write before the next sector fits.
    await this.sleep(this.options.sectorWriteMs ?? 40);
    this.partition.push(data4k);
    this.written += data4k.length;
    this.stats.sectorsWritten += 1;
    this.curSector += 1;
    this.resetSector();
    this.sectorAck(sector, FW_SUCCESS, this.curSector);
    if (this.written >= this.totalLen && !this.finishing) this.finish();
  }

  /**
   * nimble_ota.c esp_ble_ota_write_chr: a wrong sector index is answered with an index error, and the
   * packet is kept all the same; a packet out of sequence is only logged; at the 0xFF packet the CRC is
   * checked over everything buffered, and a match is taken as the current sector whatever its index.
   */
  private async receiveNimble(sector: number, packet: number, payload: Buffer): Promise<void> {
    if (sector !== this.curSector && sector !== 0xffff) {
      this.stats.indexErrors += 1;
      this.sectorAck(sector, FW_INDEX_ERR, this.curSector);
    }
    this.sectorBuf.push(Buffer.from(payload));
    this.sectorLen += payload.length;
    if (packet !== 0xff) {
      this.curPacket += 1;
      return;
    }
    const buffered = Buffer.concat(this.sectorBuf);
    this.resetSector();
    const data = buffered.subarray(0, Math.max(0, buffered.length - 2));
    let computed = firmwareCrc16(data);
    if (this.corruptLeft > 0 && this.options.corruptSector?.sector === this.curSector) {
      this.corruptLeft -= 1;
      computed ^= 0x0100;
    }
    if (buffered.length < 2 || buffered.length > 4098 || computed !== buffered.readUInt16LE(buffered.length - 2)) {
      this.stats.crcErrors += 1;
      this.note(`sector ${this.curSector}: CRC mismatch`);
      return this.sectorAck(sector, FW_CRC_ERR, this.curSector);
    }
    await this.sleep(this.options.sectorWriteMs ?? 40);
    this.partition.push(Buffer.from(data));
    this.written += data.length;
    this.stats.sectorsWritten += 1;
    this.curSector += 1;
    this.sectorAck(sector, FW_SUCCESS, this.curSector);
    if (this.totalLen > 0 && this.written >= this.totalLen && !this.finishing) this.finish();
  }

  // ---- the example application: esp_ota_end, set boot partition, restart ------------------------------

  private finish(): void {
    this.finishing = true;
    const image = Buffer.concat(this.partition).subarray(0, this.totalLen);
    this.sleep(this.options.finishMs ?? 300).then(
      () => {
        this.finishing = false;
        const problem = this.validate(image);
        if (problem) {
          this.note(`esp_ota_end failed (${problem}): OTA failed, still running ${this.running.version}`);
          return;
        }
        this.running = { image, version: appVersion(image) ?? 'unknown' };
        this.note(`esp_ota_set_boot_partition; esp_restart into ${this.running.version}`);
        this.restart();
      },
      () => {},
    );
  }

  /** What esp_ota_end → esp_image_verify checks that matters here. */
  private validate(image: Buffer): string | null {
    if (image[0] !== 0xe9) return `magic byte 0x${(image[0] ?? 0).toString(16)} is not 0xE9`;
    if (image.length < 24) return 'image truncated';
    const chip = image.readUInt16LE(12);
    if (chip !== (this.options.chipId ?? 0))
      return `image is for chip id ${chip}, this is chip id ${this.options.chipId ?? 0}`;
    return null;
  }

  private restart(): void {
    this.stats.restarts += 1;
    this.central?.drop();
    this.central = null;
    this.booting = true;
    this.resetTransfer();
    this.sleep(this.options.bootMs ?? 400).then(
      () => {
        this.booting = false;
        this.note(`booted ${this.running.version}`);
      },
      () => {},
    );
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  private resetTransfer(): void {
    this.startOta = false;
    this.totalLen = 0;
    this.curSector = 0;
    this.resetSector();
  }

  private resetSector(): void {
    this.curPacket = 0;
    this.sectorBuf = [];
    this.sectorLen = 0;
  }

  private commandAck(command: number, status: number, extra: Buffer = Buffer.alloc(0)): void {
    const ack = Buffer.alloc(20);
    ack.writeUInt16LE(CMD_ACK, 0);
    ack.writeUInt16LE(command, 2);
    ack.writeUInt16LE(status, 4);
    extra.copy(ack, 6);
    ack.writeUInt16LE(firmwareCrc16(ack.subarray(0, 18)), 18);
    this.central?.notify(ESP_OTA_SERVICE, COMMAND, ack);
  }

  private sectorAck(sector: number, status: number, expected: number): void {
    const ack = Buffer.alloc(20);
    ack.writeUInt16LE(sector, 0);
    ack.writeUInt16LE(status, 2);
    // The NimBLE variant fills the expected sector only on errors.
    ack.writeUInt16LE(this.options.nimble && status === FW_SUCCESS ? 0 : expected, 4);
    ack.writeUInt16LE(firmwareCrc16(ack.subarray(0, 18)), 18);
    this.central?.notify(ESP_OTA_SERVICE, RECV_FW, ack);
  }

  private sleep(ms: number): Promise<void> {
    if (!this.clock) throw new Error('EspOtaPeripheral used before SimBindings attached a clock');
    return this.clock.sleep(ms);
  }

  private note(what: string): void {
    this.log.push({ t: this.clock ? Math.round(this.clock.now()) : 0, what });
  }
}

/** esp_app_desc_t's version, from the first segment (magic 0xABCD5432 right after its 8-byte header). */
function appVersion(image: Buffer): string | null {
  const at = 24 + 8;
  if (image.length < at + 48 || image.readUInt32LE(at) !== 0xabcd5432) return null;
  const raw = image.subarray(at + 16, at + 48);
  const nul = raw.indexOf(0);
  return raw.toString('latin1', 0, nul < 0 ? raw.length : nul) || null;
}
