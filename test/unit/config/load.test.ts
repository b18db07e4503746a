// Configuration: defaults, admin file, user overrides limited to what users may change, and
// errors that name the key and the value.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../main/config/load';

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

  it('refuses a user file that tries to change an administrator setting', () => {
    const userFile = file({ policies: { idleTimeoutMinutes: 240 } });
    expect(() => loadConfig({ userFile })).toThrow(/"policies" can only be set by the administrator/);
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
