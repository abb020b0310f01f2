// The shape of recorded-zephyr-answers.json: requests sent to the real Zephyr builds and their answers.
// CBOR byte strings are written as {"$bytes": "<hex>"}; upload data as "$chunk <length>" and the sha
// as "$sha" (the file's own), so a test can send the same requests with its own image.

export interface RecordedRequest {
  version: number;
  op: number;
  group: number;
  id: number;
  body: Record<string, unknown>;
}

export interface RecordedAnswer {
  header: { version: number; op: number; flags: number; length: number; group: number; id: number };
  body: unknown;
}

export interface RecordedExchange {
  name: string;
  request: RecordedRequest;
  /** null: the board did not answer (an oversize request). */
  answer: RecordedAnswer | null;
}

export interface RecordedBoard {
  build: string;
  uploadFile: { name: string; bytes: number; chunk: number; secondsUnderQemu: number };
  logLines: string[];
  exchanges: RecordedExchange[];
}

export interface RecordedAnswers {
  recordedWith: string;
  recordedAt: string;
  boards: Record<'zephyr-swap' | 'no-state-writes', RecordedBoard>;
}

export function toJsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('hex') };
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, toJsonValue(inner)]));
  }
  return value;
}

export function fromJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonValue);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.$bytes === 'string' && Object.keys(record).length === 1) return Buffer.from(record.$bytes, 'hex');
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, fromJsonValue(inner)]));
  }
  return value;
}
