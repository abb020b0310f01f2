// The firmware the user picked: one file, or an ESP8266 user1/user2 pair. The renderer never reads
// files or sees their paths: the main process opens the dialogs (openImageDialog, openFolderDialog),
// dropped Files go to the preload (inspectDroppedFiles), and an ImageInfo comes back whose imageId
// is what a push refers to.
import { useCallback, useRef, useState } from 'react';
import type { ImageInfo } from '../../../../shared/domain.ts';
import { errorMessage, useApi } from '../../api.ts';

export interface ImageState {
  image: ImageInfo | null;
  inspecting: boolean;
  error: string | null;
  /** "Open image…": one file, or two for a pair. */
  choose: () => Promise<void>;
  /** "Open build folder…": the engine looks for user1.bin + user2.bin in it. */
  chooseFolder: () => Promise<void>;
  /** Dropped files and folders, inspected together as one image or pair. */
  inspectFiles: (files: File[]) => Promise<void>;
  reportError: (message: string) => void;
  /** An image the main process already inspected ("Push this image again" from the History view). */
  adopt: (image: ImageInfo) => void;
}

export function useImage(): ImageState {
  const api = useApi();
  const [image, setImage] = useState<ImageInfo | null>(null);
  const [inspecting, setInspecting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Two quick drops: only the last request may win, whatever order the answers arrive in.
  const latestRequest = useRef(0);

  const track = useCallback(async (request: () => Promise<ImageInfo | null>) => {
    const requestNumber = ++latestRequest.current;
    setInspecting(true);
    setError(null);
    try {
      const result = await request();
      // null = the user closed the dialog: keep the file they had.
      if (requestNumber === latestRequest.current && result) setImage(result);
    } catch (caught) {
      if (requestNumber === latestRequest.current) setError(errorMessage(caught));
    } finally {
      if (requestNumber === latestRequest.current) setInspecting(false);
    }
  }, []);

  const choose = useCallback(() => track(() => api.openImageDialog()), [api, track]);
  const chooseFolder = useCallback(() => track(() => api.openFolderDialog()), [api, track]);

  const inspectFiles = useCallback(
    // A File that is not on disk is refused by the preload, in words the error line shows.
    (files: File[]) => track(() => api.inspectDroppedFiles(files)),
    [api, track],
  );

  const reportError = useCallback((message: string) => setError(message), []);

  const adopt = useCallback((adopted: ImageInfo) => {
    // Newer than any dialog or drop still being inspected: that answer must not replace this one.
    latestRequest.current++;
    setInspecting(false);
    setError(null);
    setImage(adopted);
  }, []);

  return { image, inspecting, error, choose, chooseFolder, inspectFiles, reportError, adopt };
}
