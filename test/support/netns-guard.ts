// Tests, simulators and benchmarks call this before opening sockets to devices or starting mDNS:
// traffic must stay inside the private network namespace made by run-in-netns.js.
import { readlinkSync } from 'node:fs';

export function isInPrivateNetwork(): boolean {
  const host = process.env.OTA_BENCH_HOST_NETNS;
  return Boolean(host) && host !== readlinkSync('/proc/self/ns/net');
}

export function assertPrivateNetwork(what = 'this'): void {
  if (!isInPrivateNetwork()) {
    throw new Error(
      `Refusing to run ${what} on the host network: mDNS and device traffic must stay in a private ` +
        'network namespace. Run it through `node test/support/run-in-netns.js …` (npm test does).',
    );
  }
}
