// The push request's otaListenPort: the port an ArduinoOTA board connects back to, which the user
// opens in a host firewall. Only whole, unprivileged TCP ports: OTA Bench listens without root.
import { describe, expect, it } from 'vitest';
import { pushRequestSchema } from '../../../shared/request-schemas.ts';
import { pushCommandSchema } from '../../../shared/contract.ts';

const base = { deviceId: 'id:board', imageId: 'image-1', commitPolicy: 'auto', commitTimeoutSeconds: 300 };
const takes = (otaListenPort: unknown) => pushRequestSchema.safeParse({ ...base, otaListenPort }).success;

describe('otaListenPort in a push request', () => {
  it('is optional: without it the engine picks (OTA_BENCH_OTA_PORT, else a free port)', () => {
    expect(pushRequestSchema.safeParse(base).success).toBe(true);
  });

  it.each([1024, 47124, 65535])('takes %d', (port) => {
    expect(takes(port)).toBe(true);
  });

  it.each([80, 1023, 0, -1, 65536, 70000, 1.5, '47124', null])('refuses %s', (port) => {
    expect(takes(port)).toBe(false);
  });

  it('reaches the IPC push command too (the page sends it with the push)', () => {
    expect(pushCommandSchema.safeParse({ ...base, otaListenPort: 47124 }).success).toBe(true);
    expect(pushCommandSchema.safeParse({ ...base, otaListenPort: 80 }).success).toBe(false);
  });
});
