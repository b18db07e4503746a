// `npm run --silent smsp -- audit ingest|query|health|purge …`: the estate audit store (issue 16).
//   ingest --store URL [--key-file KEY] [--trust FINGERPRINT]... DIR...   one JSON line per bundle
//   ingest --store URL --watch DIR [--once]                              move to ingested/ or refused/
//   query  --store URL [--nhs-number N] [--user UUID] [--workstation ID] [--ods CODE]
//          [--from DATE] [--to DATE] [--event TYPE] [--limit N]          FHIR AuditEvent NDJSON, newest first
//   health --store URL                                                    per-workstation series health (JSON)
//   purge  --store URL --signing-key FILE [--before ISO | --retention-days N]
// The store URL and its secrets come from the command line or the administrator's configuration
// (`estate.store`), never from a user's file. Exit codes: 0 done; 1 a bundle was refused; 2 usage
// or operational error.
import { userInfo } from 'node:os';
import type { AppConfig } from '../config/schema';
import { auditEventLine } from '../audit/event-line';
import { ingestBundle, type IngestLine } from '../estate/ingest';
import type { EstateFilter, EstateStore } from '../estate/model';
import { openEstateStore } from '../estate/open';
import { redactUrl } from '../estate/pg-store';
import {
  purgeOlderThan,
  purgeRecordValid,
  readOrCreateSigningKey,
  retentionCutoff,
} from '../estate/retention';
import { watchFolder, watchOnce } from '../estate/watch';

export class EstateUsageError extends Error {}

export const ESTATE_USAGE = `  smsp audit ingest --store URL [--key-file KEY] [--trust FINGERPRINT]... DIR...
  smsp audit ingest --store URL [--key-file KEY] [--trust FINGERPRINT]... --watch DIR [--once]
  smsp audit query --store URL [--key-file KEY] [--nhs-number N] [--user UUID] [--workstation ID] [--ods CODE] [--from DATE] [--to DATE] [--event TYPE] [--limit N]
  smsp audit health --store URL [--key-file KEY]
  smsp audit purge --store URL [--key-file KEY] --signing-key FILE [--before ISO | --retention-days N]`;

interface Parsed {
  readonly options: Map<string, string[]>;
  readonly positional: string[];
}

const booleans = new Set(['once']);

function parse(args: readonly string[], flags: readonly string[]): Parsed {
  const options = new Map<string, string[]>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (!flags.includes(name)) throw new EstateUsageError(`unknown option ${arg}`);
    if (booleans.has(name)) {
      options.set(name, ['true']);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined) throw new EstateUsageError(`${arg} needs a value`);
    options.set(name, [...(options.get(name) ?? []), value]);
    i += 1;
  }
  return { options, positional };
}

const one = (p: Parsed, name: string): string | undefined => {
  const values = p.options.get(name);
  if (values && values.length > 1) throw new EstateUsageError(`--${name} is given more than once`);
  return values?.[0];
};

function dateOption(p: Parsed, name: string): string | undefined {
  const value = one(p, name);
  if (value === undefined) return undefined;
  if (Number.isNaN(Date.parse(value)))
    throw new EstateUsageError(`--${name} is not an ISO 8601 date or time: ${value}`);
  return new Date(value).toISOString();
}

async function withStore<T>(
  p: Parsed,
  config: AppConfig,
  fn: (store: EstateStore) => Promise<T>,
): Promise<T> {
  const url = one(p, 'store') ?? config.estate.store;
  if (!url) throw new EstateUsageError('--store is required (or the administrator sets estate.store)');
  const keyFile = one(p, 'key-file') ?? config.estate.keyFile;
  let store: EstateStore;
  try {
    store = await openEstateStore(url, { keyFile });
  } catch (error) {
    // Why: a connection URL may carry the password; messages never repeat it.
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot open the estate store ${redactUrl(url)}: ${message.split(url).join(redactUrl(url))}`,
      {
        cause: error,
      },
    );
  }
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

const STORE_FLAGS = ['store', 'key-file'];

function printLine(line: IngestLine): void {
  process.stdout.write(
    `${JSON.stringify({
      bundle: line.bundle,
      workstation: line.workstation,
      entries: line.entries,
      outcome: line.outcome,
      ...(line.reason !== undefined ? { reason: line.reason } : {}),
    })}\n`,
  );
}

async function runIngest(args: string[], config: AppConfig): Promise<number> {
  const p = parse(args, [...STORE_FLAGS, 'trust', 'watch', 'once']);
  const watch = one(p, 'watch');
  if (watch && p.positional.length > 0)
    throw new EstateUsageError('give bundle folders or --watch DIR, not both');
  if (!watch && p.positional.length === 0)
    throw new EstateUsageError('ingest needs at least one bundle folder');
  const trust = p.options.get('trust') ?? config.audit.trustedSigners;
  if (trust.length === 0) {
    throw new EstateUsageError('no trusted signers: give --trust FINGERPRINT or set audit.trustedSigners');
  }
  // Accesses outside the organisation's opening hours are queued for review as the app's own
  // queue does, with the hours from the administrator's configuration.
  const openingHours = config.governance.openingHours;
  return withStore(p, config, async (store) => {
    if (watch) {
      if (one(p, 'once'))
        return (await watchOnce(watch, { store, trust, openingHours }, printLine)) > 0 ? 1 : 0;
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      await watchFolder(watch, { store, trust, openingHours }, printLine, stop.signal);
      return 0;
    }
    let refused = 0;
    for (const dir of p.positional) {
      const line = await ingestBundle(dir, { store, trust, openingHours });
      if (line.outcome === 'refused') refused += 1;
      printLine(line);
    }
    return refused > 0 ? 1 : 0;
  });
}

async function runQuery(args: string[], config: AppConfig): Promise<number> {
  const p = parse(args, [
    ...STORE_FLAGS,
    'nhs-number',
    'user',
    'workstation',
    'ods',
    'from',
    'to',
    'event',
    'limit',
  ]);
  if (p.positional.length > 0) throw new EstateUsageError(`unexpected ${p.positional.join(' ')}`);
  const nhs = one(p, 'nhs-number')?.replace(/\s/g, '');
  if (nhs !== undefined && !/^\d{10}$/.test(nhs)) throw new EstateUsageError('--nhs-number is 10 digits');
  const limitText = one(p, 'limit');
  const limit = limitText === undefined ? 1000 : Number(limitText);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) {
    throw new EstateUsageError('--limit is a whole number from 1 to 10,000');
  }
  const filter: EstateFilter = {
    nhsNumber: nhs,
    user: one(p, 'user'),
    workstation: one(p, 'workstation'),
    ods: one(p, 'ods'),
    from: dateOption(p, 'from'),
    to: dateOption(p, 'to'),
    event: one(p, 'event'),
    limit,
  };
  return withStore(p, config, async (store) => {
    const page = await store.query(filter);
    // The search is recorded before its answer is shown.
    await store.recordSearch({
      searcher: `os:${userInfo().username}`,
      via: 'cli',
      filter,
      results: page.total,
    });
    for (const { entry } of page.entries) process.stdout.write(`${auditEventLine(entry)}\n`);
    return 0;
  });
}

async function runHealth(args: string[], config: AppConfig): Promise<number> {
  const p = parse(args, STORE_FLAGS);
  return withStore(p, config, async (store) => {
    const health = await store.health();
    const purges = (await store.purges()).map((r) => ({ ...r, signatureValid: purgeRecordValid(r) }));
    process.stdout.write(`${JSON.stringify({ ...health, purges }, null, 2)}\n`);
    return 0;
  });
}

async function runPurge(args: string[], config: AppConfig): Promise<number> {
  const p = parse(args, [...STORE_FLAGS, 'signing-key', 'before', 'retention-days']);
  const keyFile = one(p, 'signing-key');
  if (!keyFile)
    throw new EstateUsageError(
      '--signing-key FILE is required (the estate purge-signing seed; created 0600 on first use)',
    );
  const daysText = one(p, 'retention-days');
  const days = daysText === undefined ? config.estate.retentionDays : Number(daysText);
  const before = dateOption(p, 'before') ?? (days !== undefined ? retentionCutoff(days) : undefined);
  if (!before)
    throw new EstateUsageError('give --before ISO or --retention-days N (or set estate.retentionDays)');
  if (daysText !== undefined && (!Number.isSafeInteger(days) || (days ?? 0) < 1)) {
    throw new EstateUsageError('--retention-days is a whole number of days, at least 1');
  }
  const key = readOrCreateSigningKey(keyFile);
  return withStore(p, config, async (store) => {
    const record = await purgeOlderThan(store, before, `os:${userInfo().username}`, key);
    process.stdout.write(`${JSON.stringify(record)}\n`);
    return 0;
  });
}

export const estateCommands: Readonly<
  Record<string, (args: string[], config: AppConfig) => Promise<number>>
> = {
  ingest: runIngest,
  query: runQuery,
  health: runHealth,
  purge: runPurge,
};
