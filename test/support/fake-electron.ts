// Fakes of the slice of Electron the shell uses (main/electron/electron-api.ts). They record
// what the shell asks for, so tests can assert every security setting and refusal.
import type {
  AppLike,
  BrowserWindowLike,
  BrowserWindowOptionsLike,
  FrameLike,
  IpcMainInvokeEventLike,
  ProtocolLike,
  SafeStorageLike,
  SessionLike,
  UtilityProcessApi,
  WebContentsLike,
} from '../../main/electron/electron-api';
import type { ElectronMainApi } from '../../main/electron/entry';

type Listener = (...args: unknown[]) => unknown;

export class FakeEmitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: (...args: never[]) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener as Listener]);
    return this;
  }
  once(event: string, listener: (...args: never[]) => void): this {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]): unknown[] {
    return (this.listeners.get(event) ?? []).map((listener) => listener(...args));
  }
}

export class FakeWebContents extends FakeEmitter implements WebContentsLike {
  mainFrame: FrameLike = { url: 'app://smsp/index.html' };
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' } | { action: 'allow' }) | null = null;
  sent: unknown[][] = [];
  reloads = 0;
  setWindowOpenHandler(
    handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' },
  ): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
  reload(): void {
    this.reloads += 1;
  }
  isDestroyed(): boolean {
    return false;
  }
}

export class FakeBrowserWindow extends FakeEmitter implements BrowserWindowLike {
  static created: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  contentProtection = false;
  loaded: string[] = [];
  shown = false;
  focused = 0;
  constructor(readonly options: BrowserWindowOptionsLike) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  setContentProtection(enable: boolean): void {
    this.contentProtection = enable;
  }
  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
  }
  show(): void {
    this.shown = true;
  }
  focus(): void {
    this.focused += 1;
  }
  isMinimized(): boolean {
    return false;
  }
  restore(): void {}
  isDestroyed(): boolean {
    return false;
  }
}

export class FakeSession implements SessionLike {
  permissionRequestHandler:
    ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheckHandler: (() => boolean) | null = null;
  beforeRequest:
    ((details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void) | null = null;
  beforeRequestFilter: { urls: string[] } | null = null;
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: (() => boolean) | null): void {
    this.permissionCheckHandler = handler;
  }
  readonly webRequest = {
    onBeforeRequest: (filter: { urls: string[] }, listener: NonNullable<FakeSession['beforeRequest']>) => {
      this.beforeRequestFilter = filter;
      this.beforeRequest = listener;
    },
  };
  /** What the session decides for a request to `url`. */
  decide(url: string): boolean {
    let cancelled: boolean | undefined;
    this.beforeRequest?.({ url }, (response) => (cancelled = response.cancel));
    return cancelled === true;
  }
}

export class FakeProtocol implements ProtocolLike {
  privileged: Array<{ scheme: string; privileges: Record<string, boolean> }> = [];
  handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>): void {
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    this.handlers.set(scheme, handler);
  }
}

export class FakeIpcMain {
  handlers = new Map<string, (event: IpcMainInvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  handle(
    channel: string,
    listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => Promise<unknown>,
  ): void {
    this.handlers.set(channel, listener);
  }
  call(channel: string, event: IpcMainInvokeEventLike, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`no handler for ${channel}`);
    return handler(event, ...args);
  }
}

export class FakeApp extends FakeEmitter implements AppLike {
  isPackaged = true;
  /** What getPath('userData') answers; tests that start a real runtime point it at a temp folder. */
  userData = '/tmp/fake-user-data';
  appPath = '/tmp/fake-app';
  exitCodes: number[] = [];
  sandboxEnabled = false;
  lockAvailable = true;
  quitCalls = 0;
  readyCalledAfterSandbox: boolean | null = null;
  enableSandbox(): void {
    this.sandboxEnabled = true;
  }
  requestSingleInstanceLock(): boolean {
    return this.lockAvailable;
  }
  quit(): void {
    this.quitCalls += 1;
  }
  async whenReady(): Promise<void> {
    this.readyCalledAfterSandbox = this.sandboxEnabled;
  }
  getPath(): string {
    return this.userData;
  }
  getAppPath(): string {
    return this.appPath;
  }
  exit(code = 0): void {
    this.exitCodes.push(code);
  }
  protocolClients: Array<{ protocol: string; path: string | undefined; args: string[] | undefined }> = [];
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean {
    this.protocolClients.push({ protocol, path, args });
    return true;
  }
}

/** Reversible wrapping that looks nothing like its input, as the OS key store's would. */
export function fakeSafeStorage(
  backend = 'gnome_libsecret',
  available = true,
): SafeStorageLike & { calls: string[] } {
  const calls: string[] = [];
  const mask = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    calls,
    isEncryptionAvailable: () => available,
    encryptString: (text) => {
      calls.push('encrypt');
      return Buffer.concat([Buffer.from('v10'), mask(Buffer.from(text, 'utf8'))]);
    },
    decryptString: (data) => {
      calls.push('decrypt');
      if (!data.subarray(0, 3).equals(Buffer.from('v10'))) throw new Error('Error while decrypting');
      return mask(data.subarray(3)).toString('utf8');
    },
    getSelectedStorageBackend: () => backend,
  };
}

export function fakeElectron() {
  FakeBrowserWindow.created = [];
  const app = new FakeApp();
  const protocol = new FakeProtocol();
  const ipcMain = new FakeIpcMain();
  const defaultSession = new FakeSession();
  const dialogs: Array<{ title: string; content: string }> = [];
  const utilityProcess: UtilityProcessApi = {
    fork: () => {
      throw new Error('no utility processes in unit tests');
    },
  };
  const electron: ElectronMainApi = {
    app,
    BrowserWindow: FakeBrowserWindow,
    protocol,
    ipcMain,
    session: { defaultSession },
    dialog: { showErrorBox: (title, content) => dialogs.push({ title, content }) },
    utilityProcess,
    safeStorage: fakeSafeStorage(),
  };
  return { electron, app, protocol, ipcMain, defaultSession, dialogs };
}
