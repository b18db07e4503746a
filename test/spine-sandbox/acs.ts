// Access Control Service (spine-hl7v3.md 9): GET_RESOURCE_PERMISSIONS_INUK01 →
// GET_RESOURCE_PERMISSIONS_RESPONSE_INUK01 (Ask omitted), SET_RESOURCE_PERMISSIONS_INUK01 →
// MCCI_IN010000UK13 AA/AE (changes the sandbox's consent), HAS_RESOURCE_PERMISSIONS_INUK01 →
// HAS_RESOURCE_PERMISSIONS_RESPONSE_INUK01 (no public sample: shape inferred from the request).
import { OID, hl7Reply, mcci, psisIssue, queryAck, type Reply } from './hl7';
import type { Consent, SandboxState } from './patients';
import { attr, child, children, descendants, esc, path, text, type XmlElement } from './xml';

type ReplyBase = Omit<Reply, 'interactionId' | 'ack'>;

const assertion = (nhsNumber: string, permission: string, code: string): string =>
  `<accessControlAssertion><permission>${esc(permission)}</permission><userData/>` +
  `<resource><type>SCR</type><Id>${esc(nhsNumber)}</Id></resource>` +
  `<function><context>Consent</context><code>${esc(code)}</code></function>` +
  `<accessor><type>Everyone</type><accessorId><name>Everyone</name></accessorId></accessor></accessControlAssertion>`;

/** The permissions block: Ask, the default, is omitted (spec 9.2). */
export function acsPermissions(
  state: SandboxState,
  nhsNumber: string,
  codes: readonly string[],
  xmlns = ' xmlns=""',
): string {
  const consent = state.consent(nhsNumber);
  return (
    `<permissions${xmlns}><resourceContext root="${OID.nhsNumber}" extension="${esc(nhsNumber)}"/>` +
    (consent === 'Ask' ? '' : codes.map((c) => assertion(nhsNumber, consent, c)).join('')) +
    `</permissions>`
  );
}

const acsError = (base: ReplyBase, code: string, text: string): string =>
  mcci(
    { ...base, ack: 'AE' },
    {
      issues: [
        psisIssue('400', 'Invalid Request'),
        { ...psisIssue(code, text), codeSystem: '2.16.840.1.113883.2.1.3.2.4.17.12' },
      ],
    },
  );

/** GET_RESOURCE_PERMISSIONS_INUK01 (spec 9.2 rules: context root and ≥ 10-char extension). */
export function getPermissions(state: SandboxState, request: XmlElement, base: ReplyBase): string {
  const query = descendants(request, 'accessControlQuery')[0];
  const ctx = child(query, 'resourceContext');
  const nhsNumber = attr(ctx, 'extension') ?? '';
  if (!ctx || attr(ctx, 'root') !== OID.nhsNumber || nhsNumber.length < 10) {
    return acsError(
      base,
      '35506',
      'Invalid input message. Mandatory field Resource Ctx missing or incorrect.',
    );
  }
  const criteria = child(query, 'queryCriteria');
  const fn = text(path(criteria, 'function', 'code'));
  if (criteria && child(criteria, 'function') && !text(path(criteria, 'function', 'context'))) {
    return acsError(base, '35506', 'FUNCTION_CONTEXT_EMPTY');
  }
  if (!state.patient(nhsNumber) || state.patient(nhsNumber)?.unknownToPds) {
    return acsError(
      base,
      '35160',
      'Invalid input message. Mandatory field NHS Number is missing or incorrect',
    );
  }
  return hl7Reply(
    { ...base, interactionId: 'GET_RESOURCE_PERMISSIONS_RESPONSE_INUK01', ack: 'AA' },
    `<subject typeCode="SUBJ"><getResourcePermissionsResponse xmlns="">${acsPermissions(state, nhsNumber, fn ? [fn] : ['Store', 'View'], '')}</getResourcePermissionsResponse></subject>` +
      queryAck('OK'),
  );
}

/** SET_RESOURCE_PERMISSIONS_INUK01 (spec 9.1 rules); success changes the patient's consent. */
export function setPermissions(state: SandboxState, request: XmlElement, base: ReplyBase): string {
  const permissions = descendants(request, 'setResourcePermissionsRequest')[0];
  const block = child(permissions, 'permissions');
  const contexts = children(block, 'resourceContext');
  const ctx = contexts[0];
  const nhsNumber = attr(ctx, 'extension') ?? '';
  const invalid = (why: string): string =>
    mcci({ ...base, ack: 'AE' }, { issues: [psisIssue('400', 'Invalid Request'), psisIssue('35160', why)] });
  if (contexts.length !== 1 || attr(ctx, 'root') !== OID.nhsNumber || !nhsNumber) {
    return invalid('Invalid input message. Mandatory field NHS Number is missing or incorrect');
  }
  const assertions = children(block, 'accessControlAssertion');
  if (assertions.length < 1 || assertions.length > 2)
    return invalid('One or two accessControlAssertion expected');
  const codes = assertions.map((a) => text(path(a, 'function', 'code')));
  const values = assertions.map((a) => text(child(a, 'permission')));
  if (codes.some((c) => c !== 'View' && c !== 'Store') || new Set(codes).size !== codes.length) {
    return invalid('function code must be one View and/or one Store');
  }
  if (new Set(values).size !== 1) return invalid('Inconsistent Permission to View and Store');
  const value = values[0] ?? '';
  if (!['Yes', 'No', 'Clear'].includes(value)) return invalid('permission must be Yes, No or Clear');
  for (const a of assertions) {
    if (text(path(a, 'resource', 'type')) !== 'SCR') return invalid('resource type must be SCR');
    if (text(path(a, 'resource', 'Id')) !== nhsNumber)
      return invalid('resource Id must equal the resource context');
    if (text(path(a, 'function', 'context')) !== 'Consent')
      return invalid('function context must be Consent');
    if (
      value !== 'Clear' &&
      (text(path(a, 'accessor', 'type')) !== 'Everyone' ||
        text(path(a, 'accessor', 'accessorId', 'name')) !== 'Everyone')
    ) {
      return invalid('accessor must be Everyone');
    }
  }
  const patient = state.patient(nhsNumber);
  if (!patient || patient.unknownToPds) {
    return invalid('Invalid input message. Mandatory field NHS Number is missing or incorrect');
  }
  // Spec 9.1: UI "Ask" is sent as Clear.
  const consent: Consent = value === 'Clear' ? 'Ask' : (value as Consent);
  state.setConsent(nhsNumber, consent);
  return mcci({ ...base, ack: 'AA' }, {});
}

/** HAS_RESOURCE_PERMISSIONS_INUK01: one result per accessControlSet. */
export function hasPermissions(state: SandboxState, request: XmlElement, base: ReplyBase): string {
  const query = descendants(request, 'accessControlQuery')[0];
  const nhsNumber = attr(child(query, 'resourceContext'), 'extension') ?? '';
  if (nhsNumber.length < 10) {
    return acsError(
      base,
      '35506',
      'Invalid input message. Mandatory field Resource Ctx missing or incorrect.',
    );
  }
  const consent = state.consent(nhsNumber);
  const sets = children(query, 'accessControlSet');
  return hl7Reply(
    { ...base, interactionId: 'HAS_RESOURCE_PERMISSIONS_RESPONSE_INUK01', ack: 'AA' },
    `<subject typeCode="SUBJ"><hasResourcePermissionsResponse xmlns=""><resourceContext root="${OID.nhsNumber}" extension="${esc(nhsNumber)}"/>` +
      sets
        .map(
          (s) =>
            `<accessControlResult><function><context>Consent</context><code>${esc(text(path(s, 'function', 'code')) || 'View')}</code></function>` +
            `<permission>${consent}</permission></accessControlResult>`,
        )
        .join('') +
      `</hasResourcePermissionsResponse></subject>` +
      queryAck('OK'),
  );
}
