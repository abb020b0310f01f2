// The Espressif BLE OTA codec (ble-protocols.md §3.2–3.5) against the firmware's own arithmetic: the
// CRC check value, command packets and ACKs, sectors cut to every packet size with the CRC never split.
import { describe, expect, it } from 'vitest';
import {
  commandPacket,
  crc16,
  parseCommandAck,
  parseSectorAck,
  sectorCount,
  sectorPackets,
  sectorStatusWords,
  startCommand,
  stopCommand,
} from '../../../electron/engine/ble/esp-ble-ota.ts';
import { firmwareCrc16 } from '../../sim/ble/esp-ota-peripheral.ts';
import { filler } from '../images/builders.ts';

describe('Espressif BLE OTA codec', () => {
  it('computes CRC-16/XMODEM as the firmware does', () => {
    expect(crc16(Buffer.from('123456789'))).toBe(0x31c3);
    const data = filler(4096, 3);
    expect(crc16(data)).toBe(firmwareCrc16(data));
  });

  it('builds 20-byte commands with the length and the CRC in little-endian', () => {
    const start = startCommand(0x12345);
    expect(start.length).toBe(20);
    expect(start.readUInt16LE(0)).toBe(1);
    expect(start.readUInt32LE(2)).toBe(0x12345);
    expect(start.readUInt16LE(18)).toBe(crc16(start.subarray(0, 18)));
    expect(stopCommand().readUInt16LE(0)).toBe(2);
    expect(() => commandPacket(1, Buffer.alloc(17))).toThrow(RangeError);
  });

  it('reads command ACKs, the START window only where the firmware sets it', () => {
    const ack = commandPacket(3, Buffer.from([1, 0, 0, 0, 4]));
    expect(parseCommandAck(ack)).toEqual({ command: 1, accepted: true, sectorWindow: 4, crcValid: true });
    const rejected = commandPacket(3, Buffer.from([2, 0, 1, 0]));
    expect(parseCommandAck(rejected)).toMatchObject({ command: 2, accepted: false, sectorWindow: null });
    expect(parseCommandAck(Buffer.alloc(19))).toBeNull();
  });

  it('reads sector ACKs and says every status in words', () => {
    const ack = Buffer.alloc(20);
    ack.writeUInt16LE(7, 0);
    ack.writeUInt16LE(2, 2);
    ack.writeUInt16LE(5, 4);
    ack.writeUInt16LE(crc16(ack.subarray(0, 18)), 18);
    expect(parseSectorAck(ack)).toEqual({ sector: 7, status: 2, expected: 5, crcValid: true });
    expect(sectorStatusWords(1)).toMatch(/CRC error/);
    expect(sectorStatusWords(3)).toMatch(/length error/);
    expect(sectorStatusWords(9)).toBe('unknown status 9');
  });

  it.each([20, 23, 100, 244, 460, 4097, 4099, 4100])(
    'cuts sectors into %i-byte packets, CRC whole in the last',
    (size) => {
      const image = filler(4096 * 2 + 1000, 5);
      expect(sectorCount(image.length)).toBe(3);
      for (let sector = 0; sector < 3; sector++) {
        const packets = sectorPackets(image, sector, size);
        const data = image.subarray(sector * 4096, (sector + 1) * 4096);
        packets.forEach((p, i) => {
          expect(p.length).toBeLessThanOrEqual(size);
          expect(p.readUInt16LE(0)).toBe(sector);
          expect(p[2]).toBe(i === packets.length - 1 ? 0xff : i);
        });
        const body = Buffer.concat(packets.map((p) => p.subarray(3)));
        expect(body.subarray(0, -2).equals(data)).toBe(true);
        expect(body.readUInt16LE(body.length - 2)).toBe(crc16(data));
        expect(packets.at(-1)!.length).toBeGreaterThanOrEqual(5);
      }
    },
  );
});
