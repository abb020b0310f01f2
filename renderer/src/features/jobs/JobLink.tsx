// SMP jobs: how the upload uses the BLE link (MTU, packet, window) and every resume after a drop,
// so a slow or interrupted upload explains itself on the card.
import type { BleLinkFacts } from '../../../../shared/domain.ts';
import { formatLinkFacts } from '../../../../shared/format.ts';
import { explainLinkFacts, formatResume } from '../../lib/ble.ts';

export function JobLink({ link }: { link: BleLinkFacts }) {
  return (
    <div className="job-link">
      <p className="job-link__facts mono" data-testid="job-link" title={explainLinkFacts(link)}>
        {formatLinkFacts(link)}
      </p>
      {link.resumedFrom.map((offset, index) => (
        <p key={`${index}-${offset}`} className="job-link__resume" data-testid="job-resume" data-offset={offset}>
          {formatResume(offset)}
        </p>
      ))}
    </div>
  );
}
