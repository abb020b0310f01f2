// What an SMP job's bootloader allows, in the card's words. MCUboot serial recovery, RAM-load and
// direct-XIP cannot test or confirm an image (rc 8 to an image state write): such a push ends after the
// upload and a reset, so the card must not offer Commit or speak of a commit to come. Pure: unit-tested.
import type { Job } from '../../../../shared/domain.ts';

/** True once the job knows the bootloader cannot test or confirm. */
export function uploadThenResetOnly(job: Pick<Job, 'bootMode'>): boolean {
  return job.bootMode?.stateWrites === false;
}

/** The card's sentence for such a job; null while test/confirm work or are not known to be missing. */
export function bootModeNote(job: Pick<Job, 'bootMode'>): string | null {
  const boot = job.bootMode;
  if (!boot || boot.stateWrites) return null;
  const which = [boot.bootloader, boot.mode].filter(Boolean).join(', ');
  return `The bootloader${which ? ` (${which})` : ''} cannot test or confirm an image: the push ends after the upload and a reset.`;
}
