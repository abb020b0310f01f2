import type { ImageInfo } from '../../../../shared/domain.ts';
import { formatBytes, formatExactBytes, shortHash } from '../../../../shared/format.ts';
import { CopyButton } from '../../ui/CopyButton.tsx';
import { LinkedSlotTag, SlotEvidenceView } from './SlotEvidenceView.tsx';
import { splitPairWarnings } from './slot-evidence.ts';

// The summary has its own rows for these; the inspector may repeat them as facts.
const ALREADY_SHOWN = new Set(['format', 'version', 'size', 'sha-256', 'sha256']);
// Enough to recognise a build at a glance; the rest is one click away.
const VISIBLE_FACTS = 4;

/** What the file is: the facts a developer checks before flashing (name, size, hash, format, version). */
export function ImageSummary({ image }: { image: ImageInfo }) {
  if (image.members) return <PairSummary pair={image} members={image.members} />;
  const facts = image.facts.filter((fact) => !ALREADY_SHOWN.has(fact.label.toLowerCase()));
  const shown = facts.slice(0, VISIBLE_FACTS);
  const folded = facts.slice(VISIBLE_FACTS);
  return (
    <div className="image-summary" data-testid="image-summary" data-format={image.format}>
      <p className="image-summary__name" data-testid="image-file-name-line">
        <span className="truncate" title={image.fileName} data-testid="image-file-name">
          {image.fileName}
        </span>
        {image.slotEvidence && <LinkedSlotTag evidence={image.slotEvidence} />}
      </p>
      <dl className="facts">
        <dt>Format</dt>
        <dd data-testid="image-format">{image.formatLabel}</dd>
        <dt>Version</dt>
        <dd className="mono" data-testid="image-version">
          {image.version ?? 'not recorded in the file'}
        </dd>
        <dt>Size</dt>
        <dd title={formatExactBytes(image.size)}>{formatBytes(image.size)}</dd>
        <dt>SHA-256</dt>
        <dd className="facts__hash">
          {/* Empty when the file was refused by its size before it was read. */}
          {image.sha256 ? (
            <>
              <span className="mono selectable" title={image.sha256} data-testid="image-sha256">
                {shortHash(image.sha256)}…
              </span>
              <CopyButton value={image.sha256} />
            </>
          ) : (
            <span className="muted" data-testid="image-sha256">
              not computed: the file was refused by its size
            </span>
          )}
        </dd>
        {shown.map((fact, index) => (
          <FactRow key={`${fact.label}-${index}`} label={fact.label} value={fact.value} />
        ))}
      </dl>
      {folded.length > 0 && (
        <details className="more-facts">
          <summary>{folded.length} more facts</summary>
          <dl className="facts">
            {folded.map((fact, index) => (
              <FactRow key={`${fact.label}-${index}`} label={fact.label} value={fact.value} />
            ))}
          </dl>
        </details>
      )}
      {image.slotEvidence && <SlotEvidenceView evidence={image.slotEvidence} />}
      {/* The evidence shows its own contradiction; the inspector may list it as a warning too. */}
      <Problems
        image={{
          ...image,
          warnings: image.warnings.filter((warning) => warning !== image.slotEvidence?.contradiction),
        }}
      />
    </div>
  );
}

/**
 * A user1/user2 pair: what both files share on top, then each file with the evidence of the slot it
 * was linked for, slot 1 first. The board picks which one is sent (see the slot panel under Push).
 */
function PairSummary({ pair, members }: { pair: ImageInfo; members: ImageInfo[] }) {
  const { shared, own } = splitPairWarnings(pair, members);
  return (
    <div className="image-summary" data-testid="image-summary" data-format={pair.format}>
      <p className="image-summary__name truncate" title={pair.fileName} data-testid="image-file-name">
        {pair.fileName}
      </p>
      <dl className="facts">
        <dt>Format</dt>
        <dd data-testid="image-format">{pair.formatLabel}</dd>
        <dt>Version</dt>
        <dd className="mono" data-testid="image-version">
          {pair.version ?? 'not recorded in the files'}
        </dd>
        {pair.facts
          .filter((fact) => !ALREADY_SHOWN.has(fact.label.toLowerCase()))
          .slice(0, VISIBLE_FACTS)
          .map((fact, index) => (
            <FactRow key={`${fact.label}-${index}`} label={fact.label} value={fact.value} />
          ))}
      </dl>
      <ol className="pair-members" data-testid="pair-members" aria-label="The two files of the pair">
        {members.map((member, index) => (
          <li
            key={member.imageId}
            className="pair-member"
            data-testid="pair-member"
            data-member={index + 1}
            data-linked-slot={member.slotEvidence?.linkedSlot ?? 'unknown'}
            data-contradiction={member.slotEvidence?.contradiction ? 'true' : 'false'}
          >
            <div className="pair-member__head">
              <span
                className="pair-member__name truncate strong"
                title={member.fileName}
                data-testid="pair-member-name"
              >
                {member.fileName}
              </span>
              {member.slotEvidence && <LinkedSlotTag evidence={member.slotEvidence} />}
            </div>
            <p className="pair-member__meta mono muted" title={member.sha256}>
              <span title={formatExactBytes(member.size)}>{formatBytes(member.size)}</span>
              <span>{shortHash(member.sha256)}</span>
              {member.version && <span>{member.version}</span>}
              <CopyButton value={member.sha256} />
            </p>
            {member.slotEvidence ? (
              <SlotEvidenceView evidence={member.slotEvidence} />
            ) : (
              <p className="hint">No slot evidence: this is not an ESP8266 user1/user2 image.</p>
            )}
            <Problems image={{ ...member, warnings: own[index] }} testId="pair-member" />
          </li>
        ))}
      </ol>
      <Problems image={{ ...pair, warnings: shared }} />
    </div>
  );
}

/** The inspector's problem (red: cannot be pushed) and warnings (amber). */
function Problems({ image, testId = 'image' }: { image: ImageInfo; testId?: string }) {
  return (
    <>
      {image.problem && (
        <p className="callout callout--danger" role="alert" data-testid={`${testId}-problem`}>
          {image.problem}
        </p>
      )}
      {image.warnings.length > 0 && (
        <div className="warning-list" data-testid={`${testId}-warnings`}>
          {image.warnings.map((warning, index) => (
            <p key={index} className="callout callout--warning">
              {warning}
            </p>
          ))}
        </div>
      )}
    </>
  );
}

function FactRow({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt className="truncate" title={label}>
        {label}
      </dt>
      <dd title={value}>
        <span className="truncate">{value}</span>
      </dd>
    </>
  );
}
