// Where the audit database key comes from. The Electron app wraps it with the OS key store
// (main/electron/key-store.ts, safeStorage); the test host and the command-line tools use a key
// file with owner-only permissions (native/sqlite key-file).
import { join } from 'node:path';
import { readOrCreateKeyFile } from '../../native/sqlite';

export interface AuditKeyStore {
  /**
   * How the key is protected at rest: `os` (Keychain, DPAPI, libsecret, KWallet) or `basic-text`
   * (Linux without a keyring: the key is only obfuscated). Known before any key is read.
   */
  readonly protection: 'os' | 'basic-text' | 'key-file';
  /** The 32-byte key for `name` (e.g. `audit`), created and persisted on first use. */
  loadOrCreate(name: string): Promise<Buffer>;
}

/** The test host's key store: `<dataDir>/<name>.key`, created 0600, refused if readable by others. */
export function keyFileStore(dataDir: string): AuditKeyStore {
  return {
    protection: 'key-file',
    loadOrCreate: async (name) => readOrCreateKeyFile(join(dataDir, `${name}.key`)),
  };
}
