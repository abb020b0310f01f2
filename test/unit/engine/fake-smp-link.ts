// A fake SmpTransport with a tiny MCUmgr board behind it (params, echo, image list), for the unit tests
// of the serial and UDP sides: no sockets, no ports. `silent` boards never answer; `writes` counts every
// packet sent, so a test can prove nothing was written to a port nobody allowed.
import { encode } from 'cborg';
import { decodeSmpPacket, encodeSmpPacket, type SmpOp } from '../../../electron/engine/smp/smp-frame.ts';
import type { SmpTransport } from '../../../electron/engine/smp/smp-transport.ts';

export interface FakeBoard {
  answers: boolean;
  bufSize: number | null;
  /** Every packet any link to this board carried. */
  writes: number;
  /** Drop this many requests before answering again (UDP loss). */
  drop: number;
}

export function fakeBoard(partial: Partial<FakeBoard> = {}): FakeBoard {
  return { answers: true, bufSize: 384, writes: 0, drop: 0, ...partial };
}

export class FakeSmpLink implements SmpTransport {
  readonly kind = 'serial' as const;
  readonly label: string;
  readonly defaultMaxPacket = 256;
  readonly attMtu = null;
  connected = true;
  private readonly packetListeners = new Set<(packet: Buffer) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  readonly board: FakeBoard;

  constructor(board: FakeBoard, label = 'fake') {
    this.board = board;
    this.label = label;
  }

  async send(packet: Buffer): Promise<void> {
    if (!this.connected) throw new Error('the link is down');
    this.board.writes += 1;
    if (!this.board.answers) return;
    if (this.board.drop > 0) {
      this.board.drop -= 1;
      return;
    }
    const request = decodeSmpPacket(packet);
    const { group, id, op, sequence, version } = request.header;
    let body: Record<string, unknown>;
    if (group === 0 && id === 6) body = this.board.bufSize ? { buf_size: this.board.bufSize, buf_count: 4 } : { rc: 8 };
    else if (group === 0 && id === 0) body = { r: 'ota-bench' };
    else if (group === 1 && id === 0)
      body = {
        images: [
          { slot: 0, version: '0.0.0', hash: Buffer.alloc(32, 1), bootable: true, confirmed: true, active: true },
        ],
      };
    else body = { rc: 8 };
    const answer = encodeSmpPacket({ op: (op + 1) as SmpOp, version, flags: 0, group, sequence, id }, encode(body));
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

  /** The cable was pulled. */
  drop(reason = 'the port went away'): void {
    if (!this.connected) return;
    this.connected = false;
    for (const listener of this.closeListeners) listener(reason);
  }

  async close(): Promise<void> {
    this.connected = false;
  }
}
