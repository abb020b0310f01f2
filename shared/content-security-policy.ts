// The renderer's Content-Security-Policy, stated once. The main process sends it as a header for
// anything served over HTTP (electron/main/window.ts); the packaged renderer is loaded from file://,
// where no response headers exist, so the build writes it into index.html as a <meta> tag
// (electron.vite.config.ts, with `withContentSecurityPolicyMeta`). renderer/index.html carries none.
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

const META_CSP = /<meta\s[^>]*http-equiv\s*=\s*["']?content-security-policy/i;
const CHARSET_META = /<meta\s+charset\s*=\s*["']?[\w-]+["']?\s*\/?>/i;

/**
 * The page with the policy as a <meta> tag right after its charset (before any script can run).
 * Refuses a page that carries a policy of its own, so there is never a second copy to drift.
 */
export function withContentSecurityPolicyMeta(html: string): string {
  if (META_CSP.test(html))
    throw new Error(
      'index.html carries its own Content-Security-Policy; the build adds CONTENT_SECURITY_POLICY (shared/content-security-policy.ts).',
    );
  const charset = CHARSET_META.exec(html);
  if (!charset) throw new Error('index.html has no <meta charset>: the Content-Security-Policy goes right after it.');
  const at = charset.index + charset[0].length;
  const meta = `\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`;
  return html.slice(0, at) + meta + html.slice(at);
}
