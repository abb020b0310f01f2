// electron-vite builds three bundles: the main process (with the engine inlined), the sandboxed
// preload (CommonJS: sandboxed preloads cannot load ES modules) and the React renderer.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { withContentSecurityPolicyMeta } from './shared/content-security-policy.ts';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: { input: { index: resolve('electron/main/index.ts') } },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    build: {
      outDir: 'out/renderer',
      minify: true,
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
    plugins: [
      react(),
      // The renderer loads from file://, where no header can carry the policy: it goes into the page.
      {
        name: 'content-security-policy-meta',
        transformIndexHtml: { order: 'pre', handler: withContentSecurityPolicyMeta },
      },
    ],
  },
});
