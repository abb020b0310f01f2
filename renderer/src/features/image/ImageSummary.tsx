import type { ImageInfo } from '../../../../shared/domain.ts';
import { formatBytes, formatExactBytes, shortHash } from '../../lib/format.ts';
import { CopyButton } from '../../ui/CopyButton.tsx';

// The summary has its own rows for these; the inspector may repeat them as facts.
const ALREADY_SHOWN = new Set(['format', 'version', 'size', 'sha-256', 'sha256']);
// Enough to recognise a build at a glance; the rest is one click away.
const VISIBLE_FACTS = 4;

/** What the file is: the facts a developer checks before flashing (name, size, hash, format, version). */
export function ImageSummary({ image }: { image: ImageInfo }) {
  const facts = image.facts.filter((fact) => !ALREADY_SHOWN.has(fact.label.toLowerCase()));
  const shown = facts.slice(0, VISIBLE_FACTS);
  const folded = facts.slice(VISIBLE_FACTS);
  return (
    <div className="image-summary" data-testid="image-summary" data-format={image.format}>
      <p className="image-summary__name truncate" title={image.fileName} data-testid="image-file-name">
        {image.fileName}
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
          <span className="mono selectable" title={image.sha256} data-testid="image-sha256">
            {shortHash(image.sha256)}…
          </span>
          <CopyButton value={image.sha256} />
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
      {image.problem && (
        <p className="callout callout--danger" role="alert" data-testid="image-problem">
          {image.problem}
        </p>
      )}
      {image.warnings.length > 0 && (
        <div className="warning-list" data-testid="image-warnings">
          {image.warnings.map((warning, index) => (
            <p key={index} className="callout callout--warning">
              {warning}
            </p>
          ))}
        </div>
      )}
    </div>
  );
}

function FactRow({ label, value }: { label: string; value: string }) {
  return (
    <>
      <dt className="truncate" title={label}>
        {label}
      </dt>
      <dd className="truncate" title={value}>
        {value}
      </dd>
    </>
  );
}
