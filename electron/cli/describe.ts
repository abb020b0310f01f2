// Human-readable blocks the CLI prints for images, push plans and user1/user2 slots.
import type { FlashSlots, ImageInfo, PushPlan } from '../../shared/domain.ts';
import { formatBytes } from '../engine/format.ts';
import type { Output } from './output.ts';

const MARKS = { pass: '✔', warn: '⚠', fail: '✖' } as const;

/** `shown`: warnings the enclosing pair already printed, not repeated for each member. */
export function printImage(out: Output, image: ImageInfo, indent = '', shown = new Set<string>()): void {
  const width = Math.max(12, ...image.facts.map((f) => f.label.length));
  const row = (label: string, value: string) => out.line(`${indent}  ${label.padEnd(width)} ${value}`);
  out.line(`${indent}${image.fileName}`);
  row('format', image.formatLabel);
  row('size', `${formatBytes(image.size)} (${image.size} bytes)`);
  row('sha256', image.sha256);
  for (const fact of image.facts) row(fact.label, fact.value);
  if (image.slotEvidence) row('slot evidence', image.slotEvidence.summary);
  for (const warning of image.warnings) if (!shown.has(warning)) out.line(`${indent}  ⚠ ${warning}`);
  if (image.problem) out.line(`${indent}  ✖ ${image.problem}`);
  for (const member of image.members ?? []) printImage(out, member, `${indent}  `, new Set(image.warnings));
}

export function slotsLine(slots: FlashSlots): string {
  const slot = (n: 1 | 2 | null) => (n ? `user${n}.bin (slot ${n})` : 'unknown');
  return `  runs ${slot(slots.runningSlot)}, writes ${slot(slots.nextSlot)} next; flash ${slots.flashMap ?? 'unknown'}${slots.slotRoom ? `, ${slots.slotRoom.toLocaleString('en-US')} bytes per slot` : ''}`;
}

export function printPlan(out: Output, plan: PushPlan): void {
  out.event('plan', plan);
  if (plan.slots) out.line(`Slots:${slotsLine(plan.slots).slice(1)}`);
  if (plan.reason) out.line(plan.reason);
  for (const check of plan.checks) out.line(`  ${MARKS[check.status]} ${check.label}: ${check.detail}`);
}
