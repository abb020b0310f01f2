import type { Job } from '../../../../shared/domain.ts';
import {
  formatBleRate,
  formatBytes,
  formatBytesOf,
  formatDuration,
  formatEta,
  formatRate,
  quotesBleRate,
  percentOf,
} from '../../../../shared/format.ts';
import { stateTone } from '../../lib/job-state.ts';

const UPLOADING: Job['state'][] = ['queued', 'connecting', 'transferring'];
// Phases where the board works on its own and we only wait: the bar shows motion, not numbers.
const WAITING_ON_BOARD: Job['state'][] = ['connecting', 'rebooting', 'verifying', 'committing', 'reverting'];

export function JobProgress({ job, now }: { job: Job; now: number }) {
  const { bytesSent, totalBytes, bytesPerSecond, etaSeconds } = job.progress;
  const percent = percentOf(bytesSent, totalBytes);
  // Every byte is handed to the network but the board is still reading and writing flash: progress
  // counts what left the file, so on a fast link the bar reaches 100 % well before the board answers.
  const drained = job.state === 'transferring' && totalBytes > 0 && bytesSent >= totalBytes;
  const uploading = UPLOADING.includes(job.state) && !drained;
  const elapsedSeconds = ((job.endedAt ?? now) - job.createdAt) / 1000;
  return (
    <div className="job-progress">
      <div
        className={`progress progress--${stateTone(job.state)}`}
        role="progressbar"
        aria-label="Upload progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        data-testid="job-progress"
        data-busy={drained || WAITING_ON_BOARD.includes(job.state)}
      >
        <div className="progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <div className="job-progress__stats">
        {uploading || drained || percent < 100 ? (
          <>
            <span className="job-progress__percent mono" data-testid="job-percent">
              {percent}%
            </span>
            <span data-testid="job-bytes">{formatBytesOf(bytesSent, totalBytes)}</span>
          </>
        ) : (
          <span data-testid="job-bytes">{formatBytes(totalBytes)} sent</span>
        )}
        {uploading && (
          <>
            {quotesBleRate(job.protocol) ? (
              <span
                data-testid="job-rate"
                title="Upload speed, smoothed over the last seconds (1 kB = 1000 bytes, as BLE rates are quoted)"
              >
                {formatBleRate(bytesPerSecond)}
              </span>
            ) : (
              <span data-testid="job-rate" title="Upload speed, smoothed over the last seconds">
                {formatRate(bytesPerSecond)}
              </span>
            )}
            <span title="Estimated time left for the upload">ETA {formatEta(etaSeconds)}</span>
          </>
        )}
        {drained && <span data-testid="job-drained">All sent; waiting for the board to store it</span>}
        <span className="job-progress__elapsed" title="Time since the push started">
          {formatDuration(Math.max(0, elapsedSeconds))} elapsed
        </span>
      </div>
    </div>
  );
}
