// ACS consent request builders (spine-hl7v3.md section 9): SET, GET and HAS_RESOURCE_PERMISSIONS.
import type { MessageContext } from './context';
import { el, type Markup } from './markup';
import { assertNhsNumber, buildInteraction, OID } from './wrapper';
import type { ConsentState } from './types';

const CRS_NS = 'http://national.carerecords.nhs.uk/schema/crs/';

/** What is written to Spine: UI Ask → `Clear`, No → `No`, Yes → `Yes` (spec 9.1, SCR API mapping). */
export const PERMISSION_FOR_STATE: Readonly<Record<ConsentState, 'Yes' | 'No' | 'Clear'>> = {
  yes: 'Yes',
  no: 'No',
  ask: 'Clear',
};

export interface SetPermissionsParams {
  readonly nhsNumber: string;
  readonly state: ConsentState;
  /** Functions to set; Spine allows View and/or Store, each at most once (spec 9.1). Default View. */
  readonly codes?: readonly ('View' | 'Store')[];
}

export interface GetPermissionsParams {
  readonly nhsNumber: string;
  /** Optional query criteria: only the Consent/View (or Store) function. */
  readonly code?: 'View' | 'Store';
}

export interface HasPermissionsParams {
  readonly nhsNumber: string;
  readonly code?: 'View' | 'Store';
}

function everyone(): Markup {
  return el(
    'crs:accessor',
    null,
    el('crs:type', null, 'Everyone'),
    el('crs:accessorId', null, el('crs:name', null, 'Everyone')),
  );
}

function resource(nhsNumber: string): Markup {
  // Spine rule (spec 9.1): resource/Id must equal resourceContext/@extension; type SCR.
  return el('crs:resource', null, el('crs:type', null, 'SCR'), el('crs:Id', null, nhsNumber));
}

function consentFunction(code: 'View' | 'Store'): Markup {
  return el('crs:function', null, el('crs:context', null, 'Consent'), el('crs:code', null, code));
}

function resourceContext(nhsNumber: string): Markup {
  return el('crs:resourceContext', { root: OID.nhsNumber, extension: nhsNumber });
}

/** The wrapper all three ACS interactions share (spec 9): V3NPfIT3.0 with the crs namespace on the root. */
function acsInteraction(context: MessageContext, interactionId: string, payload: Markup): string {
  return buildInteraction(context, {
    interactionId,
    versionCode: 'V3NPfIT3.0',
    rootAttrs: { type: 'Message', 'xmlns:crs': CRS_NS },
    payload,
  });
}

/** SET_RESOURCE_PERMISSIONS_INUK01 (spec 9.1). */
export function buildSetResourcePermissions(context: MessageContext, params: SetPermissionsParams): string {
  const nhsNumber = assertNhsNumber(params.nhsNumber);
  const codes: ('View' | 'Store')[] = [...new Set(params.codes ?? (['View'] as const))];
  // Spine rule (spec 9.1): 1–2 assertions, at most one View and one Store, equal permissions.
  if (codes.length === 0) throw new Error('At least one of View or Store is required');
  const permission = PERMISSION_FOR_STATE[params.state];
  const assertions = codes.map((code) =>
    el(
      'crs:accessControlAssertion',
      null,
      el('crs:permission', null, permission),
      el('crs:userData', null),
      resource(nhsNumber),
      consentFunction(code),
      everyone(),
    ),
  );
  return acsInteraction(
    context,
    'SET_RESOURCE_PERMISSIONS_INUK01',
    el(
      'crs:setResourcePermissionsRequest',
      null,
      el('crs:permissions', null, resourceContext(nhsNumber), assertions),
    ),
  );
}

/** GET_RESOURCE_PERMISSIONS_INUK01 (spec 9.2): resourceContext ≥ 10 chars, optional criteria. */
export function buildGetResourcePermissions(context: MessageContext, params: GetPermissionsParams): string {
  const nhsNumber = assertNhsNumber(params.nhsNumber);
  return acsInteraction(
    context,
    'GET_RESOURCE_PERMISSIONS_INUK01',
    el(
      'crs:getResourcePermissionsRequest',
      null,
      el(
        'crs:accessControlQuery',
        null,
        resourceContext(nhsNumber),
        params.code ? el('crs:queryCriteria', null, consentFunction(params.code), resource(nhsNumber)) : null,
      ),
    ),
  );
}

/** HAS_RESOURCE_PERMISSIONS_INUK01 (spec 9.2): resourceContext + one accessControlSet. */
export function buildHasResourcePermissions(context: MessageContext, params: HasPermissionsParams): string {
  const nhsNumber = assertNhsNumber(params.nhsNumber);
  return acsInteraction(
    context,
    'HAS_RESOURCE_PERMISSIONS_INUK01',
    el(
      'crs:hasResourcePermissionsRequest',
      null,
      el(
        'crs:accessControlQuery',
        null,
        resourceContext(nhsNumber),
        el(
          'crs:accessControlSet',
          null,
          resource(nhsNumber),
          consentFunction(params.code ?? 'View'),
          everyone(),
        ),
      ),
    ),
  );
}
