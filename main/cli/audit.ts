// `npm run --silent smsp -- audit export|verify|seed …`: the audit trail offline (issues 6, 12).
//   export --db FILE --key-file KEY --out DIR [--signing-key-file FILE] [--from ISO] [--to ISO]
//          [--user U] [--nhs-number N] [--event-type T] [--message-id M]   (any of these: filtered)
//   verify DIR... [--trust FINGERPRINT]... [--witness FILE]  (needs no database and no key; the
//          witness file, or a journal dump of it, is checked against the bundles: witness-check.ts)
//   seed --db FILE --key-file KEY --entries N [--workstation ID]   (training mode only)
//   rotate-key --db FILE --key-file KEY [--signing-key-file FILE] [--witness-dir DIR] [--workstation ID]
// export and rotate-key write signed checkpoints to the witness (`--witness-dir`, else as the app),
// and refuse to (exit 1) when the chain no longer matches the witness's last checkpoint.
//   ingest|query|health|purge …   the estate audit store (main/cli/estate.ts, issue 16)
// verify exit codes: 0 intact and signer trusted; 1 anything invalid (a bundle, or the series'
// continuity); 2 usage or operational error; 3 intact but signer not trusted.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostname, userInfo } from 'node:os';
import { loadToolConfig } from '../config/sources';
import type { AppConfig } from '../config/schema';
import { readKeyFile, readOrCreateKeyFile, replaceKeyFile } from '../../native/sqlite';
import type { AuditExportFilter } from '../../preload/contract';
import { canonicalJson, localOffset } from '../audit/entry';
import { exportBundle } from '../audit/export';
import { seedEntries } from '../audit/seed';
import { SIGNING_KEY_NAME, signingKeyFromSeed, type SigningKey } from '../audit/signing-key';
import { AuditStore, type PendingEntry } from '../audit/store';
import { problemText, verifyBundle, verifySeries, type BundleVerification } from '../audit/verify';
import { Witness, detectSystemLog, readWitness, signCheckpoint, witnessDirFor } from '../audit/witness';
import { checkAgainstWitness } from '../audit/witness-check';
import { ESTATE_USAGE, EstateUsageError, estateCommands } from './estate';

const USAGE = `usage:
  smsp audit export --db FILE --key-file KEY --out DIR [--signing-key-file FILE] [--from ISO] [--to ISO]
                    [--user U] [--nhs-number N] [--event-type T] [--message-id M] [--workstation ID]
                    [--witness-dir DIR]
  smsp audit verify DIR... [--trust FINGERPRINT]... [--witness FILE]
  smsp audit seed --db FILE --key-file KEY --entries N [--workstation ID]
  smsp audit rotate-key --db FILE --key-file KEY [--signing-key-file FILE] [--witness-dir DIR] [--workstation ID]
${ESTATE_USAGE}`;

class UsageError extends Error {}

function parse(
  args: string[],
  flags: readonly string[],
  repeatable: readonly string[] = [],
): { options: Map<string, string>; lists: Map<string, string[]>; positional: string[] } {
  const options = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg.startsWith('--')) {
      const name = arg.slice(2);
      const value = args[i + 1];
      if (!flags.includes(name) && !repeatable.includes(name)) throw new UsageError(`unknown option ${arg}`);
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      if (repeatable.includes(name)) lists.set(name, [...(lists.get(name) ?? []), value]);
      else options.set(name, value);
      i += 1;
    } else {
      positional.push(arg);
    }
  }
  return { options, lists, positional };
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
let toolConfig: AppConfig | undefined;
function adminConfig(): AppConfig {
  // SMSP_ADMIN_CONFIG cannot replace a managed workstation's own file (issue 12 finding 1); what
  // was ignored or applied is said once per command.
  if (!toolConfig) {
    const { config, notices } = loadToolConfig(process.env);
    for (const notice of notices) process.stderr.write(`audit: ${notice.message}\n`);
    toolConfig = config;
  }
  return toolConfig;
}

/** The export signing key: a separate 0600 file, never the database (issue 12, finding 3). */
function signingKeyFile(options: Map<string, string>, keyFile: string): string {
  return options.get('signing-key-file') ?? join(dirname(keyFile), `${SIGNING_KEY_NAME}.key`);
}

/** The signing key in `file` (the seed is wiped once the key object holds it). */
function signingKeyIn(file: string, create: boolean): SigningKey {
  const seed = create ? readOrCreateKeyFile(file) : readKeyFile(file);
  try {
    return signingKeyFromSeed(seed);
  } finally {
    seed.fill(0);
  }
}

/** An audit entry written by this tool (no signed-in user: the OS user is in the detail). */
function toolEntry(type: string, workstation: string, detail: Record<string, unknown>): PendingEntry {
  const now = new Date();
  return {
    at: now.toISOString(),
    tzOffset: localOffset(now),
    type,
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
    detail: canonicalJson({ via: 'cli', osUser: userInfo().username, ...detail }),
  };
}

/** The witness the app writes for this database: `--witness-dir`, the administrator's, or beside the audit folder. */
function witnessFor(options: Map<string, string>, db: string): Witness {
  const dir = options.get('witness-dir') ?? witnessDirFor(dirname(db), adminConfig().audit.witnessDir);
  return new Witness(dir, detectSystemLog());
}

/**
 * Why a new checkpoint must not be written now, or null. A checkpoint is the baseline the next
 * start-up checks from: written over a chain that no longer matches the last one, it would bless
 * the change (the app writes none while a break is unacknowledged, and neither does this tool).
 */
function witnessRefusal(store: AuditStore, witness: Witness): string | null {
  const last = witness.read().checkpoints.at(-1);
  if (!last) return null;
  const from = { sequence: last.sequence, hash: last.chainHead };
  const found = store.checkAgainst(from) ?? store.checkSegment(from, Number.MAX_SAFE_INTEGER).bad;
  return found
    ? `the audit chain does not match the witness at seq ${found.sequence}: ${found.reason}`
    : null;
}

async function runExport(args: string[]): Promise<number> {
  const { options, positional } = parse(args, [
    'db',
    'key-file',
    'signing-key-file',
    'out',
    'from',
    'to',
    'user',
    'nhs-number',
    'event-type',
    'message-id',
    'workstation',
    'witness-dir',
  ]);
  if (positional.length > 0) throw new UsageError(`unexpected ${positional.join(' ')}`);
  const db = required(options, 'db');
  const out = required(options, 'out');
  const from = isoOption(options, 'from');
  const to = isoOption(options, 'to');
  const filter: AuditExportFilter = {
    ...(options.has('user') ? { user: options.get('user') } : {}),
    ...(options.has('nhs-number') ? { nhsNumber: options.get('nhs-number') } : {}),
    ...(options.has('event-type') ? { eventType: options.get('event-type') } : {}),
    ...(options.has('message-id') ? { messageId: options.get('message-id') } : {}),
  };
  const keyFile = required(options, 'key-file');
  const signingKey = signingKeyIn(signingKeyFile(options, keyFile), true);
  const key = readKeyFile(keyFile);
  const store = AuditStore.open(db, key);
  key.fill(0);
  try {
    // Training: several workstations' trails on one machine, each exported under its own id.
    const workstation = options.get('workstation') ?? adminConfig().workstation ?? hostname();
    // The export is an audited event like any other, committed before the bundle is written.
    store.append([toolEntry('audit.export', workstation, { from: from ?? null, to: to ?? null, filter })]);
    const summary = exportBundle(store, {
      dir: out,
      range: { from, to },
      filter,
      workstation,
      exportedBy: null,
      signingKey,
    });
    const range =
      summary.firstSequence === null ? 'no entries' : `seq ${summary.firstSequence}..${summary.lastSequence}`;
    const left = summary.kind === 'filtered' ? `, ${summary.omitted} left out by the filter` : '';
    process.stdout.write(
      `exported ${summary.entries} entries (${range}${left}) to ${summary.folder}\nkey fingerprint: ${summary.keyFingerprint}\n`,
    );
    // Like the app: every export leaves a signed checkpoint of the head outside the database.
    const witness = witnessFor(options, db);
    const refused = witnessRefusal(store, witness);
    if (refused) {
      process.stderr.write(`audit export: no witness checkpoint written: ${refused}\n`);
      return 1;
    }
    const head = store.chainHead();
    witness.append(
      signCheckpoint(
        { kind: 'export', sequence: head.sequence, chainHead: head.hash, workstation },
        signingKey,
      ),
    );
    return 0;
  } finally {
    store.close();
  }
}

/** `valid: …`, `signature intact, signer not trusted: …` or `invalid: …` for one bundle. */
function resultLine(v: BundleVerification): string {
  if (!v.intact) return `invalid: ${v.problems.map(problemText).join('; ')}`;
  const range = v.firstSequence === null ? 'none' : `${v.firstSequence}..${v.lastSequence}`;
  const left = v.kind === 'filtered' ? ` (${v.omitted} left out by the filter)` : '';
  const what = `${v.entries} entries${left}, seq ${range}`;
  return v.trusted ? `valid: ${what}` : `signature intact, signer not trusted: ${what}`;
}

function signerLine(v: BundleVerification): string {
  const s = v.signer;
  return s
    ? `signer: ${s.fingerprint} workstation: ${s.workstation} key: ${s.keyId}`
    : 'signer: unknown workstation: unknown key: unknown';
}

/** `--witness FILE`: the bundles against the workstation's signed checkpoints (witness-check.ts). */
async function witnessLines(
  file: string,
  bundles: readonly BundleVerification[],
  trusted: readonly string[],
): Promise<{ lines: string[]; failed: boolean }> {
  const check = await checkAgainstWitness(bundles, readWitness(file), trusted);
  const aside = check.ignored > 0 ? ` (${check.ignored} of other workstations or keys left aside)` : '';
  const lines = [
    ...check.acknowledged.map((text) => `witness: acknowledged: ${text}`),
    ...check.problems.map((text) => `witness: ${text}`),
    check.problems.length === 0
      ? `witness: consistent: ${check.compared} checkpoints compared${aside}`
      : `witness: inconsistent: ${check.problems.length} problems, ${check.compared} checkpoints compared${aside}`,
  ];
  return { lines, failed: check.problems.length > 0 };
}

async function runVerify(args: string[]): Promise<number> {
  const { options, lists, positional } = parse(args, ['witness'], ['trust']);
  if (positional.length === 0) throw new UsageError('verify takes one or more bundle folders');
  const witness = options.get('witness');
  if (witness !== undefined && !existsSync(witness)) throw new UsageError(`no witness file at ${witness}`);
  // Why: without a trusted fingerprint anyone's re-signed bundle would pass (finding 2).
  const trusted = [...(lists.get('trust') ?? []), ...adminConfig().audit.trustedSigners];
  if (positional.length === 1) {
    const result = await verifyBundle(positional[0] as string, { trusted });
    process.stdout.write(`${signerLine(result)}\n${resultLine(result)}\n`);
    const checked = witness && result.intact ? await witnessLines(witness, [result], trusted) : null;
    if (checked) process.stdout.write(`${checked.lines.join('\n')}\n`);
    return !result.intact || checked?.failed ? 1 : result.trusted ? 0 : 3;
  }
  const series = await verifySeries(positional, { trusted });
  for (const b of series.bundles) process.stdout.write(`${signerLine(b)}\n${b.dir}: ${resultLine(b)}\n`);
  const span = series.firstSequence === null ? 'none' : `${series.firstSequence}..${series.lastSequence}`;
  const seriesProblems = series.problems.filter((p) => p.problem !== 'not intact');
  process.stdout.write(
    series.continuous
      ? `continuity: unbroken: seq ${span} in ${series.bundles.length} bundles\n`
      : `continuity: broken: ${
          seriesProblems.map((p) => `${p.problem}: ${p.between.join(' → ')}: ${p.reason}`).join('; ') ||
          'a bundle is not intact'
        }\n`,
  );
  const intact = series.bundles.filter((b) => b.intact);
  const checked = witness ? await witnessLines(witness, intact, trusted) : null;
  if (checked) process.stdout.write(`${checked.lines.join('\n')}\n`);
  if (!series.continuous || checked?.failed) return 1;
  return series.bundles.every((b) => b.trusted) ? 0 : 3;
}

async function runSeed(args: string[]): Promise<number> {
  const { options, positional } = parse(args, ['db', 'key-file', 'entries', 'workstation']);
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
    // Several training workstations' trails on one machine: each its own database, key and chain.
    const workstation = options.get('workstation') ?? config.workstation ?? hostname();
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

/**
 * A new export signing key (issue 12): the old key hands over to the new one in the witness
 * (`key-rotated`, signed by the old key) and the new key takes over (`key-new`, signed by it),
 * both at the chain head after an audit entry naming both keys. Old bundles keep verifying with
 * the old fingerprint on the trust list; the old private key is gone.
 */
async function runRotateKey(args: string[]): Promise<number> {
  const { options, positional } = parse(args, [
    'db',
    'key-file',
    'signing-key-file',
    'witness-dir',
    'workstation',
  ]);
  if (positional.length > 0) throw new UsageError(`unexpected ${positional.join(' ')}`);
  const db = required(options, 'db');
  const keyFile = required(options, 'key-file');
  const file = signingKeyFile(options, keyFile);
  // Why no create: rotating a key that does not exist would silently start a trust list afresh.
  const old = signingKeyIn(file, false);
  const key = readKeyFile(keyFile);
  const store = AuditStore.open(db, key);
  key.fill(0);
  try {
    const workstation = options.get('workstation') ?? adminConfig().workstation ?? hostname();
    const witness = witnessFor(options, db);
    const refused = witnessRefusal(store, witness);
    if (refused) {
      process.stderr.write(
        `audit rotate-key: refused: ${refused}; a privacy officer acknowledges the break in the app first\n`,
      );
      return 1;
    }
    const seed = replaceKeyFile(file);
    const next = signingKeyFromSeed(seed);
    seed.fill(0);
    store.append([
      toolEntry('audit.key.rotated', workstation, {
        previousKeyId: old.keyId,
        previousFingerprint: old.fingerprint,
        keyId: next.keyId,
        fingerprint: next.fingerprint,
      }),
    ]);
    const head = store.chainHead();
    const at = { sequence: head.sequence, chainHead: head.hash, workstation };
    witness.append(signCheckpoint({ kind: 'key-rotated', ...at, nextKeyId: next.keyId }, old));
    witness.append(signCheckpoint({ kind: 'key-new', ...at, previousKeyId: old.keyId }, next));
    process.stdout.write(
      `rotated signing key: old ${old.fingerprint} (key ${old.keyId}) new ${next.fingerprint} (key ${next.keyId})\n`,
    );
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
    if (command === 'rotate-key') return await runRotateKey(rest);
    const estate = command ? estateCommands[command] : undefined;
    if (estate) return await estate(rest, adminConfig());
    throw new UsageError(command ? `unknown command ${command}` : 'missing command');
  } catch (error) {
    if (error instanceof UsageError || error instanceof EstateUsageError) {
      process.stderr.write(`audit: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`audit ${command ?? ''}: ${oneLine(error)}\n`);
    return 2;
  }
}
