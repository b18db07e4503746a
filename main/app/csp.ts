// The Content-Security-Policy for every page of the renderer. It starts from `default-src 'none'`
// and opens only what the built renderer needs: its own scripts, styles, images and fonts.
// The renderer has no network: in Electron `connect-src` is 'none'; the test host opens only its
// own loopback origin, which carries the contract.
export function contentSecurityPolicy(channel: 'electron' | 'test-host'): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${channel === 'test-host' ? "'self'" : "'none'"}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Headers sent with every renderer response, by either host. */
export function securityHeaders(channel: 'electron' | 'test-host'): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(channel),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
}
