// "Try it without hardware": `npm run sim` starts simulated boards and opens a shell in their
// private network, with ota-bench on the PATH and simulated Bluetooth set, so what the user types
// reaches the boards. Fed commands on stdin instead of typed; leaving the shell stops the boards.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { describe, expect, it } from 'vitest';

const RUNNER = process.env.OTA_BENCH_TEST_NETNS_RUNNER ?? 'test/support/run-in-netns.js';

function refused(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

describe('npm run sim', () => {
  it('gives a shell that reaches the simulated LAN boards and BLE devices, and stops the boards on exit', async () => {
    const child = spawn(
      process.execPath,
      [RUNNER, '--shell', process.execPath, 'test/sim/bench.ts', '--mongoose', '1', '--first-address', '127.0.10.10'],
      {
        env: { ...process.env, SHELL: '/bin/sh', OTA_BENCH_BLE: undefined },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    child.stdin.end('echo "ble=$OTA_BENCH_BLE"\nota-bench discover --timeout 3 --json\nexit 7\n');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 40_000);
      child.once('close', (status) => {
        clearTimeout(timer);
        resolve(status);
      });
    });
    expect(code, `${stdout}\n${stderr}`).toBe(7);
    expect(stdout).toContain('127.0.10.10');
    expect(stdout).toContain('ble=sim:bench');
    expect(stdout).toContain('ota-bench discover');
    const devices = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.type === 'device');
    expect(devices.map((d) => [d.transport, d.address])).toEqual(
      expect.arrayContaining([
        ['lan', '127.0.10.10'],
        ['ble', 'c0:de:00:00:00:01'],
      ]),
    );
    expect(await refused('127.0.10.10', 80)).toBe(true);
  }, 60_000);
});
