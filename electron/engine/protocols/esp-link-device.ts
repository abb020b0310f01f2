// Reading an esp-link board's slots and firmware (lan-protocols.md §1.1–1.2): /flash/next names
// the slot it will write, /system/info the running partition and flash map, /menu the version.
import { z } from 'zod';
import type { FlashSlots } from '../../../shared/domain.ts';
import { UpdateError, deviceWords } from '../update-error.ts';
import { type Target, describeTarget, httpRequest } from '../net/http-client.ts';
import { EMPTY_FIRMWARE_INFO, type FirmwareInfo } from './update-protocol.ts';

/** esp-link's FIRMWARE_SIZE: the Makefile's ESP_FLASH_MAX, 0x7B000 bytes per slot. */
export const ESP_LINK_SLOT_BYTES = 503_808;
type Slot = 1 | 2;
export const otherSlot = (slot: Slot): Slot => (slot === 1 ? 2 : 1);
const slotFromName = (name: string | undefined): Slot | null =>
  name === 'user1.bin' ? 1 : name === 'user2.bin' ? 2 : null;

const systemInfoSchema = z.looseObject({
  name: z.string().optional(),
  size: z.string().optional(),
  partition: z.string().optional(),
  // esp-link writes "reset cause" (with a space; cgiservices.c); some forks use reset_cause.
  'reset cause': z.string().optional(),
  reset_cause: z.string().optional(),
});
const menuSchema = z.looseObject({ version: z.string().optional(), name: z.string().optional() });

const get = (target: Target, path: string, signal?: AbortSignal, timeoutMs = 3000) =>
  httpRequest(target, { path, signal, timeoutMs, maxBodyBytes: 16 * 1024 });

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}

/** The slot the board will write next; null when it answers something else (not esp-link now). */
export async function readNextSlot(target: Target, signal?: AbortSignal): Promise<Slot | null> {
  const res = await get(target, '/flash/next', signal);
  if (res.status === 400 && /too small/i.test(res.body)) {
    throw new UpdateError(
      'unsupported-protocol',
      `${describeTarget(target)} cannot update over the air: its flash map has no second slot.`,
      deviceWords(res.body),
    );
  }
  return res.status === 200 ? slotFromName(res.body.trim()) : null;
}

async function readSystemInfo(target: Target, signal?: AbortSignal) {
  const res = await get(target, '/system/info', signal).catch(() => null);
  const parsed = res?.status === 200 ? systemInfoSchema.safeParse(parseJson(res.body)) : null;
  return parsed?.success ? parsed.data : null;
}

export async function readEspLinkSlots(target: Target, signal?: AbortSignal): Promise<FlashSlots> {
  const nextSlot = await readNextSlot(target, signal);
  if (nextSlot === null) {
    throw new UpdateError(
      'unsupported-protocol',
      `${describeTarget(target)} does not answer /flash/next like esp-link: it may run other firmware now.`,
    );
  }
  const info = await readSystemInfo(target, signal);
  return {
    // /system/info names the running partition; /flash/next always answers the other one.
    runningSlot: slotFromName(info?.partition) ?? otherSlot(nextSlot),
    nextSlot,
    flashMap: info?.size ?? null,
    slotRoom: ESP_LINK_SLOT_BYTES,
  };
}

export async function readEspLinkFirmware(target: Target, signal?: AbortSignal): Promise<FirmwareInfo | null> {
  // Requests one after the other: esp-link has six connection slots and its own web UI may use some.
  const next = await readNextSlot(target, signal);
  const menuRes = await get(target, '/menu', signal).catch(() => null);
  const menu = menuRes?.status === 200 ? menuSchema.safeParse(parseJson(menuRes.body)) : null;
  const version = menu?.success ? (menu.data.version ?? null) : null;
  return {
    ...EMPTY_FIRMWARE_INFO,
    version,
    identity: menu?.success ? (menu.data.name ?? null) : null,
    runningSlot: next === null ? null : otherSlot(next),
  };
}

/** What the board says about its last reset (`2=exception` after a crash), for a rollback's message. */
export async function readResetCause(target: Target, signal?: AbortSignal): Promise<string | null> {
  const info = await readSystemInfo(target, signal);
  return info?.['reset cause'] ?? info?.reset_cause ?? null;
}
