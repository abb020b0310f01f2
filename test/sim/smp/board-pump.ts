// What the UDP and serial simulated boards share between their transport and the SMP server: the
// request queue (one request at a time, in order, at most buf_count held, like Zephyr's SMP work queue),
// the silent drop of requests larger than buf_size (the real builds never answer those), and the
// faults a test turns on at will.
import { SmpServer, realClock, type SmpServerOptions } from './smp-server.ts';

/** Faults on demand; change them at any time (board.faults.dropEveryNth = 3). */
export interface SmpBoardFaults {
  /** Ignore every Nth request (0 = off): a lost datagram / a garbled line. */
  dropEveryNth: number;
  /** Answer nothing at all (a hung board); requests are counted and dropped. */
  silent: boolean;
  /** Send every Nth answer twice (0 = off). */
  duplicateEveryNth: number;
  /** Hold every Nth answer back and send it after the next one (0 = off). */
  reorderEveryNth: number;
  /**
   * Lose the ANSWER to the requests this picks (the board acts on them: a state write is done, only the
   * datagram / line carrying its answer is lost). null = off. `request.packet` is the whole SMP packet.
   */
  loseAnswerTo: ((request: SmpRequestSeen) => boolean) | null;
}

/** A request as a fault sees it. */
export interface SmpRequestSeen {
  op: number;
  group: number;
  id: number;
  packet: Buffer;
}

export interface SmpBoardCounters {
  /** Whole requests that reached the board. */
  requests: number;
  answers: number;
  droppedByFault: number;
  /** Answers lost by `faults.loseAnswerTo` (the board acted). */
  answersLostByFault: number;
  droppedOversize: number;
  droppedNoBuffer: number;
  /** While powered off (resetting, booting). */
  droppedPoweredOff: number;
}

/** Board defaults: the simulated flash is quick so tests do not wait for it; options override. */
export const FAST_FLASH: Partial<SmpServerOptions> = {
  erasePageMs: 1,
  flashWriteBytesPerSec: 20_000_000,
  processingMs: 0,
  resetDelayMs: 100,
  bootMs: 300,
  swapMs: 600,
};

export class SmpBoardPump {
  readonly server: SmpServer;
  readonly faults: SmpBoardFaults = {
    dropEveryNth: 0,
    silent: false,
    duplicateEveryNth: 0,
    reorderEveryNth: 0,
    loseAnswerTo: null,
  };
  readonly counters: SmpBoardCounters = {
    requests: 0,
    answers: 0,
    droppedByFault: 0,
    answersLostByFault: 0,
    droppedOversize: 0,
    droppedNoBuffer: 0,
    droppedPoweredOff: 0,
  };
  private readonly queue: Array<{ packet: Buffer; reply: (answer: Buffer) => void }> = [];
  private busy = false;
  private heldBack: { answer: Buffer; reply: (answer: Buffer) => void } | null = null;

  constructor(options: SmpServerOptions) {
    this.server = new SmpServer({ ...FAST_FLASH, ...options }, realClock);
    this.server.onPowerOff = () => {
      this.queue.length = 0;
      this.heldBack = null;
    };
  }

  /**
   * One whole request packet from the transport; `reply` sends one whole answer back. `overhead`: bytes
   * the transport keeps beside the packet in the same buffer (serial: the frame's 2-byte length and
   * 2-byte CRC, so the real M0 with buf_size 384 drops a 381-byte packet and takes 380).
   */
  receive(packet: Buffer, reply: (answer: Buffer) => void, overhead = 0): void {
    this.counters.requests += 1;
    this.server.stats.bytesReceived += packet.length;
    if (!this.server.powered || this.server.dead) {
      this.counters.droppedPoweredOff += 1;
      return;
    }
    const nth = this.faults.dropEveryNth;
    if (this.faults.silent || (nth > 0 && this.counters.requests % nth === 0)) {
      this.counters.droppedByFault += 1;
      return;
    }
    if (packet.length + overhead > this.server.bufSize) {
      this.counters.droppedOversize += 1;
      this.server.stats.droppedOversize += 1;
      return;
    }
    if (this.queue.length + (this.busy ? 1 : 0) >= this.server.bufCount) {
      this.counters.droppedNoBuffer += 1;
      this.server.stats.droppedNoBuffer += 1;
      return;
    }
    this.queue.push({ packet, reply });
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length > 0) {
        const { packet, reply } = this.queue.shift()!;
        const answer = await this.server.answer(packet);
        if (!answer || !this.server.powered) continue;
        const seen = { op: packet[0]! & 0x07, group: packet.readUInt16BE(4), id: packet[7]!, packet };
        if (this.faults.loseAnswerTo?.(seen)) {
          this.counters.answersLostByFault += 1;
          continue;
        }
        this.send(answer, reply);
      }
    } finally {
      this.busy = false;
    }
  }

  private send(answer: Buffer, reply: (answer: Buffer) => void): void {
    this.counters.answers += 1;
    const { duplicateEveryNth: dup, reorderEveryNth: reorder } = this.faults;
    if (reorder > 0 && this.counters.answers % reorder === 0 && !this.heldBack) {
      this.heldBack = { answer, reply };
      // Released by the next answer, or after a moment when none follows (stop-and-wait clients).
      setTimeout(() => this.releaseHeldBack(), 30);
      return;
    }
    reply(answer);
    if (dup > 0 && this.counters.answers % dup === 0) reply(answer);
    this.releaseHeldBack();
  }

  private releaseHeldBack(): void {
    const held = this.heldBack;
    if (!held) return;
    this.heldBack = null;
    held.reply(held.answer);
  }

  /** Power-cycle now; the boot takes `bootMs` (default: the server's). */
  reboot(bootMs?: number): void {
    if (bootMs !== undefined) this.server.options.bootMs = bootMs;
    this.server.reboot();
  }
}
