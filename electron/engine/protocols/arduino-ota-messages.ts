// The sentences an ArduinoOTA (espota) push says, kept out of the control flow. They follow the
// failure table of lan-protocols.md §7.4: each says what almost always causes it and what to do.
import { formatBytes, formatDuration } from '../../../shared/format.ts';

export const needsPassword = (name: string): string =>
  `${name} asks for its OTA password (ArduinoOTA setPassword): give it with the push and try again.`;

export const wrongPassword = (scheme: string): string =>
  `Wrong OTA password: the board answered "Authentication Failed" (${scheme}). It forgets the attempt, so the next push sends a new invitation; check the password set with ArduinoOTA.setPassword() or setPasswordHash().`;

export const noAnswerToInvitation = (where: string, attempts: number, waitMs: number): string =>
  `${where} did not answer the update invitation (${attempts} tries, ${formatDuration(waitMs / 1000)} each): the sketch may not call ArduinoOTA.handle() in loop(), the board may be busy or off the network, or a firewall drops UDP to its port.`;

export const noAnswerToAuth = (where: string, waitMs: number): string =>
  `${where} did not answer our password reply within ${formatDuration(waitMs / 1000)} (espota: "No Answer to our Authentication"); push again.`;

export const oddReply = (what: string): string =>
  `The board answered the invitation with something ArduinoOTA does not say${what}.`;

export const neverConnectedBack = (listenedOn: string, port: number, waitMs: number): string =>
  `The board accepted the invitation but never connected back within ${formatDuration(waitMs / 1000)}. That is almost always a host firewall blocking inbound TCP port ${port}, or the wrong interface: OTA Bench listened on ${listenedOn}. Allow inbound connections to that port (or choose a fixed one with --ota-port and allow it), or connect this computer to the board's network.`;

export const ackTimeout = (sent: number, total: number, waitMs: number): string =>
  `The board stopped acknowledging after ${formatBytes(sent)} of ${formatBytes(total)} (no answer for ${formatDuration(waitMs / 1000)}): the Wi-Fi link stalled or the board gave up. It keeps its old firmware; push again.`;

export const closedEarly = (sent: number, total: number): string =>
  sent < total
    ? `The board closed the connection after ${formatBytes(sent)} of ${formatBytes(total)}: the link dropped or the board aborted the update. It keeps its old firmware; push again.`
    : `The board closed the connection after the whole image without its final word (OK or ERROR): OTA Bench cannot tell whether it took the image.`;

export const noFinalWord = (waitMs: number): string =>
  `The board took the whole image but said neither OK nor ERROR within ${formatDuration(waitMs / 1000)}.`;

export const listenFailed = (address: string, port: number, why: string): string =>
  `OTA Bench could not listen on ${address}:${port} for the board to connect back (${why}). ${port ? 'Choose another --ota-port, or free that port.' : ''}`.trim();

export const fileChanged = (name: string): string =>
  `${name} changed on disk since OTA Bench inspected it; nothing was sent. Open it again so the checks apply to what is sent.`;

export const SILENT_BOARD =
  'ArduinoOTA boards answer nothing but update invitations, so OTA Bench cannot read what one runs; its mDNS announcement (_arduino._tcp) is what shows it on the network.';

export const cannotResolve = (host: string, why: string): string =>
  `Cannot find ${host} on the network (${why}); nothing was sent. Use the board's IP address or check its name.`;
