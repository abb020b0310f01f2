// Which boards are ticked for a fleet push, as pure rules (no React): a tick, a shift-click range,
// "select all that can take this file" and "only those not already on <version>". The single push
// panel's board (a click on the row) is a different thing and is not kept here.
import type { Device, ImageInfo } from '../../../../shared/domain.ts';

export type Selection = ReadonlySet<string>;

export const NO_SELECTION: Selection = new Set();

/** Images a fleet run can send, as the list needs them. */
export type OfferedImage = Pick<ImageInfo, 'imageId' | 'fileName' | 'version' | 'pushableWith' | 'problem'>;

/**
 * The image a board would get: the first offered one its protocol takes (the engine's plan decides
 * for good; this is the preview the form and the selection bar show). Null when none fits.
 */
export function imageFor(device: Device, images: readonly OfferedImage[]): OfferedImage | null {
  if (!device.pushSupported) return null;
  return images.find((image) => !image.problem && image.pushableWith.includes(device.protocol)) ?? null;
}

/** A plain tick: on if it was off, off if it was on. */
export function toggle(selection: Selection, deviceId: string): Selection {
  const next = new Set(selection);
  if (next.has(deviceId)) next.delete(deviceId);
  else next.add(deviceId);
  return next;
}

/**
 * Shift-click: every row between the last ticked one (`anchor`) and this one, in the order shown,
 * takes the state this row takes. Without an anchor still shown it is a plain tick.
 */
export function toggleRange(
  selection: Selection,
  order: readonly string[],
  anchor: string | null,
  deviceId: string,
): Selection {
  const from = anchor === null ? -1 : order.indexOf(anchor);
  const to = order.indexOf(deviceId);
  if (from === -1 || to === -1) return toggle(selection, deviceId);
  const turnOn = !selection.has(deviceId);
  const next = new Set(selection);
  for (const id of order.slice(Math.min(from, to), Math.max(from, to) + 1)) {
    if (turnOn) next.add(id);
    else next.delete(id);
  }
  return next;
}

/** "Select all that can take this file": every listed board one of the images fits, offline ones too. */
export function selectFitting(devices: readonly Device[], images: readonly OfferedImage[]): Selection {
  return new Set(devices.filter((device) => imageFor(device, images) !== null).map((device) => device.id));
}

/**
 * "Only those not already on <version>": drops the ticked boards that report (their own words, the
 * version the device announces) the version of the image they would get. Boards that report no
 * version stay: nothing says they are up to date.
 */
export function dropUpToDate(
  selection: Selection,
  devices: readonly Device[],
  images: readonly OfferedImage[],
): Selection {
  const next = new Set(selection);
  for (const device of devices) {
    if (!next.has(device.id)) continue;
    const version = imageFor(device, images)?.version;
    if (version && device.firmwareVersion === version) next.delete(device.id);
  }
  return next;
}

/** The ticked boards still listed, in the list's order (a board that vanished is not pushed to). */
export function selectedDevices(selection: Selection, devices: readonly Device[]): Device[] {
  return devices.filter((device) => selection.has(device.id));
}

/** How many ticked boards already report the version they would get (what the button would drop). */
export function countUpToDate(
  selection: Selection,
  devices: readonly Device[],
  images: readonly OfferedImage[],
): number {
  return selection.size - dropUpToDate(selection, devices, images).size;
}
