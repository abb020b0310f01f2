// Sentences for a state-changing SMP command whose answer never came (a UDP datagram dropped, a serial
// line garbled): the board may have done it, so the job reads the board's own state instead of guessing
// (smp/confirmed-write.ts), and says which way it found out.

/** What the write asked for, as the board's list would show it. */
export type StateChange = 'test' | 'confirm' | 'erase';

const ASKED: Record<StateChange, string> = {
  test: 'the image marked for a test boot',
  confirm: 'the image confirmed',
  erase: 'slot 1 erased',
};

/** The write's answer was lost, and the image list shows the change made. */
export function answerLostStateRead(what: string, change: StateChange): string {
  return (
    `The ${what} got no answer; read the image list instead: it shows ${ASKED[change]}, ` +
    `so the board did it and only its answer was lost.`
  );
}

/** The write's answer was lost, and the image list shows nothing changed: it is sent once more. */
export function answerLostSendingAgain(what: string, change: StateChange): string {
  return (
    `The ${what} got no answer; read the image list instead: it does not show ${ASKED[change]} yet ` +
    `(the request itself was lost), so the ${what} is sent once more.`
  );
}

/** Sent twice, and the list still shows nothing changed. */
export function writeNotTaken(what: string, change: StateChange): string {
  return (
    `The board did not answer the ${what} twice, and its image list still does not show ${ASKED[change]}: ` +
    'it did not take the request. Check the link and try again.'
  );
}

/** If the board took the write, and if not: what its next reset does either way. */
const EITHER_WAY: Record<StateChange, string> = {
  test:
    'If it took it, its next reset boots the new image once as a test (and goes back unless it is confirmed); ' +
    'if not, the next reset boots the running image again.',
  confirm:
    'If it took it, the image is confirmed and stays (in slot 1: it replaces the running image for good at the next reset); ' +
    'if not, nothing is confirmed and an image running as a test goes back at the next reset.',
  erase: 'If it took it, slot 1 is empty; if not, slot 1 still holds its image.',
};

/** The board answered neither the write nor the read of its list that followed. */
export function stoppedAnsweringAfterWrite(what: string, change: StateChange): string {
  return (
    `The board stopped answering after the ${what}: neither the ${what} nor the read of its image list that ` +
    `followed got an answer, so whether it took the ${what} is unknown. ${EITHER_WAY[change]} ` +
    'Read its slots once it answers again.'
  );
}

/** The params read got no answer after a reconnect, though the board gave them before. */
export function paramsLostAfterReconnect(bufSize: number, bufCount: number, maxPacket: number): string {
  return (
    `The board did not answer the MCUmgr params read on this link although it gave ${bufSize} B × ${bufCount} ` +
    `before: packets of at most ${maxPacket} B from here (the default), which is slower but safe.`
  );
}

/** The reset got no answer and the link stayed up (UDP has no link to drop). */
export const RESET_NOT_ACKNOWLEDGED =
  'The board did not acknowledge the reset (its answer may have been lost); what runs after it tells whether it reset.';

/** Over UDP after an unanswered reset: the old image still runs with the upload still pending. */
export function resetNotAcknowledged(name: string, running: string, smpVersion: string): string {
  return (
    `The reset was not acknowledged, and ${name} still runs ${running} with ${smpVersion} still marked pending: ` +
    'it most likely never reset (this is not a rollback; MCUboot has not tried the new image). ' +
    'Reset the board and it boots the new image; or push again.'
  );
}

/**
 * A slot action's reset over UDP got no answer and the board lists exactly what it listed before.
 * `wouldChange`: something was pending or unconfirmed, so a reset would have changed the list.
 */
export function slotResetNotAcknowledged(name: string, running: string, wouldChange: boolean): string {
  if (wouldChange)
    return (
      `${name} did not acknowledge the reset and lists the same slots as before, still running ${running}: ` +
      'it never reset (a reset would have changed them). Nothing was changed; try again.'
    );
  return (
    `${name} did not acknowledge the reset; it lists the same slots as before, running ${running}, which a reset ` +
    'with nothing pending leaves as they are, so whether it reset cannot be told from them.'
  );
}
