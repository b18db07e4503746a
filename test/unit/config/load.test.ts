// Configuration: defaults, admin file, user overrides limited to what users may change, and
// errors that name the key and the value.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, readConfig } from '../../../main/config/load';
import { chooseConfigSources, loadToolConfig } from '../../../main/config/sources';

const file = (content: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), 'smsp-config-')), 'config.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('configuration', () => {
  it('defaults to training with the decided session policies', () => {
    const config = loadConfig();
    expect(config.environment).toBe('training');
    expect(config.policies).toEqual({
      cardRemoval: 'lock',
      idleTimeoutMinutes: 15,
      idleWarningSeconds: 120,
      absoluteLimitHours: 12,
      launchRequestsPerMinute: 10,
    });
    expect(config.audit.allowBasicTextKeyStore).toBe(false);
  });

  it('reads the admin file and lets a user change only their preferences', () => {
    const adminFile = file({ environment: 'path-to-live', policies: { cardRemoval: 'logout' } });
    const userFile = file({ preferences: { textSize: 'large' } });
    const config = loadConfig({ adminFile, userFile });
    expect(config.environment).toBe('path-to-live');
    expect(config.policies.cardRemoval).toBe('logout');
    expect(config.policies.idleTimeoutMinutes).toBe(15);
    expect(config.preferences.textSize).toBe('large');
  });

  it('finding 1: ignores, and reports, what a user file sets beyond its preferences', () => {
    const userFile = file({ policies: { idleTimeoutMinutes: 240 }, preferences: { textSize: 'large' } });
    const { config, notices } = readConfig({ userFile });
    expect(config.policies.idleTimeoutMinutes).toBe(15);
    expect(config.preferences.textSize).toBe('large');
    expect(notices).toEqual([
      {
        kind: 'ignored',
        source: `${userFile}: policies`,
        message: `"policies" in ${userFile} was ignored: only the administrator can set it (a user's file may set preferences)`,
      },
    ]);
  });

  it('finding 1: the audit CLI cannot bend a managed workstation with SMSP_ADMIN_CONFIG', () => {
    const live = file({ environment: 'live', asid: '200000001234' });
    const training = file({ environment: 'training' });
    const managed = loadToolConfig({ SMSP_ADMIN_CONFIG: training }, live);
    expect(managed.config.environment).toBe('live');
    expect(managed.notices).toEqual([
      expect.objectContaining({ kind: 'ignored', source: 'SMSP_ADMIN_CONFIG' }),
    ]);
    // Where no administrator's file exists (a developer's checkout), the variable names one.
    const checkout = loadToolConfig({ SMSP_ADMIN_CONFIG: training }, join(tmpdir(), 'no-such-admin.json'));
    expect(checkout.config.environment).toBe('training');
    expect(checkout.notices).toEqual([
      expect.objectContaining({ kind: 'applied', source: 'SMSP_ADMIN_CONFIG' }),
    ]);
  });

  it('finding 1: an installed app reads only the fixed files; a development run names what it used', () => {
    const env = { SMSP_ADMIN_CONFIG: '/x/admin.json', SMSP_CONFIG_OVERRIDES: '{"environment":"live"}' };
    const installed = chooseConfigSources({
      packaged: true,
      env,
      adminFile: '/etc/a.json',
      userFile: '/u.json',
    });
    expect(installed.sources).toEqual({ adminFile: '/etc/a.json', userFile: '/u.json' });
    expect(installed.notices.map((n) => [n.kind, n.source])).toEqual([
      ['ignored', 'SMSP_ADMIN_CONFIG'],
      ['ignored', 'SMSP_CONFIG_OVERRIDES'],
    ]);
    const development = chooseConfigSources({
      packaged: false,
      env,
      adminFile: '/etc/a.json',
      userFile: '/u.json',
    });
    expect(development.sources).toEqual({
      adminFile: '/x/admin.json',
      userFile: '/u.json',
      overrides: { environment: 'live' },
    });
    expect(() => chooseConfigSources({ packaged: false, env: { SMSP_CONFIG_OVERRIDES: '{nope' } })).toThrow(
      /SMSP_CONFIG_OVERRIDES is not valid JSON/,
    );
  });

  it('finding 6: HAZ-071 refuses smartcard.env.OPENSSL_CONF at configuration load, naming the key', () => {
    const adminFile = file({
      smartcard: {
        modules: ['/usr/lib/softhsm/libsofthsm2.so'],
        env: { SOFTHSM2_CONF: '/cards/softhsm2.conf', OPENSSL_CONF: '/tmp/crafted.cnf' },
      },
    });
    expect(() => loadConfig({ adminFile })).toThrow(
      /"smartcard\.env\.OPENSSL_CONF" is "\/tmp\/crafted\.cnf" — is not passed to the PKCS#11 module libsofthsm2\.so: only SOFTHSM2_CONF may be set for it/,
    );
    // The named variable for the module in use is accepted; a module not named in the allow-list gets none.
    expect(
      loadConfig({
        adminFile: file({
          smartcard: { modules: ['/usr/lib/softhsm/libsofthsm2.so'], env: { SOFTHSM2_CONF: '/c.conf' } },
        }),
      }).smartcard.env,
    ).toEqual({ SOFTHSM2_CONF: '/c.conf' });
    expect(() =>
      loadConfig({
        adminFile: file({
          smartcard: { modules: ['/opt/vendor/libvendorpkcs11.so'], env: { LD_PRELOAD: '/x.so' } },
        }),
      }),
    ).toThrow(
      /"smartcard\.env\.LD_PRELOAD" .* libvendorpkcs11\.so: no environment variable may be set for it/,
    );
  });

  it('names the bad key and value', () => {
    expect(() => loadConfig({ adminFile: file({ policies: { idleTimeoutMinutes: -3 } }) })).toThrow(
      /"policies\.idleTimeoutMinutes" is -3 — /,
    );
    expect(() => loadConfig({ adminFile: file({ environment: 'production' }) })).toThrow(
      /"environment" is "production"/,
    );
    expect(() => loadConfig({ adminFile: file({ asid: '12345' }) })).toThrow(
      /"asid" is "12345" — an ASID is 12 digits/,
    );
    expect(() => loadConfig({ adminFile: file({ polices: {} }) })).toThrow(/unknown key "polices"/);
    expect(() => loadConfig({ adminFile: file('{ nope') })).toThrow(/is not valid JSON/);
    expect(() => loadConfig({ adminFile: file('[1,2]') })).toThrow(/must hold a JSON object/);
  });
});
