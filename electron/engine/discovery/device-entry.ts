// What the registry keeps about one board: its mDNS records, its probe, the address it proved and any
// other address claiming to be it. Types only, in their own file so describe-device.ts and
// liveness.ts can both read them without importing each other.
import type { AddressChange } from '../../../shared/domain.ts';
import type { BoardIdentity } from '../protocols/board-identity.ts';
import type { ServiceObservation } from './mdns-browser.ts';
import type { ProbeResult } from './probe.ts';

export interface ServiceRecord extends ServiceObservation {
  lastSeen: number;
  gone: boolean;
  /** When its goodbye (TTL 0) arrived. */
  goneAt?: number;
}

export interface DeviceEntry {
  id: string;
  keys: Set<string>;
  services: Map<string, ServiceRecord>;
  probe: (ProbeResult & { target: { host: string; port: number }; at: number; reachable?: boolean }) | null;
  lastReportedOnline: boolean;
  /**
   * Where jobs, status and credentials go: the first address the board was seen at, one the user
   * typed, or one that proved it is this board (verify-address.ts); with the identity learned there.
   */
  home?: { host: string; identity: BoardIdentity | null } | null;
  /** Another address claiming to be this board, and what checking it found. */
  claim?: AddressClaim | null;
}

export interface AddressClaim extends AddressChange {
  /** When it was last checked (retries back off), and how many times. */
  checkedAt: number;
  attempts: number;
}
