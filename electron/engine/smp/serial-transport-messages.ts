// Sentences about an SMP-over-serial link, for the job card, the device row and the CLI
// (serial-transport.ts, and discovery/serial-ports.ts for the listing).

/** "serial /dev/ttyACM0, 115200 baud" (the link label, as the SmpTransport contract words it). */
export function serialLabel(path: string, baudRate: number): string {
  return `serial ${path}, ${baudRate} baud`;
}

export function serialBusy(path: string): string {
  return `another program has ${path} open (a serial monitor, mcumgr, west …); close it and try again`;
}

export function serialMissing(path: string): string {
  return `${path} is not there (unplugged, or the board is resetting)`;
}

export function serialNoPermission(path: string, platform: NodeJS.Platform): string {
  if (platform === 'linux') {
    return (
      `no permission to open ${path}: add yourself to the group that owns it ` +
      '(usually dialout: sudo usermod -aG dialout $USER), then log out and in again'
    );
  }
  return `no permission to open ${path}`;
}

export function serialOpenFailed(path: string, reason: string): string {
  return `${path} could not be opened: ${reason}`;
}

export function serialOpenTimedOut(path: string, seconds: number): string {
  return `${path} did not open within ${seconds.toFixed(1)} s`;
}

export function serialUnavailable(reason: string): string {
  return `serial ports are unavailable on this machine: the serialport module did not load (${reason})`;
}

export function serialDisconnected(path: string): string {
  return `${path} went away (cable pulled, or the board reset)`;
}

export function serialPortError(path: string, reason: string): string {
  return `${path} failed: ${reason}`;
}

export function serialClosed(path: string): string {
  return `the serial link to ${path} was closed`;
}

export function serialWriteFailed(path: string, reason: string): string {
  return `writing to ${path} failed: ${reason}`;
}

export const SERIAL_OPEN_CANCELLED = 'opening the serial port was cancelled';

/** What the decoder skipped, for the job log; null when nothing was. */
export function serialSkippedSummary(skipped: {
  consoleLines: number;
  consoleBytes: number;
  droppedFrames: number;
  lastDropReason: string | null;
}): string | null {
  const parts: string[] = [];
  if (skipped.consoleLines > 0) {
    parts.push(
      `${skipped.consoleLines} console line${skipped.consoleLines === 1 ? '' : 's'} (${skipped.consoleBytes} bytes)`,
    );
  }
  if (skipped.droppedFrames > 0) {
    const frames = `${skipped.droppedFrames} broken frame${skipped.droppedFrames === 1 ? '' : 's'}`;
    parts.push(skipped.lastDropReason ? `${frames} (last: ${skipped.lastDropReason})` : frames);
  }
  return parts.length ? `skipped ${parts.join(' and ')} between SMP answers` : null;
}
