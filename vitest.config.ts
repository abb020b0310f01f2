// Two Vitest projects. `unit` is pure and fast: no sockets, no Electron binary (tests mock the
// 'electron' module). `integration` talks to simulated boards over real sockets and mDNS, so it
// refuses to start outside the private network namespace (npm run test:integration provides one).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Board locks (electron/engine/jobs/board-lock.ts) live in OTA_BENCH_DATA_DIR: each run gets its own, so
// test boards never meet a developer's real locks, nor those of another run on the same machine.
const dataDir = process.env.OTA_BENCH_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'ota-bench-data-'));

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          env: { OTA_BENCH_DATA_DIR: dataDir },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.{ts,tsx}'],
          environment: 'node',
          env: { OTA_BENCH_DATA_DIR: dataDir },
          globalSetup: ['test/support/require-private-network.ts'],
          // Simulated boards reboot, re-announce over mDNS and time out on purpose: give them room.
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Files share mDNS on one loopback and fixed simulator ports; run them one at a time.
          fileParallelism: false,
        },
      },
    ],
  },
});
