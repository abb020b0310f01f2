// Middle card: board + file + options → Push. The button is never disabled without saying why.
import type { Device, ImageInfo, Job } from '../../../../shared/domain.ts';
import { CommitOptions } from './CommitOptions.tsx';
import { CredentialsFields } from './CredentialsFields.tsx';
import { OtaListenPortField } from './OtaListenPortField.tsx';
import { PlanChecks } from './PlanChecks.tsx';
import { PlanVerdict } from './PlanVerdict.tsx';
import { PushTarget } from './PushTarget.tsx';
import { SlotPanel } from './SlotPanel.tsx';
import { SmpModePicker } from './SmpModePicker.tsx';
import { SerialPortSettings } from './SerialPortSettings.tsx';
import { SmpSlotPanel } from './SmpSlotPanel.tsx';
import { pushLaterNote } from '../devices/transport.ts';
import { DeviceHistory } from '../history/DeviceHistory.tsx';
import { activeJobFor } from '../jobs/job-merge.ts';
import { hasCommitStep, needsPlan, overrideApplies, takesCredentials } from './push-readiness.ts';
import { asksOtaListenPort } from './ota-listen-port.ts';
import { isSmp, noStateWritesReason } from './smp.ts';
import { usePushForm } from './usePushForm.ts';
import './push.css';

interface PushPanelProps {
  device: Device | null;
  image: ImageInfo | null;
  inspecting: boolean;
  jobs: Job[];
  onPushed: (job: Job) => void;
}

export function PushPanel({ device, image, inspecting, jobs, onPushed }: PushPanelProps) {
  const form = usePushForm({ device, image, inspecting, jobs, onPushed });
  const { planning } = form;
  const plan = planning.plan;
  const slotBoard = device !== null && needsPlan(device.protocol) && device.pushSupported;
  const smp = device !== null && isSmp(device.protocol) && device.pushSupported;
  const laterNote = device ? pushLaterNote(device) : null;
  // Other protocols keep their one-line fit; their plan adds only what is worth a second look.
  const notableChecks = !slotBoard && plan ? plan.checks.filter((check) => check.status !== 'pass') : [];
  // A pair sends one of its files: name the one that goes.
  const sending = plan?.send && image && plan.send.fileName !== image.fileName ? plan.send.fileName : null;
  return (
    <section className="card push-panel" aria-label="Push" data-testid="push-panel">
      <header className="panel-header">
        <h2 className="panel-title">Push</h2>
      </header>
      <PushTarget
        device={device}
        image={image}
        refused={plan?.verdict === 'refused'}
        activeJob={device ? activeJobFor(jobs, device.id) : undefined}
      />
      {device?.transport === 'serial' && device.serial && (
        <SerialPortSettings key={device.id} device={device} serial={device.serial} />
      )}
      {laterNote && (
        <p className="callout callout--neutral" data-testid="push-later-note">
          {laterNote}
        </p>
      )}
      {slotBoard && !smp && (plan || planning.slots || planning.error || planning.checking) && (
        <SlotPanel planning={planning} hasImage={image !== null} />
      )}
      {smp && (
        <SmpSlotPanel
          planning={planning}
          hasImage={image !== null}
          deviceName={device.name}
          deviceId={device.id}
          busyWith={form.activeJob ? `a push to ${device.name} is running` : null}
        />
      )}
      {notableChecks.length > 0 && (
        <PlanChecks checks={notableChecks} title="Pre-flight" explainedBelow={plan?.message} />
      )}
      {device?.pushSupported && hasCommitStep(device.protocol) && <CommitOptions form={form} />}
      {smp && <SmpModePicker mode={form.mode} onChange={form.setMode} lockedBecause={noStateWritesReason(plan)} />}
      {device?.pushSupported && !hasCommitStep(device.protocol) && !smp && (
        <p className="hint">No commit step: {device.name} boots the new firmware for good after the upload.</p>
      )}
      {asksOtaListenPort(device) && <OtaListenPortField form={form} />}
      {/* SMP boards (any link) and BLE devices take no user name or password (push-readiness.ts); with no
          board chosen yet the fields stay in view, folded, as before. */}
      {(device === null || takesCredentials(device)) && (
        <CredentialsFields key={device?.id ?? 'none'} form={form} required={device?.authRequired ?? false} />
      )}
      <div className="push-panel__action">
        {plan && !image?.problem && <PlanVerdict plan={plan} planning={planning} />}
        <button
          type="button"
          className={`button button--wide ${overrideApplies(planning) ? 'button--danger' : 'button--primary'}`}
          data-testid="push-button"
          data-override={overrideApplies(planning)}
          disabled={form.blocker !== null || form.pushing}
          aria-describedby="push-blocker"
          onClick={() => void form.push()}
        >
          {form.pushing ? 'Starting…' : pushLabel(device, sending, overrideApplies(planning))}
        </button>
        {form.blocker && (
          <p id="push-blocker" className="hint push-panel__blocker" data-testid="push-blocker">
            {form.blocker}
          </p>
        )}
        {form.error && (
          <p className="callout callout--danger" role="alert" data-testid="push-error">
            {form.error}
          </p>
        )}
      </div>
      {device && <DeviceHistory key={`history:${device.id}`} device={device} />}
    </section>
  );
}

function pushLabel(device: Device | null, sending: string | null, override: boolean): string {
  if (!device) return 'Push';
  const what = sending ? `${sending} ` : '';
  return override ? `Push ${what}to ${device.name} anyway` : `Push ${what}to ${device.name}`;
}
