// The one handler of in-context launch requests (issue 14), whichever route they came by: the
// Electron second instance or macOS open-url (main/electron/lifecycle.ts), or the test host's
// local channel (channel.ts). It decides from the session what happens — open, wait for the
// user, ask before changing patient, or refuse — audits every request (`launch.request`), and
// tells the screens through the `launch.changed` event and the `launch.notice` operation.
//
// Why the caller gets so little back: a launch URL can come from anything on the workstation.
// Its answer says what the app did (opened, waiting, confirm, refused) and never what PDS said:
// no name, no date of birth, no "not found" (docs/integration/in-context-launch.md).
import type { AuthState, LaunchNotice, Patient } from '../../preload/contract';
import type { EventBus } from '../api/event-bus';
import { AppError } from '../api/app-error';
import type { AuditOutcome, AuditSink } from '../audit/sink';
import type { SessionService } from '../auth/session-service';
import { permits } from '../auth/rbac';
import type { ClinicalService, LaunchRetrieval } from '../clinical/service';
import type { Logger } from '../log/logger';
import { parseLaunchArgs, parseLaunchUrl, type LaunchRequest, type ParsedLaunch } from './request';
import { slidingMinute } from './rate-limit';

export type LaunchOutcomeKind = 'opened' | 'waiting' | 'confirm' | 'refused';

/** What the launching system is told: one of four outcomes and a sentence with no patient data. */
export interface LaunchOutcome {
  readonly outcome: LaunchOutcomeKind;
  readonly message: string;
}

/** How a request arrived, for the audit trail. */
export type LaunchRoute = 'command-line' | 'second-instance' | 'open-url' | 'local-channel';

export interface LaunchService {
  /** A `scr-desktop://` URL from any route. */
  handleUrl(url: string, route: LaunchRoute): Promise<LaunchOutcome>;
  /** A command line (first start or second instance); null when it asks for no patient. */
  handleArgs(argv: readonly string[], route: LaunchRoute): Promise<LaunchOutcome | null>;
  /** What the screens should say now (`launch.notice`). */
  notice(): LaunchNotice | null;
  /** The user's answer to "Open … instead?" (`launch.answer`). */
  answer(open: boolean): Promise<Patient | null>;
  /** The user has read an opened or refused notice (`launch.dismiss`). */
  dismiss(): boolean;
  close(): void;
}

export interface LaunchOptions {
  readonly session: SessionService;
  readonly clinical: ClinicalService;
  readonly audit: AuditSink;
  readonly events: EventBus;
  readonly log: Logger;
  readonly perMinute: number;
  readonly now?: () => number;
  /** How long a request waits for unlock or sign-in (issue 14: at most 5 minutes). */
  readonly waitMs?: number;
}

export const launchWaitMs = 5 * 60_000;

const said = {
  opened: 'Opened: the user sees the patient and records why they are accessing the record.',
  waiting:
    'Waiting: the app is locked or nobody is signed in. The patient opens after the user unlocks, or signs in and chooses a role, within 5 minutes.',
  confirm: 'Waiting for the user: another patient is open, and the user is asked whether to change.',
  notOpened: 'Not opened: the user has been told why.',
  tooMany: 'Refused: too many requests in the last minute. Try again later.',
  noRole: 'Refused: the signed-in user’s role cannot open patients.',
} as const;

/** A request held for the user, with what it is tied to. */
interface Pending {
  readonly request: LaunchRequest;
  readonly source: string;
  readonly route: LaunchRoute;
  readonly receivedAt: number;
  /** The user it was waiting for (null: whoever signs in first) and that user's card. */
  userUuid: string | null;
  cardLabel: string | null;
}

interface Confirming {
  readonly pending: Pending;
  readonly retrieval: LaunchRetrieval;
  readonly notice: Extract<LaunchNotice, { kind: 'confirm' }>;
}

const unnamed = 'a system that did not give its name';

export function createLaunchService(options: LaunchOptions): LaunchService {
  const { session, clinical, audit, events, log } = options;
  const now = options.now ?? Date.now;
  const waitMs = options.waitMs ?? launchWaitMs;
  const limit = slidingMinute(options.perMinute, now);
  let waiting: Pending | null = null;
  let confirming: Confirming | null = null;
  let shown: Extract<LaunchNotice, { kind: 'opened' | 'refused' }> | null = null;
  let lastCard: string | null = null;
  let lastLimitedAt = -Infinity;
  let alsoLimited = 0;
  let expiry: ReturnType<typeof setTimeout> | null = null;
  // One request at a time: a second one waits for the first's PDS call and audit entry.
  let queue: Promise<unknown> = Promise.resolve();

  const changed = () => events.emit('launch.changed', {});
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const record = async (
    outcome: AuditOutcome,
    result: string,
    request: { nhsNumber: string | null; source: string | null },
    route: LaunchRoute,
    extra: Readonly<Record<string, string>> = {},
  ) => {
    await audit.record({
      type: 'launch.request',
      outcome,
      ...(request.nhsNumber ? { nhsNumber: request.nhsNumber } : {}),
      // The source is recorded as the launching system claimed it; it is never verified.
      detail: { source: request.source ?? unnamed, route, result, ...extra },
    });
  };

  const show = (notice: typeof shown) => {
    shown = notice;
    changed();
  };

  const clearWaiting = () => {
    waiting = null;
    if (expiry) clearTimeout(expiry);
    expiry = null;
  };

  /** Drops what is held (card changed, expired, replaced), with an audit entry saying why. */
  const drop = async (why: string) => {
    const held = waiting ?? confirming?.pending ?? null;
    clearWaiting();
    confirming = null;
    changed();
    if (held) await record('info', 'dropped', held.request, held.route, { why }).catch(() => undefined);
  };

  const stageOf = (): AuthState['stage'] => session.state().stage;

  /** Opens the request for the signed-in, unlocked user: the same retrieval as a search. */
  const openFor = async (pending: Pending): Promise<LaunchOutcome> => {
    const { request, source, route } = pending;
    const subject = session.rbacSubject();
    if (!subject || !permits(subject, 'patients.search')) {
      await record('refused', 'refused', request, route, { why: 'role cannot open patients' });
      show({
        kind: 'refused',
        source: request.source,
        nhsNumber: request.nhsNumber,
        message:
          'Your selected role cannot open patients, so the patient was not opened. Contact your Registration Authority if you need to.',
      });
      return { outcome: 'refused', message: said.noRole };
    }
    const current = clinical.current();
    let retrieval: LaunchRetrieval;
    try {
      retrieval = await clinical.retrieveForLaunch(request.nhsNumber, source);
    } catch (error) {
      const message = error instanceof AppError ? error.message : 'The patient could not be opened.';
      await record('refused', 'refused', request, route, {
        why: error instanceof AppError ? error.code : 'failed',
      });
      show({ kind: 'refused', source: request.source, nhsNumber: request.nhsNumber, message });
      return { outcome: 'refused', message: said.notOpened };
    }
    // Why (HAZ-082): a date of birth that PDS does not hold means the other system may be showing
    // a different person; opening anyone would risk the wrong patient's record.
    if (request.dob !== null && !retrieval.birthDateIs(request.dob)) {
      await record('refused', 'refused', request, route, { why: 'date of birth does not match PDS' });
      show({
        kind: 'refused',
        source: request.source,
        nhsNumber: request.nhsNumber,
        message:
          'The details do not match: the date of birth the other system sent is not the one PDS holds for this NHS number, so nothing was opened. Check the patient in the other system, or search for them here.',
      });
      return { outcome: 'refused', message: said.notOpened };
    }
    if (current && current.nhsNumber !== retrieval.patient.nhsNumber) {
      confirming = {
        pending,
        retrieval,
        notice: {
          kind: 'confirm',
          source: request.source,
          current: { nhsNumber: current.nhsNumber, name: current.name },
          next: { nhsNumber: retrieval.patient.nhsNumber, name: retrieval.patient.name },
        },
      };
      await record('info', 'confirm', request, route);
      shown = null;
      changed();
      return { outcome: 'confirm', message: said.confirm };
    }
    // Write before disclose: the request's entry is committed before the patient is shown.
    await record('success', 'opened', request, route);
    if (!current) retrieval.commit();
    show({ kind: 'opened', source: request.source, nhsNumber: retrieval.patient.nhsNumber });
    return { outcome: 'opened', message: said.opened };
  };

  const wait = async (pending: Pending): Promise<LaunchOutcome> => {
    if (waiting || confirming) await drop('replaced by a newer request');
    waiting = pending;
    shown = null;
    expiry = setTimeout(() => void serial(() => drop('not opened within 5 minutes')), waitMs);
    expiry.unref?.();
    await record('info', 'waiting', pending.request, pending.route);
    changed();
    return { outcome: 'waiting', message: said.waiting };
  };

  const handle = (parsed: ParsedLaunch, route: LaunchRoute): Promise<LaunchOutcome> =>
    serial(async () => {
      try {
        return await decide(parsed, route);
      } catch (error) {
        // Fail closed: a request the audit trail could not take is not acted on.
        log.error('a launch request could not be handled', { error, route });
        return { outcome: 'refused', message: 'Refused: the app could not record the request.' };
      }
    });

  const decide = async (parsed: ParsedLaunch, route: LaunchRoute): Promise<LaunchOutcome> => {
    // Every request takes a place in the window, even one refused below.
    const allowed = limit.take();
    if (!parsed.ok) {
      await record('refused', 'refused', { nhsNumber: parsed.nhsNumber, source: null }, route, {
        why: parsed.reason,
      });
      if (stageOf() === 'role-selected')
        show({
          kind: 'refused',
          source: null,
          nhsNumber: parsed.nhsNumber,
          message: `Another system asked to open a patient, but its request was refused: ${parsed.reason}`,
        });
      return { outcome: 'refused', message: `Refused: ${parsed.reason}` };
    }
    const { request } = parsed;
    if (!allowed) {
      // Why one entry per burst: a flood must not fill the audit trail. The first refusal is
      // recorded in full; the next entry says how many more were refused in between.
      const burst = now() - lastLimitedAt > 10_000;
      lastLimitedAt = now();
      if (!burst) {
        alsoLimited += 1;
        return { outcome: 'refused', message: said.tooMany };
      }
      await record('refused', 'refused', request, route, {
        why: 'rate limit',
        ...(alsoLimited > 0 ? { alsoRefusedBefore: String(alsoLimited) } : {}),
      });
      alsoLimited = 0;
      log.warn('launch requests refused by the rate limit', { route });
      return { outcome: 'refused', message: said.tooMany };
    }
    const state = session.state();
    const pending: Pending = {
      request,
      source: request.source ?? unnamed,
      route,
      receivedAt: now(),
      userUuid: state.user?.uuid ?? null,
      cardLabel: state.stage === 'no-card' || state.stage === 'ended' ? null : lastCard,
    };
    if (state.stage !== 'role-selected') return wait(pending);
    if (waiting || confirming) await drop('replaced by a newer request');
    return openFor(pending);
  };

  /** A waiting request goes on once its user is signed in with a role and unlocked. */
  const resume = () =>
    serial(async () => {
      const held = waiting;
      if (!held || stageOf() !== 'role-selected') return;
      clearWaiting();
      if (now() - held.receivedAt > waitMs) {
        await record('info', 'dropped', held.request, held.route, { why: 'not opened within 5 minutes' });
        changed();
        return;
      }
      try {
        await openFor(held);
      } catch (error) {
        log.warn('a waiting launch request could not be completed', { error });
      }
    });

  const offEvents = events.subscribe((event, payload) => {
    if (event === 'card.inserted') {
      const { label } = payload as { label: string };
      lastCard = label;
      // Why (HAZ-083): a request waiting for one person must never open for the next one.
      if (waiting) {
        if (waiting.cardLabel === null) waiting.cardLabel = label;
        else if (waiting.cardLabel !== label) void serial(() => drop('a different card was inserted'));
      }
    } else if (event === 'session.changed') {
      const state = payload as AuthState;
      if (waiting && state.user) {
        if (waiting.userUuid === null) waiting.userUuid = state.user.uuid;
        else if (waiting.userUuid !== state.user.uuid) void serial(() => drop('a different user signed in'));
      }
      if (confirming && state.stage !== 'role-selected' && state.stage !== 'locked')
        void serial(() => drop('the session ended'));
      if (state.stage === 'role-selected') void resume();
      // The opened/refused notice belongs to the user who saw it happen.
      if (shown && state.stage !== 'role-selected' && state.stage !== 'locked') shown = null;
    }
  });

  return {
    handleUrl: (url, route) => handle(parseLaunchUrl(url), route),

    async handleArgs(argv, route) {
      const parsed = parseLaunchArgs(argv);
      return parsed ? handle(parsed, route) : null;
    },

    notice() {
      const stage = stageOf();
      if (waiting && now() - waiting.receivedAt <= waitMs && stage !== 'role-selected') {
        return {
          kind: 'waiting',
          source: waiting.request.source,
          nhsNumber: waiting.request.nhsNumber,
          expiresAt: new Date(waiting.receivedAt + waitMs).toISOString(),
        };
      }
      // Names and outcomes only for the signed-in, unlocked user.
      if (stage !== 'role-selected') return null;
      return confirming?.notice ?? shown;
    },

    answer: (open) =>
      serial(async () => {
        const held = confirming;
        if (!held) return null;
        confirming = null;
        const { pending, retrieval } = held;
        if (!open) {
          await record('info', 'declined', pending.request, pending.route);
          changed();
          return null;
        }
        await record('success', 'opened', pending.request, pending.route, { confirmed: 'by the user' });
        const patient = retrieval.commit();
        show({ kind: 'opened', source: pending.request.source, nhsNumber: patient.nhsNumber });
        return patient;
      }),

    dismiss() {
      const had = shown !== null;
      shown = null;
      if (had) changed();
      return had;
    },

    close() {
      offEvents();
      clearWaiting();
      confirming = null;
    },
  };
}
