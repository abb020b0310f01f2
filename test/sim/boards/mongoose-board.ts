// A simulated Mongoose OS board: ota-http-server (`POST /update` with a fw.zip), RPC over HTTP
// (Sys.GetInfo, OTA.*), dual-slot boot state with commit timeout and automatic revert, dns-sd.
// Behaviour follows the last open sources (see shared reference §3): 400 + message on failure,
// "Update applied, finalizing" then a reboot ~100 ms later; an update pushed with commit_timeout > 0
// boots uncommitted and reverts to the previous slot unless OTA.Commit arrives in time.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpBoard, type HttpBoardOptions } from '../http-board.ts';
import { macFromAddress } from '../identity.ts';
import type { MdnsService } from '../mdns-responder.ts';
import { drainBody, isMultipart, readMultipart } from '../request-body.ts';
import { checkFwZip } from './mongoose-updater.ts';
import { RpcError, serveRpc, type RpcHandler } from './mongoose-rpc.ts';
import { SimAuth, type SimAuthOptions } from '../http-auth.ts';

export interface MongooseFirmware {
  version: string;
  id: string;
}

export interface MongooseBoardOptions extends HttpBoardOptions {
  arch?: 'esp32' | 'esp8266';
  /** 12 hex digits; defaults to one derived from the address. */
  mac?: string;
  app?: string;
  fwVersion?: string;
  fwId?: string;
  /** Bytes available to a new firmware image (default 1.5 MiB on ESP32, 1 MiB on ESP8266). */
  freeSpace?: number;
  /** Length of one commit_timeout second, in ms (default 1000): tests shorten it. */
  commitSecondMs?: number;
  /** The pushed firmware cannot commit (built without the OTA RPC service): it always reverts on timeout. */
  commitRefused?: boolean;
  /** `update.enable_post` (default true). */
  postUpdatesEnabled?: boolean;
  /**
   * `rpc.auth_file` + `rpc.auth_domain` (htdigest): Digest on every RPC and, as with `http.auth_file`,
   * on `/update` and `/update/commit|revert` too (default realm "RPC").
   */
  auth?: Omit<SimAuthOptions, 'style'> | null;
  /**
   * Powers on running an update nobody has committed yet (pushed before the simulation started, by
   * anyone): slot 1 holds it, boot state uncommitted, the revert watchdog armed at boot for
   * `commitTimeoutSeconds` as mgos_upd_boot_finish does. `fwVersion` is the firmware it reverts to.
   */
  pendingCommit?: { version: string; id?: string; commitTimeoutSeconds: number };
}

export interface BootState {
  active_slot: number;
  is_committed: boolean;
  revert_slot: number;
  commit_timeout: number;
}

/** Extra events: `committed`, `reverted` (firmware it went back to). */
export class MongooseBoard extends HttpBoard {
  readonly kind = 'mongoose-os';
  readonly hostname: string;
  readonly arch: 'esp32' | 'esp8266';
  readonly mac: string;
  readonly deviceId: string;
  app: string;
  freeSpace: number;
  commitSecondMs: number;
  commitRefused: boolean;
  postUpdatesEnabled: boolean;
  /** Firmware per slot; the board boots `bootState.active_slot`. */
  readonly slots: Array<MongooseFirmware | null>;
  bootState: BootState = { active_slot: 0, is_committed: true, revert_slot: 0, commit_timeout: 0 };
  private staged: { slot: number; commitTimeout: number } | null = null;
  private revertOnBoot = false;
  private commitTimer: NodeJS.Timeout | null = null;
  private updateInProgress = false;
  readonly auth: SimAuth | null;

  constructor(options: MongooseBoardOptions) {
    super(options);
    this.auth = options.auth ? new SimAuth({ ...options.auth, style: 'mongoose' }) : null;
    this.arch = options.arch ?? 'esp32';
    this.mac = (options.mac ?? macFromAddress(options.address)).toUpperCase();
    this.hostname = `mOS-${this.arch}-${this.mac.slice(-6)}`;
    this.deviceId = `${this.arch}_${this.mac.slice(-6)}`;
    this.app = options.app ?? 'ota-bench-sim';
    this.freeSpace = options.freeSpace ?? (this.arch === 'esp32' ? 0x180000 : 0x100000);
    this.commitSecondMs = options.commitSecondMs ?? 1000;
    this.commitRefused = options.commitRefused ?? false;
    this.postUpdatesEnabled = options.postUpdatesEnabled ?? true;
    this.slots = [{ version: options.fwVersion ?? '1.0.0', id: options.fwId ?? '20240101-000000/sim@base' }, null];
    if (options.pendingCommit) {
      const { version, id, commitTimeoutSeconds } = options.pendingCommit;
      this.slots[1] = { version, id: id ?? `20240101-000000/sim@${version}` };
      this.bootState = { active_slot: 1, is_committed: false, revert_slot: 0, commit_timeout: commitTimeoutSeconds };
    }
  }

  override async start(): Promise<void> {
    const poweredOn = this.state === 'stopped';
    await super.start();
    // Booted uncommitted (pendingCommit): the watchdog starts with the boot, like after an update.
    if (poweredOn && !this.bootState.is_committed && !this.commitTimer) {
      this.commitTimer = this.later(this.bootState.commit_timeout * this.commitSecondMs, () => void this.revert(0));
    }
  }

  get firmware(): MongooseFirmware {
    return this.slots[this.bootState.active_slot] ?? { version: '0.0.0', id: 'none' };
  }

  get firmwareVersion(): string {
    return this.firmware.version;
  }

  override async stop(): Promise<void> {
    this.commitTimer = null;
    await super.stop();
  }

  protected mdnsServices(): MdnsService[] {
    const { version, id } = this.firmware;
    return [
      {
        type: '_http._tcp',
        instance: this.hostname,
        port: this.port,
        txt: { id: this.deviceId, arch: this.arch, app: this.app, fw_version: version, fw_id: id },
      },
    ];
  }

  protected override onBoot(): void {
    this.commitTimer = null;
    if (this.revertOnBoot) {
      this.revertOnBoot = false;
      const from = this.bootState.active_slot;
      this.bootState = {
        active_slot: this.bootState.revert_slot,
        is_committed: true,
        revert_slot: from,
        commit_timeout: 0,
      };
      this.emit('reverted', this.firmware);
      return;
    }
    if (!this.staged) return;
    const { slot, commitTimeout } = this.staged;
    this.staged = null;
    const previous = this.bootState.active_slot;
    this.bootState = {
      active_slot: slot,
      is_committed: commitTimeout <= 0,
      revert_slot: previous,
      commit_timeout: Math.max(0, commitTimeout),
    };
    // mgos_upd_boot_finish: arm the commit watchdog, or commit at once when there is no timeout.
    if (commitTimeout > 0)
      this.commitTimer = this.later(commitTimeout * this.commitSecondMs, () => void this.revert(0));
  }

  /** OTA.Commit / GET /update/commit. False when there is nothing to commit. */
  commit(): boolean {
    if (this.bootState.is_committed) return false;
    this.bootState = { ...this.bootState, is_committed: true, commit_timeout: 0 };
    this.cancel(this.commitTimer);
    this.commitTimer = null;
    this.emit('committed', this.firmware);
    return true;
  }

  /** OTA.Revert / commit timeout: back to the previous slot on the next boot, rebooting after `delayMs`. */
  revert(delayMs = 100): boolean {
    if (this.bootState.is_committed) return false;
    this.cancel(this.commitTimer);
    this.commitTimer = null;
    this.revertOnBoot = true;
    void this.reboot({ delayMs });
    return true;
  }

  private rpcMethods(): Record<string, RpcHandler> {
    const pushedAndUncommitted = this.commitRefused && !this.bootState.is_committed;
    const methods: Record<string, RpcHandler> = {
      'Sys.GetInfo': () => this.sysInfo(),
      'Sys.Reboot': (args) => void this.reboot({ delayMs: typeof args.delay_ms === 'number' ? args.delay_ms : 100 }),
      'OTA.GetBootState': () => ({ ...this.bootState }),
      'OTA.Status': () => ({
        state: 0,
        is_committed: this.bootState.is_committed,
        commit_timeout: this.bootState.commit_timeout,
        partition: this.bootState.active_slot,
      }),
      'OTA.Revert': () => {
        if (!this.revert(100)) throw new RpcError(-1, 'Revert failed: firmware is committed');
        return null;
      },
      'RPC.List': () => Object.keys(this.rpcMethods()),
    };
    // The freshly pushed firmware of a `commitRefused` board was built without rpc-service-ota.
    if (!pushedAndUncommitted) {
      methods['OTA.Commit'] = () => {
        if (!this.commit()) throw new RpcError(-1, 'Commit failed: firmware is already committed');
        return null;
      };
    }
    return methods;
  }

  private sysInfo(): Record<string, unknown> {
    const { version, id } = this.firmware;
    return {
      id: this.deviceId,
      app: this.app,
      fw_version: version,
      fw_id: id,
      mg_version: '2.20.0',
      mg_id: '20230301-000000/2.20.0@sim',
      mac: this.mac,
      arch: this.arch,
      uptime: this.uptimeSeconds,
      public_key: '',
      ram_size: 294_000,
      ram_free: 180_000,
      ram_min_free: 150_000,
      fs_size: 233_681,
      fs_free: 150_000,
      wifi: { sta_ip: this.address, ap_ip: '', status: 'got ip', ssid: 'ota-bench' },
    };
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://device').pathname;
    const text = { 'Content-Type': 'text/plain', Connection: 'close' };
    if (
      this.auth &&
      (path === '/rpc' || path.startsWith('/rpc/') || path.startsWith('/update')) &&
      !this.auth.check(request)
    ) {
      // mg_http_send_digest_auth_request: an empty 401 as soon as the headers are in; an upload's
      // body is not read (the connection closes under a client still sending it).
      if (!isMultipart(request)) await drainBody(request, () => this.quirks);
      return this.send(response, 401, { 'WWW-Authenticate': this.auth.challenge(), Connection: 'close' }, '');
    }
    if (path === '/update/commit' || path === '/update/revert') {
      await drainBody(request, () => this.quirks);
      const ok = path === '/update/commit' ? !this.commitRefused && this.commit() : this.revert(100);
      return this.send(response, ok ? 200 : 400, { 'Content-Type': 'text/html' }, ok ? 'Ok\r\n' : 'Error\r\n');
    }
    if (path === '/rpc' || path.startsWith('/rpc/')) {
      const { body } = await drainBody(request, () => this.quirks);
      if (this.quirks.garbageResponses) return this.sendGarbage(response);
      return serveRpc(
        { method: (name) => this.rpcMethods()[name], send: this.send.bind(this), deviceId: this.deviceId },
        request,
        response,
        body.toString(),
      );
    }
    if (path !== '/update') {
      await drainBody(request, () => this.quirks);
      return this.send(response, 404, { 'Content-Type': 'text/plain' }, 'Not Found');
    }
    if (!isMultipart(request)) {
      // Device-side pull (`url=` in query or form body): the simulator cannot fetch anything.
      const { body } = await drainBody(request, () => this.quirks);
      const params =
        request.method === 'POST'
          ? new URLSearchParams(body.toString())
          : new URL(request.url ?? '', 'http://d').searchParams;
      const url = params.get('url');
      if (!url) return this.send(response, 400, text, 'Update URL not specified and none is configured.\r\n');
      return this.send(response, 500, text, `(-1) Failed to fetch ${url}\r\n`);
    }
    if (!this.postUpdatesEnabled) {
      await drainBody(request, () => this.quirks);
      return this.send(response, 400, text, 'POST updates are disabled.');
    }
    // updater_context_create() refuses a second update and one on uncommitted firmware; the
    // server then closes the connection at once, without any reply.
    if (this.updateInProgress || !this.bootState.is_committed) return void request.socket.destroy();
    this.updateInProgress = true;
    try {
      await this.receiveUpdate(request, response);
    } finally {
      this.updateInProgress = false;
    }
  }

  private async receiveUpdate(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = await readMultipart(request, () => this.quirks);
    if (!form.complete) return; // connection gone: nobody to answer
    // Parts with a (non-empty) filename are the fw.zip, fed in order into one updater stream.
    const files = form.parts.filter((part) => part.filename);
    const timeoutField = form.parts.filter((part) => !part.filename && part.name === 'commit_timeout').pop();
    const commitTimeout = Number.parseInt(timeoutField?.data.toString() ?? '0', 10) || 0;
    const zip = Buffer.concat(files.map((part) => part.data));
    const verdict =
      files.length > 0
        ? checkFwZip(zip, { arch: this.arch, freeSpace: this.freeSpace })
        : { ok: false as const, message: 'Update aborted' };
    const message = verdict.ok ? 'Update applied, finalizing' : verdict.message;
    const upload = { name: files[0]?.name ?? '', filename: files[0]?.filename, data: zip };
    if (this.quirks.hangResponse) return void this.recordUpload(request, upload, 'hung', message);
    if (files.length > 0) this.recordUpload(request, upload, verdict.ok ? 'applied' : 'rejected', message);
    this.send(
      response,
      verdict.ok ? 200 : 400,
      { 'Content-Type': 'text/plain', Connection: 'close' },
      `${message}\r\n`,
    );
    if (!verdict.ok) return;
    const slot = 1 - this.bootState.active_slot;
    this.slots[slot] = { version: verdict.manifest.version, id: verdict.manifest.build_id };
    this.staged = { slot, commitTimeout };
    void this.reboot();
  }
}
