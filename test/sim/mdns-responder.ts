// A minimal mDNS responder for simulated boards, built on multicast-dns. bonjour-service cannot be
// used: it refuses loopback interfaces and cannot publish an A record for an arbitrary address,
// and every simulated board lives on its own 127.0.0.x address.
//
// Each responder owns one socket bound to 0.0.0.0:5353 (reuseAddr, so many responders share the
// port across processes) and sets its multicast interface to the board's address, so packets leave
// with the board's IP as source, like a real device's would.
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import makeMdns from 'multicast-dns';
import type { Answer, Question } from 'dns-packet';
import { assertPrivateNetwork } from '../support/netns-guard.ts';

export const MDNS_GROUP = '224.0.0.251';
export const MDNS_PORT = 5353;
const SERVICES_META = '_services._dns-sd._udp.local';

/** TXT data: `k=v` strings / raw Buffers sent as they are, or a map turned into `k=v` strings. */
export type TxtInput = Array<string | Buffer> | Record<string, string>;

export interface MdnsService {
  /** Service type without `.local`, e.g. `_http._tcp`. */
  type: string;
  /** Instance label. Passed to dns-packet as is: a dot splits it into labels, >63 bytes breaks it. */
  instance: string;
  port: number;
  /** SRV target host (without `.local`); defaults to the responder's host. Another host gets no A. */
  host?: string;
  txt?: TxtInput;
}

export interface MdnsResponderOptions {
  /** Host name without `.local`. */
  host: string;
  /** IPv4 address for the A record; null publishes no A record. */
  address: string | null;
  services: MdnsService[];
  /** Record TTL in seconds (default 120). */
  ttl?: number;
  /** Unsolicited announcements on start / address change (default 2), `announceIntervalMs` apart (default 1000). */
  announceCount?: number;
  announceIntervalMs?: number;
  /** Answer queries (default true). False makes a board that only announces. */
  answerQueries?: boolean;
  /** Raw records added to every announcement and answer (hostile-data tests). */
  extraRecords?: Answer[];
}

export function txtStrings(txt: TxtInput | undefined): Array<string | Buffer> {
  if (!txt) return [];
  if (Array.isArray(txt)) return txt;
  return Object.entries(txt).map(([key, value]) => `${key}=${value}`);
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Events: `query` (questions, rinfo), `announced` (records), `error` (Error). */
export class MdnsResponder extends EventEmitter {
  readonly host: string;
  address: string | null;
  services: MdnsService[];
  ttl: number;
  extraRecords: Answer[];
  private readonly announceCount: number;
  private readonly announceIntervalMs: number;
  private readonly answerQueries: boolean;
  private mdns: makeMdns.MulticastDNS | null = null;
  private socket: dgram.Socket | null = null;
  private announceTimers = new Set<NodeJS.Timeout>();

  constructor(options: MdnsResponderOptions) {
    super();
    this.host = options.host;
    this.address = options.address;
    this.services = options.services;
    this.ttl = options.ttl ?? 120;
    this.extraRecords = options.extraRecords ?? [];
    this.announceCount = options.announceCount ?? 2;
    this.announceIntervalMs = options.announceIntervalMs ?? 1000;
    this.answerQueries = options.answerQueries ?? true;
  }

  get running(): boolean {
    return this.mdns !== null;
  }

  /** Opens the socket and starts announcing. Resolves once the socket is bound. */
  async start(): Promise<void> {
    assertPrivateNetwork('the mDNS responder');
    if (this.mdns) return;
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const mdns = makeMdns({ socket, reuseAddr: true });
    this.socket = socket;
    this.mdns = mdns;
    mdns.on('error', (error: Error) => this.emit('error', error));
    mdns.on('warning', () => {}); // undecodable packets from hostile tests are expected
    mdns.on('query', (query, rinfo) => this.onQuery(query, rinfo));
    // multicast-dns picks the multicast interface on 'listening' and again when interfaces change;
    // put the board's own address back each time so its packets carry the board's source IP.
    mdns.on('networkInterface', () => this.pinSourceAddress());
    await new Promise<void>((resolve, reject) => {
      mdns.once('ready', resolve);
      mdns.once('error', reject);
    });
    this.pinSourceAddress();
    this.scheduleAnnouncements();
  }

  /** Sends a goodbye (all records with TTL 0), then closes the socket. */
  async stop(options: { goodbye?: boolean } = {}): Promise<void> {
    if (!this.mdns) return;
    this.clearAnnouncements();
    if (options.goodbye ?? true) await this.goodbye();
    const mdns = this.mdns;
    this.mdns = null;
    this.socket = null;
    await new Promise<void>((resolve) => mdns.destroy(() => resolve()));
  }

  /** Changes the A record; while running, re-announces (with cache-flush) from the new address. */
  setAddress(address: string | null): void {
    this.address = address;
    if (!this.running) return;
    this.pinSourceAddress();
    this.scheduleAnnouncements();
  }

  /** Replaces the services (e.g. new TXT after an update) and re-announces while running. */
  setServices(services: MdnsService[]): void {
    this.services = services;
    if (this.running) this.scheduleAnnouncements();
  }

  /** The full record set this responder publishes, with the given TTL. */
  records(ttl = this.ttl): { answers: Answer[]; additionals: Answer[] } {
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    for (const service of this.services) answers.push(...this.serviceRecords(service, ttl));
    additionals.push(...this.addressRecords(ttl));
    additionals.push(...this.extraRecords);
    return { answers, additionals };
  }

  async announce(): Promise<void> {
    const { answers, additionals } = this.records();
    await this.send({ answers: [...answers, ...additionals] });
    this.emit('announced', answers);
  }

  async goodbye(): Promise<void> {
    const { answers, additionals } = this.records(0);
    const goodbyes = [...answers, ...additionals.filter((record) => !this.extraRecords.includes(record))];
    await this.send({ answers: goodbyes });
  }

  /** Sends any records as a multicast response: for hostile-data tests. */
  async sendRecords(answers: Answer[], additionals: Answer[] = []): Promise<void> {
    await this.send({ answers, additionals });
  }

  /** Sends raw bytes to the mDNS group (malformed packets, labels > 63 bytes, …). */
  async sendRawBytes(bytes: Buffer): Promise<void> {
    const socket = this.socket;
    if (!socket) throw new Error('mDNS responder is not running');
    await new Promise<void>((resolve, reject) =>
      socket.send(bytes, MDNS_PORT, MDNS_GROUP, (error) => (error ? reject(error) : resolve())),
    );
  }

  private serviceRecords(service: MdnsService, ttl: number): Answer[] {
    const typeName = `${service.type}.local`;
    const fqdn = `${service.instance}.${typeName}`;
    const txt = txtStrings(service.txt);
    return [
      { name: typeName, type: 'PTR', ttl, data: fqdn },
      // SRV/TXT are unique records: the cache-flush bit tells caches to drop older copies.
      {
        name: fqdn,
        type: 'SRV',
        ttl,
        flush: true,
        data: { port: service.port, target: `${service.host ?? this.host}.local` },
      },
      // An empty TXT must still hold one empty string (RFC 6763 §6.1).
      { name: fqdn, type: 'TXT', ttl, flush: true, data: txt.length > 0 ? txt : [Buffer.alloc(0)] },
    ];
  }

  private addressRecords(ttl: number): Answer[] {
    if (!this.address) return [];
    return [{ name: `${this.host}.local`, type: 'A', ttl, flush: true, data: this.address }];
  }

  private onQuery(query: makeMdns.QueryPacket, rinfo: dgram.RemoteInfo): void {
    const questions = query.questions;
    this.emit('query', questions, rinfo);
    if (!this.answerQueries || !this.mdns) return;
    const answers: Answer[] = [];
    for (const question of questions) answers.push(...this.answersFor(question));
    if (answers.length === 0) return;
    const { answers: all, additionals: extra } = this.records();
    const additionals = [...all, ...extra].filter((record) => !answers.includes(record));
    // Legacy unicast (source port ≠ 5353) gets a unicast reply; everyone else hears it by multicast.
    const legacy = rinfo.port !== MDNS_PORT;
    void this.send(
      { answers, additionals, ...(legacy ? { id: query.id, questions } : {}) },
      legacy ? { port: rinfo.port, address: rinfo.address } : undefined,
    ).catch(() => {});
  }

  private answersFor(question: Question): Answer[] {
    const { answers, additionals } = this.records();
    const name = question.name;
    const wanted = (type: string) => (question.type as string) === 'ANY' || question.type === type;
    if (sameName(name, SERVICES_META) && wanted('PTR')) {
      const types = [...new Set(this.services.map((service) => `${service.type}.local`))];
      return types.map((type) => ({ name: SERVICES_META, type: 'PTR', ttl: this.ttl, data: type }));
    }
    return [...answers, ...additionals].filter((record) => sameName(record.name, name) && wanted(record.type));
  }

  private scheduleAnnouncements(): void {
    this.clearAnnouncements();
    for (let index = 0; index < this.announceCount; index++) {
      const timer = setTimeout(() => {
        this.announceTimers.delete(timer);
        this.announce().catch((error: Error) => this.emit('error', error));
      }, index * this.announceIntervalMs);
      this.announceTimers.add(timer);
    }
  }

  private clearAnnouncements(): void {
    for (const timer of this.announceTimers) clearTimeout(timer);
    this.announceTimers.clear();
  }

  private pinSourceAddress(): void {
    try {
      this.socket?.setMulticastInterface(this.address ?? '127.0.0.1');
    } catch {
      // The address is not local (yet): the kernel's default source is the best we can do.
    }
  }

  /** Sends a response (multicast-dns adds the response type and the authoritative-answer flag). */
  private send(packet: makeMdns.ResponseOutgoingPacket, target?: { port: number; address: string }): Promise<void> {
    const mdns = this.mdns;
    if (!mdns) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const done = (error: Error | null) => (error ? reject(error) : resolve());
      if (target) mdns.respond(packet, target, done);
      else mdns.respond(packet, done);
    });
  }
}
