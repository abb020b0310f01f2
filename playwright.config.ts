// Two Playwright projects. `chromium` drives the built renderer in Debian's Chromium against the
// real engine behind an HTTP test bridge (test/e2e). `electron` launches the built app itself
// (test/electron); it skips, saying why, on machines without the Electron binary.
// Both run inside the private network namespace (see package.json scripts): nothing leaves the box.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// Board locks (electron/engine/jobs/board-lock.ts) go to a directory of this run, inherited by the workers.
process.env.OTA_BENCH_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'ota-bench-data-'));

export default defineConfig({
  outputDir: 'test-results',
  forbidOnly: Boolean(process.env.CI),
  // Two cores on CI; simulated boards and mDNS are timing-sensitive.
  workers: process.env.CI ? 1 : undefined,
  timeout: 60_000,
  expect: {
    timeout: 10_000,
    // The design pictures (test/e2e/visual.spec.ts): CSS animations stopped, no caret, CSS pixels.
    // Per pixel, a colour distance up to 0.2 (of 1) is antialiasing, not a change. Per picture, 10
    // pixels may differ: rendering here is deterministic (0 in repeated runs), and one letter taken
    // out of a board's name already changes 28, so a changed word, colour or layout fails. Another
    // Chromium or other fonts can shift glyphs: render the baselines on that machine (npm run design-shots).
    toHaveScreenshot: { animations: 'disabled', caret: 'hide', scale: 'css', threshold: 0.2, maxDiffPixels: 10 },
  },
  reporter: [['list']],
  use: { trace: 'retain-on-failure', screenshot: 'only-on-failure' },
  projects: [
    {
      name: 'chromium',
      testDir: 'test/e2e',
      use: {
        browserName: 'chromium',
        launchOptions: {
          // Debian's Chromium: Playwright's own browser download is not available here.
          executablePath: '/usr/bin/chromium',
          // Runs as (namespace) root, hence --no-sandbox; the rest keeps Chromium from phoning home.
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--disable-quic',
            '--no-first-run',
          ],
        },
      },
    },
    {
      name: 'electron',
      testDir: 'test/electron',
    },
  ],
});
