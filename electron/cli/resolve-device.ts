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
  return engine.resolveDevice(ref);
}
