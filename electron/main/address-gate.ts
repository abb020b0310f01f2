// What addDevice may make the main process contact. The page names a host:port and the engine probes
// it over HTTP: a compromised page could use that to reach any host on the Internet, or to scan the
// LAN. So: local-network addresses are probed as before; anything else only after the user confirms
// it in a native dialog of the main process (injected: dialog.showMessageBox in the app, a test hook
// in the Chromium bridge); and probes are limited, a few at once and a few dozen a minute.
// `udp://host[:port]` (MCUmgr over UDP) follows the same rules; `serial:PATH` is a port on this machine:
// no question, but only paths that name a serial device, and the same limits.
// The CLI does not come through here: its user typed the address.
import net from 'node:net';
import { parseTarget } from '../engine/net/parse-target.ts';

/** Asks the user whether to contact an address outside the local network; true = go ahead. */
export type ConfirmRemoteAddress = (address: { host: string; port: number }) => Promise<boolean>;

export interface AddressGateOptions {
  confirm: ConfirmRemoteAddress;
  /** True when the target names a device the engine already knows (no probe follows). */
  isKnownDevice?: (target: string) => boolean;
  maxConcurrent?: number;
  maxPerMinute?: number;
  now?: () => number;
}

const localNetworks = new net.BlockList();
for (const [prefix, bits] of [
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['169.254.0.0', 16],
  ['127.0.0.0', 8],
] as const) {
  localNetworks.addSubnet(prefix, bits, 'ipv4');
}
localNetworks.addAddress('::1', 'ipv6');
localNetworks.addSubnet('fc00::', 7, 'ipv6'); // unique local addresses
localNetworks.addSubnet('fe80::', 10, 'ipv6'); // link-local

/**
 * What a serial port's path looks like: /dev/tty*, macOS /dev/cu.* and /dev/tty.*, a pty (/dev/pts/N),
 * udev's stable links (/dev/serial/by-id/…), Bluetooth RFCOMM, or Windows COMn. Not any file under /dev.
 */
const SERIAL_DEVICE_PATH =
  /^(\/dev\/(tty[A-Za-z0-9._-]*|cu\.[A-Za-z0-9._-]+|pts\/\d+|rfcomm\d+|serial\/by-(id|path)\/[A-Za-z0-9._:-]+)|COM\d+)$/;

/** `host`, `host:port`, `[v6]:port` after udp://; null when it is none of them. */
function parseUdpAddress(rest: string): { host: string; port: number } | null {
  const match = /^(?:\[([^\]]+)\]|([^:/[\]]+))(?::(\d+))?\/?$/.exec(rest);
  const host = match?.[1] ?? match?.[2];
  const port = match?.[3] ? Number(match[3]) : 1337;
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  return { host, port };
}

/** IPv4 written as one number or in hex ("134744072", "0x08080808"): the resolver reads it as an address. */
const NUMERIC_HOST = /^(?:0x[0-9a-f]*|[0-9]+)$/i;

/**
 * True for a host on the user's own network: RFC 1918, link-local and loopback IPv4; ::1, fc00::/7
 * and fe80::/10; mDNS `.local` names; single-label names (a board's bare host name on the LAN).
 */
export function isLocalNetworkHost(host: string): boolean {
  const bare = host.replace(/%.*$/, ''); // an IPv6 zone ("fe80::1%eth0") names the interface, not the address
  const family = net.isIP(bare);
  if (family === 4) return localNetworks.check(bare, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
    return mapped ? localNetworks.check(mapped, 'ipv4') : localNetworks.check(bare, 'ipv6');
  }
  const name = bare.toLowerCase().replace(/\.$/, '');
  if (name.endsWith('.local')) return true;
  return name.length > 0 && !name.includes('.') && !NUMERIC_HOST.test(name);
}

export interface AddressGate {
  /** Runs `probe` for `target` if the gate lets it through; otherwise throws a sentence saying why. */
  admit<T>(target: string, probe: () => Promise<T>): Promise<T>;
}

export function createAddressGate({
  confirm,
  isKnownDevice = () => false,
  maxConcurrent = 2,
  maxPerMinute = 20,
  now = Date.now,
}: AddressGateOptions): AddressGate {
  let running = 0;
  let asking = false;
  const recent: number[] = [];
  // Addresses the user confirmed once are not asked about again while the app runs.
  const confirmed = new Set<string>();

  const takeSlot = (what: string) => {
    const cutoff = now() - 60_000;
    while (recent.length > 0 && recent[0]! <= cutoff) recent.shift();
    if (running >= maxConcurrent)
      throw new Error(`Not added yet: ${running} addresses are being probed already; add ${what} when they are done.`);
    if (recent.length >= maxPerMinute)
      throw new Error(
        `Not added: more than ${maxPerMinute} addresses in a minute; wait a moment and add ${what} again.`,
      );
    recent.push(now());
  };

  const askUser = async (host: string, port: number, key: string) => {
    if (confirmed.has(key)) return;
    // One question at a time: a page cannot stack dialogs.
    if (asking) throw new Error(`Not added yet: another address is waiting for your answer; add ${key} after it.`);
    asking = true;
    try {
      if (!(await confirm({ host, port }))) {
        throw new Error(`Not added: ${key} is outside your local network, and contacting it was not confirmed.`);
      }
    } finally {
      asking = false;
    }
    confirmed.add(key);
  };

  return {
    async admit(target, probe) {
      if (isKnownDevice(target)) return probe();
      const serial = /^serial:(.+?)(?:@\d+)?$/i.exec(target.trim());
      if (serial) {
        // A port on this machine: no network to ask about, but only what names a serial device.
        if (!SERIAL_DEVICE_PATH.test(serial[1]!))
          throw new Error(`Not added: ${serial[1]} is not a serial port (give serial:/dev/ttyACM0, or COM5).`);
        takeSlot(`serial:${serial[1]}`);
        running += 1;
        try {
          return await probe();
        } finally {
          running -= 1;
        }
      }
      // udp://host[:port]: the same rules as host:port (MCUmgr's port 1337 by default).
      const udp = /^udp:\/\/(.*)$/i.exec(target.trim());
      const address = udp ? parseUdpAddress(udp[1]!) : parseTarget(target);
      // Not an address (a Bluetooth address, a name no board has): the engine answers without a probe.
      if (!address) return probe();
      const key = `${udp ? 'udp://' : ''}${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
      takeSlot(key);
      if (!isLocalNetworkHost(address.host)) await askUser(address.host, address.port, key);
      running += 1;
      try {
        return await probe();
      } finally {
        running -= 1;
      }
    },
  };
}
