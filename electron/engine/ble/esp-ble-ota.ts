// Espressif BLE OTA (esp-iot-solution ble_ota / ble_ota_raw; ble-protocols.md §3) on the wire: the
// 20-byte command packets to COMMAND (0x8022) and their ACKs, the firmware packets to RECV_FW (0x8020)
// — 4 KiB sectors cut to the link's packet size, each sector's last packet marked 0xFF and ending in
// the sector's CRC16 — and the sector ACKs, with every status code in words. Pure functions: the
// transfer itself is in esp-ble-ota-upload.ts.

export const ESP_OTA_SERVICE_UUID = '8018';
export const ESP_OTA_RECV_FW_UUID = '8020';
export const ESP_OTA_COMMAND_UUID = '8022';

export const ESP_OTA_SECTOR_BYTES = 4096;
export const ESP_OTA_COMMAND_BYTES = 20;
/** Sector index (u16 LE) and packet sequence (u8) before each firmware packet's data. */
export const ESP_OTA_PACKET_HEADER = 3;
/** The packet sequence byte of a sector's last packet. */
export const ESP_OTA_LAST_PACKET = 0xff;
/** Sector indexes are u16: 65 536 sectors of 4 KiB, 256 MiB. */
export const ESP_OTA_MAX_IMAGE_BYTES = 0x10000 * ESP_OTA_SECTOR_BYTES;

export const ESP_OTA_COMMAND = { start: 0x0001, stop: 0x0002, ack: 0x0003 } as const;

export const SECTOR_STATUS = { success: 0, crcError: 1, indexError: 2, lengthError: 3 } as const;

/** CRC-16/XMODEM (poly 0x1021, init 0, MSB first, no reflection, no final XOR), as crc16_ccitt in the firmware. */
export function crc16(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** A 20-byte command: id, payload zero-filled to byte 17, CRC16 of bytes 0–17 in 18–19. */
export function commandPacket(id: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (payload.length > 16) throw new RangeError(`a command payload holds 16 bytes, not ${payload.length}`);
  const packet = Buffer.alloc(ESP_OTA_COMMAND_BYTES);
  packet.writeUInt16LE(id, 0);
  payload.copy(packet, 2);
  packet.writeUInt16LE(crc16(packet.subarray(0, 18)), 18);
  return packet;
}

export function startCommand(imageBytes: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32LE(imageBytes, 0);
  return commandPacket(ESP_OTA_COMMAND.start, payload);
}

export function stopCommand(): Buffer {
  return commandPacket(ESP_OTA_COMMAND.stop);
}

export interface CommandAck {
  /** The command this answers. */
  command: number;
  accepted: boolean;
  /** ble_ota_raw's START accept: how many sectors the device can buffer (1–64); null when absent. */
  sectorWindow: number | null;
  /** false when bytes 18–19 are not the CRC of 0–17 (a damaged or foreign notification). */
  crcValid: boolean;
}

/** A COMMAND notification, or null when it is not a command ACK. */
export function parseCommandAck(data: Buffer): CommandAck | null {
  if (data.length !== ESP_OTA_COMMAND_BYTES || data.readUInt16LE(0) !== ESP_OTA_COMMAND.ack) return null;
  const command = data.readUInt16LE(2);
  const status = data.readUInt16LE(4);
  const window = data[6]!;
  return {
    command,
    accepted: status === 0,
    sectorWindow: command === ESP_OTA_COMMAND.start && status === 0 && window >= 1 && window <= 64 ? window : null,
    crcValid: data.readUInt16LE(18) === crc16(data.subarray(0, 18)),
  };
}

export interface SectorAck {
  sector: number;
  status: number;
  /** The sector the device expects next (older NimBLE firmware leaves it 0 on success). */
  expected: number;
  crcValid: boolean;
}

/** A RECV_FW notification, or null when it is not 20 bytes. */
export function parseSectorAck(data: Buffer): SectorAck | null {
  if (data.length !== 20) return null;
  return {
    sector: data.readUInt16LE(0),
    status: data.readUInt16LE(2),
    expected: data.readUInt16LE(4),
    crcValid: data.readUInt16LE(18) === crc16(data.subarray(0, 18)),
  };
}

/** What a sector ACK status means, in words. */
export function sectorStatusWords(status: number): string {
  switch (status) {
    case SECTOR_STATUS.success:
      return 'received';
    case SECTOR_STATUS.crcError:
      return "CRC error (the sector's CRC16 did not match its data)";
    case SECTOR_STATUS.indexError:
      return 'sector index error (the device expects another sector)';
    case SECTOR_STATUS.lengthError:
      return 'length error (a packet out of sequence, or more than 4 KiB in one sector)';
    default:
      return `unknown status ${status}`;
  }
}

/** The sector count of an image. */
export function sectorCount(imageBytes: number): number {
  return Math.ceil(imageBytes / ESP_OTA_SECTOR_BYTES);
}

/**
 * One sector as firmware packets of at most `maxPacket` bytes (ATT MTU − 3): header, data, and on the
 * last packet (sequence 0xFF) the CRC16 of the sector's data, little-endian, right after its data.
 */
export function sectorPackets(image: Buffer, sector: number, maxPacket: number): Buffer[] {
  const room = maxPacket - ESP_OTA_PACKET_HEADER;
  // The last packet must hold the 2 CRC bytes; sequence numbers 0…254 must suffice for 4 KiB.
  if (room < 3) throw new RangeError(`a ${maxPacket}-byte packet is too small for Espressif BLE OTA`);
  const data = image.subarray(sector * ESP_OTA_SECTOR_BYTES, (sector + 1) * ESP_OTA_SECTOR_BYTES);
  const crc = Buffer.alloc(2);
  crc.writeUInt16LE(crc16(data), 0);
  const packet = (seq: number, body: Buffer[]): Buffer => {
    const header = Buffer.alloc(ESP_OTA_PACKET_HEADER);
    header.writeUInt16LE(sector, 0);
    header[2] = seq;
    return Buffer.concat([header, ...body]);
  };
  const packets: Buffer[] = [];
  let at = 0;
  // The firmware reads the CRC from the last packet's last two bytes: it is never split.
  while (data.length - at + 2 > room) {
    const take = Math.min(room, data.length - at);
    packets.push(packet(packets.length, [data.subarray(at, at + take)]));
    at += take;
  }
  packets.push(packet(ESP_OTA_LAST_PACKET, [data.subarray(at), crc]));
  if (packets.length > ESP_OTA_LAST_PACKET)
    throw new RangeError(`${packets.length} packets per sector exceed the sequence byte`);
  return packets;
}
