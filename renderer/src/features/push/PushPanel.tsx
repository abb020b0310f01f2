// Middle card: board + file + options → Push. The button is never disabled without saying why.
import type { Device, ImageInfo, Job } from '../../../../shared/domain.ts';
import { CommitOptions } from './CommitOptions.tsx';
import { CredentialsFields } from './CredentialsFields.tsx';
import { PushTarget } from './PushTarget.tsx';
import { hasCommitStep } from './push-readiness.ts';
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
  return (
    <section className="card push-panel" aria-label="Push" data-testid="push-panel">
      <header className="panel-header">
        <h2 className="panel-title">Push</h2>
      </header>
      <PushTarget device={device} image={image} />
      {device && hasCommitStep(device.protocol) && <CommitOptions form={form} />}
      {device && !hasCommitStep(device.protocol) && (
        <p className="hint">No commit step: {device.name} boots the new firmware for good after the upload.</p>
      )}
      <CredentialsFields key={device?.id ?? 'none'} form={form} required={device?.authRequired ?? false} />
      <div className="push-panel__action">
        <button
          type="button"
          className="button button--primary button--wide"
          data-testid="push-button"
          disabled={form.blocker !== null || form.pushing}
          aria-describedby="push-blocker"
          onClick={() => void form.push()}
        >
          {form.pushing ? 'Starting…' : device ? `Push to ${device.name}` : 'Push'}
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
    </section>
  );
}
