// The architecture's import boundaries and window-security rules are enforced by lint; these
// tests prove each rule fires, so `npm test` fails when one is broken.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

describe('architecture boundaries (architecture.md section 2)', () => {
  it.each([
    [
      'renderer/features/x.tsx',
      "import { loadConfig } from '../../main/config/load';\nexport const x = loadConfig;",
    ],
    ['renderer/features/x.tsx', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['renderer/features/x.tsx', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;"],
    [
      'renderer/features/x.tsx',
      "import { exposeSmsp } from '../../preload/index';\nexport const x = exposeSmsp;",
    ],
    ['main/api/x.ts', "import { app } from 'electron';\nexport const x = app;"],
    [
      'main/audit/x.ts',
      "import Database from 'better-sqlite3-multiple-ciphers';\nexport const x = Database;",
    ],
    ['main/auth/x.ts', "import * as pkcs11 from 'pkcs11js';\nexport const x = pkcs11;"],
    ['main/audit/x.ts', "import pg from 'pg';\nexport const x = pg;"],
    ['main/api/x.ts', "import { from } from 'pg-copy-streams';\nexport const x = from;"],
    ['native/sqlite/x.ts', "import pg from 'pg';\nexport const x = pg;"],
    ['renderer/features/x.tsx', "import pg from 'pg';\nexport const x = pg;"],
    [
      'main/estate/x.ts',
      "import Database from 'better-sqlite3-multiple-ciphers';\nexport const x = Database;",
    ],
    ['main/hl7/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;"],
    ['main/spine/x.ts', "import { App } from '../../renderer/app';\nexport const x = App;"],
    [
      'preload/contract/x.ts',
      "import { z } from 'zod';\nimport { hostname } from 'node:os';\nexport const x = [z, hostname];",
    ],
    [
      'native/sqlite/x.ts',
      "import { startHost } from '../../main/host/server';\nexport const x = startHost;",
    ],
  ])('refuses the import in %s', async (file, code) => {
    expect(await ruleIds(file, code)).toContain('no-restricted-imports');
  });

  it.each([
    ['main/electron/x.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['native/pkcs11/x.ts', "import * as pkcs11 from 'pkcs11js';\nexport const x = pkcs11;"],
    ['main/estate/x.ts', "import pg from 'pg';\nexport const x = pg;"],
    [
      'renderer/features/x.tsx',
      "import type { AuthState } from '../../preload/contract';\nexport type X = AuthState;",
    ],
  ])('allows the import in %s', async (file, code) => {
    expect(await ruleIds(file, code)).not.toContain('no-restricted-imports');
  });

  // Each weakened setting as a (name, value) pair: the code under lint is assembled from them, so
  // this file itself holds no weakened window setting for a source scan to trip over.
  it.each([
    ['nodeIntegration', true],
    ['contextIsolation', false],
    ['sandbox', false],
    ['webSecurity', false],
  ])('refuses a window setting that weakens security: %s = %s', async (name, value) => {
    expect(await ruleIds('main/electron/x.ts', `export const prefs = { ${name}: ${value} };`)).toContain(
      'no-restricted-syntax',
    );
  });
});
