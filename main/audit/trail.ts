// Opens the workstation's audit trail for the runtime: the encrypted, hash-chained store in its
// worker thread, the key from the platform's key store, and the who/when/where added to each
// entry. Fails closed: if the store cannot write, record() rejects with AUDIT_UNAVAILABLE and
// `audit.unavailable` is emitted, so nothing is disclosed without its entry (issue 6).
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import type { EventBus } from '../api/event-bus';
import type { Platform } from '../app/platform';
import { AppError } from '../api/app-error';
import type { AuditExportResult, AuditPage } from '../../preload/contract';
import type {
  AuditActor,
  AuditEventInput,
  AuditIntegrityPort,
  AuditReader,
  AuditReceipt,
  AuditSink,
} from './sink';
import { createClockMonitor, timeSyncStatus } from './clock';
import { createIntegrityMonitor, type IntegrityMonitor } from './integrity';
import { Witness, detectSystemLog, isInside, witnessDirFor } from './witness';
import { localOffset, scrubDetail } from './entry';
import { keyFileStore, type AuditKeyStore } from './key-store';
import type { ExportSummary } from './export';
import { SIGNING_KEY_NAME, signingKeyFromSeed, type SigningKey } from './signing-key';
import type { PendingEntry } from './store';
import { verifyForScreen } from './verify';
import { startAuditWorker, type AuditWorker, AuditWorkerError } from './worker-client';

export interface AuditStatus {
  readonly available: boolean;
  /** Why not, in words a user can act on; null when available. */
  readonly message: string | null;
}

export interface AuditTrail extends AuditSink {
  readonly reader: AuditReader;
  readonly integrity: AuditIntegrityPort;
  status(): AuditStatus;
  /** Where record() finds the acting user when an event does not name one. */
  setActorSource(source: () => AuditActor | null): void;
  /** Where record() finds the name of the patient an entry concerns (the patient in context). */
  setPatientNameSource(source: (nhsNumber: string) => string | null): void;
  close(): Promise<void>;
}

export interface AuditTrailOptions {
  readonly config: AppConfig;
  readonly dataDir: string;
  readonly log: Logger;
  readonly events: EventBus;
  readonly platform: Platform;
}

/** The integrator calls this in bootstrap once the session exists: attributes entries to its actor. */
export function attachActor(trail: AuditTrail, source: () => AuditActor | null): void {
  trail.setActorSource(source);
}

/** The integrator calls this once the clinical service exists: entries name their patient. */
export function attachPatientNames(trail: AuditTrail, source: (nhsNumber: string) => string | null): void {
  trail.setPatientNameSource(source);
}

export const AUDIT_DB_FILE = 'audit.db';

/** Turns a store failure into a sentence for the person at the counter (never a path or a key). */
export function unavailableMessage(code: string | null): string {
  const why =
    code === 'SQLITE_FULL'
      ? 'the disk is full'
      : code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM'
        ? 'its file cannot be written'
        : code === 'SQLITE_NOTADB' || code === 'WRONG_KEY'
          ? 'its key does not match the audit database'
          : code === 'SQLITE_CORRUPT'
            ? 'the audit database is damaged'
            : code === 'BASIC_TEXT_KEY_STORE'
              ? 'this computer offers no secure key store for its key'
              : 'it cannot be written';
  return `The audit trail is unavailable (${why}), so clinical functions are stopped and no record is shown. Contact your IT service desk.`;
}

/**
 * The entry's detail with the names of its role, organisation and patient as they were when it
 * was written (issue 13): the privacy officer's review reads them from the entry, never from
 * Spine or SDS, and a later rename does not rewrite history. Kept in the detail so the canonical
 * encoding (and every hash) is unchanged.
 */
export function withNames(
  event: AuditEventInput,
  actor: AuditActor | null | undefined,
  patientName: (nhsNumber: string) => string | null,
): Readonly<Record<string, unknown>> | undefined {
  const patient = event.nhsNumber ? patientName(event.nhsNumber) : null;
  const names = {
    ...(actor?.roleName ? { role: actor.roleName } : {}),
    ...(actor?.organisationName ? { organisation: actor.organisationName } : {}),
    ...(patient ? { patient } : {}),
  };
  return Object.keys(names).length > 0 ? { ...event.detail, names } : event.detail;
}

export async function openAuditTrail(options: AuditTrailOptions): Promise<AuditTrail> {
  const { config, log, events } = options;
  const dir = config.audit.dir ?? options.dataDir;
  const workstation = config.workstation ?? hostname();
  const asid = config.asid ?? null;
  const keys: AuditKeyStore = options.platform.auditKeys ?? keyFileStore(options.dataDir);

  let status: AuditStatus = { available: true, message: null };
  let worker: AuditWorker | null = null;
  let closing = false;
  let actorSource: () => AuditActor | null = () => null;
  let patientNameSource: (nhsNumber: string) => string | null = () => null;

  let failureCode: string | null = null;
  const fail = (code: string | null, error: unknown): AppError => {
    failureCode = code;
    const message = unavailableMessage(code);
    if (status.available || status.message !== message) {
      log.error('audit trail unavailable', { code, error });
    }
    status = { available: false, message };
    events.emit('audit.unavailable', { message });
    return new AppError('AUDIT_UNAVAILABLE', message);
  };

  const open = async (): Promise<void> => {
    // Why: on Linux without a keyring safeStorage only obfuscates; the key would be as good as
    // plain text, so clinical use needs the administrator's explicit consent (issue 6).
    if (keys.protection === 'basic-text' && !config.audit.allowBasicTextKeyStore) {
      throw Object.assign(new Error('basic_text key store refused by configuration'), {
        code: 'BASIC_TEXT_KEY_STORE',
      });
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const key = await keys.loadOrCreate('audit');
    const started = await startAuditWorker();
    worker = started;
    started.onExit((error) => {
      if (worker === started) worker = null;
      if (!closing) fail(error.code, error);
    });
    try {
      // The key is copied into the worker's message; ours is wiped at once.
      await started.call('open', { file: join(dir, AUDIT_DB_FILE), key: new Uint8Array(key) });
    } finally {
      key.fill(0);
    }
  };

  try {
    await open();
  } catch (error) {
    const w = worker as AuditWorker | null;
    worker = null;
    closing = true;
    await w?.terminate();
    closing = false;
    const code =
      error instanceof AuditWorkerError
        ? error.code
        : typeof error === 'object' && error !== null && 'code' in error
          ? String((error as { code: unknown }).code)
          : null;
    // Fail closed but keep the app up: it can then say why nothing clinical works.
    fail(code, error);
  }

  /** A live worker is always tried (a full disk may have been cleared); without one, refuse at once. */
  const callWorker = async <T>(run: (w: AuditWorker) => Promise<T>): Promise<T> => {
    if (!worker || closing) throw fail(failureCode, 'the audit store is not open');
    try {
      const value = await run(worker);
      if (!status.available) status = { available: true, message: null };
      return value;
    } catch (error) {
      throw fail(error instanceof AuditWorkerError ? error.code : null, error);
    }
  };

  const clock = createClockMonitor(config.audit.maxClockSkewSeconds);
  const witnessDir = witnessDirFor(dir, config.audit.witnessDir);
  if (isInside(witnessDir, dir)) {
    // Why: a witness inside the audit folder goes wherever the folder goes (deleted, restored).
    log.warn('audit.witnessDir is inside the audit folder; it should be beside it', { witnessDir });
  }
  const witness = new Witness(witnessDir, detectSystemLog());
  const signingKey = async (): Promise<SigningKey> => {
    const seed = await keys.loadOrCreate(SIGNING_KEY_NAME);
    try {
      return signingKeyFromSeed(seed);
    } finally {
      seed.fill(0);
    }
  };
  let integrity: IntegrityMonitor | null = null;

  const entryFor = (event: AuditEventInput): PendingEntry => {
    const now = new Date();
    const actor = event.actor !== undefined ? event.actor : actorSource();
    // While the clock is outside the limit every entry says so (issue 12).
    const skew = clock.note();
    const detail = skew ? { ...event.detail, clockSkew: skew } : event.detail;
    return {
      at: now.toISOString(),
      tzOffset: localOffset(now),
      type: event.type,
      outcome: event.outcome,
      userUuid: actor?.userUuid ?? null,
      displayName: actor?.displayName ?? null,
      roleProfileId: actor?.roleProfileId ?? null,
      jobRole: actor?.jobRoleCode ?? null,
      odsCode: actor?.odsCode ?? null,
      workstation,
      asid,
      nhsNumber: event.nhsNumber ?? null,
      interactionId: event.interactionId ?? null,
      messageId: event.messageId ?? null,
      correlationId: event.correlationId ?? null,
      accessReason: event.accessReason ?? null,
      accessReasonText: event.accessReasonText ?? null,
      detail: scrubDetail(withNames({ ...event, ...(detail ? { detail } : {}) }, actor, patientNameSource)),
    };
  };

  const record = async (event: AuditEventInput): Promise<AuditReceipt> => {
    const entry = entryFor(event);
    const result = await callWorker((w) => w.call('append', { entry }));
    return { sequence: result.sequence };
  };

  const reader: AuditReader = {
    search: async (query): Promise<AuditPage> => callWorker((w) => w.call('search', { query })),
    exportBundle: async (request, exportedBy): Promise<AuditExportResult> => {
      const createdAt = new Date().toISOString();
      const folder = join(dir, 'exports', `audit-${createdAt.replace(/[:.]/g, '-')}`);
      // The export is itself an audited event, committed before anything is written out.
      await record({
        type: 'audit.export',
        outcome: 'info',
        actor: exportedBy,
        detail: { from: request.from ?? null, to: request.to ?? null },
      });
      const seed = await keys.loadOrCreate(SIGNING_KEY_NAME);
      const signingSeed = new Uint8Array(seed);
      seed.fill(0);
      let summary: ExportSummary;
      try {
        summary = await callWorker((w) =>
          w.call('export', {
            options: {
              dir: folder,
              range: { from: request.from, to: request.to },
              filter: request.filter,
              workstation,
              exportedBy: exportedBy
                ? {
                    userUuid: exportedBy.userUuid,
                    displayName: exportedBy.displayName,
                    roleProfileId: exportedBy.roleProfileId,
                  }
                : null,
              createdAt,
            },
            signingSeed,
          }),
        );
      } finally {
        signingSeed.fill(0);
      }
      // Every export is witnessed outside the database.
      await integrity
        ?.checkpoint('export')
        .catch((error: unknown) => log.warn('export checkpoint failed', { error }));
      // The person exporting sees what a reviewer's verifier will say (issue 12).
      const verification = await verifyForScreen(summary.folder, [
        summary.keyFingerprint,
        ...config.audit.trustedSigners,
      ]);
      return {
        folder: summary.folder,
        kind: summary.kind,
        entries: summary.entries,
        firstSequence: summary.firstSequence,
        lastSequence: summary.lastSequence,
        keyFingerprint: summary.keyFingerprint,
        verification,
      };
    },
  };

  const emitIntegrity = (value: ReturnType<IntegrityMonitor['status']>) =>
    events.emit('audit.integrity', value);
  if (worker) {
    const w = (): AuditWorker => {
      if (!worker) throw fail(failureCode, 'the audit store is not open');
      return worker;
    };
    integrity = createIntegrityMonitor({
      chain: {
        head: () => w().call('head', {}),
        checkAgainst: (checkpoint) => w().call('checkAgainst', { checkpoint }),
        checkSegment: (after, limit) => w().call('checkSegment', { after, limit }),
      },
      witness,
      signingKey,
      workstation,
      record,
      emit: emitIntegrity,
      clock,
      log,
    });
    clock.setSynchronised(await timeSyncStatus());
    // `unknown` (no timedatectl, another platform) is shown, not audited at every start.
    if (clock.status().synchronised === 'no') {
      await record({
        type: 'clock.unsynchronised',
        outcome: 'failure',
        actor: null,
        detail: { synchronised: clock.status().synchronised },
      }).catch(() => undefined);
    }
    try {
      // Before clinical functions open: from the last good checkpoint to the head.
      await integrity.startup();
      integrity.startBackground();
    } catch (error) {
      log.error('the start-up audit chain check could not run', { error });
    }
  }

  const integrityPort: AuditIntegrityPort = {
    status: () => (integrity ? integrity.status() : unavailableIntegrity()),
    acknowledge: async (breakId, note, by) => {
      if (!integrity) throw fail(failureCode, 'the audit store is not open');
      return integrity.acknowledge(breakId, note, by);
    },
    observeServerDate: (dateHeader) => {
      const crossed = clock.observe(dateHeader);
      if (!crossed) return;
      const { skewSeconds, limitSeconds } = clock.status();
      log.warn('workstation clock skew', { skewSeconds, limitSeconds, crossed });
      // Audited whichever way it crossed; the entries that follow carry the skew while it lasts.
      void record({
        type: crossed === 'exceeded' ? 'clock.skew' : 'clock.skew.resolved',
        outcome: crossed === 'exceeded' ? 'failure' : 'info',
        actor: null,
        detail: { skewSeconds, limitSeconds, against: 'spine' },
      }).catch(() => undefined);
      if (integrity) emitIntegrity(integrity.status());
    },
  };

  /** What the governance screen shows when the store never opened. */
  function unavailableIntegrity(): ReturnType<IntegrityMonitor['status']> {
    return {
      state: 'checking',
      clinicalClosed: false,
      breaks: [],
      startupCheck: null,
      fullCheck: { state: 'pending', entries: 0 },
      witness: { file: witness.file, systemLog: witness.systemLog.name, lastCheckpoint: null, problems: [] },
      clock: clock.status(),
    };
  }

  return {
    record,
    reader,
    integrity: integrityPort,
    status: () => status,
    setActorSource: (source) => {
      actorSource = source;
    },
    setPatientNameSource: (source) => {
      patientNameSource = source;
    },
    close: async () => {
      integrity?.stop();
      await integrity?.fullCheckDone();
      await integrity
        ?.checkpoint('close')
        .catch((error: unknown) => log.warn('closing checkpoint failed', { error }));
      closing = true;
      const w = worker;
      worker = null;
      if (!w) return;
      try {
        await w.call('close', {});
      } catch {
        // already stopped
      }
      await w.terminate();
    },
  };
}
