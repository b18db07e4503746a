// The app's handle on the configured estate store (issue 16): opened on first use, from the
// administrator's configuration only (`estate.store`; a user's file cannot set it). The file
// store's key comes from the platform key store (safeStorage in Electron, a 0600 key file in the
// test host), like the workstation trail's; `estate.keyFile` overrides it.
import type { AppConfig } from '../config/schema';
import type { EstateStore } from './model';
import { openEstateStore } from './open';

export interface EstateAccess {
  store(): Promise<EstateStore>;
  close(): Promise<void>;
}

export interface EstateAccessOptions {
  readonly config: AppConfig;
  /** The file store's raw key from the platform key store, when no key file is configured. */
  readonly key?: () => Promise<Buffer>;
}

export function createEstateAccess(options: EstateAccessOptions): EstateAccess | null {
  const url = options.config.estate.store;
  if (!url) return null;
  let opening: Promise<EstateStore> | null = null;
  return {
    store() {
      opening ??= (async () => {
        const keyFile = options.config.estate.keyFile;
        const key = url.startsWith('file:') && !keyFile && options.key ? await options.key() : undefined;
        try {
          return await openEstateStore(url, { keyFile, key });
        } finally {
          key?.fill(0);
        }
      })().catch((error: unknown) => {
        // A failed open is tried again next time (the database may be back).
        opening = null;
        throw error;
      });
      return opening;
    },
    async close() {
      if (opening) await (await opening.catch(() => null))?.close();
    },
  };
}
