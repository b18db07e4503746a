// PDS request builders (spine-hl7v3.md section 6): simple trace QUPA_IN000005UK01, advanced trace
// QUPA_IN000006UK02 and retrieval QUPA_IN000008UK02. Responses are parsed by parse.ts/patients.ts.
import type { MessageContext } from './context';
import { el, type Markup } from './markup';
import { assertNhsNumber, buildInteraction, hl7Date, OID, queryParam } from './wrapper';
import type { Gender } from './types';

const PDS_VERSION = 'V3NPfIT3.0';

/** PDS `Sex` vocabulary (2.16.840.1.113883.2.1.3.2.4.16.25): 0 not known, 1 male, 2 female, 9 not specified. */
export const GENDER_CODES: Readonly<Record<Gender, string>> = {
  'not-known': '0',
  male: '1',
  female: '2',
  'not-specified': '9',
};

export interface SimpleTraceParams {
  readonly family: string;
  readonly given?: readonly string[];
  readonly gender: Gender;
  /** ISO date `YYYY-MM-DD`. */
  readonly birthDate: string;
  readonly postcode?: string;
}

export interface AdvancedTraceParams {
  readonly family: string;
  readonly given?: readonly string[];
  readonly gender?: Gender;
  /** Exact date, or a range (`birthDateFrom`/`birthDateTo`). */
  readonly birthDate?: string;
  readonly birthDateFrom?: string;
  readonly birthDateTo?: string;
  readonly postcode?: string;
  /** 17.39 SearchParameter: 1 or 2 (spec 6.4; exactly one is mandatory). Default 2. */
  readonly searchParameter?: '1' | '2';
  readonly historic?: boolean;
}

export interface RetrievalParams {
  readonly nhsNumber: string;
  /** 17.36 HistoricDataIndicator: false → 0 "No history required". */
  readonly historic?: boolean;
  readonly retrievalItem?: 'person.allData' | 'person.primaryCareAllData';
}

function nameValue(family: string, given: readonly string[] | undefined): Markup {
  if (family.trim() === '') throw new Error('Family name is required');
  // Spine rule (spec 6.1): up to 4 other given names besides the first.
  if (given && given.length > 5) throw new Error('At most five given names');
  return el(
    'value',
    { use: 'L' },
    (given ?? []).map((g) => el('given', null, g)),
    el('family', null, family),
  );
}

function historic(value: boolean | undefined): Markup {
  return queryParam(
    'historicDataIndicator',
    'HistoricDataIndicator',
    el('value', { code: value ? '1' : '0', codeSystem: '2.16.840.1.113883.2.1.3.2.4.17.36' }),
  );
}

function postcodeParam(postcode: string | undefined): Markup | null {
  if (!postcode) return null;
  return queryParam('person.address', 'Person.address', el('value', null, el('postalCode', null, postcode)));
}

/** QUPA_IN000005UK01: gender, birth date and family name are mandatory (spec 6.1). */
export function buildPdsSimpleTrace(context: MessageContext, params: SimpleTraceParams): string {
  const query = el(
    'query',
    null,
    postcodeParam(params.postcode),
    queryParam(
      'person.administrativeGenderCode',
      'Person.administrativeGenderCode',
      el('value', { code: GENDER_CODES[params.gender] }),
    ),
    queryParam('person.birthTime', 'Person.birthTime', el('value', { value: hl7Date(params.birthDate) })),
    queryParam('person.name', 'Person.name', nameValue(params.family, params.given)),
  );
  return buildInteraction(context, {
    interactionId: 'QUPA_IN000005UK01',
    versionCode: PDS_VERSION,
    payload: query,
  });
}

/** QUPA_IN000006UK02: historicDataIndicator, a name and one searchParameter are mandatory (spec 6.4). */
export function buildPdsAdvancedTrace(context: MessageContext, params: AdvancedTraceParams): string {
  let birth: Markup | null = null;
  if (params.birthDate) {
    birth = el('value', null, el('center', { value: hl7Date(params.birthDate) }));
  } else if (params.birthDateFrom && params.birthDateTo) {
    birth = el(
      'value',
      null,
      el('low', { value: hl7Date(params.birthDateFrom) }),
      el('high', { value: hl7Date(params.birthDateTo) }),
    );
  }
  const query = el(
    'query',
    null,
    historic(params.historic),
    params.gender
      ? queryParam(
          'person.administrativeGenderCode',
          'Person.administrativeGenderCode',
          el('value', { code: GENDER_CODES[params.gender] }),
        )
      : null,
    birth ? queryParam('person.birthTime', 'Person.birthTime', birth) : null,
    postcodeParam(params.postcode),
    queryParam('person.name', 'Person.name', nameValue(params.family, params.given)),
    queryParam(
      'searchParameter',
      'SearchParameter',
      el('value', { code: params.searchParameter ?? '2', codeSystem: '2.16.840.1.113883.2.1.3.2.4.17.39' }),
    ),
  );
  return buildInteraction(context, {
    interactionId: 'QUPA_IN000006UK02',
    versionCode: PDS_VERSION,
    payload: query,
  });
}

/** QUPA_IN000008UK02: a 10-character NHS number and indicator 0|1 (spec 6.2). */
export function buildPdsRetrieval(context: MessageContext, params: RetrievalParams): string {
  const query = el(
    'query',
    null,
    historic(params.historic),
    queryParam(
      'person.id',
      'person.id',
      el('value', { root: OID.nhsNumber, extension: assertNhsNumber(params.nhsNumber) }),
    ),
    el('retrievalItem', null, el('semanticsText', null, params.retrievalItem ?? 'person.allData')),
  );
  return buildInteraction(context, {
    interactionId: 'QUPA_IN000008UK02',
    versionCode: PDS_VERSION,
    payload: query,
  });
}
