// "Open image…" / "Open build folder…": the paths come from the OS dialog the main process shows,
// never from the page, and whatever the user picked goes to the engine in one inspectImages call.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => ({
  showOpenDialog: vi.fn<(...args: unknown[]) => Promise<{ canceled: boolean; filePaths: string[] }>>(),
}));

vi.mock('electron', () => ({ dialog: { showOpenDialog: electron.showOpenDialog } }));

const { createFileDialogs, OPEN_FOLDER_OPTIONS, OPEN_IMAGE_OPTIONS, MAX_DIALOG_PATHS } =
  await import('../../../electron/main/image-dialog.ts');

const win = { id: 'the window' } as never;
let engine: { inspectImages: ReturnType<typeof vi.fn> };

beforeEach(() => {
  electron.showOpenDialog.mockReset();
  engine = { inspectImages: vi.fn(async (paths: string[]) => ({ imageId: 'img-1', fileName: paths.join(' + ') })) };
});

describe('file dialog', () => {
  it('allows several files (a user1/user2 pair) and inspects them in one call', async () => {
    electron.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: ['/b/user1.bin', '/b/user2.bin'] });
    const dialogs = createFileDialogs(engine as never, () => win);
    await expect(dialogs.openImageDialog()).resolves.toMatchObject({ fileName: '/b/user1.bin + /b/user2.bin' });
    expect(electron.showOpenDialog).toHaveBeenCalledWith(win, OPEN_IMAGE_OPTIONS);
    expect(OPEN_IMAGE_OPTIONS.properties).toEqual(expect.arrayContaining(['openFile', 'multiSelections']));
    expect(engine.inspectImages).toHaveBeenCalledWith(['/b/user1.bin', '/b/user2.bin']);
  });

  it('a cancelled dialog keeps the current image (null) and inspects nothing', async () => {
    electron.showOpenDialog.mockResolvedValue({ canceled: true, filePaths: [] });
    await expect(createFileDialogs(engine as never, () => win).openImageDialog()).resolves.toBeNull();
    electron.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: [] });
    await expect(createFileDialogs(engine as never, () => win).openImageDialog()).resolves.toBeNull();
    expect(engine.inspectImages).not.toHaveBeenCalled();
  });

  it('refuses an absurd selection with a sentence instead of inspecting it', async () => {
    const many = Array.from({ length: MAX_DIALOG_PATHS + 1 }, (_, index) => `/b/${index}.bin`);
    electron.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: many });
    await expect(createFileDialogs(engine as never, () => win).openImageDialog()).rejects.toThrow(/user1\/user2 pair/);
    expect(engine.inspectImages).not.toHaveBeenCalled();
  });

  it('works without a window (dialog not parented)', async () => {
    electron.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: ['/b/fw.bin'] });
    await createFileDialogs(engine as never, () => null).openImageDialog();
    expect(electron.showOpenDialog).toHaveBeenCalledWith(OPEN_IMAGE_OPTIONS);
  });
});

describe('folder dialog', () => {
  it('asks for a directory and hands the folder to the engine to find the pair', async () => {
    electron.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: ['/home/me/firmware/build'] });
    await createFileDialogs(engine as never, () => win).openFolderDialog();
    expect(electron.showOpenDialog).toHaveBeenCalledWith(win, OPEN_FOLDER_OPTIONS);
    expect(OPEN_FOLDER_OPTIONS.properties).toEqual(['openDirectory']);
    expect(engine.inspectImages).toHaveBeenCalledWith(['/home/me/firmware/build']);
  });

  it('passes the engine’s sentence through when the folder holds no pair', async () => {
    electron.showOpenDialog.mockResolvedValue({ canceled: false, filePaths: ['/tmp/empty'] });
    engine.inspectImages.mockRejectedValue(new Error('/tmp/empty holds no user1.bin/user2.bin pair.'));
    await expect(createFileDialogs(engine as never, () => win).openFolderDialog()).rejects.toThrow(
      'holds no user1.bin',
    );
  });
});
