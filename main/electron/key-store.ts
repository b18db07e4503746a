// The audit database key in the Electron app: 32 random bytes wrapped with safeStorage (Keychain,
// DPAPI, libsecret or KWallet) and kept as `<userData>/<name>.key.enc` with owner-only
// permissions (issue 6). Where Linux offers only `basic_text`, the store says so and the audit
// trail refuses clinical use unless the administrator allows it (main/audit/trail.ts).
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditKeyStore } from '../audit/key-store';
import type { SafeStorageLike } from './electron-api';

const KEY_BYTES = 32;

export class KeyStoreError extends Error {
  override readonly name = 'KeyStoreError';
  constructor(
    readonly code: 'KEY_STORE_UNAVAILABLE' | 'KEY_FILE_PERMISSIONS' | 'KEY_UNREADABLE',
    message: string,
  ) {
    super(message);
  }
}

export function safeStorageKeyStore(
  safeStorage: SafeStorageLike,
  userDataDir: string,
  platform: NodeJS.Platform = process.platform,
): AuditKeyStore {
  return {
    // Read when asked (after app ready): the backend is only known then.
    get protection() {
      if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text')
        return 'basic-text';
      return 'os';
    },
    loadOrCreate: async (name) => {
      if (!safeStorage.isEncryptionAvailable()) {
        throw new KeyStoreError(
          'KEY_STORE_UNAVAILABLE',
          'The operating system key store is not available, so the audit key cannot be protected.',
        );
      }
      const file = join(userDataDir, `${name}.key.enc`);
      let wrapped: Buffer | null = null;
      try {
        if (platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
          throw new KeyStoreError(
            'KEY_FILE_PERMISSIONS',
            `${file} must be readable by its owner only (chmod 600)`,
          );
        }
        wrapped = readFileSync(file);
      } catch (error) {
        if (error instanceof KeyStoreError) throw error;
        if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
      }
      if (wrapped) {
        let hex: string;
        try {
          hex = safeStorage.decryptString(wrapped);
        } catch {
          // Never replace the key: a new key would make the existing audit trail unreadable.
          throw new KeyStoreError(
            'KEY_UNREADABLE',
            'The audit key cannot be unwrapped by this user account. It has not been replaced.',
          );
        }
        if (!/^[0-9a-f]{64}$/.test(hex)) {
          throw new KeyStoreError('KEY_UNREADABLE', 'The audit key file does not hold a 32-byte key.');
        }
        return Buffer.from(hex, 'hex');
      }
      const key = randomBytes(KEY_BYTES);
      // safeStorage only takes strings, so the key crosses as hex once, at creation and at unwrap.
      const sealed = safeStorage.encryptString(key.toString('hex'));
      // O_EXCL: if another start created it meanwhile, fail rather than overwrite.
      const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      try {
        writeSync(fd, sealed);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return key;
    },
  };
}
