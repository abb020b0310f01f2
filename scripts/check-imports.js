#!/usr/bin/env node
// The engine's folders import only downward, with no import cycle between files; `npm run lint` runs
// this (so `npm test` does). Layers, top to bottom (README, Architecture):
//
//   engine.ts, index.ts          the engine: composes the sides, the image store, the job manager
//   sides/  fleet/               a side of the world where devices live (LAN, BLE) | fleet runs
//                                (many boards at once, through the engine's own calls)
//   jobs/  discovery/  history/  job sequences and the job manager | finding devices | the SQLite
//                                history and inventory (siblings: none imports another)
//   protocols/                   one file per update protocol
//   ble/                         Bluetooth: the radio, SMP's GATT transport, ESP BLE OTA, Mongoose RPC
//   smp/                         MCUmgr/SMP over any transport: codec, client, session, uploader, and
//                                the transports that need no radio (serial console framing, UDP)
//   images/  net/                image formats | HTTP, auth, uploads (siblings)
//   update-error.ts, format.ts,  words and errors every layer uses, and the engine's contract
//   engine-api.ts                (types only)
//   shared/                      outside the engine: the app's contract and domain types
//
// A file may import its own folder and any layer below; a layer beside it (jobs ↔ discovery,
// images ↔ net) or above it is reported, type-only imports included. So is any cycle between files,
// type-only imports included: a cycle closed by `import type` runs fine, but it still means two files
// cannot be read or moved apart, which is what the layering is for (move the shared type into a
// file of its own).
// Relative imports only (the regex reads import/export … from '…', import '…' and import('…')).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Layer of each unit: a folder under the engine, or one of its top-level files. Higher imports lower. */
export const LAYERS = {
  'engine.ts': 8,
  'index.ts': 8,
  'sides/': 7,
  'fleet/': 7,
  'jobs/': 6,
  'discovery/': 6,
  'history/': 6,
  'protocols/': 5,
  'ble/': 4,
  'smp/': 3,
  'images/': 2,
  'net/': 2,
  'update-error.ts': 1,
  'format.ts': 1,
  'engine-api.ts': 1,
};
/** Top-level files of one layer form one unit, so they may import each other (cycles are still caught). */
const TOP_LEVEL_UNITS = Object.fromEntries(
  Object.entries(LAYERS)
    .filter(([key]) => !key.endsWith('/'))
    .map(([key, layer], _i, all) => [
      key,
      all
        .filter(([, l]) => l === layer)
        .map(([k]) => k)
        .join(', '),
    ]),
);

function listTs(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return listTs(full);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [full] : [];
  });
}

const IMPORT_PATTERNS = [
  /(?:^|[\n;])\s*(?:import|export)\s([^;]*?)\bfrom\s*['"]([^'"]+)['"]/g,
  /(?:^|[\n;])\s*import()\s*['"]([^'"]+)['"]/g,
  /\bimport()\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/**
 * The relative imports of a file (packages and node: modules are not layering's business), each with
 * whether it is type-only (`import type …`, `export type … from`; inline `{ type X }` still loads the file).
 */
export function relativeImports(source) {
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = new Map();
  for (const pattern of IMPORT_PATTERNS) {
    for (const [, clause, specifier] of text.matchAll(pattern)) {
      if (!specifier.startsWith('.')) continue;
      const typeOnly = /^\s*type\s/.test(clause);
      found.set(specifier, (found.get(specifier) ?? true) && typeOnly);
    }
  }
  return [...found].map(([specifier, typeOnly]) => ({ specifier, typeOnly }));
}

function resolveImport(from, specifier) {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, path.join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

/** The unit a file belongs to ('sides/', 'engine.ts', the base unit) and its layer; null outside the map. */
function unitOf(root, file) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  const key = rel.includes('/') ? `${rel.split('/')[0]}/` : rel;
  const layer = LAYERS[key];
  if (layer === undefined) return null;
  return { unit: TOP_LEVEL_UNITS[key] ?? key, layer };
}

/** Cycles in a graph of files (each reported once, starting at its first file in sorted order). */
function findCycles(graph) {
  const cycles = new Map();
  const state = new Map(); // undefined: unseen, 1: on the stack, 2: done
  const stack = [];
  const visit = (node) => {
    state.set(node, 1);
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 1) {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0]);
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        cycles.set(rotated.join(' → '), rotated);
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(node, 2);
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return [...cycles.values()];
}

/**
 * Checks every .ts file under `root` (the engine folder). `shared` is the one folder outside it that
 * the engine may import. Returns the problems as sentences (empty: all good); a cycle is a problem
 * whether its imports run or are types only (the sentence says which).
 */
export function checkImports(root, shared = path.resolve(root, '../../shared')) {
  const problems = [];
  const show = (file) => path.relative(path.dirname(root), file).split(path.sep).join('/');
  const graph = new Map(); // value imports: these run, so a cycle here fails
  const typeGraph = new Map(); // every import, types included: a cycle here fails too
  for (const file of listTs(root).sort()) {
    const from = unitOf(root, file);
    if (!from)
      problems.push(`unplaced: ${show(file)} is in no layer; add its folder to LAYERS in scripts/check-imports.js`);
    const edges = [];
    const typeEdges = [];
    for (const { specifier, typeOnly } of relativeImports(readFileSync(file, 'utf8'))) {
      const target = resolveImport(file, specifier);
      if (!target) {
        problems.push(`missing: ${show(file)} imports '${specifier}', which does not exist`);
        continue;
      }
      if (!target.startsWith(root + path.sep)) {
        if (!target.startsWith(shared + path.sep))
          problems.push(
            `outside: ${show(file)} imports ${path.relative(root, target)}; outside the engine it may import only shared/`,
          );
        continue;
      }
      (typeOnly ? typeEdges : edges).push(target);
      const to = unitOf(root, target);
      if (!from || !to || from.unit === to.unit || to.layer < from.layer) continue;
      const how = to.layer === from.layer ? 'sideways' : 'upward';
      problems.push(`${how}: ${show(file)} imports ${show(target)} (${from.unit} may not import ${to.unit})`);
    }
    graph.set(file, edges);
    typeGraph.set(file, [...edges, ...typeEdges]);
  }
  const cycleWords = (cycle) => [...cycle, cycle[0]].map(show).join(' → ');
  const running = findCycles(graph).map(cycleWords);
  for (const cycle of running) problems.push(`cycle: ${cycle}`);
  for (const cycle of findCycles(typeGraph)
    .map(cycleWords)
    .filter((c) => !running.includes(c))) {
    problems.push(`cycle (type-only): ${cycle}`);
  }
  return { problems };
}

const here = fileURLToPath(import.meta.url);
if (process.argv[1] && path.resolve(process.argv[1]) === here) {
  const root = path.resolve(process.argv[2] ?? path.join(path.dirname(here), '..', 'electron', 'engine'));
  const { problems } = checkImports(root);
  if (problems.length > 0) {
    console.error(
      `Engine imports break the layering (see scripts/check-imports.js for the layers):\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
    process.exit(1);
  }
  console.log(`Engine imports: ${listTs(root).length} files, downward only, no import cycle.`);
}
