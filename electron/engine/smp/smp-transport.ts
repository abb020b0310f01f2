// One SMP link, whatever carries it: a BLE GATT characteristic (ble/smp-gatt-transport.ts), a serial
// port speaking MCUmgr's console framing (smp/serial-transport.ts over smp/console-framing.ts), or UDP
// datagrams to port 1337 (smp/udp-transport.ts). The SMP client (smp/smp-client.ts) sends and receives
// whole SMP packets (8-byte header + CBOR body) through this interface and never knows which it is:
// fragmenting into ATT writes, base64 lines with a CRC, or one datagram per packet is the transport's job,
// and so is putting answers back together (ble: SmpReassembler; serial: the frame decoder; UDP: one
// datagram is one packet).

/** How the SMP packets travel: also picks the defaults when the board does not report MCUmgr params. */
export type SmpTransportKind = 'ble' | 'serial' | 'udp';

export interface SmpTransport {
  readonly kind: SmpTransportKind;
  /** The link in a few words for logs and the job card: "serial /dev/ttyACM0, 115200 baud", "UDP 10.0.0.7:1337". */
  readonly label: string;
  /**
   * Largest SMP packet (header included) to send when the board does not answer the MCUmgr params
   * request: BLE ATT MTU − 3; serial and UDP a size every Zephyr/MCUboot build takes by default.
   */
  readonly defaultMaxPacket: number;
  /** BLE only: the negotiated ATT MTU (null elsewhere, or when the radio does not report it). */
  readonly attMtu: number | null;
  /** False once the link is down (cable pulled, disconnect, socket closed, close()). */
  readonly connected: boolean;
  /**
   * Sends one whole SMP packet: the transport frames, fragments or wraps it, and never interleaves
   * the pieces of two packets. Rejects (Error with a sentence) when the link is down or the write fails.
   */
  send(packet: Buffer): Promise<void>;
  /**
   * Every whole SMP packet that arrives, already reassembled / de-framed / CRC-checked. Bytes that are
   * not SMP (a serial console's log lines, a corrupt frame) never reach the listener. Returns unsubscribe.
   */
  onPacket(listener: (packet: Buffer) => void): () => void;
  /** The link went down by itself (not by close()): once, with the reason in words. Returns unsubscribe. */
  onClose(listener: (reason: string) => void): () => void;
  /**
   * Optional: forgets bytes held back for an unfinished packet. The client calls it when a request timed
   * out and nothing else waits for an answer, so a packet that announced more than it carried cannot
   * swallow every later answer (BLE reassembly needs it; a CRC-checked or datagram link may omit it).
   */
  discardPartial?(): void;
  /**
   * Optional: how many times SmpClient.request may send a request again, unchanged, after it timed out
   * (UDP loses datagrams: reads and echo 2, udp-transport.ts). Only idempotent requests may get more
   * than 0: a state write, reset or erase whose answer was lost may have worked. Absent = 0.
   */
  resendsOnTimeout?(request: { op: number; group: number; id: number }): number;
  /** Closes the link (idempotent); pending sends reject. */
  close(): Promise<void>;
}

/**
 * Opens a fresh transport to the same board each time it is called (after a reset the board comes back
 * as a new link: a reconnect over BLE, the port reopened over serial, a new socket over UDP). Waits up
 * to `timeoutMs` for the board to be there (a serial port that is re-enumerating, a board advertising
 * again); rejects with an UpdateError sentence otherwise.
 */
export type SmpConnector = (options: { timeoutMs: number; signal?: AbortSignal }) => Promise<SmpTransport>;
