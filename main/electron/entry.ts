// The Electron main process from configuration to window, given the Electron API (index.ts hands
// it the real one; tests hand it fakes). Configuration comes from the administrator's fixed file
// only when the app is installed (app.isPackaged): the development variables are ignored there,
// and every ignored or applied override is logged once and audited (issue 12 finding 1).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadHostConfig } from '../config/sources';
import type { Logger } from '../log/logger';
import { bootstrapRuntime } from '../app/bootstrap';
import { auditConfigNotices, logConfigNotices } from '../app/config-notices';
import type { Runtime } from '../app/runtime';
import type { ExportLocation } from '../audit/export-location';
import type { ElectronApi, SafeStorageLike, UtilityProcessApi } from './electron-api';
import { startShell } from './lifecycle';
import { safeStorageKeyStore } from './key-store';
import { pkcs11EntryPath, utilityProcessLauncher } from './pkcs11-launcher';

/** The slice of Electron the entry needs beyond the shell's. */
export interface ElectronMainApi extends ElectronApi {
  readonly app: ElectronApi['app'] & { exit(code?: number): void; getAppPath(): string };
  readonly dialog: {
    showErrorBox(title: string, content: string): void;
    showSaveDialog?(options: {
      title: string;
      defaultPath: string;
      buttonLabel: string;
      properties: Array<'createDirectory' | 'showOverwriteConfirmation'>;
    }): Promise<{ canceled: boolean; filePath?: string }>;
  };
  readonly shell?: { showItemInFolder(path: string): void };
  readonly utilityProcess: UtilityProcessApi;
  readonly safeStorage: SafeStorageLike;
}

export interface EntryOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Logger;
  /** The administrator's fixed path and the user's file (defaults: main/config/load.ts). */
  readonly adminFile?: string;
  readonly userFile?: string;
}

/** Audit exports: the save dialog chooses the new bundle folder; the shell shows it (issue 13). */
function exportLocation(electron: ElectronMainApi, userData: string): { exportLocation?: ExportLocation } {
  const { dialog, shell } = electron;
  if (!dialog.showSaveDialog || !shell) return {};
  const showSaveDialog = dialog.showSaveDialog.bind(dialog);
  return {
    exportLocation: {
      choose: async (suggestedName) => {
        const answer = await showSaveDialog({
          title: 'Save the audit export',
          defaultPath: join(userData, '..', suggestedName),
          buttonLabel: 'Save export',
          properties: ['createDirectory', 'showOverwriteConfirmation'],
        });
        return answer.canceled || !answer.filePath ? null : answer.filePath;
      },
      show: (folder) => shell.showItemInFolder(folder),
    },
  };
}

/** Starts the app; resolves with the runtime once the window is up, or null when it cannot start. */
export function startElectronApp(electron: ElectronMainApi, options: EntryOptions): Promise<Runtime | null> {
  const { app } = electron;
  const { log } = options;
  const fail = (error: unknown): null => {
    const message = error instanceof Error ? error.message : String(error);
    log.error('cannot start', { error });
    electron.dialog.showErrorBox('SCR Desktop cannot start', message);
    app.exit(1);
    return null;
  };
  let loaded;
  try {
    loaded = loadHostConfig({
      packaged: app.isPackaged,
      env: options.env,
      ...(options.adminFile !== undefined ? { adminFile: options.adminFile } : {}),
      ...(options.userFile !== undefined ? { userFile: options.userFile } : {}),
    });
  } catch (error) {
    return app.whenReady().then(
      () => fail(error),
      () => fail(error),
    );
  }
  const { config, notices } = loaded;
  logConfigNotices(log, notices);
  let runtime: Runtime | null = null;
  const shell = startShell(electron, {
    appRoot: app.getAppPath(),
    log,
    createRuntime: async (userData) => {
      const dataDir = join(userData, config.environment);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      runtime = await bootstrapRuntime({
        config,
        platform: {
          host: 'electron',
          // Vendor PKCS#11 modules run in utility processes the shell supervises, never in main.
          pkcs11: utilityProcessLauncher(electron.utilityProcess, pkcs11EntryPath(app.getAppPath())),
          // Database keys wrapped by the OS key store, not left in a file beside the database.
          auditKeys: safeStorageKeyStore(electron.safeStorage, userData),
          ...exportLocation(electron, userData),
        },
        dataDir,
        log,
      });
      await auditConfigNotices(runtime.services.audit, log, notices);
      return runtime;
    },
  });
  return shell.ready.then(
    (window) => (window ? runtime : null),
    (error: unknown) => fail(error),
  );
}
