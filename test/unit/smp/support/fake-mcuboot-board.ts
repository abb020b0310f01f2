// A small in-memory MCUmgr board for the boot-mode tests of the SMP job and slot actions: an
// SmpConnector whose transports answer whole SMP packets as the three kinds of bootloader do.
//  'swap'            Zephyr img_mgmt under MCUboot swap mode (the real M0 build): uploads to slot 1,
//                    test → reset swaps → confirm; the hashless confirm of a confirmed image is a no-op.
//  'ram-load'        the real mps2 build, as measured under QEMU: uploads to the slot that does not run,
//                    every image state write answers {rc: 8}, and after a reset the newest version runs
//                    (listed active + confirmed; the other slot only bootable).
//  'serial-recovery' MCUboot's own boot_serial.c without MCUBOOT_SERIAL_IMG_GRP_IMAGE_STATE: uploads go
//                    to slot 0, the list carries no state flags, state writes answer {rc: 8}.
// `bootloaderMode` makes it answer os bootloader info ({bootloader: "MCUboot"}, {mode}); otherwise
// that command answers {rc: 8}, as both real builds do.
import { decode, encode } from 'cborg';
import type { SmpConnector, SmpTransport } from '../../../../electron/engine/smp/smp-transport.ts';
import { decodeSmpPacket, encodeSmpPacket } from '../../../../electron/engine/smp/smp-frame.ts';
import { parseMcubootImage } from '../../../sim/ble/mcuboot-image.ts';

export type FakeBootloader = 'swap' | 'ram-load' | 'serial-recovery';

interface SlotImage {
  bytes: Buffer;
  version: string;
  hash: Buffer;
}

export interface FakeBoardOptions {
  bootloader: FakeBootloader;
  initialImage: Buffer;
  /** Answer os bootloader info with this MCUboot mode number. */
  bootloaderMode?: number;
  bufSize?: number;
}

type Body = Record<string, unknown>;

const slotImage = (bytes: Buffer): SlotImage => {
  const parsed = parseMcubootImage(bytes);
  if (!parsed) throw new Error('not an MCUboot image');
  return { bytes, version: parsed.version, hash: parsed.hash };
};

const newer = (a: string, b: string): boolean => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) > (pb[i] ?? 0);
  return false;
};

export class FakeMcubootBoard {
  readonly options: FakeBoardOptions;
  slots: [SlotImage | null, SlotImage | null];
  /** The slot that runs. */
  active = 0;
  /** Swap mode: slot 1 marked for test / confirmed for the next boot; the running image unconfirmed. */
  pending: 'test' | 'perm' | null = null;
  runningUnconfirmed = false;
  private upload: { len: number; data: Buffer; off: number } | null = null;
  /** Every request, as "group/id body-keys" for assertions. */
  readonly requests: string[] = [];
  resets = 0;
  private transport: FakeTransport | null = null;

  constructor(options: FakeBoardOptions) {
    this.options = options;
    this.slots = [slotImage(options.initialImage), null];
  }

  /** Puts an image in a slot as if uploaded earlier. */
  place(slot: 0 | 1, bytes: Buffer): void {
    this.slots[slot] = slotImage(bytes);
  }

  get running(): SlotImage {
    return this.slots[this.active]!;
  }

  readonly connect: SmpConnector = async () => {
    this.transport = new FakeTransport(this);
    return this.transport;
  };

  stateWritesCount(): number {
    return this.requests.filter((r) => r.startsWith('write 1/0')).length;
  }

  answer(op: number, group: number, id: number, body: Body): Body {
    this.requests.push(`${op === 2 ? 'write' : 'read'} ${group}/${id} ${Object.keys(body).sort().join(',')}`);
    if (group === 0 && id === 6) return { buf_size: this.options.bufSize ?? 2048, buf_count: 4 };
    if (group === 0 && id === 8) {
      if (this.options.bootloaderMode === undefined) return { rc: 8 };
      return body.query === 'mode' ? { mode: this.options.bootloaderMode } : { bootloader: 'MCUboot' };
    }
    if (group === 0 && id === 5) {
      setTimeout(() => this.reset(), 5);
      return {};
    }
    if (group === 1 && id === 0 && op === 0) return this.list();
    if (group === 1 && id === 0 && op === 2) return this.stateWrite(body);
    if (group === 1 && id === 1) return this.uploadChunk(body);
    if (group === 1 && id === 5) {
      this.slots[this.uploadSlot()] = null;
      return {};
    }
    return { rc: 8 };
  }

  private uploadSlot(): number {
    if (this.options.bootloader === 'serial-recovery') return 0;
    return this.active === 0 ? 1 : 0;
  }

  private list(): Body {
    const images = this.slots.flatMap((s, slot) => {
      if (!s) return [];
      const entry: Body = { slot, version: s.version, hash: new Uint8Array(s.hash) };
      if (this.options.bootloader === 'serial-recovery') return [{ ...entry, bootable: true }];
      const active = slot === this.active;
      return [
        {
          ...entry,
          bootable: true,
          pending: !active && this.pending !== null,
          confirmed: active ? !this.runningUnconfirmed : this.runningUnconfirmed,
          active,
          permanent: !active && this.pending === 'perm',
        },
      ];
    });
    return { images, splitStatus: 0 };
  }

  private stateWrite(body: Body): Body {
    if (this.options.bootloader !== 'swap') return { rc: 8 };
    const confirm = body.confirm === true;
    const hash = body.hash instanceof Uint8Array ? Buffer.from(body.hash) : null;
    const slot = hash ? this.slots.findIndex((s) => s?.hash.equals(hash)) : this.active;
    if (slot < 0) return { err: { group: 1, rc: 8 } };
    if (slot === this.active) {
      if (!confirm) return { err: { group: 1, rc: 33 } };
      this.runningUnconfirmed = false; // confirming the already-confirmed running image changes nothing
    } else {
      this.pending = confirm ? 'perm' : 'test';
    }
    return this.list();
  }

  private uploadChunk(body: Body): Body {
    const off = body.off as number;
    const data = Buffer.from(body.data as Uint8Array);
    if (off === 0) this.upload = { len: body.len as number, data: Buffer.alloc(0), off: 0 };
    if (!this.upload || off !== this.upload.off) return { off: this.upload?.off ?? 0 };
    this.upload.data = Buffer.concat([this.upload.data, data]);
    this.upload.off += data.length;
    if (this.upload.off >= this.upload.len) {
      this.slots[this.uploadSlot()] = slotImage(this.upload.data);
      this.upload = null;
      return { off: off + data.length };
    }
    return { off: this.upload.off };
  }

  /** The link drops, the bootloader decides what runs, the board is back at once. */
  private reset(): void {
    this.resets++;
    this.transport?.drop('the board reset');
    if (this.options.bootloader === 'ram-load') {
      const other = this.active === 0 ? 1 : 0;
      if (this.slots[other] && newer(this.slots[other]!.version, this.running.version)) this.active = other;
      return;
    }
    if (this.options.bootloader === 'swap') {
      if (this.runningUnconfirmed && this.slots[1]) {
        this.slots = [this.slots[1], this.slots[0]];
        this.runningUnconfirmed = false;
      } else if (this.pending && this.slots[1]) {
        this.runningUnconfirmed = this.pending === 'test';
        this.slots = [this.slots[1], this.slots[0]];
        this.pending = null;
      }
    }
  }
}

class FakeTransport implements SmpTransport {
  readonly kind = 'serial' as const;
  readonly label = 'serial /dev/fake, 115200 baud';
  readonly defaultMaxPacket = 256;
  readonly attMtu = null;
  connected = true;
  private readonly packetListeners = new Set<(packet: Buffer) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private readonly board: FakeMcubootBoard;

  constructor(board: FakeMcubootBoard) {
    this.board = board;
  }

  async send(packet: Buffer): Promise<void> {
    if (!this.connected) throw new Error('the port is closed');
    const { header, body } = decodeSmpPacket(packet);
    const map = this.board.answer(header.op, header.group, header.id, decode(body) as Body);
    const answer = encodeSmpPacket(
      {
        op: (header.op + 1) as 1 | 3,
        version: header.version,
        flags: 0,
        group: header.group,
        sequence: header.sequence,
        id: header.id,
      },
      encode(map),
    );
    setImmediate(() => {
      if (this.connected) for (const listener of this.packetListeners) listener(answer);
    });
  }

  onPacket(listener: (packet: Buffer) => void): () => void {
    this.packetListeners.add(listener);
    return () => this.packetListeners.delete(listener);
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  drop(reason: string): void {
    if (!this.connected) return;
    this.connected = false;
    for (const listener of this.closeListeners) listener(reason);
  }

  async close(): Promise<void> {
    this.connected = false;
  }
}
