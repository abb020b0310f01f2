// scripts/check-imports.js, on tiny engine trees of its own: it must be able to fail, for an upward
// import, a sideways one, a value-import cycle and an import out of the engine, and pass a tree that
// only imports downward. A cycle closed only by a type import fails too.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain-JS script without type declarations
import { checkImports, relativeImports } from '../../../scripts/check-imports.js';

type Result = { problems: string[] };

/** Writes files (path → source) under <tmp>/electron/engine and <tmp>/shared; returns the engine root. */
function tree(files: Record<string, string>): string {
  const top = mkdtempSync(path.join(tmpdir(), 'check-imports-'));
  for (const [name, source] of Object.entries(files)) {
    const full = path.join(top, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, source);
  }
  return path.join(top, 'electron', 'engine');
}

const downward = {
  'shared/domain.ts': 'export type Device = { id: string };\n',
  'electron/engine/engine.ts': "import { LanSide } from './sides/lan-side.ts';\nexport const engine = new LanSide();\n",
  'electron/engine/sides/lan-side.ts':
    "import { runJob } from '../jobs/job-runner.ts';\nimport type { Device } from '../../../shared/domain.ts';\nexport class LanSide { run = runJob; d?: Device; }\n",
  'electron/engine/jobs/job-runner.ts':
    "import {\n  targetOf,\n} from '../net/device-target.ts';\nexport const runJob = () => targetOf();\n",
  'electron/engine/net/device-target.ts':
    "import { UpdateError } from '../update-error.ts';\nexport const targetOf = () => UpdateError;\n",
  'electron/engine/update-error.ts': 'export class UpdateError extends Error {}\n',
};

const check = (files: Record<string, string>): string[] => (checkImports(tree(files)) as Result).problems;

describe('check-imports', () => {
  it('passes a tree that imports only downward', () => {
    expect(check(downward)).toEqual([]);
  });

  it('reports an upward import (net/ importing jobs/), naming both files', () => {
    const problems = check({
      ...downward,
      'electron/engine/net/device-target.ts':
        "import { runJob } from '../jobs/job-runner.ts';\nexport const targetOf = () => runJob;\n",
    });
    expect(problems).toContain(
      'upward: engine/net/device-target.ts imports engine/jobs/job-runner.ts (net/ may not import jobs/)',
    );
  });

  it('reports a type-only upward import too', () => {
    const problems = check({
      ...downward,
      'electron/engine/net/device-target.ts':
        "import type { LanSide } from '../sides/lan-side.ts';\nexport const targetOf = (s?: LanSide) => s;\n",
    });
    expect(
      problems.some((p) => p.startsWith('upward: engine/net/device-target.ts imports engine/sides/lan-side.ts')),
    ).toBe(true);
  });

  it('reports a sideways import between sibling layers (jobs/ and discovery/)', () => {
    const problems = check({
      ...downward,
      'electron/engine/discovery/probe.ts': "export { runJob } from '../jobs/job-runner.ts';\n",
    });
    expect(problems).toContain(
      'sideways: engine/discovery/probe.ts imports engine/jobs/job-runner.ts (discovery/ may not import jobs/)',
    );
  });

  it('reports a cycle between two files of one folder', () => {
    const problems = check({
      ...downward,
      'electron/engine/jobs/job-runner.ts':
        "import { awaitCommit } from './commit-flow.ts';\nexport const runJob = () => awaitCommit;\n",
      'electron/engine/jobs/commit-flow.ts':
        "import { runJob } from './job-runner.ts';\nexport const awaitCommit = () => runJob;\n",
    });
    expect(problems).toContain(
      'cycle: engine/jobs/commit-flow.ts → engine/jobs/job-runner.ts → engine/jobs/commit-flow.ts',
    );
  });

  it('reports a cycle closed only by a type import, saying it is type-only', () => {
    const { problems } = checkImports(
      tree({
        ...downward,
        'electron/engine/jobs/job-runner.ts':
          "import { awaitCommit } from './commit-flow.ts';\nexport type Ctx = { n: number };\nexport const runJob = () => awaitCommit;\n",
        'electron/engine/jobs/commit-flow.ts':
          "import type { Ctx } from './job-runner.ts';\nexport const awaitCommit = (c?: Ctx) => c;\n",
      }),
    ) as Result;
    expect(problems).toEqual([
      'cycle (type-only): engine/jobs/commit-flow.ts → engine/jobs/job-runner.ts → engine/jobs/commit-flow.ts',
    ]);
  });

  it('reports imports out of the engine other than shared/, and folders in no layer', () => {
    const problems = check({
      ...downward,
      'electron/main/window.ts': 'export const w = 1;\n',
      'electron/engine/misc/thing.ts': "import { w } from '../../main/window.ts';\nexport const t = w;\n",
    });
    expect(problems.some((p) => p.startsWith('outside: engine/misc/thing.ts imports'))).toBe(true);
    expect(problems.some((p) => p.startsWith('unplaced: engine/misc/thing.ts'))).toBe(true);
  });

  it('reads multi-line, export-from, side-effect and dynamic imports; ignores packages and comments', () => {
    const found = relativeImports(
      "import {\n  a,\n  b,\n} from './a.ts';\nexport * from './b.ts';\nimport './c.ts';\nconst d = await import('./d.ts');\nimport type { E } from './e.ts';\nimport { z } from 'zod';\n// import { x } from './commented.ts';\n",
    );
    expect(found).toEqual([
      { specifier: './a.ts', typeOnly: false },
      { specifier: './b.ts', typeOnly: false },
      { specifier: './e.ts', typeOnly: true },
      { specifier: './c.ts', typeOnly: false },
      { specifier: './d.ts', typeOnly: false },
    ]);
  });

  it('passes the real engine', () => {
    expect((checkImports(path.resolve(import.meta.dirname, '../../../electron/engine')) as Result).problems).toEqual(
      [],
    );
  });
});
