// Window-wide drag & drop. The handlers go on the root element (no document listeners to clean up).
// dragenter/dragleave fire for every child crossed, so a depth counter decides when the overlay hides.
// A drop may hold one file, the two files of a user1/user2 pair, or a build folder (a folder arrives
// as one File whose path is the folder's): all of them go on together, the engine decides what they are.
import { useRef, useState, type DragEvent } from 'react';
import { MAX_IMAGE_PATHS } from '../../../../shared/contract-limits.ts';

/** The most files one inspect takes (the contract's limit). */
export const MAX_DROPPED_FILES = MAX_IMAGE_PATHS;

function carriesFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer.types).includes('Files');
}

export function useFileDrop(onFiles: (files: File[]) => void, onRejected: (message: string) => void) {
  const [dragging, setDragging] = useState(false);
  const depth = useRef(0);

  const handlers = {
    onDragEnter(event: DragEvent) {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth.current += 1;
      setDragging(true);
    },
    onDragOver(event: DragEvent) {
      // Without preventDefault the drop would navigate the window to the file.
      event.preventDefault();
      event.dataTransfer.dropEffect = carriesFiles(event) ? 'copy' : 'none';
    },
    onDragLeave(event: DragEvent) {
      if (!carriesFiles(event)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    },
    onDrop(event: DragEvent) {
      event.preventDefault();
      depth.current = 0;
      setDragging(false);
      const files = Array.from(event.dataTransfer.files);
      if (files.length === 0) return;
      if (files.length > MAX_DROPPED_FILES) {
        onRejected(
          `Drop one firmware file, the two files of a user1/user2 pair, or their build folder (you dropped ${files.length}).`,
        );
        return;
      }
      onFiles(files);
    },
  };

  return { dragging, handlers };
}
