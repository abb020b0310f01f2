// MCUmgr console framing as the simulated boards speak it, written from Zephyr's serial_util.c and
// measured against the real builds, and kept apart from the engine's smp/console-framing.ts on
// purpose: a framing bug in the engine must not be able to hide behind a shared encoder.
//
// One frame: [length (2, BE) = SMP packet + 2][SMP packet][CRC16-XMODEM (BE) of the packet], cut into
// pieces of 93 raw bytes, EACH piece base64-encoded on its own line (124 characters): the first line
// starts 0x06 0x09, the others 0x04 0x14, every line ends with "\n".

const RAW_BYTES_PER_LINE = 93;
const FIRST = Buffer.from([0x06, 0x09]);
const NEXT = Buffer.from([0x04, 0x14]);

export function crc16Xmodem(data: Buffer): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

export function encodeConsoleFrame(packet: Buffer): Buffer {
  const raw = Buffer.alloc(packet.length + 4);
  raw.writeUInt16BE(packet.length + 2, 0);
  packet.copy(raw, 2);
  raw.writeUInt16BE(crc16Xmodem(packet), packet.length + 2);
  const lines: Buffer[] = [];
  for (let at = 0; at < raw.length; at += RAW_BYTES_PER_LINE) {
    const piece = raw.subarray(at, at + RAW_BYTES_PER_LINE).toString('base64');
    lines.push(at === 0 ? FIRST : NEXT, Buffer.from(piece, 'latin1'), Buffer.from('\n'));
  }
  return Buffer.concat(lines);
}

/**
 * Reads a console byte stream: whole SMP packets (CRC checked) to `onPacket`, every other line
 * (application log, a corrupt frame's text) to `onText`.
 */
export class ConsoleFrameReader {
  private pending = Buffer.alloc(0);
  private frame: Buffer | null = null;

  private readonly onPacket: (packet: Buffer) => void;
  private readonly onText: (line: string) => void;

  constructor(onPacket: (packet: Buffer) => void, onText: (line: string) => void = () => {}) {
    this.onPacket = onPacket;
    this.onText = onText;
  }

  push(bytes: Buffer): void {
    this.pending = Buffer.concat([this.pending, bytes]);
    for (;;) {
      const end = this.pending.indexOf(0x0a);
      if (end < 0) return;
      const line = this.pending.subarray(0, end);
      this.pending = this.pending.subarray(end + 1);
      this.line(line);
    }
  }

  private line(line: Buffer): void {
    const marker = line.subarray(0, 2);
    if (marker.equals(FIRST)) this.frame = Buffer.alloc(0);
    else if (!marker.equals(NEXT) || !this.frame) return this.onText(line.toString('latin1').replace(/\r$/, ''));
    this.frame = Buffer.concat([this.frame, Buffer.from(line.subarray(2).toString('latin1').trim(), 'base64')]);
    if (this.frame.length < 2) return;
    const total = 2 + this.frame.readUInt16BE(0);
    if (this.frame.length < total) return;
    const packet = this.frame.subarray(2, total - 2);
    const crc = this.frame.readUInt16BE(total - 2);
    this.frame = null;
    if (crc16Xmodem(packet) === crc) this.onPacket(Buffer.from(packet));
    else this.onText(`(frame with a bad CRC, ${packet.length} bytes)`);
  }
}

/** An SMP header + CBOR body. */
export function smpPacket(op: number, group: number, id: number, seq: number, body: Uint8Array, version = 1): Buffer {
  const header = Buffer.alloc(8);
  header[0] = ((version & 0x03) << 3) | (op & 0x07);
  header.writeUInt16BE(body.length, 2);
  header.writeUInt16BE(group, 4);
  header[6] = seq & 0xff;
  header[7] = id;
  return Buffer.concat([header, Buffer.from(body)]);
}
