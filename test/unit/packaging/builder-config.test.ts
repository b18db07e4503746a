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
  linux: { target: string[]; executableArgs?: string[] };
  mac: { target: string[] };
  protocols: Array<{ name: string; schemes: string[] }>;
  nsis: { include?: string };
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

  // In-context launch (issue 14). electron-builder's `protocols` reaches the macOS Info.plist and
  // the Linux .desktop file only (app-builder-lib: electronMac.js, LinuxTargetHelper.js), so each
  // target must name how it registers scr-desktop://; a new target without one fails here.
  const launchRegistration: Readonly<Record<string, 'protocols' | 'nsis-include' | 'app-at-start'>> = {
    dmg: 'protocols',
    deb: 'protocols',
    AppImage: 'protocols',
    nsis: 'nsis-include',
    msi: 'app-at-start',
  };

  it('registers scr-desktop:// on every target it builds', () => {
    const targets = [...config.win.target.map((t) => t.target), ...config.linux.target, ...config.mac.target];
    for (const target of targets) expect(launchRegistration[target], target).toBeDefined();
    expect(config.protocols.flatMap((p) => p.schemes)).toEqual(['scr-desktop']);
  });

  it('HAZ-081: the NSIS installer registers the scheme machine-wide with -- before the link, and removes it', () => {
    expect(config.nsis.include).toBe('.ci/packaging/launch-protocol.nsh');
    const script = readFileSync(config.nsis.include ?? '', 'utf8');
    const key = 'SHELL_CONTEXT "Software\\Classes\\scr-desktop';
    expect(script).toContain(`!macro customInstall`);
    expect(script).toContain(`WriteRegStr ${key}" "URL Protocol" ""`);
    expect(script).toContain(`WriteRegStr ${key}\\shell\\open\\command" "" '"$appExe" -- "%1"'`);
    expect(script).toContain(`!macro customUnInstall\n  DeleteRegKey ${key}"`);
  });

  it('HAZ-081: the Linux .desktop file puts -- before the link (electron-builder then appends %U)', () => {
    expect(config.linux.executableArgs).toEqual(['--']);
  });

  it('an MSI install gets the scheme from the app itself at start (its target cannot register one)', () => {
    const lifecycle = readFileSync('main/electron/lifecycle.ts', 'utf8');
    expect(lifecycle).toMatch(/setAsDefaultProtocolClient\(launchScheme, process\.execPath, \['--'\]\)/);
    expect(readFileSync('README.md', 'utf8').replace(/\s+/g, ' ')).toContain(
      'the MSI target cannot register URL schemes, so on Windows the app registers `scr-desktop://` for the current user at its first start',
    );
  });
});
