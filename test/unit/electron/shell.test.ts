// The Electron shell against fakes of Electron: every window setting, every refusal.
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ipcChannels } from '../../../preload/contract';
import { startShell } from '../../../main/electron/lifecycle';
import { hardenedWebPreferences } from '../../../main/electron/window';
import { createAppRequestHandler } from '../../../main/electron/protocol';
import { silentLogger } from '../../../main/log/logger';
import { FakeBrowserWindow, fakeElectron, type FakeWebContents } from '../../support/fake-electron';
import { testRuntime } from '../../support/runtime';

function makeAppRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'smsp-shell-'));
  mkdirSync(join(root, 'dist', 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(root, 'dist', 'renderer', 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(root, 'dist', 'renderer', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer folder');
  return root;
}

async function started() {
  const fakes = fakeElectron();
  const runtime = testRuntime();
  const root = makeAppRoot();
  const shell = startShell(fakes.electron, {
    appRoot: root,
    log: silentLogger,
    createRuntime: async () => runtime,
  });
  const window = (await shell.ready) as FakeBrowserWindow;
  return { ...fakes, runtime, window, root };
}

const event = (contents: FakeWebContents, frame: { url: string } | null) => ({
  sender: contents,
  senderFrame: frame,
});

describe('Electron shell', () => {
  it('creates the one window with every hardened setting and content protection', async () => {
    const { window } = await started();
    expect(FakeBrowserWindow.created).toHaveLength(1);
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(window.options.webPreferences?.preload).toMatch(/dist[/\\]preload[/\\]preload\.cjs$/);
    expect(window.contentProtection).toBe(true);
    expect(window.loaded).toEqual(['app://smsp/index.html']);
  });

  it('allows DevTools only when not packaged', () => {
    expect(hardenedWebPreferences('p', true).devTools).toBe(false);
    expect(hardenedWebPreferences('p', false).devTools).toBe(true);
  });

  it('enables the sandbox before ready and takes the single-instance lock', async () => {
    const { app } = await started();
    expect(app.readyCalledAfterSandbox).toBe(true);
    const second = fakeElectron();
    second.app.lockAvailable = false;
    const shell = startShell(second.electron, {
      appRoot: makeAppRoot(),
      log: silentLogger,
      createRuntime: async () => testRuntime(),
    });
    expect(await shell.ready).toBeNull();
    expect(second.app.quitCalls).toBe(1);
    expect(FakeBrowserWindow.created).toHaveLength(0);
  });

  it('registers app:// as a secure standard scheme and never serves file://', async () => {
    const { protocol } = await started();
    expect(protocol.privileged).toEqual([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
    expect([...protocol.handlers.keys()]).toEqual(['app']);
  });

  it('denies every permission request and check', async () => {
    const { defaultSession } = await started();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      defaultSession.permissionRequestHandler?.({}, permission, (answer) => (granted = answer));
      expect(granted, permission).toBe(false);
    }
    expect(defaultSession.permissionCheckHandler?.()).toBe(false);
  });

  it('blocks all renderer network except its own app:// files', async () => {
    const { defaultSession } = await started();
    expect(defaultSession.beforeRequestFilter).toEqual({ urls: ['<all_urls>'] });
    expect(defaultSession.decide('app://smsp/assets/app.js')).toBe(false);
    for (const url of [
      'https://example.org/',
      'http://127.0.0.1:8080/',
      'file:///etc/passwd',
      'ws://127.0.0.1/',
      'app://other/index.html',
    ]) {
      expect(defaultSession.decide(url), url).toBe(true);
    }
  });

  it('refuses navigation away from the app, new windows and webviews', async () => {
    const { app } = await started();
    const contents = new FakeBrowserWindow({}).webContents;
    app.emit('web-contents-created', {}, contents);
    let prevented = 0;
    const evt = { preventDefault: () => (prevented += 1) };
    contents.emit('will-navigate', evt, 'https://evil.example/');
    contents.emit('will-navigate', evt, 'file:///etc/passwd');
    contents.emit('will-attach-webview', evt);
    contents.emit('will-redirect', evt, 'https://evil.example/');
    expect(prevented).toBe(4);
    contents.emit('will-navigate', evt, 'app://smsp/index.html');
    expect(prevented).toBe(4);
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('answers IPC from the top-level app:// frame through the contract', async () => {
    const { ipcMain, window } = await started();
    const contents = window.webContents;
    const result = await ipcMain.call(
      ipcChannels.invoke,
      event(contents, contents.mainFrame),
      'app.info',
      {},
    );
    expect(result).toMatchObject({ ok: true, value: { host: 'test-host', environment: 'training' } });
  });

  it('refuses and audits IPC from a subframe, another origin or a vanished frame', async () => {
    const { ipcMain, window, runtime } = await started();
    const contents = window.webContents;
    const callers = [
      event(contents, { url: 'app://smsp/index.html' }), // a subframe: not the main frame object
      event(contents, null),
    ];
    contents.mainFrame = { url: 'https://evil.example/' };
    callers.push(event(contents, contents.mainFrame));
    for (const caller of callers) {
      expect(await ipcMain.call(ipcChannels.invoke, caller, 'app.info', {})).toMatchObject({
        ok: false,
        error: { code: 'NOT_AUTHORISED' },
      });
    }
    expect(runtime.audited.filter((entry) => entry.type === 'bridge.refused')).toHaveLength(3);
  });

  it('parses IPC arguments with the contract: unknown operation and bad input are refused', async () => {
    const { ipcMain, window } = await started();
    const contents = window.webContents;
    expect(
      await ipcMain.call(ipcChannels.invoke, event(contents, contents.mainFrame), 'fs.readFile', {}),
    ).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_OPERATION' },
    });
    expect(
      await ipcMain.call(ipcChannels.invoke, event(contents, contents.mainFrame), 'app.info', {
        path: '/etc/passwd',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('pushes events to the window and recovers a crashed renderer a bounded number of times', async () => {
    const { window, runtime } = await started();
    runtime.services.events.emit('card.removed', { label: 'PHARMACIST' });
    expect(window.webContents.sent).toContainEqual([
      ipcChannels.event,
      'card.removed',
      { label: 'PHARMACIST' },
    ]);
    for (let i = 0; i < 5; i += 1) window.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    expect(window.webContents.reloads).toBe(3);
    expect(runtime.audited.filter((entry) => entry.type === 'app.renderer-gone')).toHaveLength(5);
  });
});

describe('app:// protocol', () => {
  const root = makeAppRoot();
  const handle = createAppRequestHandler(join(root, 'dist', 'renderer'));
  symlinkSync(join(root, 'secret.txt'), join(root, 'dist', 'renderer', 'link.txt'));

  it('serves renderer files with the CSP starting from default-src none', async () => {
    const response = await handle(new Request('app://smsp/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'self'/);
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'none'");
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await handle(new Request('app://smsp/'))).status).toBe(200);
  });

  it.each([
    'app://smsp/../secret.txt',
    'app://smsp/%2e%2e/secret.txt',
    'app://smsp/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://smsp/..%5csecret.txt',
    'app://smsp/assets/app.js%00.html',
    'app://smsp/link.txt',
    'app://other/index.html',
    'app://smsp/missing.js',
  ])('refuses %s', async (url) => {
    const response = await handle(new Request(url));
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('outside the renderer folder');
  });
});
