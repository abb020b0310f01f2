// Issue 9 §4 in the UI: a board running uncommitted firmware says so in its row with a countdown that
// ticks (from the board's own deadline), and a plan refused for that reason offers Commit and Revert
// right in the plan panel.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { OtaBenchApi } from '../../../shared/contract.ts';
import { ApiContext } from '../../../renderer/src/api.ts';
import { DeviceRow } from '../../../renderer/src/features/devices/DeviceRow.tsx';
import { PlanVerdict } from '../../../renderer/src/features/push/PlanVerdict.tsx';
import type { PushPlanState } from '../../../renderer/src/features/push/usePushPlan.ts';
import { aCheck, aDevice, aPlan } from './support/builders.ts';

const NOW = 1_700_000_000_000;
const board = aDevice({
  id: 'id:esp32_0A0B0C',
  name: 'mOS-esp32-0A0B0C',
  protocol: 'mongoose-os',
  firmwareVersion: '1.1.0',
});
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const row = (device: typeof board, now: number) =>
  text(renderToStaticMarkup(<DeviceRow device={device} selected={false} now={now} onSelect={() => {}} />));

describe('uncommitted firmware in the device row', () => {
  const uncommitted = {
    ...board,
    commitState: { committed: false, version: '1.1.0', revertsAt: NOW + 250_000, readAt: NOW },
  };

  it('says "uncommitted" with the time left, and the countdown ticks', () => {
    expect(row(uncommitted, NOW)).toContain('uncommitted · reverts in 4:10');
    expect(row(uncommitted, NOW + 1000)).toContain('uncommitted · reverts in 4:09');
    expect(row(uncommitted, NOW + 250_000)).toContain('uncommitted · reverting now');
  });

  it('says nothing of the kind for committed firmware or a board never asked', () => {
    expect(
      row({ ...board, commitState: { committed: true, version: '1.1.0', revertsAt: null, readAt: NOW } }, NOW),
    ).not.toContain('uncommitted');
    expect(row(board, NOW)).not.toContain('uncommitted');
  });
});

describe('a plan refused because the board runs uncommitted firmware', () => {
  const planning = { override: false, setOverride: () => {}, refresh: () => {} } as unknown as PushPlanState;
  const api = {} as OtaBenchApi;
  const render = (plan: ReturnType<typeof aPlan>) =>
    renderToStaticMarkup(
      <ApiContext value={api}>
        <PlanVerdict plan={plan} planning={planning} />
      </ApiContext>,
    );

  it('offers Commit and Revert in the plan panel', () => {
    const detail = 'This board runs 1.1.0 uncommitted (reverts in 4:10): commit or revert it first.';
    const html = render(
      aPlan({ verdict: 'refused', message: detail, checks: [aCheck({ id: 'commit-state', status: 'fail', detail })] }),
    );
    expect(text(html)).toContain('runs 1.1.0 uncommitted (reverts in 4:10): commit or revert it first');
    expect(html).toContain('data-testid="plan-commit-button"');
    expect(html).toContain('data-testid="plan-revert-button"');
  });

  it('offers no such buttons when something else refused the push', () => {
    const html = render(
      aPlan({
        verdict: 'refused',
        message: 'Wrong platform.',
        checks: [aCheck({ id: 'device', status: 'fail', detail: 'Wrong platform.' })],
      }),
    );
    expect(html).not.toContain('plan-commit-button');
  });
});
