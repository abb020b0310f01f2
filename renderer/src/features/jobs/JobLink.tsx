// SMP jobs: how the upload uses its link (BLE: MTU, packet, window; serial and UDP: the link, packet and
// requests in flight) and every resume after a drop, so a slow or interrupted upload explains itself.
import type { BleLinkFacts } from '../../../../shared/domain.ts';
import { explainLinkFacts, formatResume, linkFactsLine } from '../../lib/ble.ts';

export function JobLink({ link }: { link: BleLinkFacts }) {
  return (
    <div className="job-link">
      <p
        className="job-link__facts mono"
        data-testid="job-link"
        data-transport={link.transport ?? 'ble'}
        title={explainLinkFacts(link)}
      >
        {linkFactsLine(link)}
      </p>
      {link.resumedFrom.map((offset, index) => (
        <p key={`${index}-${offset}`} className="job-link__resume" data-testid="job-resume" data-offset={offset}>
          {formatResume(offset)}
        </p>
      ))}
    </div>
  );
}
