// The proof that a dropped file was really dropped. The sandboxed renderer can read a file's bytes
// only when the user gave it that file (a drop or a file input), so the preload sends, beside the
// path webUtils resolved, a SHA-256 over the file's first and last 64 KiB; the main process reads the
// same bytes from the path and opens the file only when they match (electron/main/dropped-files.ts).
// A made-up path ("/etc/passwd", "~/.ssh/id_rsa") comes with no such digest: its bytes never reached
// the renderer. Web APIs only (Blob, crypto.subtle): the sandboxed preload bundles this file.

/** Bytes sampled at each end of a dropped file; a file up to twice this size is hashed whole. */
export const DROP_SAMPLE_BYTES = 64 * 1024;

/** The byte ranges [start, end) the digest covers, for a file of `size` bytes. */
export function sampleRanges(size: number): Array<[number, number]> {
  if (size <= 2 * DROP_SAMPLE_BYTES) return [[0, size]];
  return [
    [0, DROP_SAMPLE_BYTES],
    [size - DROP_SAMPLE_BYTES, size],
  ];
}

const hex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');

/**
 * The digest of a dropped File's sampled bytes, lowercase hex; null when the File cannot be read
 * (a dropped folder arrives as a File whose bytes cannot be read).
 */
export async function droppedFileDigest(file: Blob): Promise<string | null> {
  try {
    const parts = await Promise.all(
      sampleRanges(file.size).map(([start, end]) => file.slice(start, end).arrayBuffer()),
    );
    const joined = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(new Uint8Array(part), offset);
      offset += part.byteLength;
    }
    return hex(await crypto.subtle.digest('SHA-256', joined));
  } catch {
    return null;
  }
}

/** Said when a dropped File has no path on disk (dragged out of a browser or an archive). */
export function notOnDiskMessage(fileName: string): string {
  return `“${fileName}” is not a file on disk (dragged from a browser or an archive?). Save it first, then drop it again.`;
}
