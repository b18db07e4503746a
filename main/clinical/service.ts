// The clinical journeys behind the patient, SCR, consent and upload handlers (issue 7): the
// patient in context and the access decision for them, and the Spine conversations they need.
// The context belongs to one user in one role: it is wiped when the session ends, locks into a
// different user, or changes role (product.md section 9), and checked again on every call.
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { AppConfig } from '../config/schema';
import type { Logger } from '../log/logger';
import type { EventBus } from '../api/event-bus';
import type { AuditEventInput, AuditSink } from '../audit/sink';
import type { SessionService } from '../auth/session-service';
import type { OutboxItem, SpineClient } from '../spine/client';
import type { MessageAuthor } from '../hl7/context';
import { AppError } from '../api/app-error';
import { permits, type Feature } from '../auth/rbac';
import type {
  AccessDecision,
  AccessDecisionInput as AccessDecisionSchema,
  ConsentState,
  ConsentView,
  GpSummarySource as GpSummarySourceSchema,
  GpSummaryValidation,
  Patient,
  PatientSearchInput as PatientSearchSchema,
  PatientSearchResult,
  PrintStamp,
  ScrSection,
  SummaryCareRecordView,
  UploadItem,
} from '../../preload/contract';
import { type ClinicalGateway, type PdsPatient, type UploadDocument, interactions } from './gateway';
import { normaliseNhsNumber, formatNhsNumber } from './nhs-number';
import { auditName, toCandidate, toPatient } from './patient-view';
import { accessReasonCode, accessReasonText, alertFor, dissentOverrideFor, selfClaimReason } from './access';
import { validateDraft } from './gp-summary-rules';
import { createHl7Gateway } from './hl7-gateway';

export type PatientSearchParsed = z.output<typeof PatientSearchSchema>;
export type AccessDecisionParsed = z.output<typeof AccessDecisionSchema>;
export type GpSummarySourceParsed = z.output<typeof GpSummarySourceSchema>;

export interface ClinicalService {
  search(input: PatientSearchParsed): Promise<PatientSearchResult>;
  open(nhsNumber: string): Promise<Patient>;
  /**
   * In-context launch (issue 14): the same PDS retrieval as `open`, audited as opened at the
   * request of the launching system, but the patient is put in context only by `commit` — after
   * the date-of-birth check, and after the user confirms a change of patient.
   */
  retrieveForLaunch(nhsNumber: string, requestedBy: string): Promise<LaunchRetrieval>;
  current(): Patient | null;
  /** `SURNAME, Given` of a patient PDS named in this session, for audit entries; null if not known. */
  patientName(nhsNumber: string): string | null;
  closePatient(): Promise<boolean>;
  decideAccess(input: AccessDecisionParsed): Promise<AccessDecision>;
  getScr(nhsNumber: string): Promise<SummaryCareRecordView>;
  /** Audits a print (or a copy of the medication list) with the sections chosen; the stamp pages carry. */
  recordPrint(nhsNumber: string, what?: PrintRequest): Promise<PrintStamp>;
  getConsent(nhsNumber: string): Promise<ConsentView>;
  setConsent(nhsNumber: string, state: ConsentState): Promise<ConsentView>;
  validateGpSummary(nhsNumber: string, source: GpSummarySourceParsed): Promise<GpSummaryValidation>;
  uploadGpSummary(nhsNumber: string, source: GpSummarySourceParsed): Promise<UploadItem>;
  uploads(): Promise<UploadItem[]>;
  /** Forget the patient in context and any access decision (session end, user or role change). */
  wipe(reason: string): void;
  close(): Promise<void>;
}

/** A patient retrieved for another system's request, not yet in context. */
export interface LaunchRetrieval {
  /** The patient as this role may see them (the confirm question names them). */
  readonly patient: Patient;
  /** True only when PDS holds exactly this full date of birth (a partial date never matches). */
  birthDateIs(dob: string): boolean;
  /** Makes the patient the one in context, if the same user and role are still signed in. */
  commit(): Patient;
}

/** Deployment choices for the clinical journeys. */
export interface ClinicalPolicy {
  /**
   * Self-claim a legitimate relationship (REPC_IN040000UK15) on each access decision. Pharmacy
   * deployments have no registration-based LR, so Spine's ACF would refuse the read without one
   * (spine-hl7v3.md section 10).
   */
  readonly selfClaimRelationship: boolean;
}

export interface ClinicalOptions {
  readonly config: AppConfig;
  readonly log: Logger;
  readonly events: EventBus;
  readonly audit: AuditSink;
  readonly session: SessionService;
  readonly spine: SpineClient;
  /** Tests give an in-memory gateway; otherwise main/hl7 over the Spine client. */
  readonly gateway?: ClinicalGateway;
  readonly policy?: Partial<ClinicalPolicy>;
  readonly now?: () => Date;
}

/** What is printed or copied (issue 11): audited with the sections chosen. */
export interface PrintRequest {
  readonly purpose: 'print' | 'copy';
  readonly sections: readonly string[];
  readonly pages: number | null;
}

interface PatientContext {
  readonly owner: string;
  readonly pds: PdsPatient;
  readonly supersededFrom: string | null;
  decision: AccessDecision | null;
  /** The user's reason for emergency or legal access, for the record's provenance line. */
  accessReason?: string | null;
  dissentOverride: 0 | 1 | 2 | 3;
}

const spineProblem =
  'Spine could not be reached, so nothing from the record is shown. Try again in a few minutes; if it keeps happening, contact your IT service desk.';

const coreOrder: readonly ScrSection['category'][] = [
  'allergies',
  'acute-medication',
  'repeat-medication',
  'discontinued-repeat-medication',
];

function policyFrom(given: Partial<ClinicalPolicy> | undefined): ClinicalPolicy {
  // No configuration key carries this yet (AppConfig is strict); bootstrap may pass one.
  return { selfClaimRelationship: given?.selfClaimRelationship ?? true };
}

export function createClinicalService(options: ClinicalOptions): ClinicalService {
  const { audit, session, log, events } = options;
  const gateway = options.gateway ?? createHl7Gateway({ spine: options.spine, config: options.config, log });
  const policy = policyFrom(options.policy);
  const now = options.now ?? (() => new Date());
  let context: PatientContext | null = null;
  let lastOwner: string | null = null;

  const ownerKey = (): string | null => {
    const actor = session.actor();
    const state = session.state();
    if (!actor || state.stage !== 'role-selected') return null;
    return `${actor.userUuid}|${actor.roleProfileId ?? ''}`;
  };

  // NHS numbers Spine reported merged in this session: every later access warns (MSCA-DQ-04).
  const merged = new Set<string>();
  // Names PDS gave in this session, so audit entries name their patient (issue 13); forgotten
  // with the session like everything else the user saw.
  const names = new Map<string, string>();

  const wipe = (reason: string) => {
    if (context) log.info('patient context wiped', { reason });
    context = null;
    if (reason !== 'closed by user' && reason !== 'several candidates') {
      merged.clear();
      names.clear();
    }
  };

  // Why: a different card, a new role or the end of the session must never see the previous
  // user's patient. The session's `session.changed` event carries the new state.
  const offEnded = session.onEnded(() => wipe('session ended'));
  const unsubscribe = events.subscribe((event, payload) => {
    if (event !== 'session.changed') return;
    const state = payload as { stage: string; user: { uuid: string } | null };
    if (state.stage !== 'role-selected' && state.stage !== 'locked') wipe(`session ${state.stage}`);
    else if (context && state.user && !context.owner.startsWith(`${state.user.uuid}|`)) wipe('user changed');
    else if (state.stage === 'role-selected' && context && context.owner !== ownerKey()) wipe('role changed');
  });

  const requireOwner = (): string => {
    const owner = ownerKey();
    if (!owner) {
      wipe('no session');
      throw new AppError('NOT_AUTHENTICATED', 'Sign in with your smartcard and choose a role first.');
    }
    if (lastOwner !== owner) {
      wipe('user or role changed');
      lastOwner = owner;
    }
    if (context && context.owner !== owner) wipe('user or role changed');
    return owner;
  };

  const author = (): MessageAuthor => {
    const actor = session.actor();
    if (!actor?.roleProfileId || !actor.jobRoleCode) {
      throw new AppError('NOT_AUTHENTICATED', 'Sign in with your smartcard and choose a role first.');
    }
    return { roleProfileId: actor.roleProfileId, userUuid: actor.userUuid, jobRoleCode: actor.jobRoleCode };
  };

  const allows = (feature: Feature): boolean => {
    const subject = session.rbacSubject();
    return subject !== null && permits(subject, feature);
  };

  const refuse = async (feature: Feature, nhsNumber?: string): Promise<never> => {
    await audit.record({
      type: 'access.refused',
      outcome: 'refused',
      ...(nhsNumber ? { nhsNumber } : {}),
      detail: { feature },
    });
    throw new AppError(
      'NOT_AUTHORISED',
      'Your selected role does not allow this. Contact your Registration Authority if you need it.',
    );
  };

  /** Runs one Spine conversation; failures are audited (MSCA-AUD-02) and become contract errors. */
  const exchange = async <T>(event: AuditEventInput, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      const appError = error instanceof AppError ? error : new AppError('SPINE_UNAVAILABLE', spineProblem);
      if (!(error instanceof AppError)) log.warn('spine exchange failed', { type: event.type, error });
      await audit.record({ ...event, outcome: 'failure', detail: { ...event.detail, code: appError.code } });
      throw appError;
    }
  };

  const inContext = (nhsNumber: string): PatientContext => {
    if (!context || context.pds.nhsNumber !== nhsNumber) {
      throw new AppError('PATIENT_NOT_FOUND', 'Find and open this patient first.');
    }
    return context;
  };

  const view = (ctx: PatientContext): Patient =>
    toPatient(ctx.pds, ctx.supersededFrom, allows('patients.viewSensitive'));

  /** Remembers the name PDS gave, so later entries about this patient carry it (issue 13). */
  const rememberName = (found: PdsPatient) => {
    const named = auditName(found.name);
    if (named) names.set(found.nhsNumber, named);
  };

  const setContext = (owner: string, found: PdsPatient, supersededFrom: string | null): Patient => {
    rememberName(found);
    const pds = merged.has(found.nhsNumber) ? { ...found, merged: true } : found;
    context = { owner, pds, supersededFrom, decision: null, dissentOverride: 0 };
    return view(context);
  };

  /** One PDS retrieval in the signed-in user's name, audited as `type` (with `detail`, if any). */
  const lookUp = async (
    nhsNumber: string,
    type: string,
    detail: Readonly<Record<string, string>> = {},
  ): Promise<{ patient: PdsPatient; supersededFrom: string | null }> => {
    const outcome = await exchange(
      { type, outcome: 'success', nhsNumber, interactionId: interactions.retrieval, detail },
      () => gateway.retrieve(nhsNumber, author()),
    );
    if (outcome.kind === 'not-found') {
      await audit.record({ type, outcome: 'info', nhsNumber, detail: { ...detail, result: 'not-found' } });
      throw new AppError(
        'PATIENT_NOT_FOUND',
        `No patient found with NHS number ${formatNhsNumber(nhsNumber)}. Check the number with the patient, or search by their details instead.`,
      );
    }
    rememberName(outcome.patient);
    await audit.record({
      type,
      outcome: 'success',
      nhsNumber: outcome.patient.nhsNumber,
      interactionId: interactions.retrieval,
      detail: {
        ...detail,
        restricted: outcome.patient.restricted,
        ...(outcome.supersededFrom ? { supersededFrom: outcome.supersededFrom } : {}),
      },
    });
    return { patient: outcome.patient, supersededFrom: outcome.supersededFrom };
  };

  const retrieve = async (owner: string, nhsNumber: string, type: string): Promise<Patient> => {
    const found = await lookUp(nhsNumber, type);
    return setContext(owner, found.patient, found.supersededFrom);
  };

  const toUpload = (item: OutboxItem): UploadItem => ({
    id: item.id,
    nhsNumber: item.nhsNumber && /^\d{10}$/.test(item.nhsNumber) ? item.nhsNumber : null,
    state: item.state,
    message: item.message,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  });

  const uploadDocument = (source: GpSummarySourceParsed): UploadDocument =>
    source.kind === 'compose'
      ? { kind: 'compose', draft: source.draft }
      : { kind: 'import', xml: source.xml };

  const validation = (nhsNumber: string, source: GpSummarySourceParsed): GpSummaryValidation => {
    const actor = session.actor();
    let who: MessageAuthor | null;
    try {
      who = author();
    } catch {
      who = null;
    }
    const problems =
      source.kind === 'compose'
        ? validateDraft(source.draft, who, actor?.displayName ?? null, now().toISOString().slice(0, 10))
        : [];
    if (who && problems.length === 0)
      problems.push(...gateway.validateGpSummary(nhsNumber, uploadDocument(source), who));
    return { valid: problems.length === 0, problems };
  };

  return {
    async search(input) {
      const owner = requireOwner();
      if (input.mode === 'nhs-number') {
        const nhsNumber = normaliseNhsNumber(input.nhsNumber);
        return { kind: 'patient', patient: await retrieve(owner, nhsNumber, 'patient.search') };
      }
      // Why: postcode search is its own activity (B0098); refused here, not only hidden on screen.
      if (input.postcode && !allows('patients.searchByPostcode')) await refuse('patients.searchByPostcode');
      const criteria = {
        family: input.family,
        given: input.given ?? null,
        gender: input.gender,
        birth: input.mode === 'basic' ? { kind: 'date' as const, date: input.birthDate } : input.birth,
        postcode: input.postcode ?? null,
        deathDate: input.mode === 'advanced' ? (input.deathDate ?? null) : null,
        similarNames: input.mode === 'advanced' ? input.similarNames : false,
        advanced: input.mode === 'advanced',
      };
      // The audit keeps a hash of the criteria, not the name and date of birth typed (AUD-03, no free-text PHI).
      const criteriaHash = createHash('sha256').update(JSON.stringify(criteria)).digest('hex');
      const interactionId = criteria.advanced ? interactions.advancedTrace : interactions.simpleTrace;
      const event: AuditEventInput = {
        type: 'patient.search',
        outcome: 'success',
        interactionId,
        detail: { mode: input.mode, criteriaHash },
      };
      const outcome = await exchange(event, () => gateway.trace(criteria, author()));
      if (outcome.kind === 'too-many') {
        await audit.record({ ...event, outcome: 'info', detail: { ...event.detail, result: 'too-many' } });
        throw new AppError(
          'TOO_MANY_RESULTS',
          'Too many results — add more details, such as the first name, an exact date of birth or the postcode.',
        );
      }
      if (outcome.kind === 'not-found' || outcome.patients.length === 0) {
        await audit.record({ ...event, outcome: 'info', detail: { ...event.detail, result: 'not-found' } });
        throw new AppError(
          'PATIENT_NOT_FOUND',
          'No patient found. Check the spelling of the name and the date of birth, try the first name or postcode, or use advanced search with similar names or a date range.',
        );
      }
      await audit.record({
        ...event,
        detail: { ...event.detail, results: outcome.patients.map((patient) => patient.nhsNumber).join(',') },
      });
      const [only] = outcome.patients;
      if (outcome.patients.length === 1 && only) {
        return { kind: 'patient', patient: setContext(owner, only, null) };
      }
      // Several candidates: no patient in context (no banner on a list, PAB-0015).
      wipe('several candidates');
      const sensitive = allows('patients.viewSensitive');
      return {
        kind: 'candidates',
        candidates: outcome.patients.map((patient) => toCandidate(patient, sensitive)),
      };
    },

    async open(typed) {
      const owner = requireOwner();
      return retrieve(owner, normaliseNhsNumber(typed), 'patient.open');
    },

    async retrieveForLaunch(typed, requestedBy) {
      const owner = requireOwner();
      const found = await lookUp(normaliseNhsNumber(typed), 'patient.open', {
        openedAtTheRequestOf: requestedBy,
      });
      return {
        patient: toPatient(found.patient, found.supersededFrom, allows('patients.viewSensitive')),
        birthDateIs: (dob) => found.patient.birthDate === dob,
        commit: () => {
          // Why: the user may have locked, changed role or handed over while the question was open.
          if (requireOwner() !== owner)
            throw new AppError('NOT_AUTHENTICATED', 'Sign in with your smartcard and choose a role first.');
          return setContext(owner, found.patient, found.supersededFrom);
        },
      };
    },

    patientName(nhsNumber) {
      return names.get(nhsNumber) ?? null;
    },

    current() {
      const owner = ownerKey();
      if (!context || context.owner !== owner) return null;
      return view(context);
    },

    async closePatient() {
      const had = context !== null;
      wipe('closed by user');
      return had;
    },

    async decideAccess(input) {
      requireOwner();
      const nhsNumber = normaliseNhsNumber(input.nhsNumber);
      const ctx = inContext(nhsNumber);
      const { basis } = input;
      if (basis.kind === 'emergency' && !allows('scr.emergencyAccess'))
        await refuse('scr.emergencyAccess', nhsNumber);
      if (basis.kind === 'legal' && !allows('scr.legalAccess')) await refuse('scr.legalAccess', nhsNumber);
      const alert = alertFor(basis);
      const decidedAt = now().toISOString();
      // Why: the decision is committed to the audit trail BEFORE any clinical data is requested
      // (product.md section 9); if the trail cannot take it, the record is not fetched.
      await audit.record({
        type: 'scr.access',
        outcome: 'success',
        nhsNumber,
        // Why: the code and the user's words are separate fields, so the exported AuditEvent
        // carries a coded purpose and the justification as its text (MSCA-AUD, product.md 5).
        accessReason: accessReasonCode(basis),
        accessReasonText: accessReasonText(basis),
        detail: {
          basis: basis.kind,
          ...(basis.kind === 'permission' ? { mode: basis.mode } : {}),
          ...(basis.kind === 'legal' ? { ground: basis.ground } : {}),
          legitimateRelationship: 'confirmed',
          // A restricted (S-flag) record's access is queued for the privacy officer's review.
          restricted: ctx.pds.restricted,
          alertType: alert.type,
          alertReason: alert.reasonCode,
        },
      });
      let selfClaimed = false;
      if (policy.selfClaimRelationship) {
        try {
          const item = await gateway.selfClaimRelationship(nhsNumber, selfClaimReason(basis), author());
          selfClaimed = true;
          await audit.record({
            type: 'lr.selfClaim',
            outcome: 'success',
            nhsNumber,
            interactionId: interactions.selfClaim,
            messageId: item.messageId,
            detail: { reason: selfClaimReason(basis) },
          });
        } catch (error) {
          // The read itself will tell if Spine refuses without an LR (420/30418); the user is not blocked here.
          log.warn('LR self-claim could not be queued', { error });
          await audit.record({
            type: 'lr.selfClaim',
            outcome: 'failure',
            nhsNumber,
            interactionId: interactions.selfClaim,
          });
        }
      }
      const decision: AccessDecision = { nhsNumber, basis: basis.kind, decidedAt, alert, selfClaimed };
      ctx.decision = decision;
      ctx.accessReason = basis.kind === 'permission' ? null : basis.reason;
      ctx.dissentOverride = dissentOverrideFor(basis);
      return decision;
    },

    async getScr(typed) {
      requireOwner();
      const nhsNumber = normaliseNhsNumber(typed);
      const ctx = inContext(nhsNumber);
      if (!ctx.decision) {
        throw new AppError(
          'ACCESS_DECISION_REQUIRED',
          'Record why you are accessing this patient’s record before it is shown.',
        );
      }
      const event: AuditEventInput = {
        type: 'scr.view',
        outcome: 'success',
        nhsNumber,
        interactionId: interactions.documentList,
        accessReason: ctx.decision.basis === 'permission' ? 'permission-to-view' : ctx.decision.basis,
      };
      let outcome;
      try {
        outcome = await exchange(event, () =>
          gateway.latestGpSummary(nhsNumber, ctx.dissentOverride, author()),
        );
      } catch (error) {
        // PSIS 410/30307: the number was merged into another record (spec 5.3). The patient in
        // context carries a merged warning from now on, on every screen (MSCA-DQ-01/04).
        if (error instanceof AppError && error.detail?.['detailCode'] === '30307') {
          merged.add(nhsNumber);
          context = { ...ctx, pds: { ...ctx.pds, merged: true } };
        }
        throw error;
      }
      if (outcome.kind === 'none') {
        await audit.record({ ...event, outcome: 'info', detail: { result: 'no-scr' } });
        throw new AppError('NO_SCR', 'This patient does not have a Summary Care Record');
      }
      if (outcome.kind === 'withheld') {
        await audit.record({ ...event, outcome: 'info', detail: { result: 'consent-no' } });
        throw new AppError('CONSENT_WITHHELD', 'The patient has chosen not to have a Summary Care Record');
      }
      const { record } = outcome;
      const core = coreOrder.map((category) => {
        const found = record.sections.filter((section) => section.category === category);
        const first = found[0];
        return {
          category,
          title: first?.title ?? defaultTitles[category],
          entries: found.flatMap((section) => section.entries),
        };
      });
      const result: SummaryCareRecordView = {
        nhsNumber,
        documentId: record.documentId,
        lastUpdated: record.lastUpdated,
        author: { ...record.author },
        // A summary sent by a practice other than the registered GP: the patient has moved and the
        // new practice has not sent one yet (SCR viewer guidance, product.md section 1.2).
        recentPracticeChange:
          record.recentPracticeChange ||
          Boolean(record.authorOdsCode && ctx.pds.gp && record.authorOdsCode !== ctx.pds.gp.odsCode),
        core,
        additional: record.sections.filter((section) => section.category === 'additional'),
        presentation: record.presentation ? [...record.presentation] : null,
        presentationPlain: record.presentationPlain ?? null,
        status: record.status ?? 'current',
        notes: record.notes ?? { formattingRemoved: false, directionMarksRemoved: false },
        retrievedAt: now().toISOString(),
        access: { kind: ctx.decision.basis, reason: ctx.accessReason ?? null },
        practiceOdsCode: record.authorOdsCode ?? null,
      };
      // Why: write before disclose — the view is committed to the audit trail before the record
      // leaves main; if the trail cannot take it, nothing is shown (MSCA-AUD-01).
      await audit.record({
        ...event,
        interactionId: interactions.document,
        detail: { documentId: record.documentId },
      });
      return result;
    },

    async recordPrint(typed, what = { purpose: 'print', sections: [], pages: null }) {
      requireOwner();
      const nhsNumber = normaliseNhsNumber(typed);
      const ctx = inContext(nhsNumber);
      if (!ctx.decision) {
        throw new AppError('ACCESS_DECISION_REQUIRED', 'Open the record before printing it.');
      }
      const state = session.state();
      const actor = session.actor();
      const role = state.selectedRole;
      const stamp: PrintStamp = {
        nhsNumber,
        printedAt: now().toISOString(),
        printedBy: actor?.displayName ?? state.user?.displayName ?? 'Not known',
        role: role?.jobRoleName ?? 'Not known',
        organisation: role ? `${role.organisationName} (ODS: ${role.odsCode})` : 'Not known',
        marking: 'OFFICIAL-SENSITIVE: PERSONAL',
      };
      // MSCA-IG-04: printing personal data is labelled and audited before the page is produced;
      // a copy of the medication list leaves the app just the same, so it is audited the same way.
      await audit.record({
        type: what.purpose === 'copy' ? 'scr.copy' : 'scr.print',
        outcome: 'success',
        nhsNumber,
        detail: {
          marking: stamp.marking,
          sections: [...what.sections],
          ...(what.pages !== null ? { pages: what.pages } : {}),
        },
      });
      return stamp;
    },

    async getConsent(typed) {
      requireOwner();
      const nhsNumber = normaliseNhsNumber(typed);
      inContext(nhsNumber);
      const event: AuditEventInput = {
        type: 'consent.view',
        outcome: 'success',
        nhsNumber,
        interactionId: interactions.consentGet,
      };
      const state = await exchange(event, () => gateway.consent(nhsNumber, author()));
      await audit.record({ ...event, detail: { state } });
      return { nhsNumber, state, canChange: allows('consent.set') };
    },

    async setConsent(typed, state) {
      requireOwner();
      const nhsNumber = normaliseNhsNumber(typed);
      inContext(nhsNumber);
      const event: AuditEventInput = {
        type: 'consent.set',
        outcome: 'success',
        nhsNumber,
        interactionId: interactions.consentSet,
        detail: { state },
      };
      await exchange(event, () => gateway.setConsent(nhsNumber, state, author()));
      await audit.record(event);
      return { nhsNumber, state, canChange: true };
    },

    async validateGpSummary(typed, source) {
      requireOwner();
      const nhsNumber = normaliseNhsNumber(typed);
      inContext(nhsNumber);
      return validation(nhsNumber, source);
    },

    async uploadGpSummary(typed, source) {
      requireOwner();
      const nhsNumber = normaliseNhsNumber(typed);
      inContext(nhsNumber);
      const checked = validation(nhsNumber, source);
      if (!checked.valid) {
        throw new AppError(
          'INVALID_INPUT',
          `The GP Summary was not sent: ${checked.problems[0]?.message ?? 'it does not meet the Spine rules.'}`,
          { problems: checked.problems.length },
        );
      }
      const event: AuditEventInput = {
        type: 'gpSummary.upload',
        outcome: 'success',
        nhsNumber,
        interactionId: interactions.gpSummaryUpload,
        detail: { source: source.kind },
      };
      // Spine rule (spec 8.1): the GP Summary author needs a name besides the SDS ids.
      const name = session.actor()?.displayName ?? '';
      const item = await exchange(event, () =>
        gateway.uploadGpSummary(nhsNumber, uploadDocument(source), author(), name),
      );
      await audit.record({
        ...event,
        messageId: item.messageId,
        detail: { source: source.kind, uploadId: item.id },
      });
      return toUpload(item);
    },

    async uploads() {
      requireOwner();
      const items = await gateway.outbox();
      return items
        .filter((item) => item.interactionId === interactions.gpSummaryUpload)
        .map(toUpload)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },

    wipe,

    async close() {
      offEnded();
      unsubscribe();
      wipe('closing');
    },
  };
}

/** For hosts and tests with no clinical capability: every journey says the service is not there. */
export function clinicalUnavailable(): ClinicalService {
  const no = async (): Promise<never> => {
    throw new AppError('SPINE_UNAVAILABLE', spineProblem);
  };
  return {
    search: no,
    open: no,
    retrieveForLaunch: no,
    current: () => null,
    patientName: () => null,
    closePatient: async () => false,
    decideAccess: no,
    getScr: no,
    recordPrint: no,
    getConsent: no,
    setConsent: no,
    validateGpSummary: no,
    uploadGpSummary: no,
    uploads: async () => [],
    wipe: () => undefined,
    close: async () => undefined,
  };
}

const defaultTitles: Readonly<Record<ScrSection['category'], string>> = {
  allergies: 'Allergies and adverse reactions',
  'acute-medication': 'Acute medication',
  'repeat-medication': 'Repeat medication',
  'discontinued-repeat-medication': 'Discontinued repeat medication',
  additional: 'Additional information',
};
