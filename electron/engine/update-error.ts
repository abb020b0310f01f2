// The one error type that carries a job's outcome: a result code (LwM2M-style), a sentence a
// developer can act on, and the device's own words. Everything a protocol or the job runner throws
// on purpose is an UpdateError; anything else is a bug and is reported as such.
import type { JobResult, ResultCode } from '../../shared/domain.ts';

export class UpdateError extends Error {
  readonly code: ResultCode;
  readonly deviceMessage: string | null;

  constructor(code: ResultCode, message: string, deviceMessage: string | null = null) {
    super(message);
    this.name = 'UpdateError';
    this.code = code;
    this.deviceMessage = deviceMessage;
  }

  toResult(): JobResult {
    return { code: this.code, message: this.message, deviceMessage: this.deviceMessage };
  }
}

/** Turns any thrown value into a job result without losing what it said. */
export function resultFromError(error: unknown): JobResult {
  if (error instanceof UpdateError) return error.toResult();
  const text = error instanceof Error ? error.message : String(error);
  return { code: 'update-failed', message: `Internal error in OTA Bench: ${text}`, deviceMessage: null };
}

/** Trims what a device said to something printable and short enough for a UI line. */
export function deviceWords(body: string, max = 300): string | null {
  const text = body
    .replace(/<[^>]*>/g, ' ')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!text) return null;
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
