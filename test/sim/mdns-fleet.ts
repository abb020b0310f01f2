// Many boards' mDNS on one socket: a rack of N boards that all answer the same query at the same
// instant, one response packet per board, sent back to back. That is the burst a browser meets on a
// busy bench (each board answers for itself, and small responders such as Mongoose OS's or
// esp-link's do not wait the 20–120 ms RFC 6762 §6 suggests for shared records). One socket instead
// of N keeps the simulator cheap: N sockets on port 5353 would each receive every other board's
// answer. The records are MdnsResponder's, so each board looks exactly like a single simulated one
// (PTR answer; SRV, TXT and an A record for the board's own 127.0.x.y address as additionals).
import dgram from 'node:dgram';
import makeMdns from 'multicast-dns';
import type { Answer, Question } from 'dns-packet';
import { assertPrivateNetwork } from '../support/netns-guard.ts';
import { MDNS_PORT, MdnsResponder } from './mdns-responder.ts';

export interface MdnsFleetOptions {
  count: number;
  /** Host names are `${prefix}-NNN` (default `rack`). */
  prefix?: string;
  /** Board i's address (default 127.0.(20 + ⌊i/250⌋).(1 + i mod 250)). */
  addressOf?: (index: number) => string;
  /** Record TTL in seconds (default 120). */
  ttl?: number;
}

/** Events of the boards are not needed: a test counts what the browser under test lists. */
export class MdnsFleet {
  readonly boards: MdnsResponder[];
  /** Queries answered so far (each answered by every board at once). */
  burstsSent = 0;
  private mdns: makeMdns.MulticastDNS | null = null;

  constructor(options: MdnsFleetOptions) {
    const prefix = options.prefix ?? 'rack';
    const addressOf = options.addressOf ?? ((i: number) => `127.0.${20 + Math.floor(i / 250)}.${1 + (i % 250)}`);
    this.boards = Array.from({ length: options.count }, (_, i) => {
      const host = `${prefix}-${String(i).padStart(3, '0')}`;
      // Mongoose OS's TXT: the id and version identify the board without a probe.
      const txt = { id: `${host}-id`, arch: 'esp32', app: 'rack', fw_version: '1.0.0', fw_id: '20260101-000000' };
      return new MdnsResponder({
        host,
        address: addressOf(i),
        ttl: options.ttl,
        services: [{ type: '_http._tcp', instance: host, port: 80, txt }],
      });
    });
  }

  /** Binds the shared socket. The boards stay quiet until asked (no start-up announcements). */
  async start(): Promise<void> {
    assertPrivateNetwork('the mDNS fleet');
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const mdns = makeMdns({ socket, reuseAddr: true });
    mdns.on('warning', () => {});
    mdns.on('query', (query, rinfo) => this.onQuery(query.questions, rinfo));
    await new Promise<void>((resolve, reject) => {
      mdns.once('ready', resolve);
      mdns.once('error', reject);
    });
    this.mdns = mdns;
  }

  /** Every board (or those listed) says goodbye: its records with TTL 0, one packet per board. */
  goodbye(indexes: number[] = this.boards.map((_, i) => i)): void {
    for (const index of indexes) {
      const { answers, additionals } = this.boards[index]!.records(0);
      this.mdns?.respond({ answers: [...answers, ...additionals] });
    }
  }

  async stop(): Promise<void> {
    const mdns = this.mdns;
    this.mdns = null;
    if (mdns) await new Promise<void>((resolve) => mdns.destroy(() => resolve()));
  }

  private onQuery(questions: Question[], rinfo: dgram.RemoteInfo): void {
    if (!this.mdns) return;
    const packets: Array<{ answers: Answer[]; additionals: Answer[] }> = [];
    for (const board of this.boards) {
      const { answers: all, additionals: extra } = board.records();
      const records = [...all, ...extra];
      const answers = records.filter((record) =>
        questions.some(
          (q) =>
            q.name.toLowerCase() === record.name.toLowerCase() &&
            (q.type === record.type || (q.type as string) === 'ANY'),
        ),
      );
      if (answers.length > 0)
        packets.push({ answers, additionals: records.filter((record) => !answers.includes(record)) });
    }
    if (packets.length === 0) return;
    this.burstsSent += 1;
    // Legacy unicast queriers (source port ≠ 5353) would get unicast replies; browsers here use 5353.
    const target = rinfo.port !== MDNS_PORT ? { port: rinfo.port, address: rinfo.address } : undefined;
    // All at once, in one turn of the event loop: the packets leave as fast as the kernel takes them.
    for (const packet of packets) {
      if (target) this.mdns.respond(packet, target);
      else this.mdns.respond(packet);
    }
  }
}
