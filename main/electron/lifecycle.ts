// The Electron application's lifecycle: sandbox every renderer, one instance per user, the app://
// scheme, session hardening, IPC, the one window, and events pushed to it; in-context launch
// requests (command line, second instance, macOS open-url) go to the launch service.
import { join } from 'node:path';
import { ipcChannels } from '../../preload/contract';
import type { Runtime } from '../app/runtime';
import type { Logger } from '../log/logger';
import type { AppLike, BrowserWindowLike, ElectronApi, WebContentsLike } from './electron-api';
import { hardenSession, hardenWebContents } from './hardening';
import { registerIpc } from './ipc';
import { registerAppProtocol, registerAppScheme } from './protocol';
import { appStartUrl, createMainWindow } from './window';
import type { LaunchService } from '../launch/service';
import { launchScheme } from '../launch/request';

/**
 * Windows: register scr-desktop:// for this user at every start, so an MSI install (whose
 * electron-builder target cannot register URL schemes) supports launch too; NSIS also registers
 * it machine-wide. Why `--` before the URL: Chromium stops reading switches there, so a crafted
 * link cannot smuggle `--gpu-launcher=…` into the process (CVE-2018-1000006).
 * macOS and Linux register from the packaging (Info.plist, the .desktop file).
 */
function registerLaunchScheme(app: AppLike, platform: NodeJS.Platform, log: Logger): void {
  if (platform !== 'win32' || !app.isPackaged) return;
  if (!app.setAsDefaultProtocolClient(launchScheme, process.execPath, ['--']))
    log.warn('scr-desktop:// could not be registered for this user');
}

export interface ShellOptions {
  readonly appRoot: string;
  readonly log: Logger;
  /** Builds the runtime once Electron is ready (config, audit store, session…). */
  readonly createRuntime: (userDataDir: string) => Promise<Runtime>;
  /** This process's command line, read once for a launch request (default process.argv). */
  readonly argv?: readonly string[];
  /** Default process.platform; tests set it to check each OS's launch registration. */
  readonly platform?: NodeJS.Platform;
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
  const toFront = () => {
    if (window && !window.isDestroyed()) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  };
  // In-context launch (issue 14): requests reach the one running instance by three routes, and
  // all go to the same launch service; those arriving before it exists wait here (a few only).
  let launch: LaunchService | null = null;
  const early: Array<(service: LaunchService) => Promise<unknown>> = [];
  const deliver = (work: (service: LaunchService) => Promise<unknown>) => {
    const run = (service: LaunchService) =>
      work(service).catch((error: unknown) => options.log.error('launch request failed', { error }));
    if (launch) void run(launch);
    else if (early.length < 4) early.push(run);
  };
  // A second launch (Windows, Linux): its command line comes here and that process quits.
  app.on('second-instance', ((_event: unknown, commandLine: readonly string[]) => {
    toFront();
    deliver((service) => service.handleArgs(commandLine, 'second-instance'));
  }) as (...args: never[]) => void);
  // macOS delivers scr-desktop:// links as an event, even to a first start (before ready).
  app.on('open-url', ((event: { preventDefault(): void }, url: string) => {
    event.preventDefault();
    toFront();
    deliver((service) => service.handleUrl(url, 'open-url'));
  }) as (...args: never[]) => void);
  deliver((service) => service.handleArgs(options.argv ?? process.argv, 'command-line'));
  registerLaunchScheme(app, options.platform ?? process.platform, options.log);
  app.on('window-all-closed', () => app.quit());

  const ready = (async () => {
    await app.whenReady();
    const runtime = await options.createRuntime(app.getPath('userData'));
    const { services } = runtime;
    launch = services.launch;
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
    for (const run of early.splice(0)) await run(services.launch);
    return window;
  })();
  return { ready };
}
