// The Electron application's lifecycle: sandbox every renderer, one instance per user, the app://
// scheme, session hardening, IPC, the one window, and events pushed to it.
import { join } from 'node:path';
import { ipcChannels } from '../../preload/contract';
import type { Runtime } from '../app/runtime';
import type { Logger } from '../log/logger';
import type { BrowserWindowLike, ElectronApi, WebContentsLike } from './electron-api';
import { hardenSession, hardenWebContents } from './hardening';
import { registerIpc } from './ipc';
import { registerAppProtocol, registerAppScheme } from './protocol';
import { appStartUrl, createMainWindow } from './window';

export interface ShellOptions {
  readonly appRoot: string;
  readonly log: Logger;
  /** Builds the runtime once Electron is ready (config, audit store, session…). */
  readonly createRuntime: (userDataDir: string) => Promise<Runtime>;
}

export interface Shell {
  /** Resolves with the main window once the app is ready; null when another instance owns the lock. */
  readonly ready: Promise<BrowserWindowLike | null>;
}

export function startShell(electron: ElectronApi, options: ShellOptions): Shell {
  const { app } = electron;
  // Every renderer runs in the Chromium sandbox, whatever a window's options say.
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    // Two instances would share one audit database and one smartcard: hand over to the first.
    app.quit();
    return { ready: Promise.resolve(null) };
  }
  registerAppScheme(electron.protocol);
  app.on('web-contents-created', ((_event: unknown, contents: WebContentsLike) =>
    hardenWebContents(contents)) as (...args: never[]) => void);

  let window: BrowserWindowLike | null = null;
  app.on('second-instance', () => {
    if (window && !window.isDestroyed()) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.on('window-all-closed', () => app.quit());

  const ready = (async () => {
    await app.whenReady();
    const runtime = await options.createRuntime(app.getPath('userData'));
    const { services } = runtime;
    hardenSession(electron.session.defaultSession, (url) =>
      options.log.warn('renderer request blocked', { scheme: url.split(':', 1)[0] }),
    );
    registerAppProtocol(electron.protocol, join(options.appRoot, 'dist', 'renderer'));
    registerIpc(electron.ipcMain, runtime.dispatch, services.audit);
    window = createMainWindow(electron.BrowserWindow, {
      preload: join(options.appRoot, 'dist', 'preload', 'preload.cjs'),
      isPackaged: app.isPackaged,
      onRendererGone: (reason) => {
        options.log.error('renderer process gone', { reason });
        void services.audit
          .record({ type: 'app.renderer-gone', outcome: 'failure', detail: { reason } })
          .catch(() => undefined);
      },
    });
    const target = window;
    services.events.subscribe((event, payload) => {
      if (!target.isDestroyed() && !target.webContents.isDestroyed())
        target.webContents.send(ipcChannels.event, event, payload);
    });
    app.on('before-quit', () => void runtime.close());
    await window.loadURL(appStartUrl);
    return window;
  })();
  return { ready };
}
