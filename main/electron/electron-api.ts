// The narrow slice of Electron's API the shell uses. The real `electron` module satisfies it;
// unit tests pass fakes that record every call, so each setting and refusal can be asserted.
export interface WebPreferencesLike {
  preload?: string;
  contextIsolation?: boolean;
  sandbox?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInWorker?: boolean;
  nodeIntegrationInSubFrames?: boolean;
  webSecurity?: boolean;
  allowRunningInsecureContent?: boolean;
  experimentalFeatures?: boolean;
  webviewTag?: boolean;
  devTools?: boolean;
  navigateOnDragDrop?: boolean;
  spellcheck?: boolean;
  safeDialogs?: boolean;
}

export interface BrowserWindowOptionsLike {
  width?: number;
  height?: number;
  minWidth?: number;
  minHeight?: number;
  show?: boolean;
  title?: string;
  backgroundColor?: string;
  autoHideMenuBar?: boolean;
  webPreferences?: WebPreferencesLike;
}

export interface FrameLike {
  readonly url: string;
}

export interface WebContentsLike {
  readonly mainFrame: FrameLike;
  on(event: string, listener: (...args: never[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  send(channel: string, ...args: unknown[]): void;
  reload(): void;
  isDestroyed(): boolean;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  setContentProtection(enable: boolean): void;
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: string, listener: (...args: never[]) => void): unknown;
  show(): void;
  focus(): void;
  isMinimized(): boolean;
  restore(): void;
  isDestroyed(): boolean;
}

export type BrowserWindowConstructor = new (options: BrowserWindowOptionsLike) => BrowserWindowLike;

export interface SessionLike {
  setPermissionRequestHandler(
    handler:
      ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null,
  ): void;
  setPermissionCheckHandler(handler: (() => boolean) | null): void;
  readonly webRequest: {
    onBeforeRequest(
      filter: { urls: string[] },
      listener: (details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void,
    ): void;
  };
}

export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: Array<{ scheme: string; privileges: Record<string, boolean> }>): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

export interface IpcMainInvokeEventLike {
  readonly sender: WebContentsLike;
  readonly senderFrame: FrameLike | null;
}

export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: IpcMainInvokeEventLike, ...args: unknown[]) => Promise<unknown>,
  ): void;
}

export interface AppLike {
  readonly isPackaged: boolean;
  enableSandbox(): void;
  requestSingleInstanceLock(): boolean;
  quit(): void;
  whenReady(): Promise<void>;
  on(event: string, listener: (...args: never[]) => void): unknown;
  getPath(name: 'userData'): string;
  /** Registers this executable as the handler of a URL scheme for the current user. */
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
}

export interface ElectronApi {
  readonly app: AppLike;
  readonly BrowserWindow: BrowserWindowConstructor;
  readonly protocol: ProtocolLike;
  readonly ipcMain: IpcMainLike;
  readonly session: { readonly defaultSession: SessionLike };
}

/** The slice of Electron's utilityProcess the PKCS#11 launcher uses (pkcs11-launcher.ts). */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface UtilityProcessApi {
  fork(
    modulePath: string,
    args?: string[],
    options?: {
      env?: Record<string, string>;
      serviceName?: string;
      stdio?: 'ignore' | 'inherit' | 'pipe' | Array<'pipe' | 'ignore' | 'inherit'>;
    },
  ): UtilityProcessLike;
}

/** The slice of Electron's safeStorage the audit key store uses (key-store.ts). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: `basic_text` means no keyring — the "encryption" is a fixed obfuscation. */
  getSelectedStorageBackend?(): string;
}
