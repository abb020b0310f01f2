#!/usr/bin/env node
// Runs a command inside a private network namespace (`unshare -rn`) with multicast on loopback, so
// simulated boards, mDNS and pushes never touch the host network. Usage:
//   node test/support/run-in-netns.js [--shell] COMMAND [ARGS...]
// With --shell (`npm run sim`), COMMAND is a bench of simulated boards: it runs in the background
// (its log goes to a file), and once it prints "Boards are up" the user gets $SHELL in the same
// namespace, with `ota-bench` on the PATH and OTA_BENCH_BLE=sim:bench (simulated Bluetooth devices)
// set. Leaving the shell stops the boards. Commands can be fed on stdin instead of typed.
// The host's netns inode is passed down as OTA_BENCH_HOST_NETNS; `assertPrivateNetwork()` in
// netns-guard.ts compares it with the current one and refuses to run discovery on the host network.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { chmodSync, createWriteStream, mkdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const currentNetns = () => readlinkSync('/proc/self/ns/net');
const args = process.argv.slice(2);
const shell = args[0] === '--shell';
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
if (shell) {
  args.shift();
  process.exit(await benchWithShell(args));
}
const result = spawnSync(args[0], args.slice(1), { stdio: 'inherit', env });
if (result.error) {
  console.error(`run-in-netns: cannot run ${args[0]}: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? (result.signal ? 1 : 0));

/** Starts the bench command in the background, then a shell beside it; returns the shell's exit status. */
async function benchWithShell(command) {
  const workDir = path.join(tmpdir(), 'ota-bench-sim');
  const binDir = path.join(workDir, 'bin');
  mkdirSync(binDir, { recursive: true });
  const wrapper = path.join(binDir, 'ota-bench');
  writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${path.join(root, 'bin/ota-bench.js')}" "$@"\n`);
  chmodSync(wrapper, 0o755);
  const logFile = path.join(workDir, 'boards.log');
  const log = createWriteStream(logFile);

  const bench = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env, cwd: root });
  bench.stderr.pipe(log, { end: false });
  let errors = '';
  bench.stderr.on('data', (chunk) => (errors += chunk.toString()));
  let seen = '';
  let exitedWith = null;
  const ready = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000);
    bench.stdout.on('data', (chunk) => {
      log.write(chunk);
      if (seen === null) return;
      seen += chunk.toString();
      if (/^Boards are up\b/m.test(seen)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    bench.once('exit', (code) => {
      exitedWith = code ?? 1;
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!ready) {
    bench.kill('SIGTERM');
    // `npm run sim -- --help` ends at once, successfully: its usage is the answer, not a failure.
    if (exitedWith === 0) {
      process.stdout.write(seen);
      return 0;
    }
    console.error(`${seen}${errors}\nrun-in-netns: the boards did not start (log: ${logFile}).`);
    return 1;
  }
  process.stdout.write(seen.replace(/^Boards are up.*$/m, '').trimEnd() + '\n');
  seen = null;
  const ble = process.env.OTA_BENCH_BLE ?? 'sim:bench';
  process.stdout.write(`
This shell runs inside the boards' private network; Bluetooth is simulated too (OTA_BENCH_BLE=${ble}).
Try:
  ota-bench discover
  ota-bench status smp-sensor
  ota-bench push ${path.join(workDir, 'firmware', 'mongoose-esp32-1.1.0.zip')} --to NAME-FROM-THE-TABLE
  ota-bench push ${path.join(workDir, 'firmware', 'smp-app-1.1.0.signed.bin')} --to smp-sensor
Board log: ${logFile}. Type exit to stop the boards.
`);
  const shellEnv = { ...env, OTA_BENCH_BLE: ble, PATH: `${binDir}:${env.PATH}`, OTA_BENCH_SIM_SHELL: '1' };
  const shellPath = process.env.SHELL || '/bin/sh';
  const shellArgs = [];
  if (path.basename(shellPath) === 'bash') {
    const rc = path.join(workDir, 'bashrc');
    writeFileSync(rc, '[ -f ~/.bashrc ] && . ~/.bashrc\nPS1="(ota-bench sim) $PS1"\n');
    shellArgs.push('--rcfile', rc);
  }
  const child = spawn(shellPath, shellArgs, { stdio: 'inherit', env: shellEnv, cwd: process.cwd() });
  // Ctrl-C belongs to the shell and what it runs, not to this runner; a closed terminal or a kill
  // ends the boards too, so none are left running in a namespace nobody can reach.
  process.on('SIGINT', () => undefined);
  for (const signal of ['SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      child.kill(signal);
      bench.kill('SIGTERM');
    });
  }
  const status = await new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))),
  );
  bench.kill('SIGTERM');
  await new Promise((resolve) => {
    const timer = setTimeout(() => {
      bench.kill('SIGKILL');
      resolve();
    }, 5000);
    bench.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  log.end();
  return status;
}
