// ArduinoOTA, the protocol espota.py speaks (lan-protocols.md §5, fleet-history-and-more.md §4). The
// host invites over UDP, the board answers OK or a password challenge, then connects *back* to a TCP
// listener of ours and pulls the image, acknowledging each piece with the decimal count it wrote, and
// ends with OK or ERROR[n]. Unlike espota we never hang: every wait has a deadline, an "MD5 Check
// Failed" is a failure (espota 3.3 exits 0 there), and a connection closed before the final word is
// one too.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { UpdateError, deviceWords } from '../update-error.ts';
import { describeTarget } from '../net/http-client.ts';
import { OtaDatagrams, OtaListener, boardAddress, localAddressFacing } from '../net/ota-sockets.ts';
import { arduinoUpdaterFailure } from './arduino-http-update.ts';
import {
  OTA_COMMAND,
  type OtaCommand,
  type PasswordHash,
  authReply,
  invitation,
  parseChallenge,
} from './arduino-ota-auth.ts';
import { planArduinoOta } from './arduino-ota-plan.ts';
import * as say from './arduino-ota-messages.ts';
import type { ImageOnDisk, PushContext, PushOutcome, UpdateProtocol } from './update-protocol.ts';

export interface ArduinoOtaTimings {
  /** Invitations sent before giving up (espota for ESP32: 10). */
  invitationAttempts: number;
  /** Wait for the board's answer to each (espota: 10 s; a LAN answers in milliseconds, so we resend sooner). */
  invitationWaitMs: number;
  /** Wait for the answer to our password reply (espota: 10 s). */
  authWaitMs: number;
  /** Wait for the board to connect back (espota: 10 s). */
  acceptMs: number;
  /** Wait for each piece's acknowledgement (espota: 10 s). */
  ackMs: number;
  /** Wait for OK / ERROR after the last piece (espota for ESP8266: 60 s). */
  finalWordMs: number;
}

export const DEFAULT_ARDUINO_OTA_TIMINGS: ArduinoOtaTimings = {
  invitationAttempts: 10,
  invitationWaitMs: 2_000,
  authWaitMs: 10_000,
  acceptMs: 10_000,
  ackMs: 10_000,
  finalWordMs: 60_000,
};

export interface ArduinoOtaOptions {
  timings?: Partial<ArduinoOtaTimings>;
  /**
   * The TCP port the board connects back to when the push names none; 0 (default): a free one.
   * Read at each push.
   */
  listenPort?: () => number;
}

/** One piece at a time, as espota does: the acks are undelimited numbers, so only lock-step reads them apart. */
const CHUNK_BYTES = 1460;

/** OTA_BENCH_OTA_PORT, set by the CLI's --ota-port or by the user's environment; 0 when unset. */
export function listenPortFromEnvironment(): number {
  const port = Number(process.env.OTA_BENCH_OTA_PORT ?? 0);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : 0;
}

/** Application images go with command 0 (U_FLASH), a LittleFS image with 100 (U_FS). */
export function otaCommandFor(image: ImageOnDisk): OtaCommand {
  return image.info.format === 'littlefs' ? OTA_COMMAND.filesystem : OTA_COMMAND.app;
}

/**
 * What the board said after a piece or at the end: acks are digits, then its final word. `OK` is
 * success; anything else is the Updater's error (ESP8266 "ERROR[n]: …", ESP32 only the text, such as
 * "MD5 Check Failed", which has no "E" for espota's test to find). A lone "O" may still become OK.
 */
function finalWord(text: string): { ok: boolean; error: string | null; whole: boolean } | null {
  const letters = text.replace(/^[0-9\s]+/, '');
  if (letters === '' || letters === 'O') return null;
  if (letters.startsWith('OK')) return { ok: true, error: null, whole: true };
  return { ok: false, error: deviceWords(letters) ?? letters, whole: letters.includes('\n') };
}

/** The Updater's ERROR[n]: text, judged by its words (ESP8266 and ESP32 number their errors differently). */
function boardRefused(text: string, size: number): UpdateError {
  const words = deviceWords(text);
  const judged = arduinoUpdaterFailure((words ?? '').replace(/ERROR\[\d+\]:?/i, ''), size);
  return new UpdateError(judged.code, judged.message, words);
}

class Conversation {
  private text = '';
  private closed = false;
  private wake: (() => void) | null = null;

  readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => {
      this.text += data.toString('latin1');
      this.wake?.();
    });
    const end = () => {
      this.closed = true;
      this.wake?.();
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  /** Waits until the board says something new (returns all it said so far) or closes; null on timeout. */
  async next(seen: number, timeoutMs: number, signal: AbortSignal): Promise<string | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.text.length === seen && !this.closed && Date.now() < deadline && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.wake = null;
          resolve();
        };
        const timer = setTimeout(done, deadline - Date.now());
        signal.addEventListener('abort', done, { once: true });
        this.wake = done;
      });
    }
    return this.text.length > seen ? this.text : null;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get said(): string {
    return this.text;
  }

  write(data: Buffer): Promise<void> {
    return new Promise((resolve) => this.socket.write(data, () => resolve()));
  }
}

export function createArduinoOta(options: ArduinoOtaOptions = {}): UpdateProtocol {
  const timings = { ...DEFAULT_ARDUINO_OTA_TIMINGS, ...options.timings };
  const listenPort = options.listenPort ?? listenPortFromEnvironment;

  function cancelled(signal: AbortSignal): void {
    if (signal.aborted) throw new UpdateError('cancelled', 'Cancelled.');
  }

  /** Invites until the board answers; resends when it is silent (a lost datagram, a busy loop()). */
  async function invite(udp: OtaDatagrams, line: string, where: string, signal: AbortSignal): Promise<string> {
    for (let attempt = 1; attempt <= timings.invitationAttempts; attempt++) {
      cancelled(signal);
      udp.forget();
      await udp.send(line);
      const reply = await udp.next(timings.invitationWaitMs, signal);
      if (reply !== null) return reply.trim();
    }
    cancelled(signal);
    throw new UpdateError(
      'connection-lost',
      say.noAnswerToInvitation(where, timings.invitationAttempts, timings.invitationWaitMs),
    );
  }

  /**
   * Invitation and, when the board asks, the password. ≥ 3.3.1 boards are tried with the SHA-256
   * password hash first, then (as espota does, with a fresh invitation) with the MD5 one.
   */
  async function admit(context: PushContext, udp: OtaDatagrams, line: string, name: string): Promise<void> {
    const where = describeTarget(context.target);
    const hashes: PasswordHash[] = ['sha256', 'md5'];
    for (let round = 0; ; round++) {
      const reply = await invite(udp, line, where, context.signal);
      if (reply === 'OK') return;
      if (reply.startsWith('ERR')) throw boardRefused(reply.replace(/^ERR:?\s*/, ''), context.image.info.size);
      const challenge = parseChallenge(reply);
      if (!challenge) throw new UpdateError('update-failed', say.oddReply(''), deviceWords(reply));
      const password = context.credentials?.password;
      if (!password) throw new UpdateError('auth-failed', say.needsPassword(name));
      const hash = hashes[round]!;
      const scheme =
        challenge.scheme === 'md5'
          ? 'classic MD5 challenge'
          : `PBKDF2-SHA256 challenge, ${hash.toUpperCase()} password hash`;
      context.log(`The board asks for its password (${scheme}).`);
      udp.forget();
      await udp.send(authReply(password, challenge, hash));
      const verdict = (await udp.next(timings.authWaitMs, context.signal))?.trim() ?? null;
      cancelled(context.signal);
      if (verdict === null) throw new UpdateError('connection-lost', say.noAnswerToAuth(where, timings.authWaitMs));
      if (verdict === 'OK') return;
      if (verdict.startsWith('ERR')) throw boardRefused(verdict.replace(/^ERR:?\s*/, ''), context.image.info.size);
      const retry = challenge.scheme === 'pbkdf2-sha256' && round === 0;
      if (retry) {
        context.log('Authentication Failed with the SHA-256 password hash; inviting again with the MD5 one.');
        continue;
      }
      const schemeWords = challenge.scheme === 'md5' ? 'classic MD5' : 'PBKDF2-SHA256, both password hashes tried';
      throw new UpdateError('auth-failed', say.wrongPassword(schemeWords), deviceWords(verdict));
    }
  }

  /** Lock-step transfer: a piece, the board's count, the next piece; then OK or ERROR. */
  async function transfer(context: PushContext, link: Conversation, data: Buffer): Promise<string> {
    const total = data.length;
    let sent = 0;
    while (sent < total) {
      cancelled(context.signal);
      const piece = data.subarray(sent, sent + CHUNK_BYTES);
      const seen = link.said.length;
      await link.write(piece);
      const said = await link.next(seen, timings.ackMs, context.signal);
      cancelled(context.signal);
      if (said === null && link.isClosed) throw new UpdateError('connection-lost', say.closedEarly(sent, total));
      if (said === null) throw new UpdateError('connection-lost', say.ackTimeout(sent, total, timings.ackMs));
      sent += piece.length;
      context.onBytes(sent);
      const word = finalWord(said);
      if (word?.error) throw boardRefused(await wholeError(link, context.signal), total);
      if (word?.ok && sent >= total) return 'OK';
    }
    const deadline = Date.now() + timings.finalWordMs;
    while (Date.now() < deadline) {
      const word = finalWord(link.said);
      if (word?.error) throw boardRefused(await wholeError(link, context.signal), total);
      if (word?.ok) return 'OK';
      if (link.isClosed) throw new UpdateError('connection-lost', say.closedEarly(total, total));
      await link.next(link.said.length, deadline - Date.now(), context.signal);
      cancelled(context.signal);
    }
    throw new UpdateError('connection-lost', say.noFinalWord(timings.finalWordMs));
  }

  /** The error line may arrive in pieces: read on to its end (or the close), a second at most. */
  async function wholeError(link: Conversation, signal: AbortSignal): Promise<string> {
    const deadline = Date.now() + 1000;
    while (!finalWord(link.said)?.whole && !link.isClosed && Date.now() < deadline)
      await link.next(link.said.length, deadline - Date.now(), signal);
    return finalWord(link.said)?.error ?? link.said;
  }

  async function push(context: PushContext): Promise<PushOutcome> {
    const { target, image, signal } = context;
    const data = await readFile(image.path);
    if (data.length !== image.info.size || createHash('sha256').update(data).digest('hex') !== image.info.sha256)
      throw new UpdateError('integrity-failure', say.fileChanged(image.info.fileName));
    const md5 = createHash('md5').update(data).digest('hex');
    const board = await boardAddress(target.host).catch((error: NodeJS.ErrnoException) => {
      throw new UpdateError('connection-lost', say.cannotResolve(target.host, error.code ?? error.message));
    });
    const local = await localAddressFacing(board, target.port);
    // The push's own port (the app's field, the CLI's --ota-port) wins over the environment's.
    const port = context.otaListenPort ?? listenPort();
    const listener = await OtaListener.listen(local, port, board).catch((error: NodeJS.ErrnoException) => {
      throw new UpdateError('update-failed', say.listenFailed(local, port, error.code ?? error.message));
    });
    const udp = await OtaDatagrams.open(local, board, target.port);
    let link: Conversation | null = null;
    try {
      const command = otaCommandFor(image);
      context.log(
        `Inviting ${describeTarget(target)} to pull ${command === OTA_COMMAND.app ? 'the application' : 'the filesystem'} image; listening on ${local}:${listener.port}.`,
      );
      await admit(context, udp, invitation(command, listener.port, data.length, md5), describeTarget(target));
      const socket = await listener.accept(timings.acceptMs, signal);
      cancelled(signal);
      if (!socket)
        throw new UpdateError(
          'connection-lost',
          say.neverConnectedBack(`${local}:${listener.port}`, listener.port, timings.acceptMs),
        );
      link = new Conversation(socket);
      const word = await transfer(context, link, data);
      // ESP8266 waits 1 s, says OK, waits 1 s, closes and restarts; ESP32 restarts ~110 ms after OK.
      return { deviceMessage: word, rebootsByItself: true, rebootAfterMs: target.port === 8266 ? 1_500 : 100 };
    } finally {
      link?.socket.destroy();
      udp.close();
      listener.close();
    }
  }

  return {
    id: 'arduino-ota',
    push,
    plan: planArduinoOta,
    silentBoard: true,
    async readFirmware() {
      throw new UpdateError('unsupported-protocol', say.SILENT_BOARD);
    },
  };
}

export const arduinoOta: UpdateProtocol = createArduinoOta();
