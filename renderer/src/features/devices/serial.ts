// Serial ports (USB CDC-ACM, UART adapters) and MCUmgr boards over UDP, in the words the device list,
// the discovery badge and the push card use. Pure, so every sentence is unit-tested under Node.
import type { DiscoveryStatus } from '../../../../shared/contract.ts';
import type { Device, SerialPortFacts } from '../../../../shared/domain.ts';

export type SerialProbe = SerialPortFacts['probe'];
export type SerialStatus = NonNullable<DiscoveryStatus['serial']>;

/** The sentence a port that may not be written to carries, beside its Allow button. */
export const NOT_ALLOWED_NOTE = 'OTA Bench does not write to a port you have not allowed.';

/** MCUmgr over UDP: the engine names such a board `udp:<host>:<port>` (a LAN board speaking SMP). */
export function isUdpSmp(device: Pick<Device, 'id' | 'transport'>): boolean {
  return device.transport === 'lan' && device.id.startsWith('udp:');
}

/** The port's path; the id without its prefix when the engine sent no facts (it always should). */
export function serialPath(device: Pick<Device, 'id' | 'serial'>): string {
  return device.serial?.path ?? device.id.replace(/^serial:/, '');
}

/** `2fe3:0100`, or null for a port that is not a USB device (a UART on the board's header). */
export function usbIds(serial: Pick<SerialPortFacts, 'vendorId' | 'productId'>): string | null {
  if (!serial.vendorId || !serial.productId) return null;
  return `${serial.vendorId}:${serial.productId}`;
}

/** Which board the cable leads to, as far as the USB descriptor tells: the known board, else the maker. */
export function serialMaker(serial: Pick<SerialPortFacts, 'knownBoard' | 'manufacturer'>): string | null {
  return serial.knownBoard ?? serial.manufacturer ?? null;
}

/** The probe's state in a few words for the row's tag. */
export function probeWords(serial: Pick<SerialPortFacts, 'probe' | 'allowed'>): string {
  switch (serial.probe) {
    case 'unprobed':
      return serial.allowed ? 'not probed yet' : 'not allowed';
    case 'probing':
      return 'probing…';
    case 'smp':
      return 'answers MCUmgr';
    case 'silent':
      return 'silent';
    case 'busy':
      return 'busy (another program)';
    case 'error':
      return 'error';
  }
}

/** The tag's tooltip: the engine's sentence when there is one, else what the state means. */
export function probeExplanation(serial: Pick<SerialPortFacts, 'probe' | 'allowed' | 'probeMessage'>): string {
  if (serial.probeMessage) return serial.probeMessage;
  switch (serial.probe) {
    case 'unprobed':
      return serial.allowed ? 'OTA Bench has not asked this port for MCUmgr yet.' : NOT_ALLOWED_NOTE;
    case 'probing':
      return 'Asking the port for MCUmgr (a params/echo request).';
    case 'smp':
      return 'It answered an MCUmgr request.';
    case 'silent':
      return 'It did not answer in time: no MCUmgr on this port, another baud rate, or the application is busy.';
    case 'busy':
      return 'Another program has it open (a terminal, mcumgr, a debugger). Close it and the port is probed again.';
    case 'error':
      return 'Opening the port failed.';
  }
}

/** Tone of the tag: colour is reserved for state (an answer is good news; busy and errors need a look). */
export function probeTone(probe: SerialProbe): 'neutral' | 'success' | 'warning' {
  if (probe === 'smp') return 'success';
  if (probe === 'busy' || probe === 'error') return 'warning';
  return 'neutral';
}

/** "115200 baud", with "RTS/CTS" when hardware flow control is on. */
export function lineSettings(serial: Pick<SerialPortFacts, 'baudRate' | 'flowControl'>): string {
  return serial.flowControl === 'rts-cts' ? `${serial.baudRate} baud, RTS/CTS` : `${serial.baudRate} baud`;
}

/** The serial half of the discovery badge; null when the engine reports no serial status. */
export function serialStatusLabel(serial: SerialStatus | undefined): string | null {
  if (!serial) return null;
  switch (serial.state) {
    case 'watching':
      return `Serial · ${serial.ports} ${serial.ports === 1 ? 'port' : 'ports'}`;
    case 'starting':
      return 'Starting serial…';
    case 'off':
      return 'Serial off';
    case 'unavailable':
      return serial.message ? `Serial unavailable: ${serial.message}` : 'Serial unavailable';
  }
}

/**
 * Why Push waits for a serial port, before any file matters: it may not be written to, or its probe
 * found no MCUmgr. Null when the port can take a push (or the device is not a serial port).
 */
export function serialBlocker(device: Device): string | null {
  const serial = device.transport === 'serial' ? device.serial : null;
  if (!serial) return null;
  if (!serial.allowed) return `Allow writing to ${serial.path} first (Port settings above).`;
  if (device.pushSupported) return null;
  switch (serial.probe) {
    case 'unprobed':
    case 'probing':
      return `Asking ${serial.path} whether it speaks MCUmgr…`;
    case 'busy':
      return `${serial.path} is busy: another program has it open. Close it, and OTA Bench probes the port again.`;
    case 'silent':
      return `${serial.path} did not answer MCUmgr at ${serial.baudRate} baud. Check the baud rate (Port settings above) and that the firmware has the MCUmgr serial transport.`;
    case 'error':
      return `${serial.path} could not be opened${serial.probeMessage ? `: ${serial.probeMessage}` : '.'}`;
    case 'smp':
      return null;
  }
}
