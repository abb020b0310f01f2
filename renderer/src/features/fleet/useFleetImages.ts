// The images a fleet run offers: the open one (the image panel's) plus files opened "for another kind
// of board" from the fleet form. Held by the app, so the list's "Select all that can take this file"
// counts them too.
import { useCallback, useState } from 'react';
import type { ImageInfo } from '../../../../shared/domain.ts';
import { FLEET_LIMITS } from '../../../../shared/request-schemas.ts';
import { errorMessage, useApi } from '../../api.ts';

export interface FleetImages {
  /** The open image first, then the extra ones; at most FLEET_LIMITS.maxImages. */
  images: ImageInfo[];
  /** "Add a file for another kind of board…": the main process's dialog, as "Open image…". */
  add: () => Promise<void>;
  remove: (imageId: string) => void;
  opening: boolean;
  error: string | null;
}

export function useFleetImages(open: ImageInfo | null): FleetImages {
  const api = useApi();
  const [extra, setExtra] = useState<ImageInfo[]>([]);
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const add = useCallback(async () => {
    setOpening(true);
    setError(null);
    try {
      const opened = await api.openImageDialog();
      if (opened) setExtra((previous) => [...previous.filter((known) => known.imageId !== opened.imageId), opened]);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setOpening(false);
    }
  }, [api]);

  const remove = useCallback(
    (imageId: string) => setExtra((previous) => previous.filter((known) => known.imageId !== imageId)),
    [],
  );

  const images = [...(open ? [open] : []), ...extra.filter((known) => known.imageId !== open?.imageId)].slice(
    0,
    FLEET_LIMITS.maxImages,
  );
  return { images, add, remove, opening, error };
}
