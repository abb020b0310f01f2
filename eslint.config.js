// Flat ESLint config: typescript-eslint's recommended rules everywhere, React hooks rules in the
// renderer, and import rules that keep each layer in its lane (no Electron in the engine, no Node
// in the renderer, nothing but Electron and the zod-free names in the sandboxed preload).
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['out/', 'dist/', 'node_modules/', 'test-results/', 'playwright-report/', '.ci-node/', '.vitest-cache/']),
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
            { group: ['electron', 'node:*'], message: 'The renderer is sandboxed: reach the main process through window.otaBench.' },
            { group: ['**/electron/**'], message: 'The renderer may import shared/ only, never main-process code.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'The engine runs under plain Node (CLI, tests): no Electron here.' }] },
      ],
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
);
