// Wraps a fake board's connector (fake-mcuboot-board.ts) so a test decides the fate of each request: the
// request itself lost (the board never sees it), its answer lost (the board acted; a UDP datagram dropped,
// a serial line garbled), or delivered. `kind` makes the link look like UDP (no link drops on reset) or BLE.
import { decode } from 'cborg';
import { decodeSmpPacket } from '../../../../electron/engine/smp/smp-frame.ts';
import type { SmpConnector, SmpTransport, SmpTransportKind } from '../../../../electron/engine/smp/smp-transport.ts';
import { udpResendsOnTimeout } from '../../../../electron/engine/smp/udp-transport.ts';

export type Fate = 'deliver' | 'lose-request' | 'lose-answer';

export interface SeenRequest {
  /** "write 1/0", "read 0/6"... */
  key: string;
  body: Record<string, unknown>;
  /** How many requests with this key came before on any link. */
  nth: number;
}

export function lossyConnector(
  inner: SmpConnector,
  fate: (request: SeenRequest) => Fate,
  kind: SmpTransportKind = 'serial',
): SmpConnector {
  const counts = new Map<string, number>();
  return async (options) => {
    const link = await inner(options);
    const lostAnswers = new Set<number>();
    const wrapped: SmpTransport = {
      kind,
      label: `${kind} lossy test link`,
      defaultMaxPacket: link.defaultMaxPacket,
      attMtu: link.attMtu,
      get connected() {
        return link.connected;
      },
      async send(packet) {
        const { header, body } = decodeSmpPacket(packet);
        const key = `${header.op === 2 ? 'write' : 'read'} ${header.group}/${header.id}`;
        const nth = counts.get(key) ?? 0;
        counts.set(key, nth + 1);
        const verdict = fate({ key, body: decode(body) as Record<string, unknown>, nth });
        if (verdict === 'lose-request') return;
        if (verdict === 'lose-answer') lostAnswers.add(header.sequence);
        await link.send(packet);
      },
      onPacket(listener) {
        return link.onPacket((packet) => {
          if (!lostAnswers.delete(decodeSmpPacket(packet).header.sequence)) listener(packet);
        });
      },
      onClose: (listener) => link.onClose(listener),
      // As the real UDP transport: reads re-sent after a timeout, writes never.
      ...(kind === 'udp' ? { resendsOnTimeout: udpResendsOnTimeout } : {}),
      close: () => link.close(),
    };
    return wrapped;
  };
}
