// The audit chain's integrity on this workstation (issue 12, findings 3 and 8):
//  - at start-up, before clinical functions open, the chain is checked from the last good
//    checkpoint in the witness (outside the database) to the head: cheap, whatever the size;
//  - then the whole chain is walked in the background, in slices, between appends;
//  - signed checkpoints go to the witness at start-up, every few minutes, at every export and at
//    close; a new signing key (rotation, reinstall) is recorded there too;
//  - a break is audited and shown on the governance screen, and clinical functions stay closed
//    until a privacy officer (R0001 with B0011) acknowledges it, which is audited and witnessed.
import { performance } from 'node:perf_hooks';
import type { AuditBreak, AuditIntegrity } from '../../preload/contract';
import type { Logger } from '../log/logger';
import type { ClockMonitor } from './clock';
import type { AuditActor, AuditEventInput } from './sink';
import type { SigningKey } from './signing-key';
import type { AuditStore, ChainBreak, ChainHead } from './store';
import { GENESIS_HASH } from './entry';
import { signCheckpoint, type Checkpoint, type CheckpointKind, type Witness } from './witness';

/** The store operations the monitor needs (the audit worker in the app). */
export interface ChainReader {
  head(): Promise<ChainHead>;
  checkAgainst(checkpoint: ChainHead): Promise<ChainBreak | null>;
  checkSegment(after: ChainHead, limit: number): Promise<ReturnType<AuditStore['checkSegment']>>;
}

export interface IntegrityOptions {
  readonly chain: ChainReader;
  readonly witness: Witness;
  readonly signingKey: () => Promise<SigningKey>;
  readonly workstation: string;
  readonly record: (event: AuditEventInput) => Promise<unknown>;
  readonly emit: (status: AuditIntegrity) => void;
  readonly clock: ClockMonitor;
  readonly log: Logger;
  /** How often a periodic checkpoint is written (default 5 minutes). */
  readonly periodicMs?: number;
  /** Entries per background slice (default 50,000): appends wait at most one slice. */
  readonly sliceEntries?: number;
}

export interface IntegrityMonitor {
  /** The start-up part; resolves once it is known whether clinical functions may open. */
  startup(): Promise<void>;
  /** Starts the full check in the background and the periodic checkpoints. */
  startBackground(): void;
  /** Resolves when the background check has finished (tests, benchmarks). */
  fullCheckDone(): Promise<void>;
  checkpoint(kind: Extract<CheckpointKind, 'export' | 'periodic' | 'close'>): Promise<void>;
  status(): AuditIntegrity;
  acknowledge(breakId: string, note: string, by: AuditActor): Promise<AuditIntegrity>;
  stop(): void;
}

/** Entries the start-up part walks at most after the checkpoint; the rest is left to the background. */
const STARTUP_WALK_LIMIT = 100_000;

export function createIntegrityMonitor(options: IntegrityOptions): IntegrityMonitor {
  const { chain, witness, log } = options;
  const slice = options.sliceEntries ?? 50_000;
  const breaks: AuditBreak[] = [];
  let state: AuditIntegrity['state'] = 'checking';
  let startupCheck: AuditIntegrity['startupCheck'] = null;
  let fullCheck: AuditIntegrity['fullCheck'] = { state: 'pending', entries: 0 };
  let lastCheckpoint: Checkpoint | null = null;
  let witnessProblems: string[] = [];
  /** Sequences of breaks a privacy officer has acknowledged (from the witness). */
  const acknowledgedAt = new Map<number, { by: string; at: string }>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let background: Promise<void> = Promise.resolve();

  const closed = () => breaks.some((b) => b.acknowledged === null);
  const status = (): AuditIntegrity => ({
    state: breaks.length > 0 ? 'broken' : state,
    clinicalClosed: closed(),
    breaks: [...breaks],
    startupCheck,
    fullCheck,
    witness: {
      file: witness.file,
      systemLog: witness.systemLog.name,
      lastCheckpoint: lastCheckpoint ? { sequence: lastCheckpoint.sequence, at: lastCheckpoint.at } : null,
      problems: witnessProblems,
    },
    clock: options.clock.status(),
  });
  const changed = () => options.emit(status());

  const write = async (
    kind: CheckpointKind,
    extra: { previousKeyId?: string | null; note?: string; acknowledgedSequence?: number } = {},
  ) => {
    const head = await chain.head();
    const key = await options.signingKey();
    const checkpoint = signCheckpoint(
      { kind, sequence: head.sequence, chainHead: head.hash, workstation: options.workstation, ...extra },
      key,
    );
    witness.append(checkpoint);
    lastCheckpoint = checkpoint;
  };

  const addBreak = async (foundBy: AuditBreak['foundBy'], found: ChainBreak) => {
    if (breaks.some((b) => b.sequence === found.sequence)) return;
    const acknowledged = acknowledgedAt.get(found.sequence) ?? null;
    const entry: AuditBreak = {
      id: `${foundBy}-${found.sequence}`,
      detectedAt: new Date().toISOString(),
      foundBy,
      sequence: found.sequence,
      reason: found.reason,
      acknowledged,
    };
    breaks.push(entry);
    log.error('audit chain break', { foundBy, sequence: found.sequence, reason: found.reason });
    // The break is itself an audited event (the trail stays writable: it continues from its head).
    await options
      .record({
        type: 'audit.integrity.break',
        outcome: 'failure',
        actor: null,
        detail: {
          foundBy,
          sequence: found.sequence,
          reason: found.reason,
          alreadyAcknowledged: acknowledged !== null,
        },
      })
      .catch((error: unknown) => log.error('the chain break could not be audited', { error }));
    changed();
  };

  const startup = async () => {
    const started = performance.now();
    const reading = witness.read();
    witnessProblems = [...reading.problems];
    for (const c of reading.checkpoints) {
      if (c.kind === 'acknowledged' && c.acknowledgedSequence !== undefined) {
        acknowledgedAt.set(c.acknowledgedSequence, { by: c.note ?? 'a privacy officer', at: c.at });
      }
    }
    const last = reading.checkpoints[reading.checkpoints.length - 1] ?? null;
    lastCheckpoint = last;
    const head = await chain.head();
    let from: ChainHead | null = null;
    if (last) {
      const found = await chain.checkAgainst({ sequence: last.sequence, hash: last.chainHead });
      if (found) await addBreak('start-up', found);
      else from = { sequence: last.sequence, hash: last.chainHead };
    } else if (head.sequence > 0) {
      // Why not a break: an upgrade from a version without a witness has none yet. Said and
      // audited; the background check still walks the whole chain.
      witnessProblems.push('no checkpoint found: the witness was started afresh (the full check still runs)');
      await options.record({
        type: 'audit.witness.missing',
        outcome: 'failure',
        actor: null,
        detail: { file: witness.file, headSequence: head.sequence },
      });
    } else {
      from = { sequence: 0, hash: GENESIS_HASH };
    }
    if (from) {
      const walked = await chain.checkSegment(from, STARTUP_WALK_LIMIT);
      if (walked.bad) await addBreak('start-up', walked.bad);
    }
    startupCheck = {
      fromSequence: from?.sequence ?? null,
      toSequence: head.sequence,
      ms: Math.round((performance.now() - started) * 10) / 10,
    };
    const key = await options.signingKey();
    // A reinstall or a lost key store starts a new key: witnessed always, audited when it replaces
    // one (a brand-new, empty trail has nothing to say yet).
    if (!last || last.keyId !== key.keyId) {
      if (last || head.sequence > 0)
        await options.record({
          type: 'audit.key.new',
          outcome: 'info',
          actor: null,
          detail: { keyId: key.keyId, fingerprint: key.fingerprint, previousKeyId: last?.keyId ?? null },
        });
      await write('key-new', { previousKeyId: last?.keyId ?? null });
    }
    // While a break is unacknowledged no new baseline is written: the next start finds it again.
    if (!closed()) await write('start-up');
    changed();
  };

  const runFullCheck = async () => {
    fullCheck = { state: 'running', entries: 0 };
    let after: ChainHead = { sequence: 0, hash: GENESIS_HASH };
    for (let guard = 0; guard < 1_000_000 && !stopped; guard += 1) {
      const result = await chain.checkSegment(after, slice);
      fullCheck = { state: 'running', entries: fullCheck.entries + result.entries };
      if (result.bad) {
        await addBreak('background', result.bad);
        break;
      }
      after = result.reached;
      if (result.done) break;
      // Let appends and searches in between slices.
      await new Promise((resolve) => setImmediate(resolve));
    }
    fullCheck = { state: 'done', entries: fullCheck.entries };
    if (breaks.length === 0) state = 'intact';
    changed();
  };

  return {
    startup,
    startBackground: () => {
      background = runFullCheck().catch((error: unknown) => {
        log.error('the background audit chain check failed', { error });
      });
      timer = setInterval(
        () => {
          if (!closed())
            void write('periodic').catch((error: unknown) =>
              log.warn('periodic checkpoint failed', { error }),
            );
        },
        options.periodicMs ?? 5 * 60_000,
      );
      timer.unref();
    },
    fullCheckDone: () => background,
    checkpoint: async (kind) => {
      if (!closed()) await write(kind);
    },
    status,
    acknowledge: async (breakId, note, by) => {
      const found = breaks.find((b) => b.id === breakId);
      if (!found) throw new Error(`no chain break ${breakId}`);
      if (found.acknowledged) return status();
      const at = new Date().toISOString();
      // Audited first (write before reopening), then witnessed as the new baseline.
      await options.record({
        type: 'audit.integrity.acknowledged',
        outcome: 'info',
        actor: by,
        detail: { breakId, sequence: found.sequence, reason: found.reason, note },
      });
      const index = breaks.indexOf(found);
      breaks[index] = { ...found, acknowledged: { by: `${by.displayName} (${by.userUuid})`, at } };
      await write('acknowledged', {
        acknowledgedSequence: found.sequence,
        note: `${by.displayName} (${by.userUuid})`,
      });
      changed();
      return status();
    },
    stop: () => {
      stopped = true;
      if (timer) clearInterval(timer);
    },
  };
}
