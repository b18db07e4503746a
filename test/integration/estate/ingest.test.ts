// The estate store end to end below the command line (issue 16), against both stores: a real
// PostgreSQL cluster (Debian's server, started in a temporary folder) and the encrypted SQLite
// file. Bundles are real signed exports of real encrypted workstation trails.
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBundle } from '../../../main/estate/ingest';
import type { EstateStore } from '../../../main/estate/model';
import { fileMigrations } from '../../../main/estate/file-store';
import { openEstateStore } from '../../../main/estate/open';
import { pgMigrations } from '../../../main/estate/pg-schema';
import { openEncryptedDatabase, readOrCreateKeyFile } from '../../../native/sqlite';
import { purgeOlderThan, purgeRecordValid, readOrCreateSigningKey } from '../../../main/estate/retention';
import { canonicalJson, type AuditEntry } from '../../../main/audit/entry';
import { exportBundle } from '../../../main/audit/export';
import { fromAuditEvent } from '../../../main/audit/fhir';
import { reviewQueue as workstationReviewQueue } from '../../../main/audit/review';
import { AuditStore, rowValues, type PendingEntry } from '../../../main/audit/store';
import { OpeningHours } from '../../../main/config/schema';
import { trainingWorkstation, type TrainingWorkstation } from '../../support/estate';
import { startPostgres, type PostgresCluster } from '../../support/postgres';

let root: string;
let cluster: PostgresCluster;
const stations: TrainingWorkstation[] = [];
/** Per workstation: bundles of consecutive months (Sept, Oct, Nov 2026). */
const bundles = new Map<string, string[]>();
let rogue: string;
let tampered: string;
let tamperedSigner: string;
/** A bundle bigger than what ingest holds in memory at once (it streams while verifying). */
let big: string;
let bigSigner: string;
/** One app-made access of each kind, on a Wednesday in 2027 (nothing else is held then). */
let accesses: TrainingWorkstation;
let accessBundle: string;

/** The administrator's opening hours for these tests: weekdays 09:00–17:00, local time. */
const openingHours = OpeningHours.parse({ days: [1, 2, 3, 4, 5], opens: '09:00', closes: '17:00' });
const accessDay = { from: '2027-03-17T00:00:00.000Z', to: '2027-03-18T00:00:00.000Z' };

/** An `scr.access` entry as the app writes it (clinical/service.ts decideAccess). */
function access(
  at: string,
  tzOffset: string,
  reason: 'permission-to-view' | 'emergency' | 'legal',
  restricted: boolean,
): PendingEntry {
  return {
    at,
    tzOffset,
    type: 'scr.access',
    outcome: 'success',
    userUuid: '555021935107',
    displayName: 'PHARMACIST, Ann',
    roleProfileId: '555021936108',
    jobRole: 'S8000:G8000:R8008',
    odsCode: 'FQ005',
    workstation: 'BRANCH-05',
    asid: '200000001234',
    nhsNumber: '9000000009',
    interactionId: null,
    messageId: null,
    correlationId: null,
    accessReason: reason,
    accessReasonText: reason === 'permission-to-view' ? null : 'Patient unable to consent',
    detail: canonicalJson({ basis: reason, legitimateRelationship: 'confirmed', restricted }),
  };
}

async function readBundle(dir: string): Promise<AuditEntry[]> {
  return readFileSync(join(dir, 'audit.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => fromAuditEvent(JSON.parse(line)));
}

const month = (m: number) => new Date(Date.UTC(2026, m - 1, 1)).toISOString();

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'smsp-estate-'));
  cluster = startPostgres();
  for (const [i, id] of ['BRANCH-01', 'BRANCH-02', 'BRANCH-03'].entries()) {
    const ws = trainingWorkstation(join(root, 'ws'), id, `FQ00${i + 1}`);
    stations.push(ws);
    const series: string[] = [];
    for (const m of [9, 10, 11]) {
      ws.seed(60, new Date(Date.UTC(2026, m - 1, 25)), 20);
      series.push(ws.exportTo(join(root, 'bundles', `${id}-${m}`), { from: month(m), to: month(m + 1) }));
    }
    bundles.set(id, series);
  }
  // A workstation nobody trusts, and a genuine bundle with one line changed after signing.
  const stranger = trainingWorkstation(join(root, 'ws'), 'BRANCH-99');
  stranger.seed(20, new Date(Date.UTC(2026, 10, 20)));
  rogue = stranger.exportTo(join(root, 'bundles', 'rogue'));
  stranger.close();
  const other = trainingWorkstation(join(root, 'ws'), 'BRANCH-01-COPY');
  other.seed(20, new Date(Date.UTC(2026, 10, 20)));
  tamperedSigner = other.fingerprint;
  tampered = other.exportTo(join(root, 'bundles', 'tampered'));
  const file = join(tampered, 'audit.ndjson');
  const original = readFileSync(file, 'utf8');
  const changed = original.replace(/"display":"[^"]+"/, '"display":"SOMEONE, Else"');
  if (changed === original) throw new Error('the tampering changed nothing');
  writeFileSync(file, changed);
  other.close();
  const branch4 = trainingWorkstation(join(root, 'ws'), 'BRANCH-04', 'FQ004');
  branch4.seed(2_600, new Date(Date.UTC(2026, 10, 20)), 30);
  bigSigner = branch4.fingerprint;
  big = branch4.exportTo(join(root, 'bundles', 'BRANCH-04'));
  branch4.close();
  accesses = trainingWorkstation(join(root, 'ws'), 'BRANCH-05', 'FQ005');
  stations.push(accesses);
  accesses.append([
    access('2027-03-17T10:00:00.000Z', '+00:00', 'permission-to-view', false), // ordinary, in hours
    access('2027-03-17T10:05:00.000Z', '+00:00', 'emergency', false),
    access('2027-03-17T10:10:00.000Z', '+00:00', 'legal', false),
    access('2027-03-17T10:15:00.000Z', '+00:00', 'permission-to-view', true), // restricted record
    // 16:30 UTC is in hours, but the workstation's clock said 17:30 (+01:00): out of hours.
    access('2027-03-17T16:30:00.000Z', '+01:00', 'permission-to-view', false),
  ]);
  accessBundle = accesses.exportTo(join(root, 'bundles', 'BRANCH-05'));
}, 120_000);

afterAll(() => {
  for (const ws of stations) ws.close();
  cluster?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe.each(['postgresql', 'file'] as const)('estate store: %s', (kind) => {
  let store: EstateStore;
  let trust: string[];

  beforeAll(async () => {
    const url =
      kind === 'postgresql'
        ? cluster.url
        : `file:${join(root, `estate-${randomBytes(4).toString('hex')}.db`)}`;
    store = await openEstateStore(url, { keyFile: join(root, `estate-${kind}.key`) });
    trust = [
      ...stations.map((s) => s.fingerprint),
      tamperedSigner,
      bigSigner,
      accesses.fingerprint,
      'sha256:' + stations[0]!.fingerprint.toUpperCase(),
    ];
  });
  afterAll(async () => store?.close());

  const ingest = (dir: string) => ingestBundle(dir, { store, trust, openingHours });

  it('ingests a series, shows a gap until the missing bundle arrives, and re-ingesting changes nothing', async () => {
    const [sep, oct, nov] = bundles.get('BRANCH-01')!;
    expect(await ingest(sep!)).toMatchObject({ workstation: 'BRANCH-01', entries: 60, outcome: 'ingested' });
    expect(await ingest(nov!)).toMatchObject({ outcome: 'ingested' });
    let health = await store.health();
    const gapOf = (h: typeof health) => h.sources.find((s) => s.workstation === 'BRANCH-01')!.gaps;
    expect(gapOf(health)).toEqual([{ from: 61, to: 120 }]);
    expect(await ingest(oct!)).toMatchObject({ outcome: 'ingested', entries: 60 });
    health = await store.health();
    expect(gapOf(health)).toEqual([]);
    expect(health.sources.find((s) => s.workstation === 'BRANCH-01')).toMatchObject({
      bundles: 3,
      entries: 180,
    });

    const before = await store.query({ workstation: 'BRANCH-01', limit: 10_000 });
    expect(await ingest(oct!)).toMatchObject({ outcome: 'duplicate', reason: 'already held' });
    expect((await store.query({ workstation: 'BRANCH-01', limit: 10_000 })).total).toBe(before.total);
  });

  it('refuses a tampered bundle and an untrusted signer whole, with the reason, and lists them in health', async () => {
    const bad = await ingest(tampered);
    expect(bad.outcome).toBe('refused');
    expect(bad.reason).toMatch(/audit\.ndjson:\d+/);
    const stranger = await ingest(rogue);
    expect(stranger).toMatchObject({ outcome: 'refused', workstation: 'BRANCH-99' });
    expect(stranger.reason).toMatch(/signer not trusted/);
    expect((await store.query({ workstation: 'BRANCH-99' })).total).toBe(0);
    expect((await store.query({ workstation: 'BRANCH-01-COPY' })).total).toBe(0);
    const refused = (await store.health()).refused.map((r) => r.reason);
    expect(refused.some((r) => /signer not trusted/.test(r))).toBe(true);
  });

  it('refuses a re-signed bundle that contradicts the series already held (a rewritten trail)', async () => {
    const [sep, oct] = bundles.get('BRANCH-02')!;
    expect(await ingest(sep!)).toMatchObject({ outcome: 'ingested' });
    expect(await ingest(oct!)).toMatchObject({ outcome: 'ingested' });
    // Someone with the workstation's own key rewrites October and signs it again: intact and
    // trusted, but it disagrees with what the estate already holds.
    const forged = join(root, 'bundles', `forged-${kind}`);
    const ws = stations[1]!;
    const genuine = [...(await readBundle(sep!)), ...(await readBundle(oct!))];
    const fork = AuditStore.open(join(root, `fork-${kind}.db`), randomBytes(32));
    fork.append(
      genuine.map(({ sequence: _s, prevHash: _p, hash: _h, ...pending }, i) =>
        i === 60 ? { ...pending, displayName: 'SOMEONE, Else' } : pending,
      ),
    );
    exportBundle(fork, {
      dir: forged,
      range: {},
      workstation: ws.id,
      exportedBy: null,
      signingKey: ws.signingKey,
    });
    fork.close();
    const line = await ingest(forged);
    expect(line).toMatchObject({ outcome: 'refused', workstation: 'BRANCH-02' });
    expect(line.reason).toMatch(/differs from the entry already held/);
    expect((await store.query({ workstation: ws.id, limit: 10_000 })).total).toBe(120);
    rmSync(forged, { recursive: true });
  });

  it('finds one patient across all workstations, newest first, and records the search', async () => {
    for (const id of ['BRANCH-02', 'BRANCH-03']) for (const dir of bundles.get(id)!) await ingest(dir);
    const page = await store.query({ nhsNumber: '9000000009', limit: 10_000 });
    expect(new Set(page.entries.map((e) => e.source.workstation))).toEqual(
      new Set(['BRANCH-01', 'BRANCH-02', 'BRANCH-03']),
    );
    const times = page.entries.map((e) => e.entry.at);
    expect([...times].sort().reverse()).toEqual(times);
    expect(page.entries.every((e) => e.entry.nhsNumber === '9000000009')).toBe(true);
    const scr = await store.query({ event: 'scr.', ods: 'FQ002' });
    expect(scr.entries.every((e) => e.entry.type.startsWith('scr.') && e.entry.odsCode === 'FQ002')).toBe(
      true,
    );
    await store.recordSearch({
      searcher: 'test',
      via: 'cli',
      filter: { nhsNumber: '9000000009' },
      results: page.total,
    });
  });

  it('queues emergency, legal, restricted-record and out-of-hours accesses, as the workstation’s own queue does', async () => {
    expect(await ingest(accessBundle)).toMatchObject({ workstation: 'BRANCH-05', outcome: 'ingested' });
    const queue = await store.reviewQueue({ ...accessDay, limit: 10_000 });
    const held = queue.items.map((i) => [i.source.workstation, i.entry.sequence, i.reviewReasons]);
    expect(held).toEqual([
      ['BRANCH-05', 5, ['out-of-hours']],
      ['BRANCH-05', 4, ['restricted']],
      ['BRANCH-05', 3, ['legal']],
      ['BRANCH-05', 2, ['emergency']],
    ]);
    expect(queue.total).toBe(4);
    // The same set, with the same reasons, as the branch's own "Access to review" screen shows.
    const own = await workstationReviewQueue(
      async (query) => accesses.store.search(query),
      openingHours,
      null,
    );
    expect(own.map((i) => ['BRANCH-05', i.entry.sequence, i.reasons])).toEqual(held);

    // The reason filter takes each of the four.
    for (const [reason, sequence] of [
      ['emergency', 2],
      ['legal', 3],
      ['restricted', 4],
      ['out-of-hours', 5],
    ] as const) {
      const one = await store.reviewQueue({ ...accessDay, reason });
      expect(one.items.map((i) => i.entry.sequence)).toEqual([sequence]);
    }

    // Reviewing the restricted-record access takes it off the queue.
    await store.review({
      source: { workstation: 'BRANCH-05', keyFingerprint: accesses.fingerprint },
      sequence: 4,
      reviewerUuid: '555000000003',
      reviewerName: 'GOVERNANCE, Test',
      outcome: 'appropriate',
      note: 'S-flag patient; pharmacist confirmed identity at the counter',
      at: new Date().toISOString(),
    });
    const after = await store.reviewQueue({ ...accessDay, limit: 10_000 });
    expect(after.items.map((i) => i.entry.sequence)).toEqual([5, 3, 2]);
    // The ordinary in-hours access was never waiting, so it cannot be "reviewed".
    await expect(
      store.review({
        source: { workstation: 'BRANCH-05', keyFingerprint: accesses.fingerprint },
        sequence: 1,
        reviewerUuid: '555000000003',
        reviewerName: 'GOVERNANCE, Test',
        outcome: 'appropriate',
        note: 'nothing to review',
        at: new Date().toISOString(),
      }),
    ).rejects.toThrow(/no such access to review/);
  });

  it('queues unreviewed accesses across workstations, each with its reasons, until each is reviewed', async () => {
    const queue = await store.reviewQueue({ limit: 10_000 });
    expect(queue.total).toBeGreaterThan(0);
    expect(queue.items.every((i) => i.reviewReasons.length > 0)).toBe(true);
    // The training seed's emergency and legal accesses carry that reason among theirs.
    for (const i of queue.items) {
      const basis = i.entry.accessReason;
      if (basis === 'emergency' || basis === 'legal') expect(i.reviewReasons).toContain(basis);
    }
    expect(new Set(queue.items.map((i) => i.source.workstation)).size).toBeGreaterThan(1);
    const first = queue.items[0]!;
    await store.review({
      source: first.source,
      sequence: first.entry.sequence,
      reviewerUuid: '555000000003',
      reviewerName: 'GOVERNANCE, Test',
      outcome: 'appropriate',
      note: 'Patient unconscious; confirmed with the on-call pharmacist',
      at: new Date().toISOString(),
    });
    const after = await store.reviewQueue({ limit: 10_000 });
    expect(after.total).toBe(queue.total - 1);
    const reviewed = await store.reviewQueue({ limit: 10_000, includeReviewed: true });
    const item = reviewed.items.find(
      (i) => i.source.workstation === first.source.workstation && i.entry.sequence === first.entry.sequence,
    );
    expect(item?.review).toMatchObject({ reviewerUuid: '555000000003', outcome: 'appropriate' });
    await expect(
      store.review({
        ...item!.review!,
        source: first.source,
        sequence: first.entry.sequence,
        at: new Date().toISOString(),
      }),
    ).rejects.toThrow(/already been reviewed/);
  });

  it('refuses a bundle whose fault shows only after its last entry was read, and keeps none of it', async () => {
    // Every line still checks out, so the store has been given every entry before the verifier
    // finds the fault: in the last line's bytes (the file digest) or in the CSV.
    const spoiled = {
      'audit.ndjson': (text: string) => text.replace(/\}\n$/, ' }\n'),
      'audit.csv': (text: string) => `${text}one more row\n`,
    };
    for (const [name, spoil] of Object.entries(spoiled)) {
      const dir = join(root, 'bundles', `late-${name}-${kind}`);
      cpSync(big, dir, { recursive: true });
      const file = join(dir, name);
      writeFileSync(file, spoil(readFileSync(file, 'utf8')));
      const line = await ingest(dir);
      expect(line).toMatchObject({ outcome: 'refused', workstation: 'BRANCH-04' });
      expect(line.reason).toMatch(new RegExp(`not intact: ${name.replace('.', '\\.')}`));
      expect((await store.query({ workstation: 'BRANCH-04' })).total).toBe(0);
      expect((await store.health()).sources.some((s) => s.workstation === 'BRANCH-04')).toBe(false);
    }
    expect(await ingest(big)).toMatchObject({ outcome: 'ingested', entries: 2_600 });
    expect((await store.query({ workstation: 'BRANCH-04', limit: 1 })).total).toBe(2_600);
  });

  it('purges entries before the retention cut-off and keeps a signed purge record', async () => {
    const total = (await store.query({ limit: 1, to: month(10) })).total;
    expect(total).toBeGreaterThan(0);
    const signingKey = readOrCreateSigningKey(join(root, `purge-${kind}.key`));
    const record = await purgeOlderThan(store, month(10), 'test', signingKey);
    expect(record.entries).toBe(total);
    expect((await store.query({ to: month(10) })).total).toBe(0);
    const [kept] = await store.purges();
    expect(purgeRecordValid(kept!)).toBe(true);
    expect(purgeRecordValid({ ...kept!, entries: kept!.entries - 1 })).toBe(false);
  });
});

describe.each(['postgresql', 'file'] as const)('a %s store made before review reasons were kept', (kind) => {
  const ENTRY_COLUMNS =
    'source_id, sequence, at, tz_offset, type, outcome, user_uuid, display_name, role_profile_id, job_role, ' +
    'ods_code, workstation, asid, nhs_number, interaction_id, message_id, correlation_id, access_reason, ' +
    'access_reason_text, detail, prev_hash, hash';

  /** A store at schema version 1 holding BRANCH-05's five accesses, as the old ingest left them. */
  async function heldBeforeReasons(
    entries: readonly AuditEntry[],
  ): Promise<{ url: string; keyFile: string }> {
    const keyFile = join(root, `old-${kind}.key`);
    if (kind === 'file') {
      const file = join(root, `old-${randomBytes(4).toString('hex')}.db`);
      const db = openEncryptedDatabase({
        file,
        key: readOrCreateKeyFile(keyFile),
        migrations: fileMigrations.slice(0, 1),
      });
      db.prepare(
        `INSERT INTO estate_source (id, workstation, key_fingerprint, public_key, first_seen) VALUES (1, ?, ?, 'k', ?)`,
      ).run('BRANCH-05', accesses.fingerprint, new Date().toISOString());
      const insert = db.prepare(
        `INSERT INTO estate_entry (${ENTRY_COLUMNS}) VALUES (1, ${Array(21).fill('?').join(', ')})`,
      );
      for (const e of entries) insert.run(...rowValues(e));
      db.close();
      return { url: `file:${file}`, keyFile };
    }
    const url = cluster.createDatabase(`old_${randomBytes(4).toString('hex')}`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(
        'CREATE TABLE estate_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
      );
      await client.query(pgMigrations[0]!);
      await client.query('INSERT INTO estate_migrations (version) VALUES (1)');
      await client.query(
        `INSERT INTO estate_source (id, workstation, key_fingerprint, public_key) VALUES (1, $1, $2, 'k')`,
        ['BRANCH-05', accesses.fingerprint],
      );
      const values = Array.from({ length: 19 }, (_, i) => `$${i + 1}`);
      for (const e of entries) {
        await client.query(
          `INSERT INTO estate_entry (${ENTRY_COLUMNS})
           VALUES (1, ${values.join(', ')}, decode($20, 'hex'), decode($21, 'hex'))`,
          rowValues(e),
        );
      }
    } finally {
      await client.end();
    }
    return { url, keyFile };
  }

  it('keeps its emergency and legal accesses in the queue after the upgrade (the rest cannot be judged again)', async () => {
    const { url, keyFile } = await heldBeforeReasons(await readBundle(accessBundle));
    const store = await openEstateStore(url, { keyFile });
    try {
      const queue = await store.reviewQueue({ ...accessDay, limit: 10_000 });
      expect(queue.items.map((i) => [i.entry.sequence, i.reviewReasons])).toEqual([
        [3, ['legal']],
        [2, ['emergency']],
      ]);
    } finally {
      await store.close();
    }
  });
});
