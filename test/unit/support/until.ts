// The one bounded poll of the unit tests: wait for a condition instead of sleeping for a guessed time.
// Real timers only (a test on fake timers advances the clock itself). Integration tests have their own
// (test/integration/engine/engine-harness.ts waitFor, test/integration/sim/sim-test-kit.ts waitUntil).

/** Polls `get` every few milliseconds until it returns something truthy, and returns that; fails after `ms`. */
export async function until<T>(get: () => T | undefined | null | false, what = 'a condition', ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = get();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
