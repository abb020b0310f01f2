// The upload streams the file between framing that form-data writes: head + file + tail must be
// byte for byte what form-data itself would send for the same fields and file, and what a
// multipart parser (busboy, as in the simulated boards) reads back.
import { Readable } from 'node:stream';
import busboy from 'busboy';
import FormData from 'form-data';
import { describe, expect, it } from 'vitest';
import { multipartFraming } from '../../../electron/engine/net/multipart-upload.ts';

describe('multipartFraming', () => {
  const file = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));

  it('head + file + tail is what form-data sends, with the same boundary', () => {
    const framing = multipartFraming([['commit_timeout', '300']], 'filedata', 'fw.zip');
    const boundary = /boundary=(.+)$/.exec(framing.headers['content-type']!)![1]!;
    const reference = new FormData();
    reference.setBoundary(boundary);
    reference.append('commit_timeout', '300');
    reference.append('filedata', file, { filename: 'fw.zip', contentType: 'application/octet-stream' });
    expect(Buffer.concat([framing.head, file, framing.tail]).equals(reference.getBuffer())).toBe(true);
  });

  it('parses back into the fields and the file, in order', async () => {
    const framing = multipartFraming(
      [
        ['a', '1'],
        ['b', 'two'],
      ],
      'firmware',
      'image.bin',
    );
    const parser = busboy({ headers: { 'content-type': framing.headers['content-type'] } });
    const parts: Array<{ name: string; value: Buffer; filename?: string }> = [];
    parser.on('field', (name, value) => parts.push({ name, value: Buffer.from(value) }));
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => parts.push({ name, value: Buffer.concat(chunks), filename: info.filename }));
    });
    const closed = new Promise((resolve) => parser.on('close', resolve));
    Readable.from([framing.head, file, framing.tail]).pipe(parser);
    await closed;
    expect(parts.map((p) => p.name)).toEqual(['a', 'b', 'firmware']);
    expect(parts[2]!.filename).toBe('image.bin');
    expect(parts[2]!.value.equals(file)).toBe(true);
  });
});
