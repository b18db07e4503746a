// Audit trail benchmarks (issues 6 and 15), with ratios against plain unencrypted SQLite inserting
// the same rows at the same durability (WAL, synchronous=FULL) in the same run:
//  - durable single-entry append latency p50/p99 (goals: p50 ≤ 1.10 × plain, p99 ≤ 1.30 × plain),
//    with the CPU time of each append beside it: on a loaded machine every extra microsecond of
//    CPU (the cipher's page encryption) waits its turn for a core, so the wall-time ratio grows
//    with the load average while the disk's fsync, the same for both, does not;
//  - batched append throughput (target ratio ≥ 0.6),
//  - the app's path: record() through the worker thread, one at a time and with 64 in flight,
//  - seed, export and verify of 1,000,000 entries (goals: export < 15 s, verify < 8 s, peak
//    memory < 500 MB for each); export and verify each run in a child process of their own
//    (audit-child.ts), so that their time and memory are not mixed with the seeding's,
//  - file size per million entries.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openPlainDatabaseForBenchmark } from '../../native/sqlite';
import { EventBus } from '../../main/api/event-bus';
import { seal, GENESIS_HASH } from '../../main/audit/entry';
import { seedEntries } from '../../main/audit/seed';
import { AuditStore, auditMigrations, rowValues, type PendingEntry } from '../../main/audit/store';
import { openAuditTrail } from '../../main/audit/trail';
import { AppConfig } from '../../main/config/schema';
import { silentLogger } from '../../main/log/logger';
import type { ChildReport } from './audit-child';

const SINGLE = 400;
const BATCH_ROWS = 100_000;
const BATCH_SIZE = 1_000;
const MILLION = 1_000_000;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (n: number) => `${n.toFixed(2)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function rows(n: number): PendingEntry[] {
  const out: PendingEntry[] = [];
  for (const batch of seedEntries({ entries: n, workstation: 'BENCH-01', asid: '200000001234' }))
    out.push(...batch);
  return out;
}

/** Plain SQLite with the audit schema, inserting the same sealed rows (hashes computed beforehand). */
function plainStore(file: string) {
  const db = openPlainDatabaseForBenchmark(file);
  // The same page cache and checkpoint interval as the encrypted store (AuditStore), so only the
  // cipher differs.
  db.pragma('cache_size=-32768');
  db.pragma('wal_autocheckpoint=4000');
  db.exec(auditMigrations[0] as string);
  const insert = db.prepare(
    `INSERT INTO audit_entry VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let sequence = 0;
  let prevHash = GENESIS_HASH;
  const insertMany = db.transaction((entries: readonly PendingEntry[]) => {
    for (const pending of entries) {
      sequence += 1;
      const e = seal({ ...pending, sequence, prevHash });
      prevHash = e.hash;
      insert.run(...rowValues(e));
    }
  });
  return {
    append: (entries: readonly PendingEntry[]) => insertMany.immediate(entries),
    close: () => db.close(),
  };
}

const root = resolve(import.meta.dirname, '..', '..');

interface ChildRun extends ChildReport {
  /** The child process from start to exit, start-up (Node, tsx) included. */
  readonly processSeconds: number;
  /** The 1-minute load average when it started. */
  readonly load: string;
}

/** Runs test/bench/audit-child.ts with `args` and returns its report; throws if it fails. */
function runChild(args: readonly string[], env: Record<string, string> = {}): ChildRun {
  const load = loadavg()[0]?.toFixed(1) ?? '?';
  const t = performance.now();
  const stdout = execFileSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'test', 'bench', 'audit-child.ts'), ...args],
    { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const report = JSON.parse(stdout.trim().split('\n').pop() ?? '') as ChildReport;
  if (!report.ok) throw new Error(`audit-child ${args[0]}: ${report.outcome}`);
  return { ...report, processSeconds: (performance.now() - t) / 1000, load };
}

function dirSize(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'smsp-bench-audit-'));
  process.stdout.write(
    `load average at start: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${availableParallelism()} CPUs\n`,
  );
  try {
    const data = rows(Math.max(SINGLE, BATCH_ROWS));

    // 1. Durable single-entry append latency, alternating encrypted/plain to share the disk's mood.
    const enc = AuditStore.open(join(dir, 'single-enc.db'), randomBytes(32));
    const plain = plainStore(join(dir, 'single-plain.db'));
    const encTimes: number[] = [];
    const plainTimes: number[] = [];
    const encCpu: number[] = [];
    const plainCpu: number[] = [];
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const used = process.cpuUsage(since);
      return (used.user + used.system) / 1000;
    };
    for (let i = 0; i < SINGLE; i += 1) {
      const row = data[i] as PendingEntry;
      let c = process.cpuUsage();
      let t = performance.now();
      enc.append([row]);
      encTimes.push(performance.now() - t);
      encCpu.push(cpuMs(c));
      c = process.cpuUsage();
      t = performance.now();
      plain.append([row]);
      plainTimes.push(performance.now() - t);
      plainCpu.push(cpuMs(c));
    }
    encCpu.sort((a, b) => a - b);
    plainCpu.sort((a, b) => a - b);
    enc.close();
    plain.close();
    encTimes.sort((a, b) => a - b);
    plainTimes.sort((a, b) => a - b);
    const [e50, e99, p50, p99] = [
      percentile(encTimes, 50),
      percentile(encTimes, 99),
      percentile(plainTimes, 50),
      percentile(plainTimes, 99),
    ];
    process.stdout.write(
      `durable single append (${SINGLE}, one transaction each, synchronous=FULL):\n` +
        `  encrypted p50 ${ms(e50)} p99 ${ms(e99)} | plain p50 ${ms(p50)} p99 ${ms(p99)} | ` +
        `ratio p50 ${(e50 / p50).toFixed(3)} (goal ≤ 1.10: ${e50 / p50 <= 1.1 ? 'met' : 'MISSED'}) ` +
        `p99 ${(e99 / p99).toFixed(3)} (goal ≤ 1.30: ${e99 / p99 <= 1.3 ? 'met' : 'MISSED'})\n` +
        `  CPU per append p50: encrypted ${ms(percentile(encCpu, 50))}, plain ${ms(percentile(plainCpu, 50))}\n`,
    );

    // 2. Batched throughput: 100,000 rows in transactions of 1,000, the two stores taking turns
    //    batch by batch so that both see the same moments of a shared, noisy machine.
    const plainBatch = plainStore(join(dir, 'batch-plain.db'));
    const encBatch = AuditStore.open(join(dir, 'batch-enc.db'), randomBytes(32));
    let plainMs = 0;
    let encMs = 0;
    for (let i = 0; i < BATCH_ROWS; i += BATCH_SIZE) {
      const batch = data.slice(i, i + BATCH_SIZE);
      let t = performance.now();
      plainBatch.append(batch);
      plainMs += performance.now() - t;
      t = performance.now();
      encBatch.append(batch);
      encMs += performance.now() - t;
    }
    plainBatch.close();
    encBatch.close();
    const plainRate = BATCH_ROWS / (plainMs / 1000);
    const encRate = BATCH_ROWS / (encMs / 1000);
    process.stdout.write(
      `batched append (${BATCH_ROWS.toLocaleString('en-GB')} rows, ${BATCH_SIZE} per transaction, interleaved):\n` +
        `  encrypted ${Math.round(encRate).toLocaleString('en-GB')} rows/s | plain ${Math.round(plainRate).toLocaleString('en-GB')} rows/s | ` +
        `ratio ${(encRate / plainRate).toFixed(3)} (target ≥ 0.6)\n`,
    );

    // 3. The app's path: record() through the worker thread.
    const trailDir = join(dir, 'trail');
    const trail = await openAuditTrail({
      config: AppConfig.parse({ workstation: 'BENCH-01' }),
      dataDir: trailDir,
      log: silentLogger,
      events: new EventBus(),
      platform: { host: 'test-host' },
    });
    const event = {
      type: 'scr.view',
      outcome: 'success' as const,
      nhsNumber: '9990402132',
      detail: { sections: 4 },
    };
    const recordTimes: number[] = [];
    for (let i = 0; i < SINGLE; i += 1) {
      const t = performance.now();
      await trail.record(event);
      recordTimes.push(performance.now() - t);
    }
    recordTimes.sort((a, b) => a - b);
    const inFlight = 64;
    const total = 20_000;
    let issued = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (issued < total) {
          issued += 1;
          await trail.record(event);
        }
      }),
    );
    const groupRate = total / ((performance.now() - t0) / 1000);
    await trail.close();
    process.stdout.write(
      `record() via the worker thread: one at a time p50 ${ms(percentile(recordTimes, 50))} p99 ${ms(percentile(recordTimes, 99))}; ` +
        `${inFlight} in flight (group commit) ${Math.round(groupRate).toLocaleString('en-GB')} entries/s\n`,
    );

    // 4. One million entries: seed, export, verify, sizes.
    const bigDb = join(dir, 'million.db');
    const key = randomBytes(32);
    let t = performance.now();
    const big = AuditStore.open(bigDb, key);
    for (const batch of seedEntries({ entries: MILLION, workstation: 'BENCH-01', asid: '200000001234' })) {
      big.append(batch);
    }
    const seedSeconds = (performance.now() - t) / 1000;
    big.close(); // checkpoints the WAL into the file
    const dbBytes = statSync(bigDb).size;
    // Issue 12: the start-up chain check with 1,000,000 entries (target < 300 ms): open the store,
    // check the last witnessed checkpoint (here 1,000 entries before the head: a few busy minutes)
    // still holds, and walk from it to the head. Baseline in the same run: the full walk, which
    // the app does in the background.
    const head = (() => {
      const s = AuditStore.open(bigDb, key);
      try {
        const h = s.chainHead();
        return { sequence: h.sequence - 1_000, hash: s.hashAt(h.sequence - 1_000) ?? '' };
      } finally {
        s.close();
      }
    })();
    const startupMs: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      t = performance.now();
      const s = AuditStore.open(bigDb, key);
      const broken = s.checkAgainst(head) ?? s.checkSegment(head, 100_000).bad;
      startupMs.push(performance.now() - t);
      s.close();
      if (broken) throw new Error(`start-up check found a break: ${broken.reason}`);
    }
    startupMs.sort((a, b) => a - b);
    const store = AuditStore.open(bigDb, key);
    t = performance.now();
    const full = store.checkChain();
    const fullMs = performance.now() - t;
    process.stdout.write(
      `start-up chain check, 1,000,000 entries, checkpoint 1,000 behind the head: median ${ms(percentile(startupMs, 50))} ` +
        `(target < 300 ms); full background walk ${(fullMs / 1000).toFixed(1)} s over ${full.entries.toLocaleString('en-GB')} entries ` +
        `(start-up part = ${((percentile(startupMs, 50) / fullMs) * 100).toFixed(2)} % of it)\n`,
    );
    store.close();
    // Export and verify each run alone in a child process (audit-child.ts): their own wall time,
    // CPU time over all their threads, and peak memory, not this process's.
    const out = join(dir, 'export');
    const exported = runChild(['export', bigDb, out], {
      SMSP_BENCH_DB_KEY: key.toString('hex'),
      SMSP_BENCH_SIGNING_SEED: randomBytes(32).toString('hex'),
    });
    const verified = runChild(['verify', out, exported.fingerprint ?? '']);
    const met = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const line = (name: string, r: ChildRun, goalSeconds: number) =>
      `  ${name} ${r.wallSeconds.toFixed(1)} s wall (goal < ${goalSeconds} s: ${met(r.wallSeconds < goalSeconds)}), ` +
      `${r.cpuSeconds.toFixed(1)} s CPU over all its threads; peak memory ${r.peakMiB.toFixed(0)} MiB ` +
      `= ${(r.peakMiB * 1.048576).toFixed(0)} MB (goal < 500 MB: ${met(r.peakMiB * 1.048576 < 500)}); ` +
      `process ${r.processSeconds.toFixed(1)} s with start-up; ` +
      `load ${r.load} at its start → ${r.outcome}\n`;
    process.stdout.write(
      `1,000,000 entries: seed ${seedSeconds.toFixed(1)} s; export and verify each in a process of its own:\n` +
        line('export', exported, 15) +
        line(`verify (${Math.min(availableParallelism(), 4)} helper threads)`, verified, 8) +
        `  database file ${mib(dbBytes)} per million entries; bundle ${mib(dirSize(out))} ` +
        `(ndjson ${mib(statSync(join(out, 'audit.ndjson')).size)}, csv ${mib(statSync(join(out, 'audit.csv')).size)})\n`,
    );
    process.stdout.write(
      `load average at end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
