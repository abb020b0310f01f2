// Which slot an ESP8266 user1/user2 image can run from, and why we think so: the verdict sentence,
// then each piece of evidence (name, header byte 3, irom references, layout) on one strip.
import type { SlotEvidence } from '../../../../shared/domain.ts';
import { headerByte3Text, iromCounts, nameEvidence } from './slot-evidence.ts';

export function SlotEvidenceView({ evidence }: { evidence: SlotEvidence }) {
  return (
    <div className="slot-evidence" data-testid="slot-evidence" data-linked-slot={evidence.linkedSlot ?? 'unknown'}>
      <p className="slot-evidence__summary" data-testid="slot-evidence-summary">
        {evidence.summary}
      </p>
      <dl className="evidence-strip">
        <div>
          <dt>Name says</dt>
          <dd data-testid="slot-evidence-name">{nameEvidence(evidence)}</dd>
        </div>
        <div>
          <dt title="Outer header byte 3: the app number on SDK ≥ 2.0 builds, 0/1 from esp-link's Makefile. A hint only.">
            Header byte 3
          </dt>
          <dd className="mono" data-testid="slot-evidence-byte3">
            {headerByte3Text(evidence)}
          </dd>
        </div>
        <div>
          <dt title="Aligned words in the code that point into slot 1's / slot 2's irom window">irom refs 1 · 2</dt>
          <dd className="mono" data-testid="slot-evidence-irom">
            {iromCounts(evidence)}
            {!evidence.iromDecisive && <span className="evidence-strip__note">not decisive</span>}
          </dd>
        </div>
        <div>
          <dt>Layout</dt>
          <dd className="mono" data-testid="slot-evidence-layout" title={`Size map ${evidence.sizeMap}`}>
            {evidence.layout}
          </dd>
        </div>
      </dl>
      {evidence.contradiction && (
        <p className="callout callout--warning" role="alert" data-testid="slot-evidence-contradiction">
          {evidence.contradiction}
        </p>
      )}
    </div>
  );
}

/** The verdict as a small tag: "linked for slot 2", amber when the evidence disagrees with itself. */
export function LinkedSlotTag({ evidence }: { evidence: SlotEvidence }) {
  const tone = evidence.contradiction ? 'warning' : evidence.linkedSlot === null ? 'neutral' : 'slot';
  return (
    <span
      className={`slot-tag slot-tag--${tone}`}
      data-testid="slot-linked"
      data-slot={evidence.linkedSlot ?? 'unknown'}
    >
      {evidence.linkedSlot === null ? 'slot unknown' : `linked for slot ${evidence.linkedSlot}`}
    </span>
  );
}
