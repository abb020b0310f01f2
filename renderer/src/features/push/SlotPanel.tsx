// ESP8266 user1/user2 boards (esp-link): the board's two slots, which one it writes next, the file
// that will be sent there and why, and every pre-flight check — all before a byte is sent.
import type { FlashSlots, PushPlan } from '../../../../shared/domain.ts';
import { formatBytes, formatExactBytes, shortHash } from '../../../../shared/format.ts';
import { slotAddress } from '../image/slot-evidence.ts';
import { PlanChecks } from './PlanChecks.tsx';
import { PlanPanelHeader } from './PlanPanelHeader.tsx';
import type { PushPlanState } from './usePushPlan.ts';

interface SlotPanelProps {
  planning: PushPlanState;
  /** A file is chosen: without one there is only the board's side to show. */
  hasImage: boolean;
}

export function SlotPanel({ planning, hasImage }: SlotPanelProps) {
  const { plan, slots, checking, error } = planning;
  return (
    <section className="slot-panel" aria-label="Slots" data-testid="slot-panel" data-checking={checking}>
      <PlanPanelHeader title="Slots" status={checking ? 'asking the board…' : ''} planning={planning} />
      {slots && <SlotMap slots={slots} plan={plan} />}
      {!slots && !error && !plan && <p className="hint">Asking the board which slot it runs…</p>}
      {plan?.slots && <PlanSend plan={plan} />}
      {!hasImage && slots && (
        <p className="hint">
          Choose user1.bin and user2.bin (or their build folder): the board picks the one for its next slot.
        </p>
      )}
      {plan && plan.checks.length > 0 && <PlanChecks checks={plan.checks} explainedBelow={plan.message} />}
    </section>
  );
}

/** Two cells, one per slot: which runs, which is written next and what goes there. */
function SlotMap({ slots, plan }: { slots: FlashSlots; plan: PushPlan | null }) {
  const room = slots.slotRoom;
  return (
    <div className="slot-map-wrap">
      <ol className="slot-map" aria-label="Flash slots">
        {([1, 2] as const).map((slot) => {
          const running = slots.runningSlot === slot;
          const next = slots.nextSlot === slot;
          const address = slotAddress(slot, slots.flashMap);
          return (
            <li
              key={slot}
              className="slot-cell"
              data-testid={`slot-cell-${slot}`}
              data-running={running}
              data-next={next}
            >
              <span className="slot-cell__name">
                Slot {slot}
                {address && <span className="mono muted"> @ {address}</span>}
              </span>
              <span className="slot-cell__role">
                {running && (
                  <span className="slot-role slot-role--running" data-testid="slot-running" data-slot={slot}>
                    running
                  </span>
                )}
                {next && (
                  <span className="slot-role slot-role--next" data-testid="slot-next" data-slot={slot}>
                    writes next
                  </span>
                )}
                {!running && !next && <span className="muted">—</span>}
              </span>
              {next && plan?.send && (
                <span className="slot-cell__file mono truncate" title={plan.send.fileName}>
                  ← {plan.send.fileName}
                </span>
              )}
            </li>
          );
        })}
      </ol>
      <dl className="facts slot-facts">
        <dt>Flash map</dt>
        <dd className="mono" data-testid="slot-flash-map">
          {slots.flashMap ?? 'not reported'}
        </dd>
        <dt>Room</dt>
        <dd data-testid="slot-room" title={room === null ? undefined : formatExactBytes(room)}>
          {room === null ? 'not reported' : `${formatBytes(room)} per slot`}
          {room !== null && plan?.send && (
            <span className="muted">{Math.round((plan.send.size / room) * 100)}% used by this file</span>
          )}
        </dd>
      </dl>
    </div>
  );
}

/** The file that will actually go, and the board's reason for it. */
function PlanSend({ plan }: { plan: PushPlan }) {
  return (
    <dl className="facts slot-facts">
      <dt>Sends</dt>
      <dd className="plan-send" data-testid="plan-send" data-file-name={plan.send?.fileName ?? ''}>
        {plan.send ? (
          <>
            <span className="strong truncate" title={plan.send.fileName}>
              {plan.send.fileName}
            </span>
            <span className="mono muted" title={plan.send.sha256}>
              {formatBytes(plan.send.size)} · {shortHash(plan.send.sha256)}
            </span>
          </>
        ) : (
          <span className="muted">nothing</span>
        )}
      </dd>
      {plan.reason && (
        <>
          <dt>Why</dt>
          <dd data-testid="plan-reason">{plan.reason}</dd>
        </>
      )}
    </dl>
  );
}
