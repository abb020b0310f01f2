// The renderer's Content-Security-Policy for the main process: the one policy (stated once, in
// shared/content-security-policy.ts, which the build also writes into index.html) and the dev server's
// relaxation of it.
import { CONTENT_SECURITY_POLICY } from '../../shared/content-security-policy.ts';

export { CONTENT_SECURITY_POLICY };

/**
 * `electron-vite dev` serves the renderer from a Vite dev server whose React refresh preamble is an
 * inline script and whose hot reload talks over a WebSocket; only that dev origin gets those extras.
 */
export function devContentSecurityPolicy(devServerOrigin: string): string {
  const wsOrigin = devServerOrigin.replace(/^http/, 'ws');
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace(
    "connect-src 'self'",
    `connect-src 'self' ${wsOrigin}`,
  );
}
