// The page gets exactly the contract's API through the bridge, under the CSP from index.html, and
// a bad argument is refused by the same validation as the Electron IPC server.
import { exposedApiKeys, type OtaBenchApi } from '../../shared/contract.ts';
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.ts';
import { expect, test } from './support/bench-fixture.ts';

// The page's window, as the renderer declares it (renderer/src/api.ts is not in this tsconfig).
type AppWindow = Window & { otaBench?: OtaBenchApi };

test('window.otaBench has exactly the contract keys; index.html carries the CSP', async ({ page, bench }) => {
  await bench.open();
  const keys = await page.evaluate(() => Object.keys((window as AppWindow).otaBench ?? {}).sort());
  expect(keys).toEqual([...exposedApiKeys].sort());
  // The build writes the one policy into index.html (electron.vite.config.ts).
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute(
    'content',
    CONTENT_SECURITY_POLICY,
  );
  await expect(page.getByTestId('discovery-status')).toHaveAttribute('data-state', 'running');
  // No assertion on the empty list here: parallel workers' simulated boards share this namespace's
  // mDNS, so another test's board may legitimately appear.
});

test('a bad argument is rejected with the validation message, not executed', async ({ page, bench }) => {
  await bench.open();
  const message = await page.evaluate(() =>
    (window as AppWindow).otaBench!.push({ deviceId: 'x' } as never).then(
      () => 'resolved',
      (error: Error) => error.message,
    ),
  );
  expect(message).toMatch(/^push: invalid argument: /);
  expect(bench.bridge.calls.at(-1)).toEqual({ command: 'push', status: 400 });
});
