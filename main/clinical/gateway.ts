// The Spine conversations the clinical journeys need, as typed outcomes. The service depends on
// this port, not on XML: hl7-gateway.ts implements it with main/hl7 builders/parsers over the
// SpineClient, and the unit tests implement it in memory to check ordering and filtering.
import type { MessageAuthor } from '../hl7/context';
import type { OutboxItem } from '../spine/client';
import type {
  Address,
  BirthCriterion,
  ConsentState,
  Contact,
  Gender,
  GpSummaryDraft,
  PersonName,
  SafeNode,
  ScrSection,
  ValidationProblem,
} from '../../preload/contract';

/** A patient as PDS returned them, before any RBAC filtering. */
export interface PdsPatient {
  readonly nhsNumber: string;
  readonly name: PersonName;
  readonly birthDate: string | null;
  readonly deathDate: string | null;
  readonly gender: Gender;
  /** Any confidentialityCode, or detected issue 5/9 (spine-hl7v3.md section 6.3). */
  readonly restricted: boolean;
  readonly addresses: readonly Address[];
  readonly contacts: readonly Contact[];
  readonly gp: { readonly odsCode: string; readonly name: string | null } | null;
  /** Record marked invalid (MSCA-DQ-04): warn on every access. */
  readonly invalid: boolean;
  /** NHS number merged into another (PSIS 30307 / PDS). */
  readonly merged: boolean;
  /** Bidi controls were removed from the name, address or contacts (HAZ-004). */
  readonly directionMarksRemoved?: boolean;
}

export type RetrievalOutcome =
  | {
      readonly kind: 'found';
      readonly patient: PdsPatient;
      /** Set when PDS answered with code 24: the number asked for was replaced by patient.nhsNumber. */
      readonly supersededFrom: string | null;
    }
  | { readonly kind: 'not-found' };

export interface TraceCriteria {
  readonly family: string;
  readonly given: string | null;
  readonly gender: Gender | 'any';
  readonly birth: BirthCriterion;
  readonly postcode: string | null;
  readonly deathDate: string | null;
  readonly similarNames: boolean;
  /** Advanced trace (QUPA_IN000006UK02) can return several candidates; simple trace one. */
  readonly advanced: boolean;
}

export type TraceOutcome =
  | { readonly kind: 'matches'; readonly patients: readonly PdsPatient[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'too-many' };

export interface GpSummaryRecord {
  readonly documentId: string;
  readonly lastUpdated: string | null;
  readonly author: { readonly name: string | null; readonly organisation: string | null };
  /** ODS code of the practice that sent the summary, to compare with the registered GP. */
  readonly authorOdsCode?: string | null;
  readonly recentPracticeChange: boolean;
  /** The document's status in the document list: only a current one is the patient's record now. */
  readonly status?: 'current' | 'replaced' | 'withdrawn';
  readonly sections: readonly ScrSection[];
  readonly presentation: readonly SafeNode[] | null;
  /** The GP's text as plain text, when it is too large to cross as a tree. */
  readonly presentationPlain?: string | null;
  /** What sanitising removed, for the visible notes. */
  readonly notes?: { readonly formattingRemoved: boolean; readonly directionMarksRemoved: boolean };
}

export type ScrOutcome =
  | { readonly kind: 'record'; readonly record: GpSummaryRecord }
  /** PSIS 210/30312 or an empty document list: no SCR (spine-hl7v3.md section 12.7). */
  | { readonly kind: 'none' }
  /** PSIS 420/30418 or 30402: the patient has dissented (consent No). */
  | { readonly kind: 'withheld' };

/** DissentOverride (17.60): 0 none, 1 public interest, 2 statute, 3 court order (section 7.3). */
export type DissentOverride = 0 | 1 | 2 | 3;

export type UploadDocument =
  | { readonly kind: 'compose'; readonly draft: GpSummaryDraft }
  | { readonly kind: 'import'; readonly xml: string };

export interface ClinicalGateway {
  /** PDS retrieval, QUPA_IN000008UK02 (sync). */
  retrieve(nhsNumber: string, author: MessageAuthor): Promise<RetrievalOutcome>;
  /** PDS simple (QUPA_IN000005UK01) or advanced (QUPA_IN000006UK02) trace. */
  trace(criteria: TraceCriteria, author: MessageAuthor): Promise<TraceOutcome>;
  /** ACS GET_RESOURCE_PERMISSIONS_INUK01; absent assertion = Ask (section 9.2). */
  consent(nhsNumber: string, author: MessageAuthor): Promise<ConsentState>;
  /** ACS SET_RESOURCE_PERMISSIONS_INUK01 (Ask → Clear, section 9.1). */
  setConsent(nhsNumber: string, state: ConsentState, author: MessageAuthor): Promise<void>;
  /** Document list (QUPC_IN160101UK05) → latest Normal GP Summary → document (QUPC_IN160103UK05). */
  latestGpSummary(nhsNumber: string, override: DissentOverride, author: MessageAuthor): Promise<ScrOutcome>;
  /** LR self-claim, REPC_IN040000UK15 through the outbox (section 10). */
  selfClaimRelationship(nhsNumber: string, reasonCode: string, author: MessageAuthor): Promise<OutboxItem>;
  /** Checks against the Spine GP Summary rules (section 8.1); empty when it may be sent. */
  validateGpSummary(nhsNumber: string, document: UploadDocument, author: MessageAuthor): ValidationProblem[];
  /** REPC_IN150016UK05 through the outbox (async reliable, section 8). */
  /** `authorName`: the GP Summary author needs a name besides the SDS ids (spec 8.1). */
  uploadGpSummary(
    nhsNumber: string,
    document: UploadDocument,
    author: MessageAuthor,
    authorName: string,
  ): Promise<OutboxItem>;
  outbox(): Promise<readonly OutboxItem[]>;
}

export const interactions = {
  retrieval: 'QUPA_IN000008UK02',
  simpleTrace: 'QUPA_IN000005UK01',
  advancedTrace: 'QUPA_IN000006UK02',
  documentList: 'QUPC_IN160101UK05',
  document: 'QUPC_IN160103UK05',
  consentGet: 'GET_RESOURCE_PERMISSIONS_INUK01',
  consentSet: 'SET_RESOURCE_PERMISSIONS_INUK01',
  selfClaim: 'REPC_IN040000UK15',
  gpSummaryUpload: 'REPC_IN150016UK05',
} as const;
