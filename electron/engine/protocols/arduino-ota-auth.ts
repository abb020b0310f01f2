// ArduinoOTA's invitation and password answer (lan-protocols.md §5.3–5.4, fleet-history-and-more.md
// §4.1). Pure maths, no sockets, so both schemes can be checked against known vectors. The scheme
// comes from the nonce the board sends: 32 hex digits is the classic MD5 challenge (ESP8266, ESP32
// cores before 3.3.1), 64 is arduino-esp32 ≥ 3.3.1's PBKDF2-HMAC-SHA256.
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';

/** The invitation's first word: what the board writes (Updater U_FLASH / U_FS), 200 is the auth reply. */
export const OTA_COMMAND = { app: 0, filesystem: 100, auth: 200 } as const;
export type OtaCommand = typeof OTA_COMMAND.app | typeof OTA_COMMAND.filesystem;

export type OtaAuthScheme = 'md5' | 'pbkdf2-sha256';
/** Which hash of the password the board keeps: setPassword() on ≥ 3.3.1 keeps SHA-256, older code MD5. */
export type PasswordHash = 'sha256' | 'md5';

/** PBKDF2 rounds arduino-esp32 ≥ 3.3.1 uses (BasicOTA 3.3.2: "PBKDF2-HMAC-SHA256 with 10,000 iterations"). */
export const PBKDF2_ITERATIONS = 10_000;

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** `<cmd> <host_port> <size> <md5>\n`: the board ignores it silently unless the MD5 is 32 characters. */
export function invitation(command: OtaCommand, hostPort: number, size: number, imageMd5: string): string {
  return `${command} ${hostPort} ${size} ${imageMd5}\n`;
}

/** `AUTH <nonce>` → the nonce and its scheme; null for anything else (OK, ERR…, garbage). */
export function parseChallenge(reply: string): { nonce: string; scheme: OtaAuthScheme } | null {
  const match = /^AUTH ([0-9a-fA-F]+)\s*$/.exec(reply);
  if (!match) return null;
  const nonce = match[1]!;
  if (nonce.length === 32) return { nonce, scheme: 'md5' };
  if (nonce.length === 64) return { nonce, scheme: 'pbkdf2-sha256' };
  return null;
}

/** A fresh client nonce as long as the board's (espota hashes file name, size, MD5 and address; any random hex does). */
export function clientNonce(scheme: OtaAuthScheme): string {
  return randomBytes(scheme === 'md5' ? 16 : 32).toString('hex');
}

/** Classic: MD5hex( MD5hex(password) ":" nonce ":" cnonce ). */
export function md5Response(password: string, nonce: string, cnonce: string): string {
  return md5(`${md5(password)}:${nonce}:${cnonce}`);
}

/**
 * arduino-esp32 ≥ 3.3.1: key = PBKDF2-HMAC-SHA256(H as ASCII, nonce ":" cnonce, 10 000, 32 bytes) with
 * H = SHA256hex(password), or MD5hex(password) for boards that keep an MD5 hash; response =
 * SHA256hex( hex(key) ":" nonce ":" cnonce ).
 */
export function pbkdf2Response(password: string, nonce: string, cnonce: string, hash: PasswordHash): string {
  const stored = hash === 'sha256' ? sha256(password) : md5(password);
  const key = pbkdf2Sync(stored, `${nonce}:${cnonce}`, PBKDF2_ITERATIONS, 32, 'sha256').toString('hex');
  return sha256(`${key}:${nonce}:${cnonce}`);
}

/** The datagram that answers a challenge: `200 <cnonce> <response>\n`. */
export function authReply(
  password: string,
  challenge: { nonce: string; scheme: OtaAuthScheme },
  hash: PasswordHash = 'sha256',
  cnonce = clientNonce(challenge.scheme),
): string {
  const response =
    challenge.scheme === 'md5'
      ? md5Response(password, challenge.nonce, cnonce)
      : pbkdf2Response(password, challenge.nonce, cnonce, hash);
  return `${OTA_COMMAND.auth} ${cnonce} ${response}\n`;
}
