// Entry of the Electron main process: the only module that hands the real `electron` to the shell.
import * as electron from 'electron';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, defaultAdminFile, defaultUserFile } from '../config/load';
import { createLogger } from '../log/logger';
import { bootstrapRuntime } from '../app/bootstrap';
import { startShell } from './lifecycle';
import { safeStorageKeyStore } from './key-store';
import { pkcs11EntryPath, utilityProcessLauncher } from './pkcs11-launcher';

const log = createLogger();

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  log.error('cannot start', { error });
  electron.dialog.showErrorBox('SCR Desktop cannot start', message);
  electron.app.exit(1);
}

try {
  // Training launches (npm start) pass configuration values over the admin and user files.
  const overrides = process.env['SMSP_CONFIG_OVERRIDES'];
  const config = loadConfig({
    adminFile: process.env['SMSP_ADMIN_CONFIG'] ?? defaultAdminFile(),
    userFile: process.env['SMSP_USER_CONFIG'] ?? defaultUserFile(),
    overrides: overrides ? (JSON.parse(overrides) as Record<string, unknown>) : undefined,
  });
  const shell = startShell(electron, {
    appRoot: electron.app.getAppPath(),
    log,
    createRuntime: async (userData) => {
      const dataDir = join(userData, config.environment);
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      const appRoot = electron.app.getAppPath();
      return bootstrapRuntime({
        config,
        platform: {
          host: 'electron',
          // Vendor PKCS#11 modules run in utility processes the shell supervises, never in main.
          pkcs11: utilityProcessLauncher(electron.utilityProcess, pkcs11EntryPath(appRoot)),
          // Database keys wrapped by the OS key store, not left in a file beside the database.
          auditKeys: safeStorageKeyStore(electron.safeStorage, userData),
        },
        dataDir,
        log,
      });
    },
  });
  shell.ready.catch(fail);
} catch (error) {
  electron.app.whenReady().then(() => fail(error), fail);
}
