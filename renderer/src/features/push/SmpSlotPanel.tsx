// MCUmgr/SMP devices: the MCUboot image slots the device lists (version, hash, flags), what the next
// reset will do, and every pre-flight check of the file against them — all before a byte is sent.
import { useState } from 'react';
import type { SmpImageSlot } from '../../../../shared/domain.ts';
import { PlanChecks } from './PlanChecks.tsx';
import { PlanPanelHeader } from './PlanPanelHeader.tsx';
import { nextBootNote, shortImageHash, SLOT_FLAG_MEANINGS, slotFlags, slotName, sortSlots } from './smp.ts';
import type { PushPlanState } from './usePushPlan.ts';

interface SmpSlotPanelProps {
  planning: PushPlanState;
  /** A file is chosen: without one there is only the device's side to show. */
  hasImage: boolean;
  deviceName: string;
}

export function SmpSlotPanel({ planning, hasImage, deviceName }: SmpSlotPanelProps) {
  const { plan, imageSlots, checking, error } = planning;
  const note = imageSlots ? nextBootNote(imageSlots) : null;
  return (
    <section className="slot-panel" aria-label="Image slots" data-testid="smp-slot-panel" data-checking={checking}>
      <PlanPanelHeader title="Image slots" status={checking && imageSlots ? 'reading the image list again…' : ''} planning={planning} />
      {imageSlots && imageSlots.length > 0 && <SlotTable slots={imageSlots} />}
      {imageSlots && imageSlots.length === 0 && (
        <p className="hint" data-testid="smp-slots-empty">
          {deviceName} lists no images (an empty image list: MCUboot only lists slots that hold a valid image).
        </p>
      )}
      {!imageSlots && !error && <p className="hint">Connecting to {deviceName} to read its image list…</p>}
      {note && (
        <p className="hint smp-next-boot" data-testid="smp-next-boot">
          {note}
        </p>
      )}
      {plan?.reason && (
        <p className="smp-plan-reason" data-testid="plan-reason">
          {plan.reason}
        </p>
      )}
      {!hasImage && imageSlots && (
        <p className="hint">Choose a signed MCUboot image (e.g. zephyr.signed.bin): it goes to the secondary slot.</p>
      )}
      {plan && plan.checks.length > 0 && <PlanChecks checks={plan.checks} explainedBelow={plan.message} />}
    </section>
  );
}

function SlotTable({ slots }: { slots: SmpImageSlot[] }) {
  const multiImage = slots.some((slot) => slot.image > 0);
  return (
    <table className="smp-slots" data-testid="smp-slots">
      <thead>
        <tr>
          <th scope="col">Slot</th>
          <th scope="col">Version</th>
          <th scope="col">Hash</th>
          <th scope="col">Flags</th>
        </tr>
      </thead>
      <tbody>
        {sortSlots(slots).map((slot) => {
          const flags = slotFlags(slot);
          return (
            <tr
              key={`${slot.image}-${slot.slot}`}
              data-testid="smp-slot"
              data-image={slot.image}
              data-slot={slot.slot}
              data-version={slot.version}
              data-flags={flags.join(' ')}
              data-active={slot.active}
            >
              <th scope="row" className="smp-slots__name">
                {slotName(slot, multiImage)}
              </th>
              <td className="mono strong" data-testid="smp-slot-version">
                {slot.version}
              </td>
              <td>
                <HashCopy hash={slot.hash} />
              </td>
              <td>
                <span className="smp-flags">
                  {flags.length === 0 ? (
                    <span className="muted">—</span>
                  ) : (
                    flags.map((flag) => (
                      <span key={flag} className={`flag flag--${flag}`} data-testid="smp-flag" data-flag={flag} title={SLOT_FLAG_MEANINGS[flag]}>
                        {flag}
                      </span>
                    ))
                  )}
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The first 12 hex digits; the full SHA-256 on hover, copied on click. */
function HashCopy({ hash }: { hash: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard.writeText(hash).then(
      () => {
        setCopied(true);
        setTimeout(() => setCopied(false), 1500);
      },
      () => setCopied(false),
    );
  };
  return (
    <button
      type="button"
      className="hash-copy mono"
      data-testid="smp-slot-hash"
      data-hash={hash}
      title={`SHA-256 ${hash} (click to copy)`}
      onClick={copy}
    >
      {copied ? 'copied' : shortImageHash(hash)}
    </button>
  );
}
