// DEVICE on the command line is a discovered id or name, or host[:port]. Addresses skip discovery
// (fast, works across subnets); names start mDNS and wait for the board to answer.
import net from 'node:net';
import type { Device } from '../../shared/domain.ts';
import type { OtaEngine } from '../engine/engine-api.ts';
import { normaliseAddress } from '../engine/discovery/ble-devices.ts';

function looksLikeAddress(ref: string): boolean {
  if (normaliseAddress(ref)) return false; // a Bluetooth address, found by scanning
  const host = ref.replace(/^\[|\](:\d+)?$/g, '').replace(/:\d+$/, '');
  return net.isIP(host) !== 0 || /:\d+$/.test(ref) || /^https?:\/\//.test(ref);
}

export async function resolveDeviceRef(engine: OtaEngine, ref: string, discoverSeconds: number): Promise<Device> {
  if (looksLikeAddress(ref)) return engine.resolveDevice(ref);
  await engine.startDiscovery();
  const deadline = Date.now() + discoverSeconds * 1000;
  const wanted = ref.toLowerCase();
  while (Date.now() < deadline) {
    const found = engine.listDevices().find((d) => d.id.toLowerCase() === wanted || d.name.toLowerCase() === wanted || d.hostname === wanted || d.hostname === `${wanted}.local` ||
      (d.transport === 'ble' && d.address === normaliseAddress(wanted)));
    // A discovered HTTP board is probed once to learn its protocol; give the probe a moment.
    if (found && (found.protocol !== 'unknown' || Date.now() > deadline - 1000)) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // A plain name (no dots, or NAME.local) can only be a board that discovery saw; a dotted host
  // name may still be known to DNS. Either way the answer names what was seen, not getaddrinfo.
  const notSeen = () => {
    const seen = engine.listDevices().map((d) => d.name);
    const list = seen.length === 0 ? 'none in the last ' + `${discoverSeconds} s` : seen.slice(0, 12).join(', ') + (seen.length > 12 ? `, … ${seen.length - 12} more` : '');
    return `no board called "${ref}" has been seen (seen: ${list}). Check the name with ota-bench discover, or give host[:port].`;
  };
  if (!ref.includes('.') || /\.local\.?$/i.test(ref)) throw new Error(notSeen());
  try {
    return await engine.resolveDevice(ref);
  } catch (error) {
    if (/getaddrinfo|ENOTFOUND|EAI_AGAIN/.test((error as Error).message)) throw new Error(`${notSeen()} DNS does not know it either.`, { cause: error });
    throw error;
  }
}
