// Opens an estate store from its URL (issue 16): `file:PATH` for the embedded encrypted SQLite
// store, `postgresql://…` (or `postgres://…`) for PostgreSQL. Both behind one interface.
import { readOrCreateKeyFile } from '../../native/sqlite';
import { openFileStore } from './file-store';
import type { EstateStore } from './model';
import { openPgStore } from './pg-store';

export interface OpenStoreOptions {
  /** The file store's key file (0600, 64 hex digits); created with the store. */
  readonly keyFile?: string | undefined;
  /** The file store's raw key, when the platform key store holds it (the app). */
  readonly key?: Buffer | undefined;
  /** PostgreSQL password from the platform key store, when not in the administrator's URL. */
  readonly password?: string | undefined;
}

export class StoreUrlError extends Error {}

export async function openEstateStore(url: string, options: OpenStoreOptions = {}): Promise<EstateStore> {
  if (url.startsWith('file:')) {
    const file = url.slice('file:'.length);
    if (!file) throw new StoreUrlError('file: needs a path, e.g. file:/var/lib/scr-estate/estate.db');
    if (!options.key && !options.keyFile)
      throw new StoreUrlError('a file: store needs its key (--key-file KEY)');
    const key: Buffer = options.key
      ? Buffer.from(options.key)
      : readOrCreateKeyFile(options.keyFile as string);
    try {
      return openFileStore(file, key);
    } finally {
      key.fill(0);
    }
  }
  if (/^postgres(ql)?:\/\//.test(url)) return openPgStore(url, { password: options.password });
  throw new StoreUrlError('a store is file:PATH or postgresql://…');
}
