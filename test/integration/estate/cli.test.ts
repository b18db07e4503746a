// `smsp audit seed --workstation`, `export`, `ingest`, `query` from the command line (issue 16):
// three training workstations made by the app's own tools, their exports ingested into a real
// PostgreSQL cluster and into the encrypted file store; one JSON line per bundle; exit 0 when all
// were ingested or already held, 1 when any was refused; `--watch` moves folders on.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromAuditEvent } from '../../../main/audit/fhir';
import { startPostgres, type PostgresCluster } from '../../support/postgres';

const root = resolve(import.meta.dirname, '..', '..', '..');
let dir: string;
let cluster: PostgresCluster;
let adminFile: string;
const fingerprints: string[] = [];
const firstBundles: string[] = [];
const secondBundles: string[] = [];

function smsp(args: string[], config = adminFile) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/tools/smsp.ts', 'audit', ...args], {
    cwd: root,
    env: { ...process.env, SMSP_ADMIN_CONFIG: config },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const lines = (out: string) =>
  out
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'smsp-estate-cli-'));
  cluster = startPostgres();
  adminFile = join(dir, 'admin.json');
  writeFileSync(adminFile, JSON.stringify({ environment: 'training' }));
  for (const id of ['TRAIN-01', 'TRAIN-02', 'TRAIN-03']) {
    // One folder per workstation: its database key and its own export signing key live there.
    mkdirSync(join(dir, id));
    const db = join(dir, id, 'audit.db');
    const key = join(dir, id, 'audit.key');
    expect(smsp(['seed', '--db', db, '--key-file', key, '--entries', '120', '--workstation', id]).code).toBe(
      0,
    );
    const first = join(dir, 'drop', `${id}-1`);
    const exported = smsp(['export', '--db', db, '--key-file', key, '--out', first, '--workstation', id]);
    expect(exported.code).toBe(0);
    fingerprints.push(/key fingerprint: ([0-9a-f]{64})/.exec(exported.out)?.[1] ?? '');
    firstBundles.push(first);
    // More activity, then a second export of everything since the first one.
    expect(smsp(['seed', '--db', db, '--key-file', key, '--entries', '24', '--workstation', id]).code).toBe(
      0,
    );
    const second = join(dir, 'drop', `${id}-2`);
    expect(smsp(['export', '--db', db, '--key-file', key, '--out', second, '--workstation', id]).code).toBe(
      0,
    );
    secondBundles.push(second);
  }
}, 240_000);

afterAll(() => {
  cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.each(['postgresql', 'file'] as const)('smsp audit ingest|query into %s', (kind) => {
  const store = () =>
    kind === 'postgresql'
      ? ['--store', cluster.url]
      : ['--store', `file:${join(dir, 'estate.db')}`, '--key-file', join(dir, 'estate.key')];
  const trust = () => fingerprints.flatMap((f) => ['--trust', f]);

  it('ingests three workstations, then says duplicate on re-ingest and exits 0', () => {
    const first = smsp(['ingest', ...store(), ...trust(), ...firstBundles]);
    expect(first.code).toBe(0);
    expect(lines(first.out)).toEqual(
      ['TRAIN-01', 'TRAIN-02', 'TRAIN-03'].map((id, i) => ({
        bundle: resolve(firstBundles[i]!),
        workstation: id,
        entries: 121,
        outcome: 'ingested',
      })),
    );
    const again = smsp(['ingest', ...store(), ...trust(), firstBundles[0]!]);
    expect(again.code).toBe(0);
    expect(lines(again.out)[0]).toMatchObject({ outcome: 'duplicate', entries: 121 });
  });

  it('refuses an untrusted signer and a tampered bundle with exit 1, and still ingests the good one', () => {
    const tampered = join(dir, `tampered-${kind}`);
    cpSync(secondBundles[1]!, tampered, { recursive: true });
    const file = join(tampered, 'audit.ndjson');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"outcome":"0"', '"outcome":"8"'));
    const result = smsp([
      'ingest',
      ...store(),
      '--trust',
      fingerprints[0]!,
      '--trust',
      fingerprints[1]!,
      tampered,
      secondBundles[2]!,
      secondBundles[0]!,
    ]);
    expect(result.code).toBe(1);
    const [bad, untrusted, good] = lines(result.out);
    expect(bad).toMatchObject({ workstation: 'TRAIN-02', outcome: 'refused' });
    expect(String(bad?.['reason'])).toMatch(/audit\.ndjson/);
    expect(untrusted).toMatchObject({ workstation: 'TRAIN-03', entries: 0, outcome: 'refused' });
    expect(String(untrusted?.['reason'])).toMatch(/signer not trusted/);
    // The second export overlaps the first: only the new entries are added.
    expect(good).toMatchObject({ workstation: 'TRAIN-01', entries: 146, outcome: 'ingested' });
  });

  it('prints one patient’s accesses across all workstations as FHIR AuditEvent NDJSON, newest first', () => {
    const result = smsp(['query', ...store(), '--nhs-number', '900 000 0009']);
    expect(result.code).toBe(0);
    const events = result.out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e['resourceType'] === 'AuditEvent')).toBe(true);
    const entries = events.map((e) => fromAuditEvent(e));
    expect(new Set(entries.map((e) => e.workstation))).toEqual(new Set(['TRAIN-01', 'TRAIN-02', 'TRAIN-03']));
    expect(entries.every((e) => e.nhsNumber === '9000000009')).toBe(true);
    const times = entries.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    const one = smsp(['query', ...store(), '--workstation', 'TRAIN-02', '--event', 'scr.', '--limit', '5']);
    const few = one.out
      .split('\n')
      .filter(Boolean)
      .map((l) => fromAuditEvent(JSON.parse(l)));
    expect(few.length).toBe(5);
    expect(few.every((e) => e.workstation === 'TRAIN-02' && e.type.startsWith('scr.'))).toBe(true);
  });

  it('shows health per workstation, with the refused bundles', () => {
    const result = smsp(['health', ...store()]);
    expect(result.code).toBe(0);
    const health = JSON.parse(result.out) as { sources: { workstation: string }[]; refused: unknown[] };
    expect(health.sources.map((s) => s.workstation)).toEqual(['TRAIN-01', 'TRAIN-02', 'TRAIN-03']);
    expect(health.refused.length).toBe(2);
  });
});

it('--watch --once moves each settled bundle to ingested/ or refused/ with the reason', () => {
  const drop = join(dir, 'watched');
  mkdirSync(drop);
  cpSync(secondBundles[1]!, join(drop, 'branch-2'), { recursive: true });
  cpSync(secondBundles[2]!, join(drop, 'branch-3'), { recursive: true });
  const store = ['--store', cluster.createDatabase('watched')];
  // Settled means no file changed for two seconds: wait them out (bounded) before the pass.
  const until = Date.now() + 2_500;
  while (Date.now() < until) spawnSync('sleep', ['0.5']);
  const result = smsp(['ingest', ...store, '--trust', fingerprints[1]!, '--watch', drop, '--once']);
  expect(result.code).toBe(1);
  expect(existsSync(join(drop, 'ingested', 'branch-2', 'manifest.json'))).toBe(true);
  expect(existsSync(join(drop, 'refused', 'branch-3', 'manifest.json'))).toBe(true);
  expect(readFileSync(join(drop, 'refused', 'branch-3.reason.txt'), 'utf8')).toMatch(/signer not trusted/);
  expect(existsSync(join(drop, 'branch-2'))).toBe(false);
});
