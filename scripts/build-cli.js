#!/usr/bin/env node
// Builds the CLI once, at install (`prepare`), into dist/cli/: plain JavaScript, the engine and the
// commands in lazily loaded chunks, dependencies left to node_modules. bin/ota-bench.js runs it
// instead of type-stripping the TypeScript sources at every start (10× the CPU of `node -e 0`
// for `--help` alone). dist/cli/inputs.json lists the sources it was built from: when any of them
// is newer (a checkout being edited), bin/ota-bench.js runs the sources instead.
// Without vite (an install without devDependencies) there is nothing to build with; the CLI then
// runs from its sources, as it always can.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const finalDir = path.join(root, 'dist/cli');
// Built beside and swapped in at the end, so a CLI starting meanwhile never sees half a build.
const outDir = path.join(root, `dist/cli.building-${process.pid}`);

let vite;
try {
  vite = await import('vite');
} catch {
  console.log('ota-bench: vite is not installed, so the CLI was not prebuilt; it runs from its TypeScript sources.');
  process.exit(0);
}

/**
 * `import … from 'node:http'` costs as much CPU as starting Node itself: the ESM facade of a builtin
 * reads every export, and http's lazy getters (WebSocket, CloseEvent, MessageEvent) load undici.
 * The bundle takes http and https through require() instead, exporting only their plain values.
 */
const VIA_REQUIRE = ['node:http', 'node:https'];
function builtinsViaRequire() {
  const prefix = '\0via-require:';
  return {
    name: 'builtins-via-require',
    enforce: 'pre',
    resolveId(id) {
      const name = id.startsWith('node:') ? id : `node:${id}`;
      return VIA_REQUIRE.includes(name) ? `${prefix}${name}` : null;
    },
    load(id) {
      if (!id.startsWith(prefix)) return null;
      const name = id.slice(prefix.length);
      const plain = Object.entries(Object.getOwnPropertyDescriptors(createRequire(import.meta.url)(name)))
        .filter(([key, descriptor]) => !descriptor.get && /^[A-Za-z_$][\w$]*$/.test(key) && key !== 'default')
        .map(([key]) => key);
      return [
        "import { createRequire } from 'node:module';",
        `const builtin = createRequire(import.meta.url)(${JSON.stringify(name)});`,
        'export default builtin;',
        ...plain.map((key) => `export const ${key} = builtin.${key};`),
      ].join('\n');
    },
  };
}

const inputs = new Set();
let result;
try {
  result = await vite.build({
    root,
    configFile: false,
    logLevel: 'warn',
    // Dependencies are bundled too: zod and form-data alone are ~100 small files each, and resolving
    // and loading them one by one cost more CPU at every start than the rest of the CLI. noble and
    // serialport stay out (native bindings found through __dirname, which a bundled ES module does not
    // have: bundled, serialport failed to load and every serial port was 'unavailable'; the engine
    // imports them only when scanning or opening a port).
    ssr: { noExternal: true, external: ['@stoprocent/noble', 'serialport'] },
    build: {
      ssr: path.join(root, 'electron/cli/main.ts'),
      outDir,
      emptyOutDir: true,
      target: 'node22',
      minify: false,
      sourcemap: false,
      rollupOptions: { output: { format: 'esm', entryFileNames: 'main.js', chunkFileNames: '[name]-[hash].js' } },
    },
    plugins: [
      builtinsViaRequire(),
      {
        name: 'record-inputs',
        moduleParsed: (info) => {
          if (!info.id.includes('node_modules') && !info.id.startsWith('\0')) inputs.add(info.id);
        },
      },
    ],
  });
} catch (error) {
  // Never fail an install over this: the CLI runs from its sources without the build.
  rmSync(outDir, { recursive: true, force: true });
  console.warn(
    `ota-bench: the CLI could not be prebuilt (${error.message.split('\n')[0]}); it runs from its TypeScript sources.`,
  );
  process.exit(0);
}
const output = Array.isArray(result) ? result[0] : result;
for (const chunk of output.output)
  for (const id of chunk.moduleIds ?? []) if (!id.includes('node_modules') && path.isAbsolute(id)) inputs.add(id);
writeFileSync(
  path.join(outDir, 'inputs.json'),
  `${JSON.stringify({ builtAt: Date.now(), inputs: [...inputs].map((id) => path.relative(root, id)).sort() }, null, 1)}\n`,
);
rmSync(finalDir, { recursive: true, force: true });
renameSync(outDir, finalDir);
console.log(`ota-bench: CLI prebuilt into ${path.relative(root, finalDir)}/ from ${inputs.size} source files.`);
