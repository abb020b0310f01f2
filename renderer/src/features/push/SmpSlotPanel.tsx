// MCUmgr/SMP devices: the MCUboot image slots the device lists (version, hash, flags), what the next
// reset will do, and every pre-flight check of the file against them — all before a byte is sent.
// Each slot has its actions (Test, Confirm, Erase slot 1) and the device a Reset, as in nRF Connect
// Device Manager; confirm and erase ask first, and the table is read again after each.
import { useState } from 'react';
import type { SmpImageSlot } from '../../../../shared/domain.ts';
import { PlanChecks } from './PlanChecks.tsx';
import { PlanPanelHeader } from './PlanPanelHeader.tsx';
import { nextBootNote, shortImageHash, SLOT_FLAG_MEANINGS, slotFlags, slotName, sortSlots } from './smp.ts';
import type { PushPlanState } from './usePushPlan.ts';
import { RESET_ACTION, slotActions } from './slot-actions.ts';
import { useSlotActions, type SlotActionsState } from './useSlotActions.ts';

interface SmpSlotPanelProps {
  planning: PushPlanState;
  /** A file is chosen: without one there is only the device's side to show. */
  hasImage: boolean;
  deviceName: string;
  deviceId: string;
  /** A push runs on the device: it holds the connection, so no slot action meanwhile. */
  busyWith: string | null;
}

/** One panel per device: a slot action's question and answer never show on another device. */
export function SmpSlotPanel(props: SmpSlotPanelProps) {
  return <SmpSlotPanelBody key={props.deviceId} {...props} />;
}

function SmpSlotPanelBody({ planning, hasImage, deviceName, deviceId, busyWith }: SmpSlotPanelProps) {
  const { plan, imageSlots, checking, error } = planning;
  const note = imageSlots ? nextBootNote(imageSlots) : null;
  const actions = useSlotActions(deviceId, planning.refresh);
  const blocked = busyWith ?? (actions.running ? `${actions.running.label}…` : checking ? 'reading the slots…' : null);
  return (
    <section className="slot-panel" aria-label="Image slots" data-testid="smp-slot-panel" data-checking={checking}>
      <PlanPanelHeader
        title="Image slots"
        status={checking && imageSlots ? 'reading the image list again…' : ''}
        planning={planning}
      />
      {imageSlots && imageSlots.length > 0 && <SlotTable slots={imageSlots} actions={actions} blocked={blocked} />}
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
      {imageSlots && <SlotActionBar actions={actions} blocked={blocked} deviceName={deviceName} />}
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

function SlotTable({
  slots,
  actions,
  blocked,
}: {
  slots: SmpImageSlot[];
  actions: SlotActionsState;
  blocked: string | null;
}) {
  const multiImage = slots.some((slot) => slot.image > 0);
  return (
    <table className="smp-slots" data-testid="smp-slots">
      <thead>
        <tr>
          <th scope="col">Slot</th>
          <th scope="col">Version</th>
          <th scope="col">Hash</th>
          <th scope="col">Flags</th>
          <th scope="col" aria-label="Actions" />
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
                      <span
                        key={flag}
                        className={`flag flag--${flag}`}
                        data-testid="smp-flag"
                        data-flag={flag}
                        title={SLOT_FLAG_MEANINGS[flag]}
                      >
                        {flag}
                      </span>
                    ))
                  )}
                </span>
              </td>
              <td className="smp-slot-actions">
                <div className="smp-slot-actions__stack">
                  {slotActions(slot, slots).map((action) => (
                    <button
                      key={action.action}
                      type="button"
                      className={`button button--small ${action.action === 'erase' ? 'button--danger' : 'button--ghost'}`}
                      data-testid={`smp-slot-${action.action}`}
                      disabled={blocked !== null}
                      title={blocked ?? undefined}
                      onClick={() => actions.choose(action)}
                    >
                      {action.label}
                    </button>
                  ))}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Reset, the question an irreversible action asks, and what the last action did. */
function SlotActionBar({
  actions,
  blocked,
  deviceName,
}: {
  actions: SlotActionsState;
  blocked: string | null;
  deviceName: string;
}) {
  const { asking, running, result, error } = actions;
  return (
    <div className="smp-actions" data-testid="smp-actions" data-running={running?.action ?? ''}>
      {asking ? (
        <div
          className="callout callout--warning smp-actions__ask"
          role="alertdialog"
          aria-label="Are you sure?"
          data-testid="smp-action-ask"
        >
          <p>{asking.confirmText}</p>
          <div className="smp-actions__buttons">
            <button
              type="button"
              className="button button--small button--danger"
              data-testid="smp-action-yes"
              onClick={actions.confirm}
            >
              {asking.label} {asking.action === 'erase' ? 'slot 1' : 'for good'}
            </button>
            <button
              type="button"
              className="button button--small button--ghost"
              data-testid="smp-action-no"
              onClick={actions.cancel}
            >
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="smp-actions__buttons">
          <button
            type="button"
            className="button button--small button--ghost"
            data-testid="smp-reset"
            disabled={blocked !== null}
            title={blocked ?? `Reset ${deviceName}: MCUboot boots what the flags above say.`}
            onClick={() => actions.choose(RESET_ACTION)}
          >
            {RESET_ACTION.label}
          </button>
          {running && (
            <span className="hint" data-testid="smp-action-running">
              {running.label}: waiting for {deviceName}…
            </span>
          )}
        </div>
      )}
      {result && (
        <p
          className={`callout ${result.done ? 'callout--neutral' : 'callout--danger'}`}
          role="status"
          data-testid="smp-action-result"
          data-done={result.done}
        >
          {result.message} {result.nextReset}
        </p>
      )}
      {error && (
        <p className="callout callout--danger" role="alert" data-testid="smp-action-error">
          {error}
        </p>
      )}
    </div>
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
