// One export or verify of the audit bench's 1,000,000 entries, alone in a process of its own
// (issue 15), so that its time and memory are its own: the bench's process has just seeded the
// entries and holds SQLite's caches, and its high-water mark says nothing about either job.
// Bench only. audit.bench.ts starts it with `node --import tsx` and reads one JSON line
// (ChildReport) from its stdout:
//   audit-child.ts export DB OUT        keys from SMSP_BENCH_DB_KEY and SMSP_BENCH_SIGNING_SEED (hex)
//   audit-child.ts verify DIR FINGERPRINT
import { readFileSync } from 'node:fs';
import { exportBundle } from '../../main/audit/export';
import { signingKeyFromSeed } from '../../main/audit/signing-key';
import { AuditStore } from '../../main/audit/store';
import { problemText, verifyBundle } from '../../main/audit/verify';

export interface ChildReport {
  /** The job alone, without the process's start-up. */
  readonly wallSeconds: number;
  /** User + system time of every thread of the process, start-up included. */
  readonly cpuSeconds: number;
  /** The process's peak resident memory (VmHWM; getrusage's maxrss where /proc is missing). */
  readonly peakMiB: number;
  /** What the job produced, in words: `exported 1000000 entries` or the verifier's verdict. */
  readonly outcome: string;
  readonly ok: boolean;
  /** The export's signing key, for the verify that follows. */
  readonly fingerprint?: string;
}

function peakMiB(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
    if (hwm) return Number(hwm) / 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

function hexKey(name: string): Buffer {
  const value = process.env[name];
  if (!value || !/^[0-9a-f]{64}$/.test(value)) throw new Error(`${name} must be 32 bytes in hex`);
  return Buffer.from(value, 'hex');
}

async function job(args: readonly string[]): Promise<Pick<ChildReport, 'outcome' | 'ok' | 'fingerprint'>> {
  const [command, a, b] = args;
  if (command === 'export' && a && b) {
    const store = AuditStore.open(a, hexKey('SMSP_BENCH_DB_KEY'));
    try {
      const summary = exportBundle(store, {
        dir: b,
        range: {},
        workstation: 'BENCH-01',
        exportedBy: null,
        signingKey: signingKeyFromSeed(hexKey('SMSP_BENCH_SIGNING_SEED')),
      });
      return {
        outcome: `exported ${summary.entries} entries`,
        ok: true,
        fingerprint: summary.keyFingerprint,
      };
    } finally {
      store.close();
    }
  }
  if (command === 'verify' && a && b) {
    const verdict = await verifyBundle(a, { trusted: [b] });
    const ok = verdict.intact && verdict.trusted;
    return {
      outcome: ok
        ? `valid, ${verdict.entries} entries`
        : `INVALID ${verdict.problems.map(problemText).join('; ')}`,
      ok,
    };
  }
  throw new Error('usage: audit-child.ts export DB OUT | verify DIR FINGERPRINT');
}

const started = performance.now();
const result = await job(process.argv.slice(2));
const wallSeconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage();
const report: ChildReport = {
  wallSeconds,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  peakMiB: peakMiB(),
  ...result,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
