// ESPHome's native OTA, what `esphome upload` speaks (esphome/espota2.py against
// components/esphome/ota/ota_esphome.cpp): a lock-step TCP exchange on port 3232 (ESP32) / 8266
// (ESP8266) / 2040 (RP2040), codec in esphome-native-codec.ts. The board tells us nothing about the
// firmware it runs over this port: the version before and after comes from its `_esphomelib._tcp`
// TXT (`project_version`, else the ESPHome `version`), which the job runner reads after the reboot.
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { UpdateError } from '../update-error.ts';
import type { Target } from '../net/http-types.ts';
import { UploadCutError } from '../net/stream-upload.ts';
import {
  BLOCK_SIZE,
  MAGIC,
  OFFERED_FEATURES,
  RESPONSE,
  SUPPORTED_VERSIONS,
  authResponse,
  authScheme,
  featureAnswer,
  isErrorByte,
  sizeBytes,
  ERROR,
} from './esphome-native-codec.ts';
import * as say from './esphome-native-messages.ts';
import { ByteConnection, ConnectionClosed } from './esphome-native-socket.ts';
import type { ImageOnDisk, PushContext, PushOutcome, UpdateProtocol } from './update-protocol.ts';
import { EMPTY_FIRMWARE_INFO } from './update-protocol.ts';

/** The board drops a connection that has not finished the handshake within 20 s (OTA_SOCKET_TIMEOUT_HANDSHAKE). */
const HANDSHAKE_MS = 20_000;
/**
 * The board restarts 10 ms + 100 ms after it read our last byte (handle_data_), plus the way there:
 * mDNS answers until then are still the old firmware's.
 */
const REBOOT_AFTER_MS = 300;
/**
 * After a connection lost past the last byte, the board may still be finishing (end() checks the
 * MD5 and the image, then the 110 ms) and still answering mDNS with the old TXT: we let that time
 * pass before handing over, so whatever announces itself afterwards is the board after its reboot.
 */
const FINISHING_MS = 1500 + REBOOT_AFTER_MS;

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Reads the byte the board answers at one step; an error byte or any other surprise becomes an UpdateError. */
async function expect(conn: ByteConnection, wanted: number, timeoutMs: number, what: string): Promise<void> {
  const byte = await conn.readByte(timeoutMs, what);
  if (byte === wanted) return;
  throw refusal(byte, what);
}

function refusal(byte: number, what: string): UpdateError {
  if (!isErrorByte(byte)) return new UpdateError('unsupported-protocol', say.unexpectedByte(byte, what));
  const refused = say.boardRefused(byte, `(waiting for ${what})`);
  return new UpdateError(refused.code, refused.words, refused.deviceMessage);
}

/** The file as inspected: a push never sends bytes the checks did not see. */
async function readImage(image: ImageOnDisk): Promise<Buffer> {
  const bytes = await readFile(image.path).catch((error: NodeJS.ErrnoException) => {
    throw new UpdateError('integrity-failure', `Cannot read ${image.info.fileName} (${error.code}); nothing was sent.`);
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (bytes.length !== image.info.size || sha256 !== image.info.sha256) {
    throw new UpdateError(
      'integrity-failure',
      `${image.info.fileName} changed on disk since OTA Bench inspected it; nothing was sent. Open it again.`,
    );
  }
  return bytes;
}

/** Magic → version → features: returns the protocol version and whether the board takes gzip. */
async function negotiate(conn: ByteConnection): Promise<{ version: number; gzip: boolean }> {
  await conn.write(MAGIC);
  const first = await conn.readByte(HANDSHAKE_MS, 'the answer to the greeting');
  if (first !== RESPONSE.ok) throw refusal(first, 'the answer to the greeting');
  const version = await conn.readByte(HANDSHAKE_MS, 'the protocol version');
  if (!(SUPPORTED_VERSIONS as readonly number[]).includes(version))
    throw new UpdateError('unsupported-protocol', say.unsupportedVersion(version));
  await conn.write(Buffer.from([OFFERED_FEATURES]));
  const byte = await conn.readByte(HANDSHAKE_MS, 'the feature answer');
  const answer = featureAnswer(byte);
  if (!answer) throw refusal(byte, 'the feature answer');
  if (answer.kind === 'extended') throw new UpdateError('unsupported-protocol', say.extendedProtocolAnswer);
  return { version, gzip: answer.kind === 'compression' };
}

/** Answers the board's challenge, if it sends one, with the push's password. */
async function authenticate(conn: ByteConnection, context: PushContext): Promise<void> {
  const byte = await conn.readByte(HANDSHAKE_MS, 'the authentication request');
  // Current firmware answers a client without SHA-256 auth with 0x82 here; we offer it, so a 0x82
  // before any challenge means the board wants what we do not offer (encryption).
  if (byte === ERROR.authInvalid)
    throw new UpdateError('unsupported-protocol', say.refusedBeforeChallenge, 'error 0x82 before any challenge');
  const scheme = authScheme(byte);
  if (scheme === null) throw refusal(byte, 'the authentication request');
  if (scheme === 'none') return;
  const password = context.credentials?.password;
  if (!password) throw new UpdateError('auth-failed', say.passwordNeeded(scheme.kind));
  const nonce = (await conn.read(scheme.nonceLength, HANDSHAKE_MS, 'the password challenge')).toString('latin1');
  const cnonce = randomBytes(scheme.nonceLength / 2).toString('hex');
  await conn.write(cnonce + authResponse(scheme.kind, password, nonce, cnonce));
  await expect(conn, RESPONSE.authOk, HANDSHAKE_MS, 'the password verdict');
  context.log(say.authenticated(scheme.kind));
}

/** Sends the upload in 8 KiB blocks; a v2 board acknowledges each, which is what progress counts. */
async function transfer(conn: ByteConnection, upload: Buffer, version: number, context: PushContext, scale: number) {
  const idleMs = context.timeouts.idleMs;
  let sent = 0;
  for (let offset = 0; offset < upload.length; offset += BLOCK_SIZE) {
    const block = upload.subarray(offset, offset + BLOCK_SIZE);
    try {
      await conn.write(block, idleMs);
      if (version >= 2) await expect(conn, RESPONSE.chunkOk, idleMs, 'the acknowledgement of a block');
    } catch (error) {
      if (error instanceof ConnectionClosed)
        throw new UploadCutError(
          'connection-lost',
          say.droppedDuringTransfer(sent, upload.length),
          say.partialDiscarded,
          false,
        );
      if (error instanceof UpdateError && error.code === 'cancelled')
        throw new UpdateError('cancelled', say.cancelledDuringTransfer(sent, upload.length));
      throw error;
    }
    sent = offset + block.length;
    context.onBytes(Math.min(Math.round(sent * scale), context.image.info.size));
  }
}

/**
 * The board's two final words: received, then flashed. Once every byte is out (and, in v2, acknowledged)
 * the board finishes and reboots without us, so a connection lost here may still have flashed.
 */
async function finish(conn: ByteConnection, context: PushContext, total: number): Promise<void> {
  try {
    await expect(conn, RESPONSE.receiveOk, context.timeouts.responseMs, 'the board to confirm it received the image');
    await expect(conn, RESPONSE.updateEndOk, context.timeouts.responseMs, 'the board to finish flashing');
  } catch (error) {
    if (!(error instanceof UpdateError && error.code === 'connection-lost')) throw error;
    await pause(FINISHING_MS, context.signal);
    throw new UploadCutError('connection-lost', say.droppedBeforeFlashed(total), say.mayHaveTaken, true);
  }
  // The board reads this acknowledgement but does not insist on it (a missing one is not fatal).
  await conn.write(Buffer.from([RESPONSE.ok])).catch(() => undefined);
}

export const esphomeNative: UpdateProtocol = {
  id: 'esphome-native',

  async recognise(target: Target, signal?: AbortSignal) {
    const conn = await ByteConnection.open(target, 3000, signal ?? new AbortController().signal).catch(() => null);
    if (!conn) return { verdict: 'no' as const, detail: 'Nothing listens on that port.' };
    try {
      await conn.write(MAGIC);
      const answer = await conn.read(2, 3000, 'the answer to the greeting');
      return answer[0] === RESPONSE.ok && (answer[1] === 1 || answer[1] === 2)
        ? { verdict: 'yes' as const, detail: `It answers ESPHome's OTA greeting (protocol version ${answer[1]}).` }
        : { verdict: 'no' as const, detail: "It does not answer ESPHome's OTA greeting." };
    } catch {
      return { verdict: 'no' as const, detail: "It does not answer ESPHome's OTA greeting." };
    } finally {
      conn.close();
    }
  },

  async push(context: PushContext): Promise<PushOutcome> {
    const image = await readImage(context.image);
    const conn = await ByteConnection.open(context.target, context.timeouts.connectMs, context.signal);
    try {
      const { version, gzip } = await negotiate(conn);
      const upload = gzip ? gzipSync(image, { level: 9 }) : image;
      if (gzip) context.log(say.compressedNote(image.length, upload.length));
      await authenticate(conn, context);
      await conn.write(sizeBytes(upload.length));
      await expect(conn, RESPONSE.updatePrepareOk, context.timeouts.responseMs, 'the board to prepare its flash');
      await conn.write(createHash('md5').update(upload).digest('hex'));
      await expect(conn, RESPONSE.binMd5Ok, HANDSHAKE_MS, 'the board to take the MD5');
      await transfer(conn, upload, version, context, image.length / upload.length);
      await finish(conn, context, upload.length);
      context.onBytes(image.length);
      return { deviceMessage: 'OTA successful', rebootsByItself: true, rebootAfterMs: REBOOT_AFTER_MS };
    } finally {
      conn.close();
    }
  },

  /** The OTA port answering is all the board says here; a connection closed at once costs it nothing. */
  async readFirmware(target: Target, signal?: AbortSignal) {
    const conn = await ByteConnection.open(target, 3000, signal ?? new AbortController().signal);
    conn.close();
    return EMPTY_FIRMWARE_INFO;
  },
};
