// The page cannot name a file: inspectDroppedFiles reaches the engine only with paths whose bytes the
// renderer proved it holds (a sandboxed renderer holds only what the user dropped or picked). These
// tests call the dispatcher as the app's own top frame would, with real files on disk.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCommandDispatcher } from '../../../electron/main/ipc-server.ts';
import { digestOnDisk, type DroppedFile } from '../../../electron/main/dropped-files.ts';
import { createTrustedSenderCheck } from '../../../electron/main/trusted-sender.ts';
import { DROP_SAMPLE_BYTES, droppedFileDigest } from '../../../shared/dropped-file-proof.ts';
import { APP_INDEX_HTML, fakeEngine, topFrame, type FakeEngine } from './fakes.ts';

const fromApp = { senderFrame: topFrame(pathToFileURL(APP_INDEX_HTML).href) } as never;

let dir: string;
let engine: FakeEngine;
let dispatch: ReturnType<typeof createCommandDispatcher>;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ota-bench-drop-'));
  engine = fakeEngine();
  dispatch = createCommandDispatcher({
    engine,
    isTrustedSender: createTrustedSenderCheck({ kind: 'file', indexHtml: APP_INDEX_HTML }),
    dialogs: {
      openImageDialog: vi.fn(async () => null),
      openFolderDialog: vi.fn(async () => null),
      saveExport: vi.fn(async () => null),
    },
    confirmRemoteAddress: vi.fn(async () => false),
  });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const inspectDropped = (files: DroppedFile[]) => dispatch('inspectDroppedFiles', fromApp, [{ files }]);

/** Writes a file and describes it the way the preload describes the File the user dropped. */
async function drop(name: string, bytes: Buffer): Promise<DroppedFile> {
  const filePath = path.join(dir, name);
  writeFileSync(filePath, bytes);
  return {
    path: filePath,
    name,
    size: bytes.length,
    digest: await droppedFileDigest(new File([new Uint8Array(bytes)], name)),
  };
}

const firmware = (size: number, seed = 1) =>
  Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + seed) & 0xff));

describe('a genuine drop', () => {
  it('reaches the engine with the dropped path', async () => {
    const file = await drop('fw.bin', firmware(3000));
    await inspectDropped([file]);
    expect(engine.inspectImages).toHaveBeenCalledWith([file.path]);
  });

  it('a user1/user2 pair reaches the engine in the order dropped', async () => {
    const user2 = await drop('user2.bin', firmware(300_000, 2));
    const user1 = await drop('user1.bin', firmware(300_000, 1));
    await inspectDropped([user2, user1]);
    expect(engine.inspectImages).toHaveBeenCalledWith([user2.path, user1.path]);
  });

  it('a dropped folder is taken as a folder (its File has no bytes to prove)', async () => {
    mkdirSync(path.join(dir, 'build'));
    await inspectDropped([{ path: path.join(dir, 'build'), name: 'build', size: 0, digest: null }]);
    expect(engine.inspectImages).toHaveBeenCalledWith([path.join(dir, 'build')]);
  });

  it('a folder that came with a digest (a read that gave nothing rather than failing) is still a folder', async () => {
    mkdirSync(path.join(dir, 'build'));
    await inspectDropped([
      { path: path.join(dir, 'build'), name: 'build', size: 0, digest: await droppedFileDigest(new Blob([])) },
    ]);
    expect(engine.inspectImages).toHaveBeenCalledWith([path.join(dir, 'build')]);
  });

  it.each([0, 1, 2 * DROP_SAMPLE_BYTES, 2 * DROP_SAMPLE_BYTES + 1, 1_000_000])(
    'the preload and the main process compute the same digest for %i bytes',
    async (size) => {
      const file = await drop('f.bin', firmware(size));
      expect(await digestOnDisk(file.path, size)).toBe(file.digest);
    },
  );
});

describe('a path the user did not drop is refused before the engine', () => {
  const refused = async (files: DroppedFile[], message: RegExp) => {
    await expect(inspectDropped(files)).rejects.toThrow(message);
    expect(engine.inspectImages).not.toHaveBeenCalled();
  };

  it('/etc/passwd with a made-up digest', async () => {
    await refused(
      [{ path: '/etc/passwd', name: 'passwd', size: 1234, digest: 'ab'.repeat(32) }],
      /^inspectDroppedFiles: refused: “\/etc\/passwd” does not match the file dropped on the window/,
    );
  });

  it('~/.ssh/id_rsa claimed as a folder (no digest)', async () => {
    const key = path.join(homedir(), '.ssh', 'id_rsa');
    await refused(
      [{ path: key, name: 'id_rsa', size: 0, digest: null }],
      /inspectDroppedFiles: refused: “.*id_rsa” came without proof that it was dropped on the window/,
    );
  });

  it("a secret next to a genuinely dropped file, with the dropped file's digest", async () => {
    const dropped = await drop('fw.bin', firmware(2000));
    writeFileSync(path.join(dir, 'id_rsa'), '-----BEGIN OPENSSH PRIVATE KEY-----\n');
    await refused(
      [dropped, { ...dropped, path: path.join(dir, 'id_rsa'), name: 'id_rsa' }],
      /refused: “.*id_rsa” does not match the file dropped on the window/,
    );
  });

  it("a path that does not end in the dropped file's name", async () => {
    const dropped = await drop('fw.bin', firmware(2000));
    await refused(
      [{ ...dropped, path: '/etc/passwd' }],
      /refused: “\/etc\/passwd” is not the path of the dropped file “fw\.bin”/,
    );
  });

  it('a relative path', async () => {
    const dropped = await drop('fw.bin', firmware(2000));
    await refused([{ ...dropped, path: 'fw.bin' }], /refused: “fw\.bin” is not the path of the dropped file/);
  });

  it('a file that does not exist gets the same answer as one that differs (no oracle for what is on disk)', async () => {
    await refused(
      [{ path: path.join(dir, 'nothing.bin'), name: 'nothing.bin', size: 10, digest: 'ab'.repeat(32) }],
      /does not match the file dropped on the window/,
    );
  });

  it('a file changed since the drop: other size, or other bytes at its end', async () => {
    const dropped = await drop('big.bin', firmware(1_000_000));
    await refused(
      [{ ...dropped, size: dropped.size + 1 }],
      /does not match the file dropped on the window \(changed since the drop\? Drop it again\)/,
    );
    const tail = firmware(1_000_000);
    tail[tail.length - 1] ^= 0xff;
    writeFileSync(dropped.path, tail);
    await refused([dropped], /does not match the file dropped on the window/);
  });
});
