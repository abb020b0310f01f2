// Our simulators (and any firmware that wants to) embed `OTA_BENCH_VERSION=<version>` as plain ASCII
// in the image so the version can be read without knowing the firmware's own conventions. The scanner
// runs over a stream of chunks, so a marker split across two chunks is still found.

const MARKER = Buffer.from('OTA_BENCH_VERSION=', 'latin1');
const MAX_VALUE_LENGTH = 64;
/** The value runs to the first byte that is not printable ASCII (the simulators write a NUL after it). */
const isValueByte = (byte: number): boolean => byte > 0x20 && byte < 0x7f;

export interface VersionMarkerScanner {
  push(chunk: Buffer): void;
  /** The first marker's value, or null. Call once the stream has ended. */
  finish(): string | null;
}

export function createVersionMarkerScanner(): VersionMarkerScanner {
  let found: string | null = null;
  // Bytes kept from the previous chunk: enough to hold a marker and its value cut by a chunk border.
  let carry = Buffer.alloc(0);

  const scan = (buffer: Buffer, atEnd: boolean): number => {
    let from = 0;
    for (;;) {
      const at = buffer.indexOf(MARKER, from);
      if (at < 0) return -1;
      const valueStart = at + MARKER.length;
      let end = valueStart;
      while (end < buffer.length && end - valueStart < MAX_VALUE_LENGTH && isValueByte(buffer[end]!)) end += 1;
      // A value running into the end of the buffer may continue in the next chunk: wait for it.
      if (end === buffer.length && !atEnd && end - valueStart < MAX_VALUE_LENGTH) return at;
      if (end > valueStart) {
        found = buffer.toString('latin1', valueStart, end);
        return -1;
      }
      from = valueStart;
    }
  };

  return {
    push(chunk) {
      if (found !== null) return;
      const buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const pendingAt = scan(buffer, false);
      if (found !== null) return;
      const keep = pendingAt >= 0 ? buffer.length - pendingAt : MARKER.length - 1;
      carry = Buffer.from(buffer.subarray(Math.max(0, buffer.length - keep)));
    },
    finish() {
      if (found === null && carry.length > 0) scan(carry, true);
      carry = Buffer.alloc(0);
      return found;
    },
  };
}
