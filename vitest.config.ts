// Two Vitest projects. `unit` is pure and fast: no sockets, no Electron binary (tests mock the
// 'electron' module). `integration` talks to simulated boards over real sockets and mDNS, so it
// refuses to start outside the private network namespace (npm run test:integration provides one).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.{ts,tsx}'],
          environment: 'node',
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
