// DEVICE on the command line is a discovered id or name, host[:port], udp://host[:port] (MCUmgr over
// UDP) or serial:PATH[@BAUD]. Addresses skip discovery (fast, works across subnets); names start
// discovery and wait for the board to answer. A serial port named on the command line is allowed
// (OTA Bench may write to it) and takes --baud / --flow.
import net from 'node:net';
import type { Device, SerialFlowControl } from '../../shared/domain.ts';
import type { OtaEngine, ResolveHints } from '../engine/engine-api.ts';
import { normaliseAddress } from '../engine/discovery/ble-devices.ts';
import { ambiguousDevice, matchDevices } from '../engine/discovery/match-device.ts';
import { rememberCredentials } from '../engine/net/board-auth.ts';

/** After a name first matches, how long to keep listening for a second device with the same name. */
const SAME_NAME_SETTLE_MS = 600;

/** --baud and --flow: for every serial port this command names. */
export interface CliSerialSettings {
  baudRate?: number;
  flowControl?: SerialFlowControl;
}

let serialSettings: CliSerialSettings = {};

/** Set once by main.ts from --baud / --flow. */
export function useSerialSettings(settings: CliSerialSettings): void {
  serialSettings = settings;
}

/** serial:PATH with --baud appended when the reference names no baud of its own. */
function withBaud(ref: string): string {
  const trimmed = ref.trim();
  if (!/^serial:/i.test(trimmed) || /@\d+$/.test(trimmed) || !serialSettings.baudRate) return trimmed;
  return `${trimmed}@${serialSettings.baudRate}`;
}

/** How long a port named on the command line may take to answer the probe before we go on. */
const SERIAL_PROBE_WAIT_MS = 5_000;

/**
 * A serial port the command named (by name, id or path): allowed from now on, with --baud / --flow; waits
 * for its probe so the row says whether it speaks MCUmgr.
 */
async function allowNamedPort(engine: OtaEngine, device: Device): Promise<Device> {
  if (device.transport !== 'serial' || !device.serial) return device;
  const { baudRate, flowControl } = serialSettings;
  const facts = device.serial;
  const unchanged =
    facts.allowed &&
    (baudRate === undefined || baudRate === facts.baudRate) &&
    (flowControl === undefined || flowControl === facts.flowControl);
  let row = unchanged
    ? device
    : await engine.setSerialPort({ deviceId: device.id, allowed: true, baudRate, flowControl });
  const deadline = Date.now() + SERIAL_PROBE_WAIT_MS;
  while (row.serial && ['probing', 'unprobed'].includes(row.serial.probe) && row.online && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    row = engine.listDevices().find((d) => d.id === device.id) ?? row;
  }
  return row;
}

function looksLikeAddress(ref: string): boolean {
  if (/^(serial:|udp:\/\/)/i.test(ref.trim())) return true;
  if (normaliseAddress(ref)) return false; // a Bluetooth address, found by scanning
  const host = ref.replace(/^\[|\](:\d+)?$/g, '').replace(/:\d+$/, '');
  return net.isIP(host) !== 0 || /:\d+$/.test(ref) || /^https?:\/\//.test(ref);
}

export async function resolveDeviceRef(
  engine: OtaEngine,
  ref: string,
  discoverSeconds: number,
  hints: ResolveHints = {},
): Promise<Device> {
  if (looksLikeAddress(ref)) return allowNamedPort(engine, await engine.resolveDevice(withBaud(ref), undefined, hints));
  const device = await allowNamedPort(engine, await resolveByName(engine, ref, discoverSeconds, hints));
  // --user/--password go to that board from now on: its RPCs, status, commit and revert.
  if (hints.credentials && device.transport === 'lan' && device.address)
    rememberCredentials({ host: device.address, port: device.port }, hints.credentials);
  return device;
}

async function resolveByName(
  engine: OtaEngine,
  ref: string,
  discoverSeconds: number,
  hints: ResolveHints,
): Promise<Device> {
  await engine.startDiscovery();
  const deadline = Date.now() + discoverSeconds * 1000;
  let firstMatchAt: number | null = null;
  while (Date.now() < deadline) {
    const matches = matchDevices(engine.listDevices(), ref);
    // Two devices answering to one name is the user's choice to make, never ours.
    if (matches.length > 1) throw ambiguousDevice(ref, matches);
    const found = matches[0];
    const byName = found !== undefined && found.id.toLowerCase() !== ref.trim().toLowerCase();
    if (found) firstMatchAt ??= Date.now();
    const settled = !byName || Date.now() - (firstMatchAt ?? 0) >= SAME_NAME_SETTLE_MS;
    // A discovered HTTP board is probed once to learn its protocol; give the probe a moment.
    if (found && settled && (found.protocol !== 'unknown' || Date.now() > deadline - 1000)) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const late = matchDevices(engine.listDevices(), ref);
  if (late.length > 1) throw ambiguousDevice(ref, late);
  if (late[0]) return late[0];
  // A plain name (no dots, or NAME.local) can only be a board that discovery saw; a dotted host
  // name may still be known to DNS. Either way the answer names what was seen, not getaddrinfo.
  const notSeen = () => {
    const seen = engine.listDevices().map((d) => d.name);
    const list =
      seen.length === 0
        ? 'none in the last ' + `${discoverSeconds} s`
        : seen.slice(0, 12).join(', ') + (seen.length > 12 ? `, … ${seen.length - 12} more` : '');
    return `no board called "${ref}" has been seen (seen: ${list}). Check the name with ota-bench discover, or give host[:port].`;
  };
  if (!ref.includes('.') || /\.local\.?$/i.test(ref)) throw new Error(notSeen());
  try {
    return await engine.resolveDevice(ref, undefined, hints);
  } catch (error) {
    if (/getaddrinfo|ENOTFOUND|EAI_AGAIN/.test((error as Error).message))
      throw new Error(`${notSeen()} DNS does not know it either.`, { cause: error });
    throw error;
  }
}
