// An SMP session on a QEMU board's serial port through the engine's real code path (serialport on the pty,
// smp/serial-transport.ts, smp/smp-session.ts), for the benchmark and tests that talk SMP below the job.
import { SmpSession } from '../../../electron/engine/smp/smp-session.ts';
import { openSerialSmpTransport } from '../../../electron/engine/smp/serial-transport.ts';
import type { SmpConnector } from '../../../electron/engine/smp/smp-transport.ts';

/** Opens the port again on every call (after a reset the session is opened afresh, as the job does). */
export function qemuSerialConnector(ptyPath: string): SmpConnector {
  return ({ timeoutMs, signal }) =>
    openSerialSmpTransport({ path: ptyPath, baudRate: 115200, flowControl: 'none', timeoutMs, signal });
}

export function openQemuSmp(ptyPath: string, timeoutMs = 5000): Promise<SmpSession> {
  return SmpSession.open(qemuSerialConnector(ptyPath), { timeoutMs });
}
