// Issue 12, findings 2, 3 and 5, at the bundle level: `smsp audit verify` says who signed and
// exits 3 for a re-signed bundle; a truncated or renumbered bundle exits 1; a series of bundles
// proves continuity (a missing bundle, or history rewritten between exports, exits 1); a
// filtered bundle verifies as a faithful subset; exports select by sequence, so a clock that
// went backwards leaves no gap.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEncryptedDatabase, readOrCreateKeyFile } from '../../../native/sqlite';
import { GENESIS_HASH, seal, type AuditEntry } from '../../../main/audit/entry';
import { exportBundle } from '../../../main/audit/export';
import { fromAuditEvent, toAuditEvent } from '../../../main/audit/fhir';
import { signManifest, type Manifest } from '../../../main/audit/manifest';
import { seedEntries } from '../../../main/audit/seed';
import { signingKeyFromSeed, type SigningKey } from '../../../main/audit/signing-key';
import { AuditStore, auditMigrations, rowValues, type PendingEntry } from '../../../main/audit/store';
import { verifyBundle, verifySeries } from '../../../main/audit/verify';
import { WITNESS_FILE, readWitness, signCheckpoint, type Checkpoint } from '../../../main/audit/witness';

const root = resolve(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'smsp-series-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const signingKey = signingKeyFromSeed(randomBytes(32));
const fingerprint = signingKey.fingerprint;

function pending(n: number): PendingEntry[] {
  const out: PendingEntry[] = [];
  for (const batch of seedEntries({ entries: n, workstation: 'PHARM-01', asid: '200000001234' }))
    out.push(...batch);
  return out;
}

let bundles = 0;
function exportFrom(
  store: AuditStore,
  options: { range?: { from?: string; to?: string }; filter?: { eventType?: string }; key?: SigningKey } = {},
): string {
  bundles += 1;
  const out = join(dir, `bundle-${bundles}`);
  exportBundle(store, {
    dir: out,
    range: options.range ?? {},
    filter: options.filter,
    workstation: 'PHARM-01',
    exportedBy: null,
    signingKey: options.key ?? signingKey,
  });
  return out;
}

function smsp(args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'test/tools/smsp.ts', 'audit', ...args], {
    cwd: root,
    // No administrator file: the trust list comes from --trust only.
    env: { ...process.env, SMSP_ADMIN_CONFIG: join(dir, 'no-admin-config.json') },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const readLines = (bundle: string) =>
  readFileSync(join(bundle, 'audit.ndjson'), 'utf8').trimEnd().split('\n');
const readManifest = (bundle: string) =>
  JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as Manifest;

/** The bundle's entries with entry 10 deleted and the rest renumbered and re-chained. */
function withoutEntry10(bundle: string): AuditEntry[] {
  let prevHash = GENESIS_HASH;
  return readLines(bundle)
    .map((l) => fromAuditEvent(JSON.parse(l)))
    .filter((e) => e.sequence !== 10)
    .map((e, i) => {
      const sealed = seal({ ...e, sequence: i + 1, prevHash });
      prevHash = sealed.hash;
      return sealed;
    });
}

/** Rewrites a bundle's files the way someone without the workstation key would. */
function forge(bundle: string, entries: AuditEntry[], csv: string, key: SigningKey): string {
  bundles += 1;
  const out = join(dir, `forged-${bundles}`);
  cpSync(bundle, out, { recursive: true });
  const ndjson = entries.map((e) => JSON.stringify(toAuditEvent(e))).join('\n') + '\n';
  writeFileSync(join(out, 'audit.ndjson'), ndjson);
  writeFileSync(join(out, 'audit.csv'), csv);
  const digest = (text: string) => ({
    sha256: createHash('sha256').update(text).digest('hex'),
    bytes: Buffer.byteLength(text),
  });
  const { signature: _s, ...body } = readManifest(bundle);
  void _s;
  const last = entries[entries.length - 1] as AuditEntry;
  writeFileSync(
    join(out, 'manifest.json'),
    JSON.stringify(
      signManifest(
        {
          ...body,
          entries: entries.length,
          lastSequence: last.sequence,
          chainHead: last.hash,
          files: { 'audit.ndjson': digest(ndjson), 'audit.csv': digest(csv) },
          publicKey: key.publicSpki.toString('base64'),
          keyFingerprint: key.fingerprint,
          keyId: key.keyId,
        },
        key,
      ),
    ),
  );
  return out;
}

describe('finding 2: verify says who signed, and trusts only named signers', () => {
  let genuine: string;
  beforeAll(() => {
    const store = AuditStore.open(join(dir, 'finding2.db'), randomBytes(32));
    store.append(pending(50));
    genuine = exportFrom(store);
    store.close();
  });

  it('finding 2: a bundle with entry 10 deleted, renumbered, re-chained, a formula CSV and re-signed with a fresh key exits 3', () => {
    const renumbered = withoutEntry10(genuine);
    const attacker = signingKeyFromSeed(randomBytes(32));
    const forged = forge(genuine, renumbered, '=HYPERLINK("http://evil.example","click")\r\n', attacker);

    const untrusted = smsp(['verify', forged]);
    expect(untrusted.code).toBe(3);
    expect(untrusted.out).toBe(
      `signer: ${attacker.fingerprint} workstation: PHARM-01 key: ${attacker.keyId}\n` +
        'signature intact, signer not trusted: 49 entries, seq 1..49\n',
    );
    // Trusting the genuine workstation key does not make the forgery pass.
    expect(smsp(['verify', forged, '--trust', fingerprint]).code).toBe(3);
    // The genuine bundle passes only with its signer trusted.
    expect(smsp(['verify', genuine]).code).toBe(3);
    expect(smsp(['verify', genuine, '--trust', 'sha256:' + fingerprint.toUpperCase()])).toMatchObject({
      code: 0,
      out: `signer: ${fingerprint} workstation: PHARM-01 key: ${signingKey.keyId}\nvalid: 50 entries, seq 1..50\n`,
    });
  });

  it('finding 2: the trust list may hold several keys, from --trust (repeatable) or the administrator', () => {
    const other = signingKeyFromSeed(randomBytes(32)).fingerprint;
    expect(smsp(['verify', genuine, '--trust', other, '--trust', fingerprint]).code).toBe(0);
    const admin = join(dir, 'admin.json');
    writeFileSync(admin, JSON.stringify({ audit: { trustedSigners: [other, fingerprint] } }));
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'test/tools/smsp.ts', 'audit', 'verify', genuine],
      {
        cwd: root,
        env: { ...process.env, SMSP_ADMIN_CONFIG: admin },
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(0);
  });

  it('finding 2: a truncated or renumbered bundle that keeps the genuine signature exits 1 and says what is wrong', () => {
    bundles += 1;
    const truncated = join(dir, `truncated-${bundles}`);
    cpSync(genuine, truncated, { recursive: true });
    writeFileSync(join(truncated, 'audit.ndjson'), readLines(genuine).slice(0, 45).join('\n') + '\n');
    const cut = smsp(['verify', truncated, '--trust', fingerprint]);
    expect(cut.code).toBe(1);
    expect(cut.out).toMatch(/\ninvalid: audit\.ndjson:46: missing: entries after seq 45/);

    bundles += 1;
    const renumbered = join(dir, `renumbered-${bundles}`);
    cpSync(genuine, renumbered, { recursive: true });
    const lines = withoutEntry10(genuine).map((e) => JSON.stringify(toAuditEvent(e)));
    writeFileSync(join(renumbered, 'audit.ndjson'), lines.join('\n') + '\n');
    const result = smsp(['verify', renumbered, '--trust', fingerprint]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/\ninvalid: audit\.ndjson:50: missing: entries after seq 49/);
  });

  it('finding 2: usage errors exit 2', () => {
    expect(smsp(['verify']).code).toBe(2);
    expect(smsp(['verify', genuine, '--trust']).code).toBe(2);
  });
});

describe('finding 3: a series of bundles proves continuity', () => {
  let store: AuditStore;
  const dbKey = randomBytes(32);
  const db = join(dir, 'series.db');
  const series: string[] = [];
  beforeAll(() => {
    store = AuditStore.open(db, dbKey);
    for (let i = 0; i < 3; i += 1) {
      store.append(pending(20));
      series.push(exportFrom(store));
    }
  });
  afterAll(() => store.close());

  it('finding 3: each full bundle names the previous one; the whole series verifies', async () => {
    expect(readManifest(series[0] as string).previousBundle).toBeNull();
    expect(readManifest(series[1] as string).previousBundle).toEqual({
      lastSequence: 20,
      chainHead: readManifest(series[0] as string).chainHead,
    });
    const result = await verifySeries([...series].reverse(), { trusted: [fingerprint] });
    expect(result).toMatchObject({ continuous: true, firstSequence: 1, lastSequence: 60, problems: [] });
    expect(result.bundles.map((b) => b.dir)).toEqual(series);
    const cli = smsp(['verify', ...series, '--trust', fingerprint]);
    expect(cli.code).toBe(0);
    expect(cli.out.trimEnd().split('\n')).toEqual([
      `signer: ${fingerprint} workstation: PHARM-01 key: ${signingKey.keyId}`,
      `${series[0]}: valid: 20 entries, seq 1..20`,
      `signer: ${fingerprint} workstation: PHARM-01 key: ${signingKey.keyId}`,
      `${series[1]}: valid: 40 entries, seq 1..40`,
      `signer: ${fingerprint} workstation: PHARM-01 key: ${signingKey.keyId}`,
      `${series[2]}: valid: 60 entries, seq 1..60`,
      'continuity: unbroken: seq 1..60 in 3 bundles',
    ]);
  });

  it('finding 3: a series with a bundle missing exits 1 and names the gap', async () => {
    const result = await verifySeries([series[0] as string, series[2] as string], { trusted: [fingerprint] });
    expect(result.continuous).toBe(false);
    expect(result.problems).toEqual([
      expect.objectContaining({ problem: 'bundle missing', between: [series[0], series[2]] }),
    ]);
    const cli = smsp(['verify', series[0] as string, series[2] as string, '--trust', fingerprint]);
    expect(cli.code).toBe(1);
    expect(cli.out).toMatch(
      /continuity: broken: bundle missing: .*ended at seq 40, the earlier one ends at seq 20/,
    );
  });

  it('finding 3: entries removed and re-chained in the database after an export are caught by the next bundle', async () => {
    // Someone with the database key drops the trigger, deletes entry 30 and re-chains the rest.
    const raw = openEncryptedDatabase({ file: db, key: dbKey, migrations: auditMigrations });
    const rows = [...store.entries({ first: 31 })];
    raw.exec('DROP TRIGGER audit_entry_no_delete');
    raw.prepare('DELETE FROM audit_entry WHERE sequence >= 30').run();
    let prevHash = store.hashAt(29) as string;
    const insert = raw.prepare(`INSERT INTO audit_entry VALUES (${Array(21).fill('?').join(', ')})`);
    for (const row of rows) {
      const sealed = seal({ ...row, sequence: row.sequence - 1, prevHash });
      prevHash = sealed.hash;
      insert.run(...rowValues(sealed));
    }
    raw.close();
    store.close();
    store = AuditStore.open(db, dbKey);
    store.append(pending(5));
    const after = exportFrom(store);
    // On its own: the chain is intact but no longer passes through what the last export signed.
    const alone = await verifyBundle(after, { trusted: [fingerprint] });
    expect(alone).toMatchObject({
      intact: false,
      problems: [{ problem: 'changed', where: 'manifest.json' }],
    });
    expect(alone.problems[0]?.reason).toMatch(/seq 60 no longer has the hash the previous export signed/);
    const cli = smsp(['verify', ...series, after, '--trust', fingerprint]);
    expect(cli.code).toBe(1);
    expect(cli.out).toMatch(/continuity: broken: /);
  });
});

describe('filtered bundles', () => {
  let store: AuditStore;
  let full: string;
  let filtered: string;
  beforeAll(() => {
    store = AuditStore.open(join(dir, 'filtered.db'), randomBytes(32));
    store.append(pending(200));
    full = exportFrom(store);
    filtered = exportFrom(store, { filter: { eventType: 'session.' } });
  });
  afterAll(() => store.close());

  it('verifies as a faithful subset: its lines and the hash links of the left-out entries make the whole chain', async () => {
    const manifest = readManifest(filtered);
    const lines = readLines(filtered).map((l) => fromAuditEvent(JSON.parse(l)));
    expect(manifest).toMatchObject({
      kind: 'filtered',
      filter: { eventType: 'session.' },
      previousBundle: null,
    });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((e) => e.type.startsWith('session.'))).toBe(true);
    expect(manifest.entries + manifest.omitted).toBe(200);
    expect(await verifyBundle(filtered, { trusted: [fingerprint] })).toMatchObject({
      intact: true,
      trusted: true,
      kind: 'filtered',
      firstSequence: 1,
      lastSequence: 200,
    });
    expect(await verifySeries([full, filtered], { trusted: [fingerprint] })).toMatchObject({
      continuous: true,
    });
  });

  it('detects a dropped line or an altered link in a filtered bundle', async () => {
    bundles += 1;
    const dropped = join(dir, `dropped-${bundles}`);
    cpSync(filtered, dropped, { recursive: true });
    const lines = readLines(filtered);
    writeFileSync(join(dropped, 'audit.ndjson'), [...lines.slice(0, 2), ...lines.slice(3)].join('\n') + '\n');
    expect(await verifyBundle(dropped)).toMatchObject({
      intact: false,
      problems: [{ where: 'audit.ndjson:3' }],
    });
    // A line moved out of the bundle into the omitted links cannot be hidden: the file is signed.
    bundles += 1;
    const relinked = join(dir, `relinked-${bundles}`);
    cpSync(filtered, relinked, { recursive: true });
    const omitted = readFileSync(join(filtered, 'omitted.ndjson'), 'utf8').replace(
      /"hash":"([0-9a-f])/,
      (_, c: string) => `"hash":"${c === 'f' ? 'e' : 'f'}`,
    );
    writeFileSync(join(relinked, 'omitted.ndjson'), omitted);
    expect(await verifyBundle(relinked)).toMatchObject({
      intact: false,
      problems: [{ problem: 'changed', where: 'omitted.ndjson' }],
    });
  });
});

describe('finding 5: exports select by sequence, not by clock order', () => {
  it('finding 5: after the clock went backwards, an export over a time range verifies with no gap', async () => {
    const store = AuditStore.open(join(dir, 'clock.db'), randomBytes(32));
    try {
      const base = Date.parse('2026-11-25T10:00:00.000Z');
      const stamp = (entries: PendingEntry[], start: number) =>
        entries.map((e, i) => ({ ...e, at: new Date(start + i * 60_000).toISOString() }));
      // 1..20 at 10:00–10:19; the clock then ran 80 minutes slow for 21..25; corrected for 26..40.
      store.append(stamp(pending(20), base));
      store.append(stamp(pending(5), base - 60 * 60_000));
      store.append(stamp(pending(15), base + 25 * 60_000));
      const bundle = exportFrom(store, {
        range: { from: '2026-11-25T10:00:00.000Z', to: '2026-11-25T11:00:00.000Z' },
      });
      const result = await verifyBundle(bundle, { trusted: [fingerprint] });
      expect(result).toMatchObject({ intact: true, firstSequence: 1, lastSequence: 40, entries: 40 });
      // A range that holds only the slow-clock entries maps to their sequences.
      const slow = exportFrom(store, {
        range: { from: '2026-11-25T09:00:00.000Z', to: '2026-11-25T09:30:00.000Z' },
      });
      expect(await verifyBundle(slow, { trusted: [fingerprint] })).toMatchObject({
        intact: true,
        firstSequence: 21,
        lastSequence: 25,
      });
    } finally {
      store.close();
    }
  });
});

describe('issue 12: smsp audit rotate-key', () => {
  const rot = join(dir, 'rotation');
  const db = join(rot, 'audit.db');
  const keyFile = join(rot, 'audit.key');
  const witnessDir = join(dir, 'rotation-witness');
  const common = ['--db', db, '--key-file', keyFile, '--workstation', 'PHARM-01'];
  const exportCli = (name: string) => {
    const out = join(dir, name);
    const result = smsp(['export', ...common, '--out', out]);
    expect(result.code).toBe(0);
    const folder = /to (\S+)\n/.exec(result.out)?.[1] as string;
    return { folder, fingerprint: /key fingerprint: ([0-9a-f]{64})/.exec(result.out)?.[1] as string };
  };

  it('a new key: witnessed as handed over and taken over, audited, the next manifest names it; the series verifies across the rotation only when both keys are trusted', () => {
    mkdirSync(rot, { recursive: true });
    const key = readOrCreateKeyFile(keyFile);
    const store = AuditStore.open(db, key);
    store.append(pending(20));
    store.close();

    // Nothing to rotate yet: refused, and no key is created behind the user's back.
    expect(smsp(['rotate-key', ...common, '--witness-dir', witnessDir]).code).toBe(2);
    expect(existsSync(join(rot, 'audit-signing.key'))).toBe(false);

    const before = exportCli('rotation-1');
    const rotated = smsp(['rotate-key', ...common, '--witness-dir', witnessDir]);
    expect(rotated.code).toBe(0);
    const line =
      /^rotated signing key: old ([0-9a-f]{64}) \(key ([0-9a-f]{16})\) new ([0-9a-f]{64}) \(key ([0-9a-f]{16})\)\n$/.exec(
        rotated.out,
      );
    expect(line?.[1]).toBe(before.fingerprint);
    const newFingerprint = line?.[3] as string;
    expect(newFingerprint).not.toBe(before.fingerprint);
    expect(statSync(join(rot, 'audit-signing.key')).mode & 0o777).toBe(0o600);

    // The witness: the first export's checkpoint (issue 12: the CLI writes one like the app),
    // then the old key hands over (signed by it) and the new key takes over (signed by it)…
    const { checkpoints, problems } = readWitness(join(witnessDir, WITNESS_FILE));
    expect(problems).toEqual([]);
    expect(checkpoints.map((c) => [c.kind, c.sequence, c.keyId, c.nextKeyId ?? c.previousKeyId])).toEqual([
      ['export', 21, line?.[2], undefined],
      ['key-rotated', 22, line?.[2], line?.[4]],
      ['key-new', 22, line?.[4], line?.[2]],
    ]);
    // …at the chain head, which holds the audit entry naming both keys.

    const after = exportCli('rotation-2');
    expect(after.fingerprint).toBe(newFingerprint);
    expect(readManifest(after.folder).keyId).toBe(line?.[4]);
    const entries = readLines(after.folder).map((l) => fromAuditEvent(JSON.parse(l)));
    const rotation = entries.find((e) => e.type === 'audit.key.rotated');
    expect(JSON.parse(rotation?.detail ?? '{}')).toMatchObject({
      previousFingerprint: before.fingerprint,
      fingerprint: newFingerprint,
    });

    const both = smsp([
      'verify',
      before.folder,
      after.folder,
      '--trust',
      before.fingerprint,
      '--trust',
      newFingerprint,
    ]);
    expect(both.code).toBe(0);
    expect(both.out).toContain('continuity: unbroken: seq 1..23 in 2 bundles');
    const oldOnly = smsp(['verify', before.folder, after.folder, '--trust', before.fingerprint]);
    expect(oldOnly.code).toBe(3);
    expect(oldOnly.out).toContain(`${before.folder}: valid: 21 entries`);
    expect(oldOnly.out).toContain(`${after.folder}: signature intact, signer not trusted: 23 entries`);
    const last = readWitness(join(witnessDir, WITNESS_FILE)).checkpoints.at(-1);
    expect([last?.kind, last?.sequence, last?.keyId]).toEqual(['export', 23, line?.[4]]);
  });

  it('finding 3: with entries cut off behind the witness, the CLI writes no new baseline over them and does not rotate', () => {
    const raw = openEncryptedDatabase({
      file: db,
      key: readOrCreateKeyFile(keyFile),
      migrations: auditMigrations,
    });
    raw.exec('DROP TRIGGER audit_entry_no_delete');
    raw.exec('DELETE FROM audit_entry WHERE sequence > 21');
    raw.close();
    const witnessed = () => readFileSync(join(witnessDir, WITNESS_FILE), 'utf8');
    const before = witnessed();
    const seed = readFileSync(join(rot, 'audit-signing.key'));

    const exported = smsp(['export', ...common, '--out', join(dir, 'rotation-3')]);
    expect(exported.code).toBe(1);
    expect(exported.err).toMatch(
      /no witness checkpoint written: .*cut off: the witness saw seq 23, the database ends at seq 22/,
    );
    const rotated = smsp(['rotate-key', ...common, '--witness-dir', witnessDir]);
    expect(rotated.code).toBe(1);
    expect(rotated.err).toMatch(/rotate-key: refused: .*a privacy officer acknowledges the break/);
    expect(witnessed()).toBe(before);
    expect(readFileSync(join(rot, 'audit-signing.key'))).toEqual(seed);
  });
});

describe('finding 3: verify --witness reads bundles against the signed checkpoints outside the database', () => {
  const wit = join(dir, 'witnessed');
  const dbKey = randomBytes(32);
  const line = (c: Checkpoint) => `${JSON.stringify(c)}\n`;
  const checkpoint = (store: AuditStore, kind: Checkpoint['kind'], now: Date) => {
    const head = store.chainHead();
    return signCheckpoint(
      { kind, sequence: head.sequence, chainHead: head.hash, workstation: 'PHARM-01', now },
      signingKey,
    );
  };
  /** Someone with the database key rewrites entries from `from` on (dropping the triggers). */
  const rewrite = (db: string, from: number, change: (rows: AuditEntry[]) => AuditEntry[]) => {
    const store = AuditStore.open(db, dbKey);
    const rows = [...store.entries({ first: from })];
    let prevHash = store.hashAt(from - 1) as string;
    store.close();
    const raw = openEncryptedDatabase({ file: db, key: dbKey, migrations: auditMigrations });
    raw.exec('DROP TRIGGER audit_entry_no_delete');
    raw.prepare('DELETE FROM audit_entry WHERE sequence >= ?').run(from);
    const insert = raw.prepare(`INSERT INTO audit_entry VALUES (${Array(21).fill('?').join(', ')})`);
    for (const row of change(rows)) {
      const sealed = seal({ ...row, prevHash });
      prevHash = sealed.hash;
      insert.run(...rowValues(sealed));
    }
    raw.close();
  };
  /** A trail of 30 entries with checkpoints at 20 and 30 (an hour ago), and its witness file. */
  const trail = (name: string) => {
    mkdirSync(wit, { recursive: true });
    const db = join(wit, `${name}.db`);
    const witness = join(wit, `${name}-witness.ndjson`);
    const store = AuditStore.open(db, dbKey);
    const hourAgo = Date.now() - 3_600_000;
    store.append(pending(20));
    writeFileSync(witness, line(checkpoint(store, 'periodic', new Date(hourAgo))));
    store.append(pending(10));
    writeFileSync(
      witness,
      readFileSync(witness, 'utf8') + line(checkpoint(store, 'periodic', new Date(hourAgo + 1_000))),
    );
    store.close();
    return { db, witness };
  };
  const exportOf = (db: string) => {
    const store = AuditStore.open(db, dbKey);
    try {
      return exportFrom(store);
    } finally {
      store.close();
    }
  };

  it('finding 3: a genuine bundle is consistent with its witness', () => {
    const { db, witness } = trail('genuine');
    const bundle = exportOf(db);
    const cli = smsp(['verify', bundle, '--trust', fingerprint, '--witness', witness]);
    expect(cli.code).toBe(0);
    expect(cli.out).toContain('valid: 30 entries, seq 1..30');
    expect(cli.out).toContain('witness: consistent: 2 checkpoints compared');
  });

  it('finding 3: entries cut off the end before the export: the bundle alone verifies; against the witness it exits 1', () => {
    const { db, witness } = trail('cut');
    rewrite(db, 26, () => []);
    const bundle = exportOf(db);
    expect(smsp(['verify', bundle, '--trust', fingerprint]).code).toBe(0);
    const cli = smsp(['verify', bundle, '--trust', fingerprint, '--witness', witness]);
    expect(cli.code).toBe(1);
    expect(cli.out).toMatch(
      /witness: the witness recorded seq 30 at .*but it ends at seq 25: entries were cut off/,
    );
    expect(cli.out).toContain('witness: inconsistent: 1 problems');
  });

  it('finding 3: an entry changed and the chain re-sealed: the hash at the checkpoint differs and it exits 1', () => {
    const { db, witness } = trail('changed');
    rewrite(db, 10, (rows) =>
      rows.map((row) => (row.sequence === 10 ? { ...row, outcome: 'failure' } : row)),
    );
    const bundle = exportOf(db);
    expect(smsp(['verify', bundle, '--trust', fingerprint]).code).toBe(0);
    const cli = smsp(['verify', bundle, '--trust', fingerprint, '--witness', witness]);
    expect(cli.code).toBe(1);
    expect(cli.out).toMatch(
      /witness: seq 20: .* has another hash than the witness recorded at .*changed or re-chained/,
    );
    expect(cli.out).toMatch(/witness: seq 30: /);
  });

  it('finding 3: a break a privacy officer acknowledged on the workstation is listed, not failed', () => {
    const { db, witness } = trail('acknowledged');
    rewrite(db, 10, (rows) =>
      rows.map((row) => (row.sequence === 10 ? { ...row, outcome: 'failure' } : row)),
    );
    const store = AuditStore.open(db, dbKey);
    const head = store.chainHead();
    store.close();
    const ack = signCheckpoint(
      {
        kind: 'acknowledged',
        sequence: head.sequence,
        chainHead: head.hash,
        workstation: 'PHARM-01',
        note: 'GOVERNANCE, Test: restored from backup',
        acknowledgedSequence: 10,
      },
      signingKey,
    );
    writeFileSync(witness, readFileSync(witness, 'utf8') + line(ack));
    const cli = smsp(['verify', exportOf(db), '--trust', fingerprint, '--witness', witness]);
    expect(cli.code).toBe(0);
    expect(cli.out).toMatch(/witness: acknowledged: seq 20: .*restored from backup/);
    expect(cli.out).toContain('witness: consistent: 3 checkpoints compared');
  });

  it('finding 3: a witness line altered, a checkpoint signed by someone else, a missing witness file', () => {
    const { db, witness } = trail('witness-tampered');
    const bundle = exportOf(db);
    const [first, second] = readFileSync(witness, 'utf8').trimEnd().split('\n');
    const altered = (second as string).replace(/"sequence":30/, '"sequence":29');
    const stranger = signCheckpoint(
      { kind: 'periodic', sequence: 30, chainHead: '0'.repeat(64), workstation: 'PHARM-01' },
      signingKeyFromSeed(randomBytes(32)),
    );
    writeFileSync(witness, `${first}\n${altered}\n${line(stranger)}`);
    const cli = smsp(['verify', bundle, '--trust', fingerprint, '--witness', witness]);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain('witness: witness line 2: not a validly signed checkpoint');
    expect(cli.out).toContain('1 checkpoints compared (1 of other workstations or keys left aside)');
    const missing = smsp(['verify', bundle, '--trust', fingerprint, '--witness', join(wit, 'none.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no witness file at');
  });
});
