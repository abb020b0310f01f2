import type { ImageInfo } from '../../../../shared/domain.ts';
import { formatBytes, formatExactBytes, shortHash } from '../../lib/format.ts';
import { CopyButton } from '../../ui/CopyButton.tsx';

/** What the file is: the facts a developer checks before flashing (name, size, hash, format, version). */
export function ImageSummary({ image }: { image: ImageInfo }) {
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
        {image.facts.map((fact, index) => (
          <FactRow key={`${fact.label}-${index}`} label={fact.label} value={fact.value} />
        ))}
      </dl>
      {image.problem && (
        <p className="callout callout--danger" role="alert" data-testid="image-problem">
          {image.problem}
        </p>
      )}
      {image.warnings.length > 0 && (
        <ul className="callout callout--warning warning-list" data-testid="image-warnings">
          {image.warnings.map((warning, index) => (
            <li key={index}>{warning}</li>
          ))}
        </ul>
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
