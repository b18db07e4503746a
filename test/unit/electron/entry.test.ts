// The Electron entry against fakes of Electron, with a real runtime behind it (audit trail in its
// worker, keys through a fake safeStorage): where the configuration comes from when the app is
// installed (app.isPackaged) and when it runs from source (issue 12 finding 1).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startElectronApp } from '../../../main/electron/entry';
import { createLogger } from '../../../main/log/logger';
import type { Runtime } from '../../../main/app/runtime';
import { fakeElectron } from '../../support/fake-electron';

const dirs: string[] = [];
const runtimes: Runtime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function workstation() {
  const dir = mkdtempSync(join(tmpdir(), 'smsp-entry-'));
  dirs.push(dir);
  const write = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(content));
    return path;
  };
  // The administrator's fixed file: the genuine identity service and the decided policies.
  const adminFile = write('admin.json', {
    environment: 'training',
    workstation: 'PHARM-01',
    identity: { url: 'https://identity.trust.example/' },
    policies: { cardRemoval: 'lock', idleTimeoutMinutes: 15 },
  });
  // The user's own file: a preference (allowed) and a policy (not theirs to set).
  const userFile = write('user.json', {
    preferences: { textSize: 'large' },
    policies: { cardRemoval: 'ignore' },
  });
  // What a user could put in their own environment to take over the workstation.
  const env = {
    SMSP_ADMIN_CONFIG: write('attacker-admin.json', {
      environment: 'training',
      identity: { url: 'https://identity.attacker.example/' },
      smartcard: { modules: ['/tmp/attacker-pkcs11.so'] },
    }),
    SMSP_USER_CONFIG: write('attacker-user.json', { preferences: { textSize: 'normal' } }),
    SMSP_CONFIG_OVERRIDES: JSON.stringify({
      policies: { idleTimeoutMinutes: 240, cardRemoval: 'ignore' },
      audit: { dir: join(dir, 'elsewhere') },
    }),
  };
  const lines: Array<{ level: string; msg: string; source?: string }> = [];
  const log = createLogger({ write: (line) => lines.push(JSON.parse(line) as (typeof lines)[number]) });
  return { dir, adminFile, userFile, env, lines, log };
}

async function start(packaged: boolean) {
  const ws = workstation();
  const fakes = fakeElectron();
  fakes.app.isPackaged = packaged;
  fakes.app.userData = join(ws.dir, 'user-data');
  fakes.app.appPath = ws.dir;
  const runtime = await startElectronApp(fakes.electron, {
    env: ws.env,
    log: ws.log,
    adminFile: ws.adminFile,
    userFile: ws.userFile,
  });
  if (runtime) runtimes.push(runtime);
  return { ...ws, ...fakes, runtime };
}

async function configEntries(runtime: Runtime) {
  const page = await runtime.services.audit.reader!.search({ eventType: 'config.', page: 1, pageSize: 50 });
  return page.entries.map((entry) => ({
    outcome: entry.outcome,
    ...(JSON.parse(entry.detail ?? '{}') as { source: string; applied: boolean }),
  }));
}

describe('Electron entry: configuration has one source of authority', () => {
  it('finding 1: an installed app ignores SMSP_ADMIN_CONFIG, SMSP_USER_CONFIG and SMSP_CONFIG_OVERRIDES, says so once and audits each', async () => {
    const { runtime, lines, dir, userFile } = await start(true);
    expect(runtime).not.toBeNull();
    const config = runtime!.services.config;
    // Policy is the administrator's, whatever the environment and the user's file said.
    expect(config.identity.url).toBe('https://identity.trust.example/');
    expect(config.smartcard.modules).toEqual([]);
    expect(config.policies).toMatchObject({ cardRemoval: 'lock', idleTimeoutMinutes: 15 });
    expect(config.audit.dir).toBeUndefined();
    // The user's own file still sets their preferences.
    expect(config.preferences.textSize).toBe('large');

    const ignored = lines.filter((line) => line.level === 'warn' && /ignored/.test(line.msg));
    expect(ignored.map((line) => line.source).sort()).toEqual(
      ['SMSP_ADMIN_CONFIG', 'SMSP_CONFIG_OVERRIDES', 'SMSP_USER_CONFIG', `${userFile}: policies`].sort(),
    );
    expect(ignored.find((line) => line.source === 'SMSP_ADMIN_CONFIG')?.msg).toBe(
      `SMSP_ADMIN_CONFIG is set but was ignored: this workstation's policy comes only from ${join(dir, 'admin.json')}`,
    );
    expect(lines.some((line) => /development run/.test(line.msg))).toBe(false);

    const entries = await configEntries(runtime!);
    expect(entries).toHaveLength(4);
    expect(entries.every((entry) => entry.outcome === 'refused' && entry.applied === false)).toBe(true);
    expect(entries.map((entry) => entry.source).sort()).toEqual(ignored.map((line) => line.source).sort());
  });

  it('finding 1: a development run (not packaged) may use the variables and says so at start-up', async () => {
    const { runtime, lines } = await start(false);
    const config = runtime!.services.config;
    expect(config.identity.url).toBe('https://identity.attacker.example/');
    expect(config.policies.idleTimeoutMinutes).toBe(240);
    const applied = lines.filter((line) => /^development run \(not installed\)/.test(line.msg));
    expect(applied.map((line) => line.source).sort()).toEqual([
      'SMSP_ADMIN_CONFIG',
      'SMSP_CONFIG_OVERRIDES',
      'SMSP_USER_CONFIG',
    ]);
    const entries = await configEntries(runtime!);
    expect(entries.filter((entry) => entry.applied)).toHaveLength(3);
    expect(entries.every((entry) => entry.outcome === 'info')).toBe(true);
  });

  it('finding 1: an installed app with an invalid administrator file stops with a message naming the key', async () => {
    const ws = workstation();
    writeFileSync(ws.adminFile, JSON.stringify({ policies: { cardRemoval: 'never' } }));
    const fakes = fakeElectron();
    fakes.app.isPackaged = true;
    const runtime = await startElectronApp(fakes.electron, {
      env: ws.env,
      log: ws.log,
      adminFile: ws.adminFile,
      userFile: ws.userFile,
    });
    expect(runtime).toBeNull();
    expect(fakes.dialogs).toHaveLength(1);
    expect(fakes.dialogs[0]?.content).toMatch(/"policies\.cardRemoval" is "never"/);
    expect(fakes.app.exitCodes).toEqual([1]);
  });
});
