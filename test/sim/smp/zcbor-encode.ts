// CBOR as Zephyr's MCUmgr writes it with zcbor: maps and arrays of indefinite length (0xbf … 0xff,
// 0x9f … 0xff), everything else in its shortest definite form. The real answers' header lengths depend
// on it (recorded-zephyr-answers.json: {off: 256} is 9 bytes, not cborg's 8), so the simulator in a
// real build's mode encodes this way.

export function encodeZcbor(value: unknown): Buffer {
  const out: Buffer[] = [];
  write(value, out);
  return Buffer.concat(out);
}

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  }
  if (n < 0x100000000) {
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = (major << 5) | 27;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}

function write(value: unknown, out: Buffer[]): void {
  if (value === false) out.push(Buffer.from([0xf4]));
  else if (value === true) out.push(Buffer.from([0xf5]));
  else if (value === null || value === undefined) out.push(Buffer.from([0xf6]));
  else if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error('zcbor-encode: only integers');
    out.push(value >= 0 ? head(0, value) : head(1, -1 - value));
  } else if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    out.push(head(3, bytes.length), bytes);
  } else if (value instanceof Uint8Array) {
    out.push(head(2, value.length), Buffer.from(value));
  } else if (Array.isArray(value)) {
    out.push(Buffer.from([0x9f]));
    for (const item of value) write(item, out);
    out.push(Buffer.from([0xff]));
  } else if (typeof value === 'object') {
    out.push(Buffer.from([0xbf]));
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      write(key, out);
      write(item, out);
    }
    out.push(Buffer.from([0xff]));
  } else throw new Error(`zcbor-encode: cannot encode ${typeof value}`);
}
