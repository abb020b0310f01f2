import { describe, expect, it } from 'vitest';
import { phaseLabel, stateTone } from '../../../renderer/src/lib/job-state.ts';
import type { JobState } from '../../../shared/domain.ts';

describe('phase labels and tones', () => {
  const states: JobState[] = [
    'queued',
    'connecting',
    'transferring',
    'rebooting',
    'verifying',
    'awaiting-commit',
    'committing',
    'reverting',
    'updated',
    'committed',
    'rolled-back',
    'failed',
    'cancelled',
  ];

  it('has a label for every state', () => {
    for (const state of states) expect(phaseLabel(state)).toMatch(/^[A-Z]/);
    expect(phaseLabel('transferring')).toBe('Uploading');
  });

  it("uses MCUboot's words for SMP jobs: reset and confirm", () => {
    expect(phaseLabel('committing', 'mcumgr-smp')).toBe('Confirming');
    expect(phaseLabel('committed', 'mcumgr-smp')).toBe('Confirmed');
    expect(phaseLabel('rebooting', 'mcumgr-smp')).toBe('Resetting');
    expect(phaseLabel('transferring', 'mcumgr-smp')).toBe('Uploading');
    expect(phaseLabel('committed', 'mongoose-os')).toBe('Committed');
  });

  it('keeps rollback, failure and success visibly different', () => {
    expect(stateTone('rolled-back')).toBe('warning');
    expect(stateTone('failed')).toBe('danger');
    expect(stateTone('committed')).toBe('success');
    expect(stateTone('updated')).toBe('success');
  });
});
