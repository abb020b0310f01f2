// "Open image…" and "Open build folder…": the main process shows the OS dialog and inspects what the
// user picked, so the renderer never hands over paths it did not get from the user.
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { dialog } from 'electron';
import type { BrowserWindow, OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { ImageInfo } from '../../shared/domain.ts';
import { MAX_IMAGE_PATHS } from '../../shared/contract-limits.ts';
import type { OtaEngine } from '../engine/engine-api.ts';
import type { FileDialogs } from './ipc-server.ts';

/** As many paths as one inspect takes: one file, a pair, or a few to choose from. */
export const MAX_DIALOG_PATHS = MAX_IMAGE_PATHS;

export const OPEN_IMAGE_OPTIONS: OpenDialogOptions = {
  title: 'Open firmware image (two files for a user1/user2 pair)',
  // Two files are an ESP8266 user1.bin + user2.bin pair; the engine says when a selection is not one.
  properties: ['openFile', 'multiSelections'],
  filters: [
    { name: 'Firmware images', extensions: ['bin', 'zip', 'gz', 'img', 'ota'] },
    { name: 'All files', extensions: ['*'] },
  ],
};

export const OPEN_FOLDER_OPTIONS: OpenDialogOptions = {
  title: 'Open build folder (holding user1.bin and user2.bin)',
  properties: ['openDirectory'],
};

type ShowOpenDialog = (
  win: BrowserWindow | null,
  options: OpenDialogOptions,
) => Promise<{ canceled: boolean; filePaths: string[] }>;

type ShowSaveDialog = (
  win: BrowserWindow | null,
  options: SaveDialogOptions,
) => Promise<{ canceled: boolean; filePath?: string }>;

const showSaveDialog: ShowSaveDialog = (win, options) =>
  win ? dialog.showSaveDialog(win, options) : dialog.showSaveDialog(options);

const showOpenDialog: ShowOpenDialog = (win, options) =>
  win ? dialog.showOpenDialog(win, options) : dialog.showOpenDialog(options);

/** The chosen paths, inspected as one image or pair; null when the dialog was cancelled. */
export async function inspectChosen(
  engine: Pick<OtaEngine, 'inspectImages'>,
  result: { canceled: boolean; filePaths: string[] },
): Promise<ImageInfo | null> {
  if (result.canceled || result.filePaths.length === 0) return null;
  if (result.filePaths.length > MAX_DIALOG_PATHS) {
    throw new Error(
      `You chose ${result.filePaths.length} files. Choose one firmware file, the two files of a user1/user2 pair, or open their build folder.`,
    );
  }
  return engine.inspectImages(result.filePaths);
}

export function createFileDialogs(
  engine: Pick<OtaEngine, 'inspectImages'>,
  getWindow: () => BrowserWindow | null,
  show: ShowOpenDialog = showOpenDialog,
  save: ShowSaveDialog = showSaveDialog,
): FileDialogs {
  return {
    openImageDialog: async () => inspectChosen(engine, await show(getWindow(), OPEN_IMAGE_OPTIONS)),
    openFolderDialog: async () => inspectChosen(engine, await show(getWindow(), OPEN_FOLDER_OPTIONS)),
    // The page never names where: the user picks in the OS dialog, and only the file's name goes back.
    saveExport: async (defaultName, text) => {
      const result = await save(getWindow(), { title: 'Export push history', defaultPath: defaultName });
      if (result.canceled || !result.filePath) return null;
      await writeFile(result.filePath, text);
      return basename(result.filePath);
    },
  };
}
