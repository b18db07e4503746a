// Session and web-contents hardening: deny every permission, block every request that is not
// our own app:// page (the renderer has no network), and refuse navigation, new windows and
// webviews. Applied to the default session and to every web contents as it is created.
import type { SessionLike, WebContentsLike } from './electron-api';
import { appOrigin } from './window';

export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'app:' && parsed.host === 'smsp';
  } catch {
    return false;
  }
}

export function hardenSession(session: SessionLike, onBlocked: (url: string) => void): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    // devtools:// is allowed only so that DevTools work in development; packaged builds disable them.
    const allowed = isAppUrl(details.url) || details.url.startsWith('devtools://');
    if (!allowed) onBlocked(details.url);
    callback({ cancel: !allowed });
  });
}

export function hardenWebContents(contents: WebContentsLike): void {
  const refuse = ((event: { preventDefault(): void }) => event.preventDefault()) as (
    ...args: never[]
  ) => void;
  contents.on('will-navigate', ((event: { preventDefault(): void }, url: string) => {
    // Navigation inside the app is done by React; a page load elsewhere is never allowed.
    if (!url.startsWith(`${appOrigin}/`)) event.preventDefault();
  }) as (...args: never[]) => void);
  contents.on('will-redirect', refuse);
  contents.on('will-attach-webview', refuse);
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
