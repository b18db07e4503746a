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

/** Reads an already-parsed HL7 root element. */
export function readHl7(root: XmlElement): ParsedHl7 {
  const issues = readIssues(root);
  const controlAct = child(root, 'ControlActEvent');
  // The domain objects are mapped on first access (then kept): the transport reads only the
  // wrapper and acknowledgement of most replies. One walk finds everything the mappers need;
  // the GPSummary subtree (XHTML) is not searched.
  let found: Map<string, XmlElement[]> | undefined;
  const list = (name: string): XmlElement[] => {
    found ??= collect(controlAct, WANTED, PRUNE);
    return found.get(name) ?? [];
  };
  let patients: readonly Patient[] | undefined;
  let documents: readonly DocumentRef[] | undefined;
  let gpSummary: SummaryCareRecord | null | undefined;
  let permissions: readonly AcsPermission[] | undefined;
  return {
    root,
    interactionId: attr(child(root, 'interactionId'), 'extension') ?? root.local,
    messageId: attr(child(root, 'id'), 'root'),
    creationTime: isoDateTime(attr(child(root, 'creationTime'), 'value')),
    senderAsid: asid(root, 'communicationFunctionSnd'),
    receiverAsid: asid(root, 'communicationFunctionRcv'),
    acknowledgement: readAcknowledgement(root),
    acknowledgementDetails: readAckDetails(root),
    issues,
    queryResponseCode: attr(path(controlAct, 'queryAck/queryResponseCode'), 'code'),
    successDetail: textOf(path(controlAct, 'requestSuccessDetail/detail')),
    get patients(): readonly Patient[] {
      patients ??= readPatients(root, issues);
      return patients;
    },
    get documents(): readonly DocumentRef[] {
      documents ??= readDocuments(list('pSISDocMetaData'), [
        ...list('queryResponseEventList'),
        ...list('queryResponseEvent'),
      ]);
      return documents;
    },
    get gpSummary(): SummaryCareRecord | null {
      if (gpSummary === undefined) gpSummary = readGpSummary(list('GPSummary')[0] ?? null);
      return gpSummary;
    },
    get permissions(): readonly AcsPermission[] {
      permissions ??= readPermissions(list('accessControlAssertion'));
      return permissions;
    },
  };
}

/** Parses one bare HL7 V3 document safely (size, DOCTYPE and well-formedness checked first). */
export function parseHl7(text: string): ParsedHl7 {
  return readHl7(parseXml(text));
}
