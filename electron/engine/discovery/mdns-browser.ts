// Browses the mDNS service types boards announce, with bonjour-service's Browser on our own
// multicast-dns socket. We also read the raw responses on that socket because the Browser neither
// refreshes a service's lastSeen on re-announcement nor follows A-record changes: a board that
// reboots onto another DHCP lease keeps its SRV/TXT and only its A record changes.
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import multicastDns from 'multicast-dns';
import { Browser, type Service } from 'bonjour-service';
import { TtlRefresh, startQuerySchedule } from './query-schedule.ts';
import { cleanName, decodeTxt, isUsableAddress, isUsablePort, normaliseHostName } from '../net/sanitize.ts';

export const BROWSED_TYPES = ['http', 'arduino', 'esphomelib'] as const;
const BROWSED_NAMES = new Set(BROWSED_TYPES.map((type) => `_${type}._tcp.local`));

/**
 * Receive buffer we ask for. Boards answer a query all at once; at the kernel's default (208 KiB on
 * Linux) about 164 small answers fit, the rest are dropped before we read them. Linux caps the
 * request at net.core.rmem_max (we warn when it did). The quick re-queries (query-schedule.ts) ask
 * again for answers lost to a busy moment; they make no room in the buffer, so this is what does.
 */
export const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

export interface ServiceObservation {
  fqdn: string;
  instance: string;
  /** `_http._tcp` form. */
  type: string;
  host: string | null;
  port: number;
  addresses: string[];
  txt: Record<string, string>;
  ttlSeconds: number;
}

export interface MdnsBrowserEvents {
  service: [ServiceObservation];
  goodbye: [fqdn: string];
  /** A PTR for a known instance was seen again (ttl > 0): keeps it alive. */
  refresh: [fqdn: string, ttlSeconds: number];
  address: [host: string, address: string, ttlSeconds: number];
  warning: [message: string];
}

interface RawRecord {
  name?: unknown;
  type?: unknown;
  ttl?: unknown;
  data?: unknown;
}

export class MdnsBrowser extends EventEmitter<MdnsBrowserEvents> {
  private mdns: ReturnType<typeof multicastDns> | null = null;
  private browsers: Browser[] = [];
  private stopQueries: (() => void) | null = null;
  private readonly ttlRefresh = new TtlRefresh();
  private refreshTimer: NodeJS.Timeout | null = null;
  /** The receive buffer the kernel granted (bytes), once started. */
  receiveBufferBytes: number | null = null;

  /**
   * Opens the socket and starts browsing. Re-queries 1, 2, 4, 8 s after the first query and then
   * every `requeryMs` (RFC 6762 §5.2), so quiet boards are noticed and lost answers asked again.
   */
  start(requeryMs = 15_000): Promise<void> {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const mdns = multicastDns({ socket, reuseAddr: true });
    this.mdns = mdns;
    mdns.on('warning', (error: Error) => this.emit('warning', `mDNS: ${error.message}`));
    mdns.on('response', (packet: { answers?: RawRecord[]; additionals?: RawRecord[] }) => this.onRawResponse(packet));
    return new Promise((resolve, reject) => {
      mdns.once('ready', () => {
        this.receiveBufferBytes = this.enlargeReceiveBuffer(socket);
        for (const type of BROWSED_TYPES) {
          const browser = new Browser(mdns, { type, protocol: 'tcp' });
          browser.on('up', (service) => this.onService(service));
          browser.on('srv-update', (service) => this.onService(service));
          browser.on('txt-update', (service) => this.onService(service));
          browser.on('down', (service) => service.fqdn && this.emit('goodbye', service.fqdn.toLowerCase()));
          this.browsers.push(browser);
        }
        this.stopQueries = startQuerySchedule(() => this.query(), { firstMs: 1000, steadyMs: requeryMs });
        // Records with a TTL shorter than the steady interval are asked for again before they expire.
        this.refreshTimer = setInterval(() => this.ttlRefresh.takeDue(Date.now()) && this.query(), 250);
        this.refreshTimer.unref?.();
        resolve();
      });
      mdns.once('error', (error: Error) => reject(error));
    });
  }

  query(): void {
    for (const browser of this.browsers) browser.update();
  }

  async stop(): Promise<void> {
    this.stopQueries?.();
    this.stopQueries = null;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    for (const browser of this.browsers) browser.stop();
    this.browsers = [];
    const mdns = this.mdns;
    this.mdns = null;
    if (mdns) await new Promise<void>((resolve) => mdns.destroy(() => resolve()));
  }

  /** Asks for RECEIVE_BUFFER_BYTES; a refusal only costs the burst headroom, so it is a warning. */
  private enlargeReceiveBuffer(socket: dgram.Socket): number | null {
    try {
      socket.setRecvBufferSize(RECEIVE_BUFFER_BYTES);
    } catch (error) {
      this.emit(
        'warning',
        `mDNS: could not enlarge the receive buffer (${(error as Error).message}); answers from many boards at once may be dropped and asked for again.`,
      );
    }
    try {
      const granted = socket.getRecvBufferSize();
      // Linux reports twice what it set (bookkeeping overhead); less than asked means rmem_max capped it.
      if (granted < RECEIVE_BUFFER_BYTES) {
        this.emit(
          'warning',
          `mDNS: the kernel gave a ${Math.round(granted / 1024)} KiB receive buffer, not ${RECEIVE_BUFFER_BYTES / 1024} KiB (net.core.rmem_max); answers from very many boards at once may be dropped.`,
        );
      }
      return granted;
    } catch {
      return null;
    }
  }

  private onService(service: Service): void {
    try {
      if (!service.fqdn || !isUsablePort(service.port)) return;
      this.emit('service', {
        fqdn: service.fqdn.toLowerCase(),
        instance: cleanName(service.name) || 'unnamed device',
        type: `_${service.type}._${service.protocol ?? 'tcp'}`,
        host: normaliseHostName(service.host),
        port: service.port,
        addresses: (service.addresses ?? []).filter(isUsableAddress),
        txt: decodeTxt((service as Service & { rawTxt?: unknown }).rawTxt),
        ttlSeconds: typeof service.ttl === 'number' && service.ttl > 0 ? service.ttl : 120,
      });
    } catch (error) {
      this.emit('warning', `Ignored a malformed mDNS service: ${(error as Error).message}`);
    }
  }

  private onRawResponse(packet: { answers?: RawRecord[]; additionals?: RawRecord[] }): void {
    try {
      const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])];
      for (const record of records) {
        const ttl = typeof record.ttl === 'number' ? record.ttl : 0;
        if (record.type === 'PTR' && typeof record.data === 'string') {
          // TTL 0 is a goodbye. The Browser reports those too, but only for services it still holds.
          const instance = record.data.toLowerCase();
          if (ttl > 0) {
            if (typeof record.name === 'string' && BROWSED_NAMES.has(record.name.toLowerCase()))
              this.ttlRefresh.seen(instance, ttl, Date.now());
            this.emit('refresh', instance, ttl);
          } else {
            this.ttlRefresh.forget(instance);
            this.emit('goodbye', instance);
          }
        } else if ((record.type === 'A' || record.type === 'AAAA') && ttl > 0 && isUsableAddress(record.data)) {
          const host = normaliseHostName(record.name);
          if (host) this.emit('address', host, record.data, ttl);
        }
      }
    } catch (error) {
      this.emit('warning', `Ignored a malformed mDNS packet: ${(error as Error).message}`);
    }
  }
}
