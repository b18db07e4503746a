// `npm run --silent smsp -- audit export|verify|seed …`: the audit trail offline (issue 6).
//   export --db FILE --key-file KEY --out DIR [--from ISO] [--to ISO]
//   verify DIR [--trust FINGERPRINT]        (needs no database and no key)
//   seed --db FILE --key-file KEY --entries N   (training mode only)
// Exit codes: 0 done / valid; 1 verification failed; 2 usage or operational error.
import { hostname, userInfo } from 'node:os';
import { loadToolConfig } from '../config/sources';
import { readKeyFile, readOrCreateKeyFile } from '../../native/sqlite';
import { canonicalJson, localOffset } from '../audit/entry';
import { exportBundle } from '../audit/export';
import { seedEntries } from '../audit/seed';
import { AuditStore } from '../audit/store';
import { verifyBundle } from '../audit/verify';

const USAGE = `usage:
  smsp audit export --db FILE --key-file KEY --out DIR [--from ISO] [--to ISO]
  smsp audit verify DIR [--trust FINGERPRINT]
  smsp audit seed --db FILE --key-file KEY --entries N`;

class UsageError extends Error {}

function parse(
  args: string[],
  flags: readonly string[],
): { options: Map<string, string>; positional: string[] } {
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg.startsWith('--')) {
      const name = arg.slice(2);
      const value = args[i + 1];
      if (!flags.includes(name)) throw new UsageError(`unknown option ${arg}`);
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      options.set(name, value);
      i += 1;
    } else {
      positional.push(arg);
    }
  }
  return { options, positional };
}

function required(options: Map<string, string>, name: string): string {
  const value = options.get(name);
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

function isoOption(options: Map<string, string>, name: string): string | undefined {
  const value = options.get(name);
  if (value === undefined) return undefined;
  if (Number.isNaN(Date.parse(value)))
    throw new UsageError(`--${name} is not an ISO 8601 date or time: ${value}`);
  return value;
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}

/** The administrator's configuration, as the app reads it (the user's own file cannot change these keys). */
function adminConfig() {
  // SMSP_ADMIN_CONFIG cannot replace a managed workstation's own file (issue 12 finding 1).
  const { config, notices } = loadToolConfig(process.env);
  for (const notice of notices) process.stderr.write(`audit: ${notice.message}\n`);
  return config;
}

async function runExport(args: string[]): Promise<number> {
  const { options, positional } = parse(args, ['db', 'key-file', 'out', 'from', 'to']);
  if (positional.length > 0) throw new UsageError(`unexpected ${positional.join(' ')}`);
  const db = required(options, 'db');
  const out = required(options, 'out');
  const from = isoOption(options, 'from');
  const to = isoOption(options, 'to');
  const key = readKeyFile(required(options, 'key-file'));
  const store = AuditStore.open(db, key);
  key.fill(0);
  try {
    const workstation = adminConfig().workstation ?? hostname();
    const now = new Date();
    // The export is an audited event like any other, committed before the bundle is written.
    store.append([
      {
        at: now.toISOString(),
        tzOffset: localOffset(now),
        type: 'audit.export',
        outcome: 'info',
        userUuid: null,
        displayName: null,
        roleProfileId: null,
        jobRole: null,
        odsCode: null,
        workstation,
        asid: null,
        nhsNumber: null,
        interactionId: null,
        messageId: null,
        correlationId: null,
        accessReason: null,
        accessReasonText: null,
        detail: canonicalJson({
          via: 'cli',
          osUser: userInfo().username,
          from: from ?? null,
          to: to ?? null,
        }),
      },
    ]);
    const summary = exportBundle(store, { dir: out, range: { from, to }, workstation, exportedBy: null });
    const range =
      summary.firstSequence === null ? 'no entries' : `seq ${summary.firstSequence}..${summary.lastSequence}`;
    process.stdout.write(
      `exported ${summary.entries} entries (${range}) to ${summary.folder}\nkey fingerprint: ${summary.keyFingerprint}\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}

async function runVerify(args: string[]): Promise<number> {
  const { options, positional } = parse(args, ['trust']);
  const [dir, ...rest] = positional;
  if (!dir || rest.length > 0) throw new UsageError('verify takes one folder');
  const trust = options.get('trust');
  const result = await verifyBundle(dir, trust === undefined ? {} : { trust });
  if (result.valid) {
    const range = result.firstSequence === null ? 'none' : `${result.firstSequence}..${result.lastSequence}`;
    process.stdout.write(`valid: ${result.entries} entries, seq ${range}\n`);
    return 0;
  }
  process.stdout.write(`invalid: ${result.where}: ${result.problem}: ${result.reason}\n`);
  return 1;
}

async function runSeed(args: string[]): Promise<number> {
  const { options, positional } = parse(args, ['db', 'key-file', 'entries']);
  if (positional.length > 0) throw new UsageError(`unexpected ${positional.join(' ')}`);
  const config = adminConfig();
  // Why: synthetic entries in a real workstation's trail would corrupt its evidential value.
  if (config.environment !== 'training') {
    process.stderr.write(
      `audit seed: refused: this workstation is configured for ${config.environment}, not training\n`,
    );
    return 2;
  }
  const entries = Number(required(options, 'entries'));
  if (!Number.isSafeInteger(entries) || entries < 1 || entries > 10_000_000) {
    throw new UsageError('--entries must be a whole number from 1 to 10,000,000');
  }
  // Training mode creates the key file (0600) when it does not exist yet.
  const key = readOrCreateKeyFile(required(options, 'key-file'));
  const store = AuditStore.open(required(options, 'db'), key);
  key.fill(0);
  try {
    const workstation = config.workstation ?? hostname();
    let written = 0;
    for (const batch of seedEntries({ entries, workstation, asid: config.asid ?? '200000001234' })) {
      store.append(batch);
      written += batch.length;
    }
    const head = store.chainHead();
    process.stdout.write(`seeded ${written} entries; chain head seq ${head.sequence}\n`);
    return 0;
  } finally {
    store.close();
  }
}

export async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === 'export') return await runExport(rest);
    if (command === 'verify') return await runVerify(rest);
    if (command === 'seed') return await runSeed(rest);
    throw new UsageError(command ? `unknown command ${command}` : 'missing command');
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`audit: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`audit ${command ?? ''}: ${oneLine(error)}\n`);
    return 2;
  }
}
