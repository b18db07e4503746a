// Acknowledgements and failures (spine-hl7v3.md section 5, 3.4, 4.3): reading MCCI/QUQI
// acknowledgements and detected issues, and classifying every Spine failure — HL7 AE/AR, SOAP
// faults, ebXML MessageErrors — into a SpineError with a message a pharmacist can act on.
import type { Acknowledgement, SpineCode, SpineError, SpineErrorKind } from './types';
import { attr, child, elements, path, textOf, type XmlElement } from './xml';

export const CODE_SYSTEMS = {
  psis: '2.16.840.1.113883.2.1.3.2.4.17.33',
  pds: '2.16.840.1.113883.2.1.3.2.4.17.42',
  mcci: '2.16.840.1.113883.2.1.3.2.4.17.32',
  spineDefault: '2.16.840.1.113883.2.1.3.2.4.16.34',
} as const;

/** Spine SOAP fault codes that MHS resends with the same MessageId (spec 4.5). */
export const RETRYABLE_FAULT_CODES: ReadonlySet<string> = new Set(['200', '206', '208']);

export function readAcknowledgement(
  root: XmlElement,
): { type: 'AA' | 'AE' | 'AR'; messageRef: string | null } | null {
  const ack = child(root, 'acknowledgement');
  if (!ack) return null;
  const type = attr(ack, 'typeCode');
  if (type !== 'AA' && type !== 'AE' && type !== 'AR') return null;
  return { type, messageRef: attr(path(ack, 'messageRef/id'), 'root') };
}

function codeOf(code: XmlElement | null): SpineCode | null {
  const value = attr(code, 'code');
  if (!code || value === null) return null;
  return {
    code: value,
    codeSystem: attr(code, 'codeSystem'),
    display: attr(code, 'displayName') ?? textOf(child(code, 'originalText')),
    qualifier: attr(child(code, 'qualifier'), 'code'),
  };
}

export function readAckDetails(root: XmlElement): SpineCode[] {
  const out: SpineCode[] = [];
  for (const detail of elements(child(root, 'acknowledgement'), 'acknowledgementDetail')) {
    const code = codeOf(child(detail, 'code'));
    if (code) out.push({ ...code, qualifier: code.qualifier ?? attr(detail, 'typeCode') });
  }
  return out;
}

/** `ControlActEvent/reason/justifyingDetectedIssueEvent/code`, in document order. */
export function readIssues(root: XmlElement): SpineCode[] {
  const out: SpineCode[] = [];
  for (const reason of elements(child(root, 'ControlActEvent'), 'reason')) {
    const code = codeOf(path(reason, 'justifyingDetectedIssueEvent/code'));
    if (code) out.push(code);
  }
  return out;
}

export interface SpineErrorInput {
  readonly layer: 'hl7' | 'soap-fault' | 'ebxml';
  /** HL7 acknowledgement type (AE/AR) when the failure is an HL7 reply. */
  readonly ackType?: 'AA' | 'AE' | 'AR' | null;
  /** Detected issues / acknowledgement details / fault or ebXML errors, first = general class. */
  readonly codes: readonly SpineCode[];
}

const MESSAGES: Readonly<Record<SpineErrorKind, string>> = {
  'not-found': 'Spine has no record for this patient. Check the NHS number and details, then search again.',
  'consent-withheld':
    'The patient has not given permission for their Summary Care Record to be shared. Ask the patient for permission to view, or use an emergency access reason if your role allows it.',
  'access-refused':
    'Spine refused access to this record: the patient may have withheld consent, or your smartcard role or legitimate relationship does not allow it. Check permission to view and your selected role.',
  'invalid-request':
    'Spine rejected the request as invalid. Check the NHS number and details you entered; if it happens again, report it to your IT service desk.',
  duplicate: 'Spine has already received this message. Check the patient record before sending again.',
  'logical-inconsistency':
    'Spine could not process this because the record has changed. Refresh the patient and try again.',
  'patient-merged':
    'This NHS number has been merged into another. Trace the patient again to get their current NHS number.',
  'invalid-update':
    'Spine rejected the update. Refresh the record and check the details before sending again.',
  'service-unavailable': 'The Spine service is not available at the moment. Try again in a few minutes.',
  'system-error':
    'Spine reported a system error. Try again later; if it persists, report it to your IT service desk with the time it happened.',
  'transport-rejected':
    'Spine could not accept the message from this workstation (a configuration problem). Report it to your IT service desk.',
  unknown:
    'Spine returned an unexpected error. Try again; if it persists, report it to your IT service desk.',
};

/** The detail code of a PSIS logical inconsistency etc.: the first code after the general one. */
function detailCodeOf(codes: readonly SpineCode[]): string | null {
  for (const code of codes.slice(1)) {
    const digits = /\d{4,6}/.exec(code.code) ?? /\b(\d{5})\b/.exec(code.display ?? '');
    if (digits) return digits[0];
    return code.code;
  }
  const first = codes[0];
  const inDisplay = first?.display ? /\b(3\d{4})\b/.exec(first.display) : null;
  return inDisplay?.[1] ?? null;
}

function psisKind(general: string, detail: string | null): SpineErrorKind | null {
  // PSIS codes (spec 5.3, codeSystem 17.33); detail codes refine the general class.
  if (detail === '30312' || detail === '30308') return 'not-found';
  if (detail === '30307') return 'patient-merged';
  if (detail === '30402') return 'consent-withheld';
  if (detail === '30418') return 'access-refused';
  switch (general) {
    case '210':
      return 'not-found';
    case '400':
      return 'invalid-request';
    case '401':
      return 'duplicate';
    case '410':
      return 'logical-inconsistency';
    case '420':
      return 'access-refused';
    case '430':
      return 'invalid-update';
    case '500':
      return 'system-error';
    case '502':
      return 'service-unavailable';
    case '5000':
      return 'system-error';
    default:
      return null;
  }
}

function pdsKind(general: string): SpineErrorKind | null {
  // PDS / query codes (spec 5.4, codeSystem 17.42); 3/5/9/24 are warnings on a match.
  if (general === '1' || general === 'ST004' || general === 'AT006' || general === 'NHSNCC002')
    return 'not-found';
  return null;
}

function faultKind(code: string): SpineErrorKind {
  // TMS fault codes (spec 3.4): 200/206/208 system failures (retryable), 101 unsupported
  // interaction, 201 not well formed, 202 HL7 validation.
  if (code === '200' || code === '206' || code === '208' || code === '300') return 'system-error';
  if (code === '101') return 'transport-rejected';
  if (code === '201' || code === '202') return 'invalid-request';
  return 'unknown';
}

/**
 * Classifies a Spine failure. Returns null for input that is not a failure (AA without error
 * codes, or only warnings such as PDS 3/5/9/24).
 */
export function classifySpineError(input: SpineErrorInput): SpineError | null {
  const codes = input.codes;
  const errors = codes.filter((c) => c.qualifier !== 'WG' && c.qualifier?.toLowerCase() !== 'warning');
  const warningsOnly = codes.length > 0 && errors.length === 0;
  if (
    input.layer === 'hl7' &&
    (input.ackType === 'AA' || input.ackType == null) &&
    (codes.length === 0 || warningsOnly)
  ) {
    return null;
  }
  const first = codes[0] ?? null;
  const general = first?.code ?? null;
  const detailCode = detailCodeOf(codes);
  let kind: SpineErrorKind = 'unknown';
  let retryable = false;
  if (input.layer === 'soap-fault') {
    kind = general ? faultKind(general) : 'system-error';
    // Spine rule (spec 4.5): resend only when every fault code is 200, 206 or 208.
    retryable = codes.length > 0 && codes.every((c) => RETRYABLE_FAULT_CODES.has(c.code));
  } else if (input.layer === 'ebxml') {
    // ebXML MessageError (spec 4.3): descriptions such as `501319:Unknown eb:CPAId`.
    const text = `${first?.code ?? ''} ${first?.display ?? ''}`;
    kind = /\b200\b|System Failure/i.test(text) ? 'system-error' : 'transport-rejected';
  } else if (first) {
    kind =
      (first.codeSystem === CODE_SYSTEMS.pds ? pdsKind(first.code) : null) ??
      psisKind(first.code, detailCode) ??
      pdsKind(first.code) ??
      (input.ackType === 'AR' ? 'transport-rejected' : 'unknown');
    // A 30312 "Case Instance not found" with 210 warning is "no SCR" (spec 12 item 7).
    if (first.code === '210' && detailCode === '30312') kind = 'not-found';
  } else if (input.ackType === 'AR') {
    kind = 'transport-rejected';
  }
  return {
    kind,
    layer: input.layer,
    codes,
    code: general,
    detailCode: kind === 'logical-inconsistency' || detailCode !== null ? detailCode : null,
    retryable,
    userMessage: MESSAGES[kind],
  };
}

/** The acknowledgement of an HL7 reply, with its classified error for AE/AR. */
export function toAcknowledgementFrom(
  ack: { type: 'AA' | 'AE' | 'AR'; messageRef: string | null } | null,
  details: readonly SpineCode[],
  issues: readonly SpineCode[],
  successDetail: string | null,
): Acknowledgement | null {
  if (!ack) return null;
  const error =
    ack.type === 'AA' && issues.every((i) => i.qualifier === 'WG')
      ? null
      : classifySpineError({ layer: 'hl7', ackType: ack.type, codes: [...issues, ...details] });
  return { type: ack.type, messageRef: ack.messageRef, details, issues, successDetail, error };
}
