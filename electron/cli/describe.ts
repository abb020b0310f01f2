// Human-readable blocks the CLI prints for images, push plans and user1/user2 slots.
import type { Device, FlashSlots, ImageInfo, PushPlan, SmpImageSlot } from '../../shared/domain.ts';
import { PROTOCOL_LABELS } from '../../shared/domain.ts';
import {
  formatBytes,
  formatEndpoint,
  formatExactBytes,
  formatRelativeTime,
  formatRssi,
  shortHash,
} from '../../shared/format.ts';
import type { Output } from './output.ts';

const MARKS = { pass: '✔', warn: '⚠', fail: '✖' } as const;

/** `shown`: warnings the enclosing pair already printed, not repeated for each member. */
export function printImage(out: Output, image: ImageInfo, indent = '', shown = new Set<string>()): void {
  const width = Math.max(12, ...image.facts.map((f) => f.label.length));
  const row = (label: string, value: string) => out.line(`${indent}  ${label.padEnd(width)} ${value}`);
  out.line(`${indent}${image.fileName}`);
  row('format', image.formatLabel);
  row('size', `${formatBytes(image.size)} (${formatExactBytes(image.size)})`);
  // Empty when the file was refused by its size before it was read.
  row('sha256', image.sha256 || 'not computed: the file was refused by its size');
  for (const fact of image.facts) row(fact.label, fact.value);
  if (image.slotEvidence) row('slot evidence', image.slotEvidence.summary);
  for (const warning of image.warnings) if (!shown.has(warning)) out.line(`${indent}  ⚠ ${warning}`);
  if (image.problem) out.line(`${indent}  ✖ ${image.problem}`);
  for (const member of image.members ?? []) printImage(out, member, `${indent}  `, new Set(image.warnings));
}

export function slotsLine(slots: FlashSlots): string {
  const slot = (n: 1 | 2 | null) => (n ? `user${n}.bin (slot ${n})` : 'unknown');
  const room = slots.slotRoom ? `, ${formatExactBytes(slots.slotRoom)} per slot` : '';
  return `  runs ${slot(slots.runningSlot)}, writes ${slot(slots.nextSlot)} next; flash ${slots.flashMap ?? 'unknown'}${room}`;
}

/** One row of `discover`: LAN boards by address and port, BLE devices by Bluetooth address and RSSI. */
export function deviceLine(d: Device): string {
  const signal = d.rssi !== null ? ` ${formatRssi(d.rssi)}` : '';
  const where =
    d.transport === 'ble'
      ? `BLE ${d.address ?? '?'}${signal}`
      : d.transport === 'serial'
        ? `${d.address ?? '?'} ${d.serial?.baudRate ?? ''}`.trim()
        : d.id.startsWith('udp:')
          ? `udp://${formatEndpoint(d.address, null, d.port)}`
          : formatEndpoint(d.address, d.hostname, d.port);
  const later = d.transport === 'ble' && !d.pushSupported ? ' (listed; pushing over it comes later)' : '';
  const password = d.authChallenge ? ` · needs a password (${d.authChallenge})` : '';
  const columns = `${d.name.padEnd(28)} ${where.padEnd(28)} ${PROTOCOL_LABELS[d.protocol].padEnd(34)}`;
  return `${d.online ? '●' : '○'} ${columns} ${d.firmwareVersion ?? '—'}  [${d.id}]${later}${password}${addressChangeNote(d)}`;
}

/** Another address claims to be this board and has not proved it (--json carries the whole sentence). */
function addressChangeNote(d: Device): string {
  const change = d.addressChange;
  if (!change) return '';
  const what = {
    checking: 'address changed, checking',
    unverified: 'address changed, not verified',
    'different-device': 'another device claims to be it',
  }[change.state];
  return ` · ${what}: ${change.address}`;
}

/** MCUboot slots as an SMP device lists them. */
export function printImageSlots(out: Output, slots: SmpImageSlot[]): void {
  if (slots.length === 0) out.line('  The device lists no images.');
  for (const s of slots) {
    const flags = (['bootable', 'pending', 'confirmed', 'active', 'permanent'] as const).filter((f) => s[f]);
    const image = s.image ? `image ${s.image} ` : '';
    out.line(`  ${image}slot ${s.slot}: ${s.version.padEnd(12)} ${shortHash(s.hash)}…  ${flags.join(' ') || '—'}`);
  }
}

export function printPlan(out: Output, plan: PushPlan): void {
  out.event('plan', plan);
  if (plan.slots) out.line(`Slots:${slotsLine(plan.slots).slice(1)}`);
  if (plan.imageSlots) printImageSlots(out, plan.imageSlots);
  if (plan.reason) out.line(plan.reason);
  for (const check of plan.checks) out.line(`  ${MARKS[check.status]} ${check.label}: ${check.detail}`);
}

/** After an offline row of `discover`: when the board was last heard (JSON has `online` and `lastSeen`). */
export function offlineNote(d: Device, now: number): string {
  if (d.online) return '';
  if (!d.lastSeen) return '  (offline)';
  return `  (offline, last seen ${formatRelativeTime(d.lastSeen, now)})`;
}
