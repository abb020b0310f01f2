import type { DiscoveryStatus } from '../../../../shared/contract.ts';

const LABELS: Record<DiscoveryStatus['state'], string> = {
  starting: 'Starting mDNS…',
  running: 'Browsing mDNS',
  unavailable: 'mDNS unavailable',
};

export function DiscoveryBadge({ status }: { status: DiscoveryStatus | null }) {
  const state = status?.state ?? 'starting';
  return (
    <span className={`discovery discovery--${state}`} data-testid="discovery-status" data-state={state} title={status?.message}>
      <span className="discovery__pulse" aria-hidden />
      {LABELS[state]}
    </span>
  );
}
