// Shapes shared by every simulated HTTP board: the quirks a test can turn on (at construction or
// at runtime with setQuirks), the constructor options and the record of a received image.
import type { IncomingHttpHeaders } from 'node:http';
import type { BodyQuirks } from './request-body.ts';

export interface BoardQuirks extends BodyQuirks {
  /** After a reboot the board stays offline for good. */
  neverComesBack: boolean;
  /** Time between the reply to a successful update and going offline. */
  rebootDelayMs: number;
  /** Time the board is offline while rebooting. */
  bootMs: number;
  /** Address the board comes back on after its next reboots (a new DHCP lease); null keeps it. */
  newAddressOnReboot: string | null;
  /** Read the whole upload, then never answer (the socket stays open until the board stops). */
  hangResponse: boolean;
  /** Answer info/RPC requests with junk instead of the real thing. */
  garbageResponses: boolean;
  /** Send an mDNS goodbye when going down for a reboot. Real boards just vanish: set false to keep stale caches. */
  goodbyeOnReboot: boolean;
}

export const DEFAULT_QUIRKS: BoardQuirks = {
  dropAfterBytes: null,
  bytesPerSecond: null,
  neverComesBack: false,
  rebootDelayMs: 100,
  bootMs: 1000,
  newAddressOnReboot: null,
  hangResponse: false,
  garbageResponses: false,
  goodbyeOnReboot: true,
};

export interface HttpBoardOptions extends Partial<BoardQuirks> {
  address: string;
  /** HTTP port (default 80). */
  port?: number;
  /** Publish mDNS records (default true). */
  mdns?: boolean;
  /** mDNS record TTL in seconds (default 120). */
  mdnsTtl?: number;
  /** Unsolicited announcements at every boot (default 2; 0 makes a board that only answers queries). */
  announceCount?: number;
  /** Gap between the start-up announcements (default 1000 ms). */
  announceIntervalMs?: number;
}

export interface ReceivedImage {
  /** Multipart field name, e.g. `firmware`, `filesystem`, `file`. */
  field: string;
  filename: string | undefined;
  data: Buffer;
  size: number;
  sha256: string;
  /** Headers of the HTTP request that carried it. */
  headers: IncomingHttpHeaders;
  at: number;
  /** What the board made of it. */
  outcome: 'applied' | 'rejected' | 'hung';
  /** The board's verdict, as it was sent back (or would have been). */
  message: string;
}

export type BoardState = 'stopped' | 'online' | 'rebooting' | 'dead';

export interface RebootOptions {
  delayMs?: number;
  bootMs?: number;
  newAddress?: string;
}
