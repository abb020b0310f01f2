// Flat ESLint config: typescript-eslint's recommended rules everywhere, React hooks rules in the
// renderer, and import rules that keep each layer in its lane: no Electron (nor 'electron/main' and
// the like) in the engine or the CLI, which run under plain Node; the contract in shared/ imports
// neither side and no Node built-in, since the sandboxed renderer uses it too; no Node in the
// renderer; nothing but Electron and the zod-free names in the sandboxed preload.
// test/unit/lint/layer-rules.test.ts shows each of these rules firing on a violation.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import prettierRecommended from 'eslint-plugin-prettier/recommended';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** no-restricted-imports options for code that runs under plain Node: no Electron, nor main-process code. */
function plainNode(why) {
  const message = `${why}: no Electron here.`;
  return {
    paths: [{ name: 'electron', message }],
    patterns: [
      { group: ['electron/*'], message },
      {
        group: ['**/main/**', '**/preload/**', '**/renderer/**'],
        message: `${why}: main-process, preload and renderer code are not for it.`,
      },
    ],
  };
}

/** no-restricted-syntax selectors for `import('electron…')` and `require('electron…')`, which no-restricted-imports misses. */
function noDynamicElectron(why) {
  const message = `${why}: no Electron here, not even loaded lazily.`;
  return [
    { selector: 'ImportExpression[source.value=/^electron(\\u002F|$)/]', message },
    { selector: "CallExpression[callee.name='require'][arguments.0.value=/^electron(\\u002F|$)/]", message },
  ];
}

export default defineConfig(
  globalIgnores([
    'out/',
    'dist/',
    'node_modules/',
    'test-results/',
    'playwright-report/',
    '.ci-node/',
    '.vitest-cache/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, globals: globals.node },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // Sanitisers of device-advertised text (mDNS TXT, HTTP bodies) match control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'node:*'],
              message: 'The renderer is sandboxed: reach the main process through window.otaBench.',
            },
            { group: ['**/electron/**'], message: 'The renderer may import shared/ only, never main-process code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', plainNode('The engine runs under plain Node (CLI, tests)')],
      'no-restricted-syntax': ['error', ...noDynamicElectron('The engine runs under plain Node (CLI, tests)')],
    },
  },
  {
    files: ['electron/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', plainNode('The CLI runs under plain Node')],
      'no-restricted-syntax': ['error', ...noDynamicElectron('The CLI runs under plain Node')],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared/ is the contract both sides use: no Electron here.' }],
          patterns: [
            { group: ['electron/*'], message: 'shared/ is the contract both sides use: no Electron here.' },
            { group: ['node:*'], message: 'The sandboxed renderer imports shared/ too: no Node built-ins here.' },
            {
              group: ['**/electron/**', '**/renderer/**'],
              message: 'shared/ imports neither the main-process side nor the renderer: they import it.',
            },
          ],
        },
      ],
      'no-restricted-syntax': ['error', ...noDynamicElectron('shared/ is the contract both sides use')],
    },
  },
  {
    files: ['electron/preload/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // dropped-file-proof.ts uses web APIs only (Blob, crypto.subtle) and imports nothing.
              regex: '^(?!electron$|\\.\\./\\.\\./shared/(?:contract-names|dropped-file-proof)\\.ts$).*',
              allowTypeImports: true,
              message:
                "A sandboxed preload can only require 'electron': take values from shared/contract-names.ts (or the dependency-free shared/dropped-file-proof.ts).",
            },
          ],
        },
      ],
    },
  },
  // Layout is Prettier's (.prettierrc.json, width 120), checked and fixed through ESLint: one
  // `eslint --fix` formats, and a line laid out by hand fails `npm run lint`.
  prettierRecommended,
);
