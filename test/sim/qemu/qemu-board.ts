// Real Zephyr 4.4.0 smp_server builds (../shared/testdata/zephyr-smp-server, see its README) running under
// qemu-system-arm, for tests and benchmarks that must hear the real firmware rather than our simulator.
//
// API
//   qemuSkipReason(): string | null
//     null when QEMU and the testdata are both there; else the exact sentence a test prints when it skips:
//     "skipped: qemu-system-arm not installed" or "skipped: ../shared/testdata absent (looked in …)".
//   startQemuBoard({ build, serial, bootMs?, timeoutMs? }): Promise<QemuBoard>
//     build  'm0'   qemu_cortex_m0 (micro:bit) MCUboot swap mode + the app; SMP buffer 384 × 4
//            'mps2' mps2-an385 MCUboot serial recovery (the bootloader answers SMP); buffer 2048 × 4
//     serial { kind: 'pty' }            QEMU makes a pseudo-terminal; board.ptyPath is it (/dev/pts/N), for the
//                                       real `serialport` code path
//            { kind: 'tcp', port }      a TCP server on 127.0.0.1:port (run inside the netns runner!)
//     Resolves once the serial end exists (pty path printed / TCP port accepting) and `bootMs` (default
//     1000: both builds boot in < 1 s) has passed; rejects after `timeoutMs` (default 10 s) with QEMU's stderr.
//   QemuBoard { build, buildInfo, ptyPath, tcpPort, pid, exited, stderr(), stop() }
//     stop(): SIGTERM, SIGKILL after 2 s; idempotent; resolves when the process is gone. Every board still
//     running when the test process exits is killed too (a failed test does not leave QEMU behind).
//   QEMU_PTY_SETTLE_MS: QEMU notices that someone opened its pty only on a 1 s poll; until then the board's
//     output is held back (measured: answers to requests sent right after opening arrive ~0.9 s late). Wait
//     this long after opening the pty before timing anything (the params read gives up after 1 s).
//   Talking SMP to it: over the pty, smp/serial-transport.ts openSerialSmpTransport({ path: board.ptyPath, … });
//     over TCP, qemu-tcp-transport.ts openQemuTcpSmpTransport(board.tcpPort) (same framing code).
//   zephyrTestdataDir(), ZEPHYR_BUILDS: where the files are and each build's facts (image, buffer size).
//
// Known QEMU behaviour (README): a second reset of the M0 reloads the .hex given here, and serial under QEMU
// is not throttled to the baud rate, so throughput measured here is not 115200-baud throughput.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { ZEPHYR_PREFIX, findZephyrTestdata, testdataAbsentReason, testdataCandidates } from './zephyr-testdata.ts';

export type QemuBuild = 'm0' | 'mps2';

/** After opening the pty: QEMU's pty chardev polls for a reader once a second, holding output until then. */
export const QEMU_PTY_SETTLE_MS = 1200;
export type QemuSerial = { kind: 'pty' } | { kind: 'tcp'; port: number };

export interface ZephyrBuildInfo {
  /** The signed application image (what an upload sends). */
  signedImage: string;
  /** SMP buffer the build reports in MCUmgr params. */
  bufSize: number;
  bufCount: number;
  /** MCUboot serial recovery: the bootloader answers, uploads go to slot 0, state writes answer rc 8. */
  serialRecovery: boolean;
}

const QEMU = 'qemu-system-arm';
const PREFIX = ZEPHYR_PREFIX;

/** The zephyr-smp-server directory (zephyr-testdata.ts looks in $OTA_BENCH_TESTDATA, ../shared, /work/shared). */
export function zephyrTestdataDir(): string {
  return findZephyrTestdata() ?? path.join(testdataCandidates()[0], 'zephyr-smp-server');
}

export const ZEPHYR_BUILDS: Record<QemuBuild, ZephyrBuildInfo> = {
  m0: {
    signedImage: path.join(zephyrTestdataDir(), `${PREFIX}qemu_cortex_m0_serial.signed.bin`),
    bufSize: 384,
    bufCount: 4,
    serialRecovery: false,
  },
  mps2: {
    signedImage: path.join(zephyrTestdataDir(), `${PREFIX}mps2_an385_serial_recovery_buf2048.signed.bin`),
    bufSize: 2048,
    bufCount: 4,
    serialRecovery: true,
  },
};

function hasQemu(): boolean {
  const result = spawnSync(QEMU, ['--version'], { stdio: 'ignore', timeout: 5000 });
  return !result.error && result.status === 0;
}

/** Null when the real boards can run here; otherwise the sentence a skipped test prints. */
export function qemuSkipReason(): string | null {
  if (!hasQemu()) return `skipped: ${QEMU} not installed`;
  return findZephyrTestdata() ? null : testdataAbsentReason();
}

/** The two command lines of the testdata README / manifest.json, with the serial end chosen by the caller. */
function qemuArgs(build: QemuBuild, serial: QemuSerial): string[] {
  const dir = zephyrTestdataDir();
  const serialArgs =
    serial.kind === 'pty'
      ? ['-serial', 'pty']
      : ['-chardev', `socket,id=con,host=127.0.0.1,port=${serial.port},server=on,wait=off`, '-serial', 'chardev:con'];
  if (build === 'm0') {
    return [
      ...['-cpu', 'cortex-m0', '-machine', 'microbit', '-nographic'],
      ...serialArgs,
      ...['-monitor', 'none'],
      ...['-device', `loader,file=${path.join(dir, `${PREFIX}qemu_cortex_m0_serial.merged.hex`)}`],
    ];
  }
  return [
    ...['-cpu', 'cortex-m3', '-machine', 'mps2-an385', '-nographic'],
    ...serialArgs,
    ...['-serial', 'null', '-monitor', 'none'],
    ...['-device', `loader,file=${path.join(dir, `${PREFIX}mps2_an385_serial_recovery_buf2048.hex`)}`],
    ...['-device', `loader,file=${ZEPHYR_BUILDS.mps2.signedImage},addr=0x20050000`],
  ];
}

export interface QemuBoard {
  readonly build: QemuBuild;
  readonly buildInfo: ZephyrBuildInfo;
  /** The pseudo-terminal (serial kind 'pty'), else null. */
  readonly ptyPath: string | null;
  /** The loopback TCP port (serial kind 'tcp'), else null. */
  readonly tcpPort: number | null;
  readonly pid: number;
  /** True once QEMU has exited (stopped, or crashed). */
  readonly exited: boolean;
  /** Everything QEMU printed on stderr so far (for failure messages). */
  stderr(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function killAllOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startQemuBoard(options: {
  build: QemuBuild;
  serial: QemuSerial;
  bootMs?: number;
  timeoutMs?: number;
}): Promise<QemuBoard> {
  const { build, serial, bootMs = 1000, timeoutMs = 10_000 } = options;
  killAllOnExit();
  // QEMU 7.2 prints "char device redirected to /dev/pts/N" on stdout, not stderr: read both.
  const child = spawn(QEMU, qemuArgs(build, serial), { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stderr = '';
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      resolve();
    });
    child.once('error', () => {
      exited = true;
      running.delete(child);
      resolve();
    });
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    if (stderr.length < 64 * 1024) stderr += text;
  });
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (text: string) => {
    if (stderr.length < 64 * 1024) stderr += text;
  });

  const stop = async (): Promise<void> => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exitedPromise;
    clearTimeout(timer);
  };

  const deadline = Date.now() + timeoutMs;
  try {
    let ptyPath: string | null = null;
    if (serial.kind === 'pty') {
      while (!ptyPath) {
        const match = /char device redirected to (\/dev\/pts\/\d+)/.exec(stderr);
        if (match) ptyPath = match[1];
        else if (exited) throw new Error(`QEMU exited before making its pty: ${stderr.trim()}`);
        else if (Date.now() > deadline)
          throw new Error(`QEMU printed no pty path within ${timeoutMs} ms: ${stderr.trim()}`);
        else await sleep(20);
      }
    } else {
      while (!(await canConnect(serial.port))) {
        if (exited) throw new Error(`QEMU exited before listening on port ${serial.port}: ${stderr.trim()}`);
        if (Date.now() > deadline) throw new Error(`QEMU did not listen on port ${serial.port} within ${timeoutMs} ms`);
        await sleep(50);
      }
    }
    await sleep(bootMs);
    if (exited) throw new Error(`QEMU exited during boot: ${stderr.trim()}`);
    return {
      build,
      buildInfo: ZEPHYR_BUILDS[build],
      ptyPath,
      tcpPort: serial.kind === 'tcp' ? serial.port : null,
      pid: child.pid ?? -1,
      get exited() {
        return exited;
      },
      stderr: () => stderr,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Probes the port by connecting. QEMU's socket chardev (server=on) takes one client at a time and this
 * probe closes at once, so the test's own connection comes after it.
 */
function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(500, () => done(false));
  });
}
