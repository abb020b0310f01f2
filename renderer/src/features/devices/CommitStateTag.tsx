// "uncommitted · reverts in 4:10" on a board that runs test-then-commit firmware it has not committed
// (Mongoose OS), whoever pushed it. The deadline is the board's own (commit_timeout − uptime when the
// engine read it); the row ticks it down with the list's clock and says so when it has passed.
import type { DeviceCommitState } from '../../../../shared/domain.ts';
import { formatCountdown } from '../../../../shared/format.ts';

export function CommitStateTag({ state, now }: { state: DeviceCommitState | null | undefined; now: number }) {
  if (!state || state.committed) return null;
  const version = state.version ? `${state.version} ` : '';
  const left = state.revertsAt === null ? null : state.revertsAt - now;
  const words =
    left === null ? 'reverts on its own' : left > 0 ? `reverts in ${formatCountdown(left / 1000)}` : 'reverting now';
  return (
    <span
      className="tag tag--attention"
      data-testid="device-uncommitted"
      title={`This board runs ${version}uncommitted: it goes back to its previous firmware by itself unless it is committed. It takes no other update until then.`}
    >
      uncommitted · {words}
    </span>
  );
}
