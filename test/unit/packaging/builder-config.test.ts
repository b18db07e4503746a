// electron-builder cannot run here (it downloads Electron), so its configuration is checked
// against the JSON schema electron-builder itself ships, plus the settings we rely on.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const schema = require('app-builder-lib/scheme.json') as object;
const config = parse(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  asarUnpack: string[];
  files: string[];
  win: { target: Array<{ target: string }> };
  linux: { target: string[] };
};

describe('electron-builder.yml', () => {
  it('is valid against the schema electron-builder ships', () => {
    const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
    const validate = ajv.compile(schema);
    const valid = validate(config);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('rejects a misspelt key (the schema check can fail)', () => {
    const ajv = new Ajv({ strict: false, allowUnionTypes: true });
    expect(ajv.compile(schema)({ ...config, asarUnpak: ['**/*.node'] })).toBe(false);
  });

  it('sets every security fuse explicitly', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });

  it('unpacks native modules, rebuilds them for Electron and ships no tests', () => {
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config['npmRebuild']).toBe(true);
    expect(config.files).toContain('!test/**');
    expect(config.files).toContain('dist/main/**');
  });

  it('builds NSIS and MSI for Windows and deb and AppImage for Linux', () => {
    expect(config.win.target.map((t) => t.target)).toEqual(['nsis', 'msi']);
    expect(config.linux.target).toEqual(['deb', 'AppImage']);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { main: string };
    expect(pkg.main).toBe('dist/main/electron.cjs');
  });
});
