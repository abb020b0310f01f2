// Which frames may call the IPC server: only the top frame of our own renderer page. Checked with a
// real URL parser against an allowlist (Electron security checklist, "validate the sender").
import { pathToFileURL } from 'node:url';
import type { RendererLocation } from './app-paths.ts';

/** The part of Electron's WebFrameMain the check reads. */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

export function isAppUrl(url: string, location: RendererLocation): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.kind === 'dev-server') return parsed.origin === new URL(location.url).origin;
  const expected = pathToFileURL(location.indexHtml);
  return parsed.protocol === 'file:' && parsed.host === '' && parsed.pathname === expected.pathname;
}

export function createTrustedSenderCheck(location: RendererLocation) {
  return (frame: SenderFrame | null | undefined): boolean =>
    // A missing frame means it navigated away or was destroyed while the message was in flight.
    frame != null && frame.parent === null && isAppUrl(frame.url, location);
}
