// The Electron single-instance path of in-context launch (issue 14), against fakes of `app`:
// a second launch's command line, macOS open-url and the first start's own command line all
// reach the one launch service, the window comes to the front, and nothing after a URL is read.
// (The real Electron binary is absent here: electron-smoke.spec.ts says so when it skips.)
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startShell } from '../../../main/electron/lifecycle';
import { silentLogger } from '../../../main/log/logger';
import { FakeBrowserWindow, fakeElectron } from '../../support/fake-electron';
import { testRuntime } from '../../support/runtime';

const url = 'scr-desktop://patient?nhsNumber=9000000009&source=PMR';
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function start(options: { argv?: string[]; platform?: NodeJS.Platform; packaged?: boolean } = {}) {
  const fakes = fakeElectron();
  fakes.app.isPackaged = options.packaged ?? true;
  const runtime = testRuntime();
  const shell = startShell(fakes.electron, {
    appRoot: mkdtempSync(join(tmpdir(), 'smsp-launch-shell-')),
    log: silentLogger,
    createRuntime: async () => runtime,
    argv: options.argv ?? ['/opt/SCR Desktop/scr-desktop'],
    platform: options.platform ?? 'linux',
  });
  const launches = () =>
    runtime.audited
      .filter((e) => e.type === 'launch.request')
      .map((e) => ({
        nhsNumber: e.nhsNumber,
        ...(e.detail as { route: string; result: string; source: string }),
      }));
  return { ...fakes, runtime, shell, launches };
}

describe('in-context launch through Electron (fakes of app)', () => {
  it('HAZ-081: hands a second instance’s first URL to the running app, brings it to the front, and reads nothing after it', async () => {
    const { app, shell, launches } = start();
    const window = (await shell.ready) as FakeBrowserWindow;
    app.emit('second-instance', {}, [
      'C:\\Program Files\\SCR Desktop\\SCR Desktop.exe',
      '--',
      url,
      '--gpu-launcher=cmd /c calc',
      'scr-desktop://patient?nhsNumber=9000000017',
    ]);
    await settle();
    expect(window.focused).toBe(1);
    expect(launches()).toEqual([
      expect.objectContaining({
        nhsNumber: '9000000009',
        route: 'second-instance',
        source: 'PMR',
        result: 'waiting',
      }),
    ]);
  });

  it('takes macOS open-url, before and after the app is ready, and stops the default handling', async () => {
    const { app, shell, launches } = start({ platform: 'darwin' });
    let prevented = 0;
    const event = { preventDefault: () => (prevented += 1) };
    app.emit('open-url', event, url); // a first start by link: before ready
    await shell.ready;
    app.emit('open-url', event, 'scr-desktop://patient?nhsNumber=9000000008');
    await settle();
    expect(prevented).toBe(2);
    expect(launches().map((l) => [l.route, l.result])).toEqual([
      ['open-url', 'waiting'],
      ['open-url', 'refused'],
    ]);
  });

  it('reads a first start’s own --nhs-number command line, and ignores a start that asks for no patient', async () => {
    const withRequest = start({
      argv: ['/opt/scr-desktop', '--no-sandbox', '--nhs-number', '9000000009', '--dob', '1968-04-12'],
    });
    await withRequest.shell.ready;
    expect(withRequest.launches()).toEqual([
      expect.objectContaining({ nhsNumber: '9000000009', route: 'command-line', result: 'waiting' }),
    ]);
    const plain = start({ argv: ['/opt/scr-desktop', '--no-sandbox'] });
    await plain.shell.ready;
    expect(plain.launches()).toEqual([]);
  });

  it('a second instance that cannot take the lock quits without listening for launches', async () => {
    const fakes = fakeElectron();
    fakes.app.lockAvailable = false;
    const shell = startShell(fakes.electron, {
      appRoot: mkdtempSync(join(tmpdir(), 'smsp-launch-shell-')),
      log: silentLogger,
      createRuntime: async () => testRuntime(),
      argv: ['/opt/scr-desktop', url],
    });
    expect(await shell.ready).toBeNull();
    expect(fakes.app.quitCalls).toBe(1);
    expect(fakes.app.listeners.has('second-instance')).toBe(false);
    expect(fakes.app.listeners.has('open-url')).toBe(false);
    expect(FakeBrowserWindow.created).toHaveLength(0);
  });

  it('registers scr-desktop:// for the user on packaged Windows, with -- before the link; elsewhere the installer does', async () => {
    const windows = start({ platform: 'win32' });
    await windows.shell.ready;
    expect(windows.app.protocolClients).toEqual([
      { protocol: 'scr-desktop', path: process.execPath, args: ['--'] },
    ]);
    const dev = start({ platform: 'win32', packaged: false });
    await dev.shell.ready;
    expect(dev.app.protocolClients).toEqual([]);
    const linux = start({ platform: 'linux' });
    await linux.shell.ready;
    expect(linux.app.protocolClients).toEqual([]);
  });
});
