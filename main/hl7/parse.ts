// parseHl7: one Spine HL7 V3 document (any interaction this client meets) into its wrapper
// fields (spine-hl7v3.md 2.2), acknowledgement and detected issues (5.1–5.4), and the domain
// objects it carries, mapped by patients.ts, documents.ts, scr.ts and consent.ts.
import { readAcknowledgement, readIssues, readAckDetails } from './acknowledgements';
import { readPermissions } from './consent';
import { readDocuments } from './documents';
import { readPatients } from './patients';
import { readGpSummary } from './scr';
import type { AcsPermission, DocumentRef, Patient, SpineCode, SummaryCareRecord } from './types';
import { attr, child, collect, parseXml, path, textOf, type XmlElement } from './xml';
import { isoDateTime } from './dates';

export interface ParsedHl7 {
  /** The parsed root element, for callers that need more than the mapped fields. */
  readonly root: XmlElement;
  /** `interactionId/@extension`, else the root element's local name. */
  readonly interactionId: string;
  readonly messageId: string | null;
  /** ISO 8601 (date-time with offset when the message has a time). */
  readonly creationTime: string | null;
  readonly senderAsid: string | null;
  readonly receiverAsid: string | null;
  readonly acknowledgement: { readonly type: 'AA' | 'AE' | 'AR'; readonly messageRef: string | null } | null;
  /** `acknowledgementDetail` codes (transport-level, 17.32). */
  readonly acknowledgementDetails: readonly SpineCode[];
  /** `reason/justifyingDetectedIssueEvent` codes, in order. */
  readonly issues: readonly SpineCode[];
  readonly queryResponseCode: string | null;
  /** `requestSuccessDetail/detail`, e.g. "GP Summary upload successful". */
  readonly successDetail: string | null;
  readonly patients: readonly Patient[];
  readonly documents: readonly DocumentRef[];
  readonly gpSummary: SummaryCareRecord | null;
  readonly permissions: readonly AcsPermission[];
}

const WANTED: ReadonlySet<string> = new Set([
  'pSISDocMetaData',
  'queryResponseEventList',
  'queryResponseEvent',
  'accessControlAssertion',
  'GPSummary',
]);
// pSISDocMetaData is not pruned: QUPC_IN160104UK05 carries the GPSummary inside it.
const PRUNE: ReadonlySet<string> = new Set(['GPSummary', 'accessControlAssertion']);

function asid(root: XmlElement, name: string): string | null {
  return attr(path(root, `${name}/device/id`), 'extension');
}

/**
 * The reading of one HL7 root. The domain objects are mapped on first access (then kept): the
 * transport reads only the wrapper and acknowledgement of most replies. A class, not an object
 * literal with getters: V8 allocates such literals in the old generation, and an old object that
 * points at a freshly parsed tree keeps the whole tree alive through every young-generation GC
 * (measured: +30% parse cost on the GP Summary fixture, all of it GC).
 */
class Hl7Reading implements ParsedHl7 {
  readonly interactionId: string;
  readonly messageId: string | null;
  readonly creationTime: string | null;
  readonly senderAsid: string | null;
  readonly receiverAsid: string | null;
  readonly acknowledgement: ParsedHl7['acknowledgement'];
  readonly acknowledgementDetails: readonly SpineCode[];
  readonly issues: readonly SpineCode[];
  readonly queryResponseCode: string | null;
  readonly successDetail: string | null;
  readonly #controlAct: XmlElement | null;
  #found: Map<string, XmlElement[]> | undefined;
  #patients: readonly Patient[] | undefined;
  #documents: readonly DocumentRef[] | undefined;
  #gpSummary: SummaryCareRecord | null | undefined;
  #permissions: readonly AcsPermission[] | undefined;

  constructor(readonly root: XmlElement) {
    const issues = readIssues(root);
    const controlAct = child(root, 'ControlActEvent');
    this.#controlAct = controlAct;
    this.interactionId = attr(child(root, 'interactionId'), 'extension') ?? root.local;
    this.messageId = attr(child(root, 'id'), 'root');
    this.creationTime = isoDateTime(attr(child(root, 'creationTime'), 'value'));
    this.senderAsid = asid(root, 'communicationFunctionSnd');
    this.receiverAsid = asid(root, 'communicationFunctionRcv');
    this.acknowledgement = readAcknowledgement(root);
    this.acknowledgementDetails = readAckDetails(root);
    this.issues = issues;
    this.queryResponseCode = attr(path(controlAct, 'queryAck/queryResponseCode'), 'code');
    this.successDetail = textOf(path(controlAct, 'requestSuccessDetail/detail'));
  }

  /** One walk finds everything the mappers need; the GPSummary subtree (XHTML) is not searched. */
  #list(name: string): XmlElement[] {
    this.#found ??= collect(this.#controlAct, WANTED, PRUNE);
    return this.#found.get(name) ?? [];
  }

  get patients(): readonly Patient[] {
    this.#patients ??= readPatients(this.root, this.issues);
    return this.#patients;
  }

  get documents(): readonly DocumentRef[] {
    this.#documents ??= readDocuments(this.#list('pSISDocMetaData'), [
      ...this.#list('queryResponseEventList'),
      ...this.#list('queryResponseEvent'),
    ]);
    return this.#documents;
  }

  get gpSummary(): SummaryCareRecord | null {
    if (this.#gpSummary === undefined) this.#gpSummary = readGpSummary(this.#list('GPSummary')[0] ?? null);
    return this.#gpSummary;
  }

  get permissions(): readonly AcsPermission[] {
    this.#permissions ??= readPermissions(this.#list('accessControlAssertion'));
    return this.#permissions;
  }
}

/** Reads an already-parsed HL7 root element. */
export function readHl7(root: XmlElement): ParsedHl7 {
  return new Hl7Reading(root);
}

/** Parses one bare HL7 V3 document safely (size, DOCTYPE and well-formedness checked first). */
export function parseHl7(text: string): ParsedHl7 {
  return readHl7(parseXml(text));
}
