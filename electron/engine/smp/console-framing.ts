// MCUmgr's console framing: how SMP packets travel over a serial port (Zephyr
// subsys/mgmt/mcumgr/transport/src/serial_util.c, used by smp_uart and smp_shell; MCUboot's boot_serial
// speaks the same). One SMP packet becomes the raw bytes
//   [u16 BE total = packet length + 2][packet][CRC16-XMODEM of the packet, u16 BE]
// cut into pieces; EACH piece is base64-encoded on its own line (the board decodes line by line, so one
// base64 string split at arbitrary points is never understood: measured on the real Zephyr build):
//   first line:        0x06 0x09 <base64> "\n"
//   continuation line: 0x04 0x14 <base64> "\n"
// A line is at most line_length_max bytes (128 by default: 93 raw bytes → 124 base64 characters + 3).
// The same port carries the board's own console (log lines with colours and \r, shell prompts), so the
// decoder treats anything that is not a well-formed frame as console text and never throws.

const START_MARKER = [0x06, 0x09] as const;
const CONTINUATION_MARKER = [0x04, 0x14] as const;
const NEWLINE = 0x0a;

/** Zephyr's CONFIG_UART_MCUMGR_RX_BUF_SIZE and MCUboot's BOOT_MAX_LINE_INPUT_LEN default. */
export const DEFAULT_LINE_LENGTH_MAX = 128;
/** The 2-byte total length caps a packet at 65535 − 2 (the CRC shares the count). */
export const MAX_FRAMED_PACKET = 0xffff - 2;
/** A console line longer than this without a newline is junk: kept no further (bounded memory). */
const MAX_BUFFERED_LINE = 8192;
/** The smallest SMP packet is its 8-byte header; a frame's total counts the 2 CRC bytes too. */
const MIN_FRAME_TOTAL = 8 + 2;

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

/** CRC-16/XMODEM (Zephyr's crc16_itu_t with seed 0): poly 0x1021, init 0, no reflection, no final xor. */
export function crc16Xmodem(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ byte) & 0xff];
  return crc;
}

/** Raw bytes per line: the base64 of them plus the 2-byte marker and "\n" fit lineLengthMax. */
export function rawBytesPerLine(lineLengthMax: number): number {
  const base64Chars = Math.floor((lineLengthMax - 3) / 4) * 4;
  if (base64Chars < 4) throw new Error(`line length ${lineLengthMax} is too short for MCUmgr console framing`);
  return (base64Chars / 4) * 3;
}

/** One SMP packet as the lines a board reads (all lines concatenated, each ending in "\n"). */
export function encodeConsoleFrames(packet: Buffer, lineLengthMax = DEFAULT_LINE_LENGTH_MAX): Buffer {
  if (packet.length > MAX_FRAMED_PACKET) {
    throw new Error(
      `an SMP packet of ${packet.length} bytes does not fit MCUmgr console framing (max ${MAX_FRAMED_PACKET})`,
    );
  }
  const raw = Buffer.alloc(packet.length + 4);
  raw.writeUInt16BE(packet.length + 2, 0);
  packet.copy(raw, 2);
  raw.writeUInt16BE(crc16Xmodem(packet), packet.length + 2);
  const perLine = rawBytesPerLine(lineLengthMax);
  const lines: Buffer[] = [];
  for (let offset = 0; offset < raw.length; offset += perLine) {
    const marker = offset === 0 ? START_MARKER : CONTINUATION_MARKER;
    const body = raw.subarray(offset, offset + perLine).toString('base64');
    lines.push(Buffer.from(marker), Buffer.from(body, 'latin1'), Buffer.from([NEWLINE]));
  }
  return Buffer.concat(lines);
}

export interface ConsoleFrameDecoderStats {
  /** Packets delivered whole with a good CRC. */
  packets: number;
  /** Frames (or frame lines) thrown away: bad base64, CRC mismatch, bad length, superseded, orphan continuation. */
  droppedFrames: number;
  /** Why the last one was dropped, in words, for the log. */
  lastDropReason: string | null;
  /** Console lines (not SMP) seen between frames, and their bytes (overlong junk included). */
  consoleLines: number;
  consoleBytes: number;
}

export interface ConsoleFrameDecoderOptions {
  /** Each line of the board's own console output (raw text, not sanitised; the caller cleans it). */
  onConsoleLine?: (text: string) => void;
}

/**
 * Streaming decoder: push whatever the port delivered (any chunking), get back the whole SMP packets
 * completed by it. Never throws on input; memory is bounded (one line of MAX_BUFFERED_LINE plus one
 * packet of at most 64 KiB).
 */
export class ConsoleFrameDecoder {
  private line: Buffer = Buffer.alloc(0);
  /** The packet being put together: decoded bytes so far (length prefix removed) and the expected total. */
  private pending: { expected: number; chunks: Buffer[]; received: number } | null = null;
  private readonly stats: ConsoleFrameDecoderStats = {
    packets: 0,
    droppedFrames: 0,
    lastDropReason: null,
    consoleLines: 0,
    consoleBytes: 0,
  };

  private readonly options: ConsoleFrameDecoderOptions;

  constructor(options: ConsoleFrameDecoderOptions = {}) {
    this.options = options;
  }

  push(bytes: Uint8Array): Buffer[] {
    const packets: Buffer[] = [];
    let data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (data.length > 0) {
      const newline = data.indexOf(NEWLINE);
      if (newline === -1) {
        this.line = this.line.length === 0 ? Buffer.from(data) : Buffer.concat([this.line, data]);
        this.boundLine();
        break;
      }
      const piece = data.subarray(0, newline);
      const whole = this.line.length === 0 ? piece : Buffer.concat([this.line, piece]);
      this.line = Buffer.alloc(0);
      data = data.subarray(newline + 1);
      const packet = this.takeLine(whole);
      if (packet) packets.push(packet);
    }
    return packets;
  }

  /** Forgets a half-received line and packet (the port was reopened, a request timed out). */
  reset(): void {
    this.line = Buffer.alloc(0);
    if (this.pending) this.drop('the frame was cut off (the link was reset before it ended)');
  }

  getStats(): Readonly<ConsoleFrameDecoderStats> {
    return { ...this.stats };
  }

  /** Junk without newlines must not grow memory: keep only a trailing frame start, if there is one. */
  private boundLine(): void {
    if (this.line.length <= MAX_BUFFERED_LINE) return;
    const marker = lastMarker(this.line);
    const keepFrom = marker && this.line.length - marker.index <= MAX_BUFFERED_LINE ? marker.index : this.line.length;
    this.stats.consoleBytes += keepFrom;
    if (keepFrom > 0) this.stats.consoleLines += 1;
    this.line = Buffer.from(this.line.subarray(keepFrom));
  }

  private takeLine(line: Buffer): Buffer | null {
    // Base64 never contains the marker bytes, so the last marker on the line starts the frame; anything
    // before it is console output that was not ended by a newline (a shell prompt, a log line cut short).
    const marker = lastMarker(line);
    const consoleText = marker ? line.subarray(0, marker.index) : line;
    if (consoleText.length > 0 || !marker) this.consoleLine(consoleText);
    if (!marker) return null;
    const body = line
      .subarray(marker.index + 2)
      .toString('latin1')
      .replace(/[\r\s]+$/, '');
    if (!isBase64(body)) {
      this.drop('a frame line was not valid base64');
      return null;
    }
    const decoded = Buffer.from(body, 'base64');
    return marker.start ? this.startFrame(decoded) : this.continueFrame(decoded);
  }

  private startFrame(decoded: Buffer): Buffer | null {
    if (this.pending) this.drop('a new frame started before the previous one was complete');
    if (decoded.length < 2) {
      this.drop('a frame start was too short to carry its length');
      return null;
    }
    const expected = decoded.readUInt16BE(0);
    if (expected < MIN_FRAME_TOTAL) {
      this.drop(`a frame announced ${expected} bytes, too few for an SMP packet and its CRC`);
      return null;
    }
    this.pending = { expected, chunks: [], received: 0 };
    return this.append(decoded.subarray(2));
  }

  private continueFrame(decoded: Buffer): Buffer | null {
    if (!this.pending) {
      this.drop('a continuation line arrived without a frame start');
      return null;
    }
    return this.append(decoded);
  }

  private append(bytes: Buffer): Buffer | null {
    const pending = this.pending;
    if (!pending) return null;
    pending.chunks.push(Buffer.from(bytes));
    pending.received += bytes.length;
    if (pending.received < pending.expected) return null;
    if (pending.received > pending.expected) {
      this.drop(`a frame carried ${pending.received} bytes where its length said ${pending.expected}`);
      return null;
    }
    const all = Buffer.concat(pending.chunks);
    this.pending = null;
    const packet = all.subarray(0, all.length - 2);
    const crc = all.readUInt16BE(all.length - 2);
    if (crc16Xmodem(packet) !== crc) {
      this.drop('a frame failed its CRC check');
      return null;
    }
    this.stats.packets += 1;
    return packet;
  }

  private drop(reason: string): void {
    this.pending = null;
    this.stats.droppedFrames += 1;
    this.stats.lastDropReason = reason;
  }

  private consoleLine(bytes: Buffer): void {
    this.stats.consoleLines += 1;
    this.stats.consoleBytes += bytes.length + 1;
    const text = bytes.toString('utf8').replace(/\r/g, '');
    if (text.trim() === '' || !this.options.onConsoleLine) return;
    try {
      this.options.onConsoleLine(text);
    } catch {
      // A listener's mistake must not break the decoding of the next frame.
    }
  }
}

function lastMarker(line: Buffer): { index: number; start: boolean } | null {
  for (let index = line.length - 2; index >= 0; index--) {
    const a = line[index];
    const b = line[index + 1];
    if (a === START_MARKER[0] && b === START_MARKER[1]) return { index, start: true };
    if (a === CONTINUATION_MARKER[0] && b === CONTINUATION_MARKER[1]) return { index, start: false };
  }
  return null;
}

function isBase64(text: string): boolean {
  return text.length > 0 && text.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(text);
}
