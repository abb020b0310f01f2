// The main-process check behind inspectDroppedFiles: a path is opened only when the renderer proves
// it holds that file's bytes, which a sandboxed renderer does only for a file the user dropped (or
// picked). The preload computes the digest (shared/dropped-file-proof.ts); here the same bytes are
// read from the path and compared. A made-up path comes with a digest of nothing the renderer had,
// so "/etc/passwd" or "~/.ssh/id_rsa" is refused before the engine sees it.
//
// Limit, said in the README's threat model: a folder cannot be proven this way (a dropped folder's
// File has no bytes), so a folder is accepted as a folder; what the engine then reads from it is
// only a user1/user2 pair of firmware images (images/image-pair.ts).
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { droppedFileSchema } from '../../shared/contract.ts';
import { sampleRanges } from '../../shared/dropped-file-proof.ts';

export type DroppedFile = z.infer<typeof droppedFileSchema>;

const clip = (text: string, max = 200) => (text.length > max ? `${text.slice(0, max)}…` : text);

function refused(file: DroppedFile, why: string): Error {
  return new Error(`inspectDroppedFiles: refused: “${clip(file.path)}” ${why}`);
}

/** The SHA-256 of the bytes `sampleRanges` names, read from disk. */
export async function digestOnDisk(filePath: string, size: number): Promise<string> {
  const handle = await open(filePath, 'r');
  try {
    const hash = createHash('sha256');
    for (const [start, end] of sampleRanges(size)) {
      const buffer = Buffer.alloc(end - start);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
      hash.update(buffer.subarray(0, bytesRead));
    }
    return hash.digest('hex');
  } finally {
    await handle.close();
  }
}

async function verifyOne(file: DroppedFile): Promise<string> {
  if (!path.isAbsolute(file.path) || path.basename(file.path) !== file.name) {
    throw refused(file, `is not the path of the dropped file “${clip(file.name, 60)}”.`);
  }
  // One answer for "missing", "unreadable" and "different": a made-up path learns nothing about the disk.
  const mismatch = refused(
    file,
    'does not match the file dropped on the window (changed since the drop? Drop it again).',
  );
  const info = await stat(file.path).catch(() => null);
  // A folder is taken whatever digest came with it: a dropped folder's File has no bytes to prove
  // (Chromium fails the read, which the preload sends as null; should a read ever give nothing
  // instead, the folder still works).
  if (info?.isDirectory()) return file.path;
  if (file.digest === null) {
    throw refused(file, 'came without proof that it was dropped on the window: its bytes never reached the window.');
  }
  if (!info?.isFile() || info.size !== file.size) throw mismatch;
  const onDisk = await digestOnDisk(file.path, file.size).catch(() => null);
  if (onDisk !== file.digest) throw mismatch;
  return file.path;
}

/** The paths of files the user dropped, in order; throws naming the first file that is not one. */
export async function verifyDroppedFiles(files: DroppedFile[]): Promise<string[]> {
  const paths: string[] = [];
  for (const file of files) paths.push(await verifyOne(file));
  return paths;
}
