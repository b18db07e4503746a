// Typed views of a parsed HL7 message for the clinical service: patients, document list, SCR,
// consent and acknowledgement. Each accepts a ParsedHl7 or the HL7 text itself.
import { toAcknowledgementFrom } from './acknowledgements';
import { parseHl7, type ParsedHl7 } from './parse';
import type {
  Acknowledgement,
  AcsPermission,
  ConsentDetails,
  ConsentState,
  DocumentList,
  DocumentRef,
  Patient,
  SummaryCareRecord,
} from './types';
import { attr, find } from './xml';

type Input = ParsedHl7 | string;

function parsed(input: Input): ParsedHl7 {
  return typeof input === 'string' ? parseHl7(input) : input;
}

export function toPatients(input: Input): readonly Patient[] {
  return parsed(input).patients;
}

const GP_SUMMARY_TYPES = new Set(['196981000000101', '196971000000103']);

function newestFirst(a: DocumentRef, b: DocumentRef): number {
  return (b.date ?? '').localeCompare(a.date ?? '');
}

export function toDocumentList(input: Input): DocumentList {
  const message = parsed(input);
  const documents = [...message.documents].sort(newestFirst);
  // Spec 12 item 7: pick the latest Normal GP Summary document.
  const latest =
    documents.find(
      (d) => d.status === 'normal' && (d.typeCode === null || GP_SUMMARY_TYPES.has(d.typeCode)),
    ) ?? null;
  const nhsNumber =
    attr(find(find(message.root, 'recordTarget'), 'id'), 'extension') ??
    message.permissions.find((p) => p.resourceId)?.resourceId ??
    null;
  return { nhsNumber, documents, permissions: message.permissions, latest };
}

export function toSummaryCareRecord(input: Input): SummaryCareRecord | null {
  return parsed(input).gpSummary;
}

function stateOf(permission: string | undefined): ConsentState {
  if (permission === undefined) return 'ask';
  const value = permission.toLowerCase();
  // `Clear` resets to the default, which is Ask (spec 9.1).
  return value === 'yes' ? 'yes' : value === 'no' ? 'no' : 'ask';
}

function find1(permissions: readonly AcsPermission[], code: string): AcsPermission | undefined {
  return permissions.find((p) => (p.context ?? 'Consent') === 'Consent' && p.code?.toLowerCase() === code);
}

/** Consent to view/store; an absent assertion means Ask (spec 9.2: the default is omitted). */
export function toConsentState(input: Input): ConsentDetails {
  const message = parsed(input);
  const permissions = message.permissions;
  const view = stateOf(find1(permissions, 'view')?.permission);
  const store = stateOf(find1(permissions, 'store')?.permission);
  const nhsNumber = permissions.find((p) => p.resourceId)?.resourceId ?? null;
  return { state: view, view, store, nhsNumber, permissions };
}

export function toAcknowledgement(input: Input): Acknowledgement | null {
  const message = parsed(input);
  return toAcknowledgementFrom(
    message.acknowledgement,
    message.acknowledgementDetails,
    message.issues,
    message.successDetail,
  );
}
