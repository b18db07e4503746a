// The Electron audit key store against a fake safeStorage: the key is wrapped at rest with
// owner-only permissions, unwrapped to the same bytes, never replaced when it cannot be read,
// and a Linux basic_text backend is reported so the trail can refuse it.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { safeStorageKeyStore } from '../../../main/electron/key-store';
import { fakeSafeStorage } from '../../support/fake-electron';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'smsp-keystore-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('safeStorageKeyStore', () => {
  it('creates a wrapped 0600 key once and unwraps the same 32 bytes afterwards', async () => {
    const safe = fakeSafeStorage();
    const store = safeStorageKeyStore(safe, dir, 'linux');
    const key = await store.loadOrCreate('audit');
    expect(key).toHaveLength(32);
    const file = join(dir, 'audit.key.enc');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file).includes(Buffer.from(key.toString('hex')))).toBe(false);
    expect((await store.loadOrCreate('audit')).equals(key)).toBe(true);
    expect(safe.calls).toEqual(['encrypt', 'decrypt']);
    expect(store.protection).toBe('os');
  });

  it('never replaces a key it cannot unwrap', async () => {
    const file = join(dir, 'audit.key.enc');
    writeFileSync(file, 'not wrapped by this account', { mode: 0o600 });
    const store = safeStorageKeyStore(fakeSafeStorage(), dir, 'linux');
    await expect(store.loadOrCreate('audit')).rejects.toMatchObject({ code: 'KEY_UNREADABLE' });
    expect(readFileSync(file, 'utf8')).toBe('not wrapped by this account');
  });

  it('refuses a wrapped key file readable by others', async () => {
    const store = safeStorageKeyStore(fakeSafeStorage(), dir, 'linux');
    await store.loadOrCreate('audit');
    chmodSync(join(dir, 'audit.key.enc'), 0o644);
    await expect(store.loadOrCreate('audit')).rejects.toMatchObject({ code: 'KEY_FILE_PERMISSIONS' });
  });

  it('reports basic_text on Linux and refuses when no encryption is available', async () => {
    expect(safeStorageKeyStore(fakeSafeStorage('basic_text'), dir, 'linux').protection).toBe('basic-text');
    expect(safeStorageKeyStore(fakeSafeStorage('basic_text'), dir, 'darwin').protection).toBe('os');
    const none = safeStorageKeyStore(fakeSafeStorage('basic_text', false), dir, 'linux');
    await expect(none.loadOrCreate('audit')).rejects.toMatchObject({ code: 'KEY_STORE_UNAVAILABLE' });
  });
});
