// Vitest globalSetup of the `integration` project: stop before any test opens a socket when the
// run is not inside the private network namespace (run-in-netns.js).
import { assertPrivateNetwork } from './netns-guard.ts';

export default function requirePrivateNetwork(): void {
  assertPrivateNetwork('the integration tests');
}
