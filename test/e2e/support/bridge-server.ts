// The Chromium test bridge: serves the built renderer and offers the OtaBenchApi contract over HTTP
// on 127.0.0.1, backed by a real engine. It plays the part of the Electron main process + preload:
//   POST /api/<command>   body = the command's one argument as JSON (empty for none)
//                         → 200 + the result as JSON, 400 {error} for a bad argument,
//                           404 {error} for an unknown command, 500 {error} when the engine throws.
//   GET  /api/events      Server-Sent Events: `event: devicesChanged|jobChanged|discoveryChanged`.
// Arguments go through the IPC server's own parseCommandArg and commandHandlers, so the bridge
// validates and dispatches exactly like Electron does; only the transport differs.
// Test hooks stand in for what only a desktop can do: the file and folder dialogs (`setDialogPaths`,
// `setFolderPath`), the path of a dropped File or folder (`dropDir`: bridge-client sends the File's
// name where the preload sends webUtils' path; the drop's proof is checked for real, by the main
// process's own verifyDroppedFiles), and the native question before addDevice contacts an address
// outside the local network (`answerRemoteAddress`; declined unless a test says otherwise).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, isAbsolute, join } from 'node:path';
import {
  commandNames,
  eventNames,
  type CommandName,
  type EventName,
  type EventPayloads,
} from '../../../shared/contract.ts';
import type { EngineEvents, OtaEngine } from '../../../electron/engine/engine-api.ts';
import {
  addressGateFor,
  commandHandlers,
  parseCommandArg,
  type CommandHandlers,
} from '../../../electron/main/ipc-server.ts';
import { verifyDroppedFiles } from '../../../electron/main/dropped-files.ts';
import {
  createCredentialStore,
  memoryCredentialFile,
  type CredentialStore,
} from '../../../electron/main/credential-store.ts';
import { fakeSafeStorage } from '../../support/fake-safe-storage.ts';
import { rendererOutDir, serveStatic } from './static-files.ts';

const MAX_BODY_BYTES = 1024 * 1024;

export interface BridgeOptions {
  engine: OtaEngine;
  /** Directory that dropped files are looked up in (by base name). */
  dropDir: string;
  staticRoot?: string;
  /** Saved board credentials; default: the real store over a keychain and a file that live in memory. */
  credentialStore?: CredentialStore;
}

export interface Bridge {
  url: string;
  /** What the next openImageDialog "chooses": one path, several (a pair), or null for a cancelled dialog. */
  setDialogPaths(paths: string[] | null): void;
  /** What the next openFolderDialog "chooses": a folder, or null for a cancelled dialog. */
  setFolderPath(path: string | null): void;
  /** How the next "contact an address outside your network?" questions are answered (default: Cancel). */
  answerRemoteAddress(answer: boolean): void;
  /** Every address the bridge asked that question about, in order. */
  remoteAddressQuestions: Array<{ host: string; port: number }>;
  /** What "Export history" saved, in order (the save dialog's suggested name and the text). */
  exports: Array<{ name: string; text: string }>;
  /** Every command the page sent, in order (name + status), for assertions and debugging. */
  calls: Array<{ command: string; status: number }>;
  close(): Promise<void>;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new HttpError(413, 'request body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(body);
}

export async function startBridge({
  engine,
  dropDir,
  staticRoot = rendererOutDir,
  credentialStore = createCredentialStore({ safeStorage: fakeSafeStorage(), file: memoryCredentialFile() }),
}: BridgeOptions): Promise<Bridge> {
  let dialogPaths: string[] | null = null;
  let folderPath: string | null = null;
  let remoteAnswer = false;
  const remoteAddressQuestions: Bridge['remoteAddressQuestions'] = [];
  // The real preload hands over absolute paths; bare names stand for files and folders in dropDir.
  const resolveDropped = (path: string) => (isAbsolute(path) ? path : join(dropDir, basename(path)));
  const calls: Bridge['calls'] = [];
  const exports: Bridge['exports'] = [];
  const eventStreams = new Set<ServerResponse>();

  const handlers: CommandHandlers = {
    ...commandHandlers(
      engine,
      {
        // Like image-dialog.ts: what the user picked goes to the engine in one inspectImages call.
        openImageDialog: async () => (dialogPaths === null ? null : engine.inspectImages(dialogPaths)),
        openFolderDialog: async () => (folderPath === null ? null : engine.inspectImages([folderPath])),
        // The save dialog "chooses" the suggested name; the text is kept for the test to read.
        saveExport: async (name, text) => {
          exports.push({ name, text });
          return name;
        },
      },
      addressGateFor(engine, async (address) => {
        remoteAddressQuestions.push(address);
        return remoteAnswer;
      }),
      credentialStore,
    ),
    inspectDroppedFiles: async ({ files }) =>
      engine.inspectImages(
        await verifyDroppedFiles(files.map((file) => ({ ...file, path: resolveDropped(file.path) }))),
      ),
  };

  async function runCommand(name: string, request: IncomingMessage): Promise<unknown> {
    if (!(commandNames as string[]).includes(name)) throw new HttpError(404, `unknown command "${name.slice(0, 60)}"`);
    const command = name as CommandName;
    const text = await readBody(request);
    let arg: unknown;
    try {
      arg = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new HttpError(400, `${command}: invalid argument: body is not JSON`);
    }
    let parsed: unknown;
    try {
      parsed = parseCommandArg(command, arg === undefined ? [] : [arg]);
    } catch (error) {
      throw new HttpError(400, (error as Error).message);
    }
    const handler = handlers[command] as (arg: unknown) => unknown;
    return await handler(parsed);
  }

  function openEventStream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    const send = <K extends EventName>(name: K, payload: EventPayloads[K]) =>
      response.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
    // Subscribe before the first byte goes out: once the page sees `open`, no event can be missed.
    const unsubscribes = eventNames.map((name) =>
      engine.on(
        name,
        ((payload: EventPayloads[typeof name]) => void send(name, payload)) as unknown as EngineEvents[typeof name],
      ),
    );
    response.write(': connected\n\n');
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    eventStreams.add(response);
    request.on('close', () => {
      clearInterval(keepAlive);
      unsubscribes.forEach((unsubscribe) => unsubscribe());
      eventStreams.delete(response);
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (pathname === '/api/events' && request.method === 'GET') return openEventStream(request, response);
    if (pathname.startsWith('/api/')) {
      const name = pathname.slice('/api/'.length);
      if (request.method !== 'POST') return sendJson(response, 405, { error: 'commands are POST requests' });
      try {
        const result = await runCommand(name, request);
        calls.push({ command: name, status: 200 });
        return sendJson(response, 200, result ?? null);
      } catch (error) {
        const status = error instanceof HttpError ? error.status : 500;
        calls.push({ command: name, status });
        return sendJson(response, status, { error: error instanceof Error ? error.message : String(error) });
      }
    }
    if (await serveStatic(staticRoot, request, response)) return;
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: String(error) });
      else response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setDialogPaths(paths) {
      dialogPaths = paths;
    },
    setFolderPath(path) {
      folderPath = path;
    },
    answerRemoteAddress(answer) {
      remoteAnswer = answer;
    },
    remoteAddressQuestions,
    calls,
    exports,
    async close() {
      for (const stream of eventStreams) stream.end();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
