#!/usr/bin/env node
// Runs a command inside a private network namespace (`unshare -rn`) with multicast on loopback, so
// simulated boards, mDNS and pushes never touch the host network. Usage:
//   node test/support/run-in-netns.js [--shell] COMMAND [ARGS...]
// The host's netns inode is passed down as OTA_BENCH_HOST_NETNS; `assertPrivateNetwork()` in
// netns-guard.ts compares it with the current one and refuses to run discovery on the host network.
import { spawnSync, execFileSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const currentNetns = () => readlinkSync('/proc/self/ns/net');
const args = process.argv.slice(2);
if (args[0] === '--shell') args.shift();
if (args.length === 0) {
  console.error('usage: run-in-netns.js [--shell] COMMAND [ARGS...]');
  process.exit(2);
}

const hostNetns = process.env.OTA_BENCH_HOST_NETNS;
if (!hostNetns || hostNetns === currentNetns()) {
  // Not inside yet: re-execute this script under unshare.
  const self = fileURLToPath(import.meta.url);
  const result = spawnSync('unshare', ['-rn', '--', process.execPath, self, ...args], {
    stdio: 'inherit',
    env: { ...process.env, OTA_BENCH_HOST_NETNS: currentNetns() },
  });
  if (result.error) {
    console.error(`run-in-netns: cannot create a private network namespace (${result.error.message}).`);
    console.error('It needs unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1) or root.');
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}

// Inside the namespace: bring loopback up with multicast so mDNS works between processes.
for (const cmd of [
  ['link', 'set', 'lo', 'up'],
  ['link', 'set', 'lo', 'multicast', 'on'],
  ['route', 'add', '224.0.0.0/4', 'dev', 'lo'],
]) {
  try {
    execFileSync('ip', cmd, { stdio: 'pipe' });
  } catch (error) {
    if (!String(error.stderr).includes('File exists')) {
      console.error(`run-in-netns: ip ${cmd.join(' ')} failed: ${error.stderr || error.message}`);
      process.exit(1);
    }
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const env = { ...process.env, PATH: `${path.join(root, 'node_modules/.bin')}:${process.env.PATH}` };
const result = spawnSync(args[0], args.slice(1), { stdio: 'inherit', env });
if (result.error) {
  console.error(`run-in-netns: cannot run ${args[0]}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? (result.signal ? 1 : 0));
