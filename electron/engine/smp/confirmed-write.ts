// A state-changing SMP command (image test, image confirm, slot erase) whose answer never came: over UDP
// a datagram is lost, over serial a line is garbled, and the board may well have done it. Sending it
// blindly again is wrong (transports never re-send writes, smp-transport.ts), and failing with "did not
// answer" may be false. So on a timeout the board's own state decides: read the image list (a read the
// transport may re-send) and
//   - it shows the change made → carry on as if answered (the caller logs that the state was read),
//   - it shows nothing changed → send the write once more,
//   - the read gets no answer either → fail saying exactly that: the board stopped answering after the write.
import { UpdateError } from '../update-error.ts';
import { SmpClient, SmpTimeoutError } from './smp-client.ts';
import {
  imageStateReadRequest,
  parseImageState,
  type CborMap,
  type ImageSlotState,
  type SmpRequest,
} from './smp-messages.ts';
import {
  answerLostSendingAgain,
  answerLostStateRead,
  stoppedAnsweringAfterWrite,
  writeNotTaken,
  type StateChange,
} from './lost-answer-messages.ts';

export interface ConfirmedWrite {
  request: SmpRequest;
  change: StateChange;
  /** Whether the board's list shows the change made. */
  done(slots: ImageSlotState[]): boolean;
  timeoutMs: number;
  /** The read of the list after a lost answer (the transport's read re-sends come on top). */
  readTimeoutMs: number;
  /** Where "the answer was lost" goes (the job's log); absent: nowhere. */
  log?: (line: string) => void;
}

/** The write's answer, or null when it was lost and the list (`slots`) shows the change made. */
export interface WriteOutcome {
  answer: CborMap | null;
  slots: ImageSlotState[] | null;
}

export async function confirmedWrite(client: SmpClient, write: ConfirmedWrite): Promise<WriteOutcome> {
  const { request, change } = write;
  for (let sent = 1; ; sent++) {
    try {
      return { answer: await client.request(request, write.timeoutMs), slots: null };
    } catch (error) {
      if (!(error instanceof SmpTimeoutError)) throw error;
    }
    const slots = await readAfterLostAnswer(client, write);
    if (write.done(slots)) {
      write.log?.(answerLostStateRead(request.what, change));
      return { answer: null, slots };
    }
    if (sent >= 2) throw new UpdateError('connection-lost', writeNotTaken(request.what, change));
    write.log?.(answerLostSendingAgain(request.what, change));
  }
}

async function readAfterLostAnswer(client: SmpClient, write: ConfirmedWrite): Promise<ImageSlotState[]> {
  try {
    return parseImageState(await client.request(imageStateReadRequest(), write.readTimeoutMs));
  } catch (error) {
    if (error instanceof SmpTimeoutError)
      throw new UpdateError('connection-lost', stoppedAnsweringAfterWrite(write.request.what, write.change));
    throw error;
  }
}

/** What "done" looks like in the list for each write. */
export const isDone = {
  /** Marked for one test boot: pending (MCUboot's list also says permanent for a confirm, not here). */
  test: (hashHex: string) => (slots: ImageSlotState[]) => slots.some((s) => s.hash === hashHex && s.pending),
  /** The running image confirmed, or another slot's image pending for good. */
  confirm: (hashHex: string) => (slots: ImageSlotState[]) =>
    slots.some((s) => s.hash === hashHex && (s.active ? s.confirmed : s.pending && s.permanent)),
  /** Slot 1 of image 0 lists no image any more. */
  erase: (slot: number) => (slots: ImageSlotState[]) => !slots.some((s) => s.image === 0 && s.slot === slot && s.hash),
};
