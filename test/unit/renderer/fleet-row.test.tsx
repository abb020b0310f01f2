// A fleet card's row as the card renders it: a flagged failure says so with a colour class, an icon
// and a word, and shows the result's sentence beside the board's own words; a skipped board says why.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FleetRow } from '../../../renderer/src/features/fleet/FleetRow.tsx';
import type { FleetMember } from '../../../shared/fleet.ts';
import { aJob } from './support/builders.ts';

const member = (over: Partial<FleetMember> = {}): FleetMember => ({
  deviceId: 'id:esp32_0A',
  deviceName: 'garden-pump',
  transport: 'lan',
  imageId: 'zip',
  fileName: 'fw-esp32-1.1.0.zip',
  state: 'running',
  jobId: 'job-1',
  message: null,
  attempt: 1,
  pilot: false,
  ...over,
});
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('FleetRow', () => {
  it('a failed board: flagged by class, icon and word, with the sentence and the board’s words', () => {
    const job = aJob({
      id: 'job-1',
      state: 'failed',
      progress: { bytesSent: 1000, totalBytes: 1000, bytesPerSecond: 0, etaSeconds: null },
      result: { code: 'not-enough-space', message: 'No room for the image.', deviceMessage: 'Not enough space' },
    });
    const html = renderToStaticMarkup(<FleetRow member={member({ state: 'failed', attempt: 2 })} job={job} />);
    expect(html).toContain('fleet-row--danger');
    expect(html).toContain('data-flagged="true"');
    expect(text(html)).toContain('✕ Failed');
    expect(text(html)).toContain('try 2');
    expect(text(html)).toContain('No room for the image.');
    expect(html).toMatch(/<q[^>]*>Not enough space<\/q>/);
    expect(text(html)).toContain('100%');
  });

  it('a skipped board has no bar and says why; a waiting one holds no slot', () => {
    const skipped = renderToStaticMarkup(
      <FleetRow
        member={member({ state: 'skipped', jobId: null, message: 'Offline when its turn came.' })}
        job={undefined}
      />,
    );
    expect(skipped).not.toContain('role="progressbar"');
    expect(skipped).toContain('data-flagged="false"');
    expect(text(skipped)).toContain('Offline when its turn came.');
    const waiting = renderToStaticMarkup(
      <FleetRow member={member({ state: 'waiting', jobId: null })} job={undefined} />,
    );
    expect(waiting).toContain('data-active="false"');
    expect(text(waiting)).toContain('Waiting for a slot');
  });
});
