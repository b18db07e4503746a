// The one window factory. Every window this app opens is made here, with the hardened settings
// below; a test asserts each of them, and lint refuses code that turns one off.
import type { BrowserWindowConstructor, BrowserWindowLike, WebPreferencesLike } from './electron-api';

export const appOrigin = 'app://smsp';
export const appStartUrl = `${appOrigin}/index.html`;

export function hardenedWebPreferences(preload: string, isPackaged: boolean): WebPreferencesLike {
  return {
    preload,
    // The renderer is untrusted: isolated from the preload, sandboxed, no Node.
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    // No DevTools in a packaged build: they would bypass every renderer restriction.
    devTools: !isPackaged,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

export interface WindowOptions {
  readonly preload: string;
  readonly isPackaged: boolean;
  readonly onRendererGone: (reason: string) => void;
}

export function createMainWindow(
  BrowserWindow: BrowserWindowConstructor,
  options: WindowOptions,
): BrowserWindowLike {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'SCR Desktop',
    backgroundColor: '#f0f4f5',
    autoHideMenuBar: true,
    webPreferences: hardenedWebPreferences(options.preload, options.isPackaged),
  });
  // This window shows patient data: keep it out of screen capture and screen sharing.
  window.setContentProtection(true);
  window.once('ready-to-show', () => window.show());
  let recoveries = 0;
  window.webContents.on('render-process-gone', ((_event: unknown, details: { reason: string }) => {
    options.onRendererGone(details.reason);
    // A crashed renderer is reloaded (a fresh page, with no patient data in it) a bounded number of times.
    if (details.reason !== 'clean-exit' && recoveries < 3 && !window.isDestroyed()) {
      recoveries += 1;
      window.webContents.reload();
    }
  }) as (...args: never[]) => void);
  return window;
}
