// The renderer's Content-Security-Policy. The packaged renderer is loaded from file://, where no
// response headers exist, so renderer/index.html carries this exact string in a <meta> tag; the
// main process also sends it as a header for anything served over HTTP. Tests compare both.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

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
