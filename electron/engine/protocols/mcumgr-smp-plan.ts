// The VALIDATE step of an MCUmgr push (ble-protocols.md §1.10): compare the MCUboot image with the
// device's image list before sending a byte. Already active and confirmed → nothing to do; running
// as an unconfirmed test → only confirm it; already in slot 1 → skip the upload; slot 1 taken by
// another pending image → the device would refuse (NO_FREE_SLOT), so say how to free it.
import type { ImageInfo, PreflightCheck, SmpBootMode, SmpImageSlot } from '../../../shared/domain.ts';
import { check } from './preflight-check.ts';
import {
  bootloaderCheck,
  newestWinsVersionCheck,
  nonSwapUploadReason,
  SKIP_UPLOAD_THEN_RESET_REASON,
  UPLOAD_THEN_RESET_REASON,
  ramLoadImageCheck,
} from './mcumgr-boot-mode-plan.ts';
import { withArticle } from '../format.ts';
import type { McubootImage } from '../images/mcuboot.ts';
import type { ImageSlotState } from '../smp/smp-messages.ts';
import type { SmpLink } from '../smp/smp-session.ts';
import { minimumSmpPacket, planFirstChunk } from '../smp/upload-chunks.ts';

/** What the job does after validation. */
export type SmpAction = 'upload' | 'skip-upload' | 'confirm-running' | 'nothing';

export interface SmpPlanInput {
  /** The checked image (a file that is not one is refused by notMcubootChecks, before connecting). */
  image: McubootImage;
  slots: ImageSlotState[];
  /** For the link check: what the session negotiated. */
  link: SmpLink;
  /**
   * What the bootloader can do (SmpSession.readBootMode): adds the "Bootloader" check; without state
   * writes the push is upload then reset, and no confirm of a running image is promised. Absent: swap.
   */
  bootMode?: SmpBootMode | null;
}

export interface SmpPlanResult {
  action: SmpAction;
  checks: PreflightCheck[];
  /** What the push will do, in one sentence (PushPlan.reason). */
  reason: string;
  /** False: no test or confirm step (upload, then reset); the commit mode does not apply. */
  stateWrites: boolean;
  bootMode: SmpBootMode | null;
}

const REASONS: Record<SmpAction, string> = {
  upload: 'Uploads to slot 1; MCUboot swaps it into slot 0 at the reset.',
  'skip-upload': 'Slot 1 already holds it: no upload, only the test or confirm and the reset.',
  'confirm-running': 'It already runs as an unconfirmed test: OTA Bench only confirms it.',
  nothing: 'It already runs, confirmed: pushing sends nothing and ends at once.',
};

function reasonFor(action: SmpAction, bootMode: SmpBootMode | null): string {
  const stateWrites = bootMode?.stateWrites ?? true;
  if (stateWrites) return (action === 'upload' ? nonSwapUploadReason(bootMode) : null) ?? REASONS[action];
  if (action === 'upload') return UPLOAD_THEN_RESET_REASON;
  if (action === 'skip-upload') return SKIP_UPLOAD_THEN_RESET_REASON;
  return 'It already runs: pushing sends nothing and ends at once.';
}

const short = (hash: string | null): string => (hash ? `${hash.slice(0, 8)}…` : 'no hash');

export function toSmpImageSlots(slots: ImageSlotState[]): SmpImageSlot[] {
  return slots.map((s) => ({
    image: s.image,
    slot: s.slot,
    version: s.version ?? '?',
    hash: s.hash ?? '',
    bootable: s.bootable,
    pending: s.pending,
    confirmed: s.confirmed,
    active: s.active,
    permanent: s.permanent,
  }));
}

export function describeSlot(s: ImageSlotState): string {
  const flags = (['active', 'confirmed', 'pending', 'permanent'] as const).filter((f) => s[f]);
  return `${s.version ?? 'unknown version'} (${short(s.hash)}${flags.length ? `, ${flags.join(', ')}` : ''})`;
}

/** The one check for a file that is no usable MCUboot image: the inspector's sentence, or what it is instead. */
export function notMcubootChecks(info: ImageInfo): PreflightCheck[] {
  const why =
    info.problem ??
    `${info.fileName} is ${withArticle(info.formatLabel)}, not an MCUboot image: MCUmgr devices only take images signed with imgtool (or west sign).`;
  return [check('format', 'MCUboot image', 'fail', why)];
}

/** The image running now: the active entry of image 0 (slot 0 when the device flags none). */
export function activeSlot(slots: ImageSlotState[]): ImageSlotState | null {
  const primary = slots.filter((s) => s.image === 0);
  return primary.find((s) => s.active) ?? primary.find((s) => s.slot === 0) ?? null;
}

export function planSmpPush({ image, slots, link, bootMode = null }: SmpPlanInput): SmpPlanResult {
  const checks: PreflightCheck[] = [];
  const stateWrites = bootMode?.stateWrites ?? true;
  const result = (action: SmpAction): SmpPlanResult => ({
    action,
    checks,
    reason: reasonFor(action, bootMode),
    stateWrites,
    bootMode,
  });
  checks.push(
    check(
      'format',
      'MCUboot image',
      'pass',
      `Version ${image.version}, ${image.imageSize.toLocaleString('en-US')} bytes${image.encrypted ? ', encrypted' : ''}.`,
    ),
  );
  checks.push(
    check(
      'hash',
      'SHA-256 TLV',
      image.hashVerified ? 'pass' : 'warn',
      image.hashVerified
        ? `Matches the image (${short(image.hashHex)}).`
        : `Not checked (${short(image.hashHex)}): the payload is encrypted; the device's MCUboot checks it after decrypting.`,
    ),
  );

  if (bootMode) checks.push(bootloaderCheck(bootMode));
  // (Partial images in older tests carry no header.)
  const ramLoad = image.header ? ramLoadImageCheck(bootMode, image.header) : null;
  if (ramLoad) checks.push(ramLoad);

  const active = activeSlot(slots);
  // Where uploads go: the image-0 slot that does not run (slot 1 under swap; in RAM-load and direct-XIP
  // modes slot 0 once slot 1 runs).
  const secondary = slots.find((s) => s.image === 0 && !s.active && s !== active) ?? null;
  const otherSlot = secondary?.slot ?? (active?.slot === 1 ? 0 : 1);
  const linkDetail = link.bufSize
    ? `MCUmgr buffers ${link.bufSize} B × ${link.bufCount}: packets of ${link.maxPacket} B, ${link.window} in flight${link.attMtu ? `, ATT MTU ${link.attMtu}` : ''}.`
    : link.transport === 'ble'
      ? `The device does not report MCUmgr buffers: one ${link.maxPacket}-byte packet per write${link.attMtu ? ` (ATT MTU ${link.attMtu})` : ''}, one request at a time.`
      : `The device does not report MCUmgr buffers: packets of ${link.maxPacket} B (a size every Zephyr and MCUboot build takes over ${link.transport === 'udp' ? 'UDP' : 'a serial port'}), one request at a time.`;

  if (active?.hash === image.hashHex) {
    checks.push(
      check(
        'running',
        'Already running',
        'pass',
        !stateWrites
          ? `The device already runs this image (${describeSlot(active)}): there is nothing to push (its bootloader has no confirm step).`
          : active.confirmed
            ? `The device already runs this image (${describeSlot(active)}): there is nothing to push.`
            : `The device runs this image as an unconfirmed test (${describeSlot(active)}): OTA Bench only confirms it.`,
      ),
    );
    checks.push(check('link', linkLabel(link), 'pass', linkDetail));
    return result(active.confirmed || !stateWrites ? 'nothing' : 'confirm-running');
  }
  checks.push(
    check(
      'running',
      'Running now',
      'pass',
      active ? `Slot ${active.slot}: ${describeSlot(active)}.` : 'The device lists no active image.',
    ),
  );
  const newestWins = bootMode
    ? newestWinsVersionCheck(bootMode, image.smpVersion, active?.version ?? null, compareVersions)
    : null;
  if (newestWins) checks.push(newestWins);
  else if (active?.version && compareVersions(image.smpVersion, active.version) < 0) {
    checks.push(
      check(
        'version',
        'Version',
        'warn',
        `${image.version} is older than the running ${active.version}: a device built with downgrade prevention refuses it after the reset.`,
      ),
    );
  }
  let action: SmpAction = 'upload';
  const slotLabel = `Slot ${otherSlot}`;
  if (secondary?.hash === image.hashHex) {
    action = 'skip-upload';
    checks.push(
      check(
        'slot1',
        slotLabel,
        'pass',
        `${slotLabel} already holds this image (${describeSlot(secondary)}): the upload is skipped.`,
      ),
    );
  } else if (secondary && (secondary.pending || secondary.permanent)) {
    checks.push(check('slot1', slotLabel, 'fail', slotTakenWords(describeSlot(secondary))));
  } else {
    checks.push(
      check(
        'slot1',
        slotLabel,
        'pass',
        secondary ? `${slotLabel} holds ${describeSlot(secondary)}; the upload replaces it.` : `${slotLabel} is empty.`,
      ),
    );
  }
  checks.push(
    action === 'upload'
      ? uploadLinkCheck(image.imageSize, link, linkDetail)
      : check('link', linkLabel(link), 'pass', linkDetail),
  );
  return result(action);
}

/**
 * Whether the first upload request fits one packet of this link (§1.7): it must carry the 32-byte
 * MCUboot header beside len, off and the file's SHA-256. On a device without MCUmgr params at a
 * small ATT MTU (Zephyr's default is 65) the sha is trimmed or left out, which costs resume or the
 * final check; below that no upload is possible, and the plan says so before connecting again.
 */
export function uploadLinkCheck(imageSize: number, link: SmpLink, linkDetail: string): PreflightCheck {
  const first = planFirstChunk(imageSize, link.maxPacket);
  const packet = packetWords(link);
  if (!first)
    return check(
      'link',
      linkLabel(link),
      'fail',
      linkTooSmallWords(packet, minimumSmpPacket(imageSize), Boolean(link.bufSize) || link.transport !== 'ble'),
    );
  if (first.shaBytes === 32) return check('link', linkLabel(link), 'pass', linkDetail);
  const consequence =
    first.shaBytes > 0
      ? `carries only ${first.shaBytes} of the 32 bytes of the file's SHA-256: a dropped link still resumes, but the device cannot check the whole file against it at the end`
      : 'carries no SHA-256 of the file: a dropped link restarts the upload from byte 0 (no resume), and the device cannot check the whole file at the end';
  const why = `The first upload request must hold the 32-byte MCUboot header, so in a ${packet} it ${consequence}.`;
  return check(
    'link',
    linkLabel(link),
    'warn',
    `${linkDetail} ${why} MCUboot still checks the image's own hash before booting it.`,
  );
}

function slotTakenWords(slot: string): string {
  return (
    `Slot 1 holds ${slot}, marked to boot at the next reset, so the device refuses a new upload (NO_FREE_SLOT). ` +
    'Reset the device to boot it (or let it revert), then push again.'
  );
}

/** The link check's label: which link carries the packets. */
function linkLabel(link: SmpLink): string {
  return link.transport === 'serial' ? 'Serial link' : link.transport === 'udp' ? 'UDP link' : 'BLE link';
}

/** "MCUmgr buffer of 2475 B" or "244-byte SMP packet (ATT MTU 247 − 3; …)". */
function packetWords(link: SmpLink): string {
  if (link.bufSize) return `MCUmgr buffer of ${link.maxPacket} B`;
  const mtu = link.attMtu ? ` (ATT MTU ${link.attMtu} − 3; the device does not report MCUmgr params)` : '';
  return `${link.maxPacket}-byte SMP packet${mtu}`;
}

function linkTooSmallWords(packet: string, minimum: number, hasMcumgrBuffer: boolean): string {
  return (
    `A ${packet} cannot carry the first upload request, which must hold the 32-byte MCUboot header with its fields: ` +
    `that takes at least ${minimum} bytes${hasMcumgrBuffer ? '' : ` (an ATT MTU of ${minimum + 3})`}. Build the device ` +
    'with a larger MTU (CONFIG_BT_L2CAP_TX_MTU, CONFIG_BT_BUF_ACL_RX_SIZE) or with CONFIG_MCUMGR_GRP_OS_MCUMGR_PARAMS and SMP reassembly.'
  );
}

/** `1.2.3(.4)` comparison on major.minor.revision, as MCUmgr's `upgrade` check does by default: <0, 0, >0. */
function compareVersions(candidate: string, running: string): number {
  const parts = (v: string) =>
    v
      .split(/[.+]/)
      .slice(0, 3)
      .map((n) => Number.parseInt(n, 10) || 0);
  const [a, b] = [parts(candidate), parts(running)];
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}
