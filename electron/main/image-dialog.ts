// "Open image…": the main process shows the file dialog and inspects the chosen file, so the
// renderer never handles paths it did not get from the user.
import { dialog } from 'electron';
import type { BrowserWindow, OpenDialogOptions } from 'electron';
import type { ImageInfo } from '../../shared/domain.ts';
import type { OtaEngine } from '../engine/engine-api.ts';

const OPEN_IMAGE_OPTIONS: OpenDialogOptions = {
  title: 'Open firmware image',
  properties: ['openFile'],
  filters: [
    { name: 'Firmware images', extensions: ['bin', 'zip', 'gz', 'img', 'ota'] },
    { name: 'All files', extensions: ['*'] },
  ],
};

export function createImageDialog(engine: Pick<OtaEngine, 'inspectImage'>, getWindow: () => BrowserWindow | null) {
  return async (): Promise<ImageInfo | null> => {
    const win = getWindow();
    const result = win ? await dialog.showOpenDialog(win, OPEN_IMAGE_OPTIONS) : await dialog.showOpenDialog(OPEN_IMAGE_OPTIONS);
    if (result.canceled || result.filePaths.length === 0) return null;
    return engine.inspectImage(result.filePaths[0]);
  };
}
