// Shared by the bench parts: wait until a (re)started simulated board answers HTTP again.
import { httpRequest } from '../../electron/engine/net/http-client.ts';

export async function waitUp(address: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      await httpRequest({ host: address, port: 80 }, { path: '/update', timeoutMs: 500 });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`board at ${address} did not come back`);
}
