// The layer rules of eslint.config.js fire on a violation: each case lints a line of code as if it
// were a file of that layer (the file need not exist) and expects the rule's own message. The allowed
// cases show the rules do not fire on what the layer may import. Runs with every `npm run test:unit`.
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('../../..', import.meta.url).pathname });

/** The layer rules' messages for `code` linted as `filePath` (other rules, such as unused names, are left out). */
async function layerMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\nexport {};\n`, { filePath });
  return result!.messages
    .filter(
      (m) =>
        m.ruleId === 'no-restricted-imports' ||
        m.ruleId === 'no-restricted-syntax' ||
        m.ruleId === '@typescript-eslint/no-restricted-imports' ||
        m.fatal,
    )
    .map((m) => m.message);
}

// Loading the config (typescript-eslint, the React plugin) takes a few seconds on a busy machine: once, here.
beforeAll(async () => {
  await eslint.calculateConfigForFile('electron/engine/lint-probe.ts');
}, 60_000);

const ENGINE = 'electron/engine/jobs/lint-probe.ts';
const CLI = 'electron/cli/lint-probe.ts';
const SHARED = 'shared/lint-probe.ts';
const RENDERER = 'renderer/src/lint-probe.ts';

describe('the engine runs under plain Node', () => {
  it.each([
    ["import { app } from 'electron';", /engine runs under plain Node.*no Electron/],
    ["import { ipcMain } from 'electron/main';", /engine runs under plain Node.*no Electron/],
    ["import type { WebContents } from 'electron/main';", /engine runs under plain Node.*no Electron/],
    ["import { openWindow } from '../../main/window.ts';", /main-process, preload and renderer code are not for it/],
    ["const electron = await import('electron');", /not even loaded lazily/],
    ["const { app } = require('electron/main');", /not even loaded lazily/],
  ])('%s is refused', async (code, message) => {
    expect(await layerMessages(ENGINE, code)).toEqual([expect.stringMatching(message)]);
  });

  it('Node built-ins, packages and engine modules are allowed', async () => {
    expect(
      await layerMessages(
        ENGINE,
        "import { readFile } from 'node:fs/promises';\nimport { z } from 'zod';\nimport { targetOf } from '../net/sanitize.ts';\nimport type { Job } from '../../../shared/domain.ts';",
      ),
    ).toEqual([]);
  });
});

describe('the CLI runs under plain Node', () => {
  it.each([
    ["import { app } from 'electron';", /CLI runs under plain Node.*no Electron/],
    ["import { BrowserWindow } from 'electron/main';", /CLI runs under plain Node.*no Electron/],
    ["import { ipcRenderer } from 'electron/renderer';", /CLI runs under plain Node.*no Electron/],
    [
      "import { createIpcServer } from '../main/ipc-server.ts';",
      /main-process, preload and renderer code are not for it/,
    ],
    ["const { app } = await import('electron');", /not even loaded lazily/],
  ])('%s is refused', async (code, message) => {
    expect(await layerMessages(CLI, code)).toEqual([expect.stringMatching(message)]);
  });

  it('Node built-ins, the engine and shared/ are allowed', async () => {
    expect(
      await layerMessages(
        CLI,
        "import { parseArgs } from 'node:util';\nimport type { OtaEngine } from '../engine/engine-api.ts';\nimport { formatBytes } from '../../shared/format.ts';",
      ),
    ).toEqual([]);
  });
});

describe('shared/ is the contract both sides import, and imports neither', () => {
  it.each([
    ["import { app } from 'electron';", /no Electron here/],
    ["import { contextBridge } from 'electron/renderer';", /no Electron here/],
    ["import { readFileSync } from 'node:fs';", /renderer imports shared\/ too: no Node built-ins/],
    [
      "import { createEngine } from '../electron/engine/index.ts';",
      /imports neither the main-process side nor the renderer/,
    ],
    [
      "import type { OtaEngine } from '../electron/engine/engine-api.ts';",
      /imports neither the main-process side nor the renderer/,
    ],
    ["import { App } from '../renderer/src/App.tsx';", /imports neither the main-process side nor the renderer/],
    ["const electron = await import('electron');", /not even loaded lazily/],
  ])('%s is refused', async (code, message) => {
    expect(await layerMessages(SHARED, code)).toContainEqual(expect.stringMatching(message));
  });

  it('zod and other shared/ modules are allowed', async () => {
    expect(await layerMessages(SHARED, "import { z } from 'zod';\nimport type { Job } from './domain.ts';")).toEqual(
      [],
    );
  });
});

describe('the renderer stays sandboxed (the rules that were there before)', () => {
  it.each([
    ["import { ipcRenderer } from 'electron';", /renderer is sandboxed/],
    ["import { readFileSync } from 'node:fs';", /renderer is sandboxed/],
    ["import { createEngine } from '../../electron/engine/index.ts';", /may import shared\/ only/],
  ])('%s is refused', async (code, message) => {
    expect(await layerMessages(RENDERER, code)).toContainEqual(expect.stringMatching(message));
  });
});
