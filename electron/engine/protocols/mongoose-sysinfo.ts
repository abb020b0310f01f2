// What Mongoose OS says in Sys.GetInfo, parsed: its own file so the protocol (mongoose-os.ts), its
// recogniser (recognise.ts) and the probe read it without importing each other.
import { z } from 'zod';
import type { FirmwareInfo } from './update-protocol.ts';

const sysInfoSchema = z.looseObject({
  id: z.string().optional(),
  app: z.string().optional(),
  fw_version: z.string().optional(),
  fw_id: z.string().optional(),
  arch: z.string().optional(),
  mac: z.string().optional(),
  uptime: z.number().optional(),
});

/** Sys.GetInfo's answer as text (the probe reads it raw, to see a 401 for what it is). */
export function parseSysInfo(body: string): FirmwareInfo | null {
  try {
    return sysInfoFrom(JSON.parse(body));
  } catch {
    return null;
  }
}

export function sysInfoFrom(raw: unknown): FirmwareInfo | null {
  const parsed = sysInfoSchema.safeParse(raw);
  if (!parsed.success) return null;
  const info = parsed.data;
  return {
    version: info.fw_version ?? null,
    firmwareId: info.fw_id ?? null,
    uptimeSeconds: info.uptime ?? null,
    identity: info.id ?? null,
    arch: info.arch ?? null,
    app: info.app ?? null,
    mac: info.mac ?? null,
  };
}
