// Where the CLI gets a board's password: --password, else OTA_BENCH_PASSWORD, else it asks in the
// terminal without echo. A password is never printed, logged or put in an error message: the
// prompt is written to stderr (stdout may be JSON lines) and nothing typed reaches the screen.
import readline from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from './usage.ts';

export const PASSWORD_ENV = 'OTA_BENCH_PASSWORD';

interface TerminalInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
}

export interface PasswordSources {
  env: NodeJS.ProcessEnv;
  /** Reads a secret without echo; absent where no one can be asked (stdin is not a terminal). */
  ask?: (question: string) => Promise<string>;
}

/** The words when --user comes without a password and no one can be asked. */
export const passwordMissing = `--user needs a password: --password PASSWORD, ${PASSWORD_ENV}, or a terminal to type it in.`;

/**
 * A --user needs a password. A --password alone is fine: ESPHome native OTA and ArduinoOTA ask for a
 * password only (the user name goes out empty, which a board that wants one refuses in words).
 */
export function checkPair(user: string | undefined, password: string | undefined): void {
  if (user && !password) throw new UsageError(passwordMissing);
}

/**
 * The password to go with --user: --password as typed, else OTA_BENCH_PASSWORD, else asked for
 * (only with --user: an environment variable alone is not sent to boards that did not ask).
 * Undefined when there is no --user and no --password.
 */
export async function passwordFor(
  values: { user?: string; password?: string },
  { env, ask }: PasswordSources,
): Promise<string | undefined> {
  if (values.password !== undefined) return values.password;
  if (!values.user) return undefined;
  const fromEnv = env[PASSWORD_ENV];
  if (fromEnv) return fromEnv;
  if (!ask) throw new UsageError(passwordMissing);
  return ask(`Password for ${values.user}: `);
}

/**
 * Asks on `output` and reads one line from a terminal `input` without echoing it (readline writes
 * its echo to a stream that drops it). Ctrl-C or the end of input is a refusal, not an empty password.
 */
export function askWithoutEcho(
  question: string,
  input: TerminalInput = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<string> {
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  // The terminal leaves echo mode (raw mode) before the question shows: an answer typed at once is not echoed.
  const rl = readline.createInterface({ input, output: silent, terminal: true });
  output.write(question);
  return new Promise((resolve, reject) => {
    let answered = false;
    rl.on('line', (line) => {
      answered = true;
      output.write('\n');
      rl.close();
      resolve(line);
    });
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      if (answered) return;
      output.write('\n');
      reject(new UsageError('No password given.'));
    });
  });
}

/** Reads one line with echo (a user name), on `output`; Ctrl-C or the end of input gives null. */
function askLine(question: string, input: TerminalInput, output: NodeJS.WritableStream): Promise<string | null> {
  const rl = readline.createInterface({ input, output, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    rl.question(question, (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    rl.on('SIGINT', () => rl.close());
    rl.on('close', () => {
      if (!answered) resolve(null);
    });
  });
}

/**
 * A board that needs a password and none was given: in a terminal, ask for the user name (echoed)
 * and the password (not). Null when the user gives up (Ctrl-C, end of input, an empty user name).
 */
export async function askCredentials(
  boardName: string,
  input: TerminalInput = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Promise<{ user: string; password: string } | null> {
  const user = (await askLine(`${boardName} asks for a password. User: `, input, output))?.trim();
  if (!user) return null;
  const password = await askWithoutEcho(`Password for ${user}: `, input, output).catch(() => null);
  return password === null ? null : { user, password };
}

/** The asker for this process: only where stdin is a terminal. */
export function terminalAsker(): PasswordSources['ask'] {
  return process.stdin.isTTY ? (question) => askWithoutEcho(question) : undefined;
}
