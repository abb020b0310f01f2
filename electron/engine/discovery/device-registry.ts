// One Device per physical board, merged from every mDNS service it announces and from probes.
// Identity comes from the strongest key a board offers (TXT id, then MAC, then host name, then the
// address a user typed), so a board that comes back with a new IP, or is seen both over
// `_arduino._tcp` and `_http._tcp`, stays one row with one id.
// A row's address is one it has verified: the first it was seen at, one the user typed, or one that
// proved it is the same board (verify-address.ts). Another address announcing the same TXT id or host
// name is a claim, checked without credentials, and shown on the row until it proves itself.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import type { Device } from '../../../shared/domain.ts';
import { canPush } from '../protocols/index.ts';
import {
  type AddressClaim,
  announcedAddress,
  describeDevice,
  type DeviceEntry,
  type ServiceRecord,
} from './describe-device.ts';
import { isRecordFresh } from './liveness.ts';
import type { ServiceObservation } from './mdns-browser.ts';
import type { ProbeResult } from './probe.ts';
import { cleanText, normaliseMac } from '../net/sanitize.ts';
import { type BoardIdentity, mongooseIdentity } from '../protocols/board-identity.ts';
import {
  type AddressVerdict,
  type AddressVerifier,
  checkingMessage,
  unverifiedMessage,
  verifyAddress,
} from './verify-address.ts';

/** How long one check of a claimed address may take, and how soon a claim that failed is asked again. */
const CHECK_TIMEOUT_MS = 10_000;
const retryDelayMs = (attempts: number) => Math.min(60_000, 5_000 * 2 ** Math.max(0, attempts - 1));

/** What a probe learned about which board it reached (Mongoose Sys.GetInfo id/MAC, esp-link's MAC). */
function identityOfProbe(probe: ProbeResult | null | undefined): BoardIdentity | null {
  if (probe?.protocol === 'mongoose-os' && probe.basis === 'answer') return mongooseIdentity(probe.info);
  const mac = probe?.protocol === 'esp-link' ? normaliseMac(probe.info?.mac) : null;
  return mac ? { id: null, mac } : null;
}

export interface RegistryEvents {
  changed: [];
  /** A device's HTTP service needs probing to learn its protocol. */
  needsProbe: [deviceId: string];
}

function keysOf(observation: ServiceObservation): string[] {
  const keys: string[] = [];
  const id = cleanText(observation.txt.id, 100);
  if (id) keys.push(`id:${id}`);
  const mac = normaliseMac(observation.txt.mac);
  if (mac) keys.push(`mac:${mac}`);
  if (observation.host) keys.push(`host:${observation.host}`);
  keys.push(`fqdn:${observation.fqdn}`);
  return keys;
}

export class DeviceRegistry extends EventEmitter<RegistryEvents> {
  private entries = new Map<string, DeviceEntry>();
  private now: () => number;
  private readonly verify: AddressVerifier;

  /** `verify` checks an address that claims to be a known board; tests pass a fake (no sockets). */
  constructor(now: () => number = Date.now, verify: AddressVerifier = verifyAddress) {
    super();
    this.now = now;
    this.verify = verify;
  }

  list(): Device[] {
    return [...this.entries.values()].map((entry) => describeDevice(entry, this.now()));
  }

  get(deviceId: string): Device | null {
    const entry = this.entries.get(deviceId);
    return entry ? describeDevice(entry, this.now()) : null;
  }

  observeService(observation: ServiceObservation): void {
    const entry = this.entryFor(keysOf(observation));
    const previous = entry.services.get(observation.fqdn);
    const record: ServiceRecord = {
      ...observation,
      addresses: observation.addresses.length ? observation.addresses : (previous?.addresses ?? []),
      lastSeen: this.now(),
      gone: false,
    };
    entry.services.set(observation.fqdn, record);
    // The board announces other firmware than before (it was updated and rebooted): what a probe read
    // about its firmware is from before that, so the announcement speaks until the board is asked again.
    const firmwareChanged = previous !== undefined && firmwareOf(previous.txt) !== firmwareOf(record.txt);
    if (firmwareChanged && entry.probe?.info)
      entry.probe = { ...entry.probe, info: { ...entry.probe.info, version: null, firmwareId: null } };
    this.settle(entry);
    this.emit('changed');
    // Every web board is asked once, even one whose TXT names its firmware (Mongoose's dns-sd): only
    // the board itself can say whether it wants a password, and the list must say so before a push.
    if (observation.type === '_http._tcp' && (!entry.probe || firmwareChanged)) this.emit('needsProbe', entry.id);
  }

  refreshService(fqdn: string, ttlSeconds: number): void {
    for (const entry of this.entries.values()) {
      const record = entry.services.get(fqdn);
      if (!record) continue;
      const wasOnline = describeDevice(entry, this.now()).online;
      record.lastSeen = this.now();
      record.ttlSeconds = ttlSeconds;
      record.gone = false;
      if (!wasOnline) this.emit('changed');
    }
  }

  /** A new A/AAAA record for a host: every service on that host moves to the new address. */
  observeAddress(host: string, address: string): void {
    let changed = false;
    for (const entry of this.entries.values()) {
      let moved = false;
      for (const record of entry.services.values()) {
        if (record.host !== host || record.addresses[0] === address) continue;
        record.addresses = [address, ...record.addresses.filter((a) => a !== address)];
        record.lastSeen = this.now();
        moved = true;
      }
      // The row's address follows only once the new one proves it is this board (settle).
      if (moved) this.settle(entry);
      changed ||= moved;
    }
    if (changed) this.emit('changed');
  }

  /** A goodbye (TTL 0) for a service: the board said it is leaving; no probe result outlives this. */
  goodbye(fqdn: string): void {
    for (const entry of this.entries.values()) {
      const record = entry.services.get(fqdn);
      if (record && !record.gone) {
        record.gone = true;
        record.goneAt = this.now();
        this.emit('changed');
      }
    }
  }

  /** Records a probe of a device (discovered or typed by the user) and returns the device. */
  recordProbe(target: { host: string; port: number }, probe: ProbeResult, deviceId?: string): Device {
    const keys: string[] = [];
    if (probe.info?.identity) keys.push(`id:${cleanText(probe.info.identity, 100)}`);
    const mac = normaliseMac(probe.info?.mac);
    if (mac) keys.push(`mac:${mac}`);
    keys.push(`addr:${target.host}:${target.port}`);
    const known = (deviceId && this.entries.get(deviceId)) || this.entryServing(target);
    if (known) keys.push(...known.keys);
    const entry = this.entryFor(keys);
    // The automatic probe of a discovered board (deviceId given) ran because mDNS announced it: it
    // says what the board is, not that it is still there now (a goodbye may have come meanwhile), so
    // it counts from the last announcement. A probe the user asked for counts from now.
    const lastHeard = Math.max(0, ...[...entry.services.values()].map((r) => r.lastSeen));
    const at = deviceId && entry.services.size > 0 ? Math.min(this.now(), lastHeard) : this.now();
    entry.probe = { ...probe, target, at };
    const identity = identityOfProbe(probe);
    if (!deviceId) {
      // The user typed this address: it is where they mean this board to be.
      const kept = entry.home?.host === target.host ? entry.home.identity : null;
      entry.home = { host: target.host, identity: identity ?? kept };
      if (entry.claim?.address === target.host) entry.claim = null;
    } else if (entry.home?.host === target.host && identity) {
      entry.home.identity = identity;
    }
    this.settle(entry);
    this.emit('changed');
    return describeDevice(entry, this.now());
  }

  /** A job or status call reached (or failed to reach) the device: keeps online/last seen honest. */
  markReachable(deviceId: string, reachable: boolean): void {
    const entry = this.entries.get(deviceId);
    if (!entry?.probe) return;
    entry.probe.at = reachable ? this.now() : entry.probe.at;
    entry.probe.reachable = reachable;
    this.emit('changed');
  }

  /**
   * Boards whose reachability is re-checked (reachability-watch.ts): those we probed, unless mDNS
   * already says they left, at the address and port the list shows.
   */
  reachabilityTargets(): Array<{ deviceId: string; host: string; port: number }> {
    const targets: Array<{ deviceId: string; host: string; port: number }> = [];
    const now = this.now();
    for (const entry of this.entries.values()) {
      if (!entry.probe) continue;
      const records = [...entry.services.values()];
      if (records.length > 0 && !records.some((r) => isRecordFresh(r, now))) continue;
      const device = describeDevice(entry, now);
      if (device.address) targets.push({ deviceId: entry.id, host: device.address, port: device.port });
    }
    return targets;
  }

  /**
   * The result of a re-check. An answer keeps a board added by address fresh (mDNS keeps the others);
   * a board that stopped answering is offline, whatever its mDNS records still claim.
   */
  recordCheck(deviceId: string, reachable: boolean): void {
    const entry = this.entries.get(deviceId);
    if (!entry?.probe) return;
    const before = describeDevice(entry, this.now()).online;
    entry.probe.reachable = reachable;
    if (reachable && entry.services.size === 0) entry.probe.at = this.now();
    const after = describeDevice(entry, this.now()).online;
    if (before !== after) {
      entry.lastReportedOnline = after;
      this.emit('changed');
    }
  }

  /** Called every second: emits when a device's online state flips because a TTL ran out. */
  expire(): void {
    let changed = false;
    for (const entry of this.entries.values()) {
      // A claimer that left takes its warning with it; a claim that failed is asked again in time.
      const claim = entry.claim;
      this.settle(entry);
      if (entry.claim !== claim) changed = true;
      const online = describeDevice(entry, this.now()).online;
      if (online !== entry.lastReportedOnline) {
        entry.lastReportedOnline = online;
        changed = true;
      }
    }
    if (changed) this.emit('changed');
  }

  /**
   * Keeps the row's address verified: the first address seen becomes it (trust on first use); a
   * fresh record at another address is a claim, checked once (then again after a back-off) while it lasts.
   */
  private settle(entry: DeviceEntry): void {
    const now = this.now();
    if (!entry.home) {
      const first = announcedAddress(entry, now);
      if (first)
        entry.home = {
          host: first,
          identity: entry.probe?.target.host === first ? identityOfProbe(entry.probe) : null,
        };
      return;
    }
    const candidate = claimedAddress(entry, entry.home.host, now);
    if (!candidate) {
      entry.claim = null;
      return;
    }
    const claim = entry.claim?.address === candidate ? entry.claim : null;
    if (claim && (claim.state === 'checking' || now < claim.checkedAt + retryDelayMs(claim.attempts))) return;
    this.check(entry, candidate, claim?.attempts ?? 0);
  }

  private check(entry: DeviceEntry, candidate: string, attempts: number): void {
    const home = entry.home!;
    const device = describeDevice(entry, this.now());
    const claim: AddressClaim = {
      address: candidate,
      state: 'checking',
      message: checkingMessage(candidate),
      checkedAt: this.now(),
      attempts,
    };
    entry.claim = claim;
    const check = {
      protocol: device.protocol,
      port: device.port,
      home: { ...home },
      candidate,
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    };
    this.verify(check)
      .catch((error: Error): AddressVerdict => ({
        verdict: 'unverified',
        message: unverifiedMessage(check, `checking it failed (${error.message})`),
      }))
      .then((verdict) => this.decide(entry, claim, verdict));
  }

  private decide(entry: DeviceEntry, claim: AddressClaim, verdict: AddressVerdict): void {
    // Superseded (another claim, the user typed an address, the entry merged into another): ignore.
    if (entry.claim !== claim || this.entries.get(entry.id) !== entry) return;
    if (verdict.verdict === 'same') {
      entry.home = { host: claim.address, identity: verdict.identity };
      entry.claim = null;
      this.settle(entry);
    } else {
      entry.claim = {
        ...claim,
        state: verdict.verdict === 'different' ? 'different-device' : 'unverified',
        message: verdict.message,
        checkedAt: this.now(),
        attempts: claim.attempts + 1,
      };
    }
    this.emit('changed');
  }

  isPushable(deviceId: string): boolean {
    const device = this.get(deviceId);
    return Boolean(device && canPush(device.protocol));
  }

  /** The discovered device that serves HTTP at this address, if any. */
  private entryServing(target: { host: string; port: number }): DeviceEntry | null {
    for (const entry of this.entries.values()) {
      for (const record of entry.services.values()) {
        if (record.port === target.port && record.addresses.includes(target.host)) return entry;
      }
    }
    return null;
  }

  private entryFor(keys: string[]): DeviceEntry {
    const matches = [...this.entries.values()].filter((entry) => keys.some((key) => entry.keys.has(key)));
    const [first, ...others] = matches;
    // Several entries turned out to be one board (e.g. a typed address later seen over mDNS): merge.
    for (const other of others) {
      other.keys.forEach((key) => first.keys.add(key));
      other.services.forEach((record, fqdn) => first.services.set(fqdn, record));
      first.probe ??= other.probe;
      this.entries.delete(other.id);
    }
    if (first) {
      keys.forEach((key) => first.keys.add(key));
      return first;
    }
    const entry: DeviceEntry = {
      id: keys[0],
      keys: new Set(keys),
      services: new Map(),
      probe: null,
      lastReportedOnline: true,
    };
    this.entries.set(entry.id, entry);
    return entry;
  }
}

/**
 * An address that fresh mDNS records give for this board other than `home` (the newest first), or
 * null. A record that lists home beside an address of the other IP family is the same board on v4 and v6.
 */
function claimedAddress(entry: DeviceEntry, home: string, now: number): string | null {
  const records = [...entry.services.values()]
    .filter((r) => isRecordFresh(r, now) && r.addresses.length)
    .sort((a, b) => b.lastSeen - a.lastSeen);
  for (const record of records) {
    const first = record.addresses[0]!;
    if (first === home) continue;
    if (record.addresses.includes(home) && net.isIP(first) !== net.isIP(home)) continue;
    return first;
  }
  return null;
}

/** What a TXT record says about the firmware (Mongoose fw_version/fw_id, ESPHome project_version, version). */
function firmwareOf(txt: Record<string, string>): string {
  return [txt.fw_version, txt.fw_id, txt.project_version, txt.version].join('\u0000');
}
