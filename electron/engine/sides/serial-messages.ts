// The serial and UDP sides' sentences (serial-side.ts, udp-smp-side.ts), kept out of their control flow.

export const SERIAL_OFF = 'Serial ports are off in this configuration (OTA_BENCH_SERIAL=off).';

export function serialWatching(ports: number): string {
  return ports === 0 ? 'Watching for serial ports: none plugged in.' : `Watching ${ports} serial port(s).`;
}

export function serialUnavailable(reason: string): string {
  return `Serial ports cannot be listed: ${reason}`;
}

/** Why a listed port is not probed or pushed to: OTA Bench never writes to a port nobody allowed. */
export function notAllowedNote(path: string): string {
  return (
    `${path} has no USB id OTA Bench knows as an MCUmgr board, so nothing was written to it. ` +
    'Allow it (or name it: serial:PATH) to probe it for MCUmgr.'
  );
}

export function notAllowedPush(name: string, path: string): string {
  return `${name} (${path}) is not allowed yet: OTA Bench writes only to ports you allow. Allow it in its row, or give serial:${path}.`;
}

export const PROBING = 'Asking it for MCUmgr params and an echo…';

export function probeAnswered(bufSize: number | null): string {
  return bufSize === null
    ? 'It answers MCUmgr (no params: serial-sized packets).'
    : `It answers MCUmgr (buffers of ${bufSize} B).`;
}

export function probeSilent(baudRate: number): string {
  return `No MCUmgr answer at ${baudRate} baud: no SMP transport on this port, another baud rate, or the application is busy.`;
}

export function probeBusy(path: string): string {
  return `${path} is open in another program (a terminal, another OTA Bench); close it there and allow the port again.`;
}

export function probeFailed(path: string, reason: string): string {
  return `Opening ${path} failed: ${reason}`;
}

export function portGone(path: string, seconds: number): string {
  return `The serial port ${path} is not there (waited ${seconds.toFixed(0)} s): cable pulled, or the board is still re-enumerating after its reset. Plug it in and push again to resume.`;
}

export function portNotAnswering(path: string, seconds: number): string {
  return `The board on ${path} did not answer MCUmgr within ${seconds.toFixed(0)} s (still booting, another baud rate, or no SMP transport).`;
}

export function portHeld(name: string, words: string): string {
  return `${name} is busy: ${words}. Try again when it ends.`;
}

export function notASerialPath(ref: string): string {
  return `"${ref}" is not a serial port path; give serial:/dev/ttyACM0 (or COM5), optionally with @BAUD.`;
}

export function unsupportedBaud(baud: number, rates: readonly number[]): string {
  return `${baud} baud is not a rate OTA Bench offers; pick one of ${rates.join(', ')}.`;
}

export function udpNotSmp(endpoint: string, reason: string): string {
  return `No MCUmgr board answers at udp://${endpoint}: ${reason}`;
}

export function udpBadAddress(ref: string): string {
  return `"${ref}" is not a UDP address; give udp://HOST or udp://HOST:PORT (IPv6 in brackets: udp://[fd00::7]:1337).`;
}
