// SMP request bodies (cborg) and responses: success, v1 `{rc}` and v2 `{err: {group, rc}}` errors in
// words, and bodies that are not CBOR or not a map.
import { decode } from 'cborg';
import { describe, expect, it } from 'vitest';
import { SMP_OP, decodeSmpPacket, encodeSmpPacket } from '../../../electron/engine/smp/smp-frame.ts';
import {
  checkResponse,
  decodeResponseBody,
  encodeCborBody,
  encodeSmpRequest,
  imageStateReadRequest,
  imageStateWriteRequest,
  imageUploadRequest,
  mcumgrParamsRequest,
  parseImageState,
  parseMcumgrParams,
  parseUploadResponse,
  resetRequest,
  responseError,
  type SmpRequest,
} from '../../../electron/engine/smp/smp-messages.ts';
import { UpdateError } from '../../../electron/engine/update-error.ts';

function answer(request: SmpRequest, body: unknown, raw?: Buffer) {
  return decodeSmpPacket(
    encodeSmpPacket(
      { op: (request.op + 1) as 1 | 3, version: 2, flags: 0, group: request.group, sequence: 0, id: request.id },
      raw ?? encodeCborBody(body as Record<string, unknown>),
    ),
  );
}

function rejection(fn: () => unknown): UpdateError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UpdateError);
    return error as UpdateError;
  }
  throw new Error('did not throw');
}

describe('SMP requests', () => {
  it('addresses each command as §1.4 says', () => {
    const headers = [
      mcumgrParamsRequest(),
      resetRequest(),
      imageStateReadRequest(),
      imageStateWriteRequest(Buffer.alloc(32), false),
      imageUploadRequest({ off: 5, data: Buffer.from([1]) }),
    ]
      .map((r) => decodeSmpPacket(encodeSmpRequest(r, 42)).header)
      .map((h) => [h.op, h.group, h.id, h.sequence, h.version]);
    expect(headers).toEqual([
      [0, 0, 6, 42, 2],
      [2, 0, 5, 42, 2],
      [0, 1, 0, 42, 2],
      [2, 1, 0, 42, 2],
      [2, 1, 1, 42, 2],
    ]);
  });

  it('puts len, sha, image and upgrade in the first upload chunk only, with bytes as byte strings', () => {
    const sha = Buffer.alloc(32, 0x5a);
    const first = decode(
      encodeCborBody(
        imageUploadRequest({ off: 0, data: Buffer.from([1, 2, 3]), len: 1000, sha, image: 0, upgrade: true }).body,
      ),
    );
    expect(first).toEqual({
      off: 0,
      len: 1000,
      sha: new Uint8Array(sha),
      image: 0,
      upgrade: true,
      data: new Uint8Array([1, 2, 3]),
    });
    const later = decode(encodeCborBody(imageUploadRequest({ off: 3, data: Buffer.from([4]), len: 1000, sha }).body));
    expect(later).toEqual({ off: 3, data: new Uint8Array([4]) });
    expect(() => imageUploadRequest({ off: 0, data: Buffer.alloc(40) })).toThrow(/needs len/);
  });

  it('state write carries the hash as bytes; test needs one, confirm may omit it', () => {
    expect(decode(encodeCborBody(imageStateWriteRequest(Buffer.alloc(32, 1), false).body))).toEqual({
      confirm: false,
      hash: new Uint8Array(32).fill(1),
    });
    expect(decode(encodeCborBody(imageStateWriteRequest(null, true).body))).toEqual({ confirm: true });
    expect(() => imageStateWriteRequest(null, false)).toThrow(/needs its hash/);
    expect(resetRequest(true).body).toEqual({ force: true });
  });
});

describe('SMP responses', () => {
  it('treats an empty map, rc 0 and err.rc 0 as success', () => {
    expect(responseError({})).toBeNull();
    expect(responseError({ rc: 0, off: 10 })).toBeNull();
    expect(responseError({ err: { group: 1, rc: 0 } })).toBeNull();
  });

  it("names v1 errors (global rc) and keeps the board's reason", () => {
    expect(responseError({ rc: 8 })).toMatchObject({
      shape: 1,
      rc: 8,
      name: 'MGMT_ERR_ENOTSUP',
      code: 'unsupported-protocol',
    });
    const error = rejection(() =>
      checkResponse(answer(mcumgrParamsRequest(), { rc: 6, rsn: 'slot busy' }), mcumgrParamsRequest()),
    );
    expect(error.message).toBe(
      'The board is in the wrong state for this (a slot is in use or an image is already pending; reset or erase first) (MCUmgr params: MGMT_ERR_EBADSTATE, rc 6).',
    );
    expect(error.deviceMessage).toBe('slot busy');
    expect(responseError({ rc: 300 })).toMatchObject({ name: 'MGMT_ERR_USER(300)' });
  });

  it('names v2 group errors of the image and OS groups', () => {
    expect(responseError({ err: { group: 1, rc: 9 } })).toMatchObject({
      shape: 2,
      group: 1,
      name: 'IMG_MGMT_ERR_NO_FREE_SLOT',
      code: 'not-enough-space',
    });
    expect(responseError({ err: { group: 1, rc: 34 } })).toMatchObject({ name: 'IMG_MGMT_ERR_ACTIVE_SLOT_NOT_KNOWN' });
    expect(responseError({ err: { group: 0, rc: 2 } })).toMatchObject({ name: 'OS_MGMT_ERR_INVALID_FORMAT' });
    expect(responseError({ err: { group: 9, rc: 1 } })).toMatchObject({ name: 'GROUP_9_ERR(1)' });
    const upload = imageUploadRequest({ off: 0, data: Buffer.alloc(32), len: 32 });
    expect(rejection(() => checkResponse(answer(upload, { err: { group: 1, rc: 23 } }), upload)).message).toMatch(
      /^The image does not start with the MCUboot magic .*IMG_MGMT_ERR_INVALID_IMAGE_HEADER_MAGIC, rc 23/,
    );
  });

  it('parses params, image state and upload progress', () => {
    expect(parseMcumgrParams({ buf_size: 2475, buf_count: 4 })).toEqual({ bufSize: 2475, bufCount: 4 });
    expect(parseMcumgrParams({})).toBeNull();
    const state = parseImageState({
      images: [
        {
          slot: 0,
          version: '1.0.0',
          hash: new Uint8Array(32).fill(0xaa),
          active: true,
          confirmed: true,
          bootable: true,
        },
        { slot: 1, version: '1.1.0', pending: true },
      ],
    });
    expect(state[0]).toEqual({
      image: 0,
      slot: 0,
      version: '1.0.0',
      hash: 'aa'.repeat(32),
      bootable: true,
      pending: false,
      confirmed: true,
      active: true,
      permanent: false,
    });
    expect(state[1]).toMatchObject({ slot: 1, pending: true, active: false, hash: null });
    expect(parseUploadResponse({ off: 128 })).toEqual({ off: 128, match: null });
    expect(parseUploadResponse({ off: 1000, match: false })).toEqual({ off: 1000, match: false });
  });

  it('refuses garbage with an UpdateError, never a crash', () => {
    const req = imageStateReadRequest();
    expect(rejection(() => decodeResponseBody(Buffer.from([0xa1, 0x61]))).message).toMatch(/not CBOR/);
    expect(rejection(() => decodeResponseBody(Buffer.alloc(0))).message).toMatch(/not CBOR/);
    expect(rejection(() => decodeResponseBody(Buffer.from([0x83, 1, 2, 3]))).message).toMatch(
      /CBOR but not a map \(an array\)/,
    );
    expect(rejection(() => decodeResponseBody(Buffer.from([0x05]))).message).toMatch(/CBOR but not a map \(number\)/);
    expect(rejection(() => decodeResponseBody(Buffer.from([0xa1, 0x01, 0x02]))).message).toMatch(
      /not CBOR \(non-string keys/,
    );
    expect(rejection(() => checkResponse(answer(req, null, Buffer.from([0xff, 0x00])), req)).message).toMatch(
      /answer to image state read is not a valid SMP response/,
    );
    expect(rejection(() => responseError({ err: 'x' })).message).toMatch(/`err` is not a map/);
    expect(rejection(() => parseImageState({ images: 5 })).message).toMatch(/no `images` list/);
    expect(rejection(() => parseUploadResponse({ off: -1 })).message).toMatch(/no `off`/);
    const wrong = answer(mcumgrParamsRequest(), {});
    expect(rejection(() => checkResponse(wrong, req)).message).toMatch(
      /expected op 1 group 1 id 0, got op 1 group 0 id 6/,
    );
    for (let seed = 0; seed < 300; seed += 1) {
      const junk = Buffer.from(Array.from({ length: 1 + (seed % 17) }, (_, i) => (seed * 31 + i * 17) & 0xff));
      try {
        decodeResponseBody(junk);
      } catch (error) {
        expect(error).toBeInstanceOf(UpdateError);
      }
    }
  });

  it('encodes a request whose header length matches its CBOR body', () => {
    const packet = encodeSmpRequest(imageUploadRequest({ off: 70000, data: Buffer.alloc(300) }), 1);
    const { header, body } = decodeSmpPacket(packet);
    expect(header.length).toBe(body.length);
    expect(header.op).toBe(SMP_OP.write);
  });
});
