// "Push this image again" from a history row: the page names a job, never a path. The path is the one
// the engine recorded when that job ran; the file is inspected again and must still be the bytes that
// were pushed (same SHA-256), else the answer says it changed or is gone.
import type { ImageInfo } from '../../shared/domain.ts';
import type { OtaEngine } from '../engine/engine-api.ts';

export async function reopenRecordedImage(
  engine: Pick<OtaEngine, 'recordedImage' | 'inspectImages'>,
  jobId: string,
): Promise<ImageInfo> {
  const recorded = engine.recordedImage(jobId);
  const paths = recorded.pairPath ? [recorded.path, recorded.pairPath] : [recorded.path];
  let image: ImageInfo;
  try {
    image = await engine.inspectImages(paths);
  } catch (error) {
    throw new Error(`The file that push sent cannot be opened any more (${(error as Error).message}). Pick it again.`, {
      cause: error,
    });
  }
  if (image.sha256 !== recorded.sha256) {
    throw new Error(
      `${image.fileName} has changed since that push (its SHA-256 is not the one pushed): pick it again to push what it holds now.`,
    );
  }
  return image;
}
