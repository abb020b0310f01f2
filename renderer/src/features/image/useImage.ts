// The firmware file the user picked. The renderer never reads files: the main process opens the
// dialog (openImageDialog) or the dropped path (inspectImagePath) and hands back an ImageInfo whose
// imageId is what a push refers to.
import { useCallback, useRef, useState } from 'react';
import type { ImageInfo } from '../../../../shared/domain.ts';
import { errorMessage, useApi } from '../../api.ts';

export interface ImageState {
  image: ImageInfo | null;
  inspecting: boolean;
  error: string | null;
  choose: () => Promise<void>;
  inspectFile: (file: File) => Promise<void>;
  reportError: (message: string) => void;
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

  const inspectFile = useCallback(
    (file: File) => {
      const path = api.pathForFile(file);
      if (!path) {
        setError(`“${file.name}” is not a file on disk (dragged from a browser or an archive?). Save it first, then drop it again.`);
        return Promise.resolve();
      }
      return track(() => api.inspectImagePath({ path }));
    },
    [api, track],
  );

  const reportError = useCallback((message: string) => setError(message), []);

  return { image, inspecting, error, choose, inspectFile, reportError };
}
