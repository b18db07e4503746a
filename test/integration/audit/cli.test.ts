// `smsp audit seed|export` from the command line: seed refuses outside training mode and creates
// an owner-only key file in training; an export of the seeded store verifies.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyBundle } from '../../../main/audit/verify';
import { WITNESS_FILE, readWitness } from '../../../main/audit/witness';

const root = resolve(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'smsp-audit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function smsp(args: string[], adminConfig: Record<string, unknown>) {
  const configFile = join(dir, `admin-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(configFile, JSON.stringify(adminConfig));
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/tools/smsp.ts', 'audit', ...args], {
    cwd: root,
    env: { ...process.env, SMSP_ADMIN_CONFIG: configFile },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('smsp audit', () => {
  it('refuses to seed outside training mode and leaves no database behind', () => {
    const db = join(dir, 'live.db');
    const result = smsp(['seed', '--db', db, '--key-file', join(dir, 'live.key'), '--entries', '10'], {
      environment: 'path-to-live',
    });
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/refused: .*path-to-live, not training/);
    expect(() => statSync(db)).toThrow();
  });

  it('seeds in training, creating a 0600 key, and exports a bundle that verifies', async () => {
    const db = join(dir, 'training.db');
    const key = join(dir, 'training.key');
    const seeded = smsp(['seed', '--db', db, '--key-file', key, '--entries', '500'], {
      environment: 'training',
    });
    expect(seeded).toMatchObject({ code: 0, out: 'seeded 500 entries; chain head seq 500\n' });
    expect(statSync(key).mode & 0o777).toBe(0o600);
    const out = join(dir, 'bundle');
    const witnessDir = join(dir, 'witness');
    const exported = smsp(
      ['export', '--db', db, '--key-file', key, '--out', out, '--witness-dir', witnessDir],
      {
        workstation: 'PHARM-01',
      },
    );
    expect(exported.code).toBe(0);
    // The export records itself first: 500 seeded + 1.
    expect(exported.out).toMatch(/^exported 501 entries \(seq 1\.\.501\)/);
    const fingerprint = /key fingerprint: ([0-9a-f]{64})/.exec(exported.out)?.[1];
    expect(await verifyBundle(out, { trusted: [fingerprint ?? ''] })).toMatchObject({
      intact: true,
      trusted: true,
      entries: 501,
    });
    // Like the app, the export leaves a signed checkpoint of the head outside the database.
    const { checkpoints } = readWitness(join(witnessDir, WITNESS_FILE));
    expect(checkpoints.map((c) => [c.kind, c.sequence, c.workstation])).toEqual([
      ['export', 501, 'PHARM-01'],
    ]);
  });
});
