// SCR retrieval request builders (spine-hl7v3.md section 7): PSIS Document List / Document Data
// requests in both forms — the Spine-2 synchronous pair QUPC_IN180000SM04 / QUPC_IN190000UK04 and
// the asynchronous QUPC_IN160101UK05 / QUPC_IN160103UK05.
import type { MessageContext } from './context';
import { el, type Markup } from './markup';
import { assertNhsNumber, assertUuid, buildInteraction, hl7Timestamp, OID, queryParam } from './wrapper';

/** DissentOverride (17.60): 0 no override … 5 temporary patient consent (spec 7.3). All samples send 0. */
export type DissentOverride = '0' | '1' | '2' | '3' | '4' | '5';

export interface EventListQueryParams {
  readonly nhsNumber: string;
  readonly dissentOverride?: DissentOverride;
}

export interface EventQueryParams {
  readonly nhsNumber: string;
  /** The PSIS event (document) id from the event list. */
  readonly eventId: string;
  readonly dissentOverride?: DissentOverride;
}

export type DocumentListFilter =
  | { readonly kind: 'date'; readonly from: Date; readonly to: Date }
  | { readonly kind: 'documentType'; readonly code: string; readonly codeSystem: string }
  | { readonly kind: 'setId'; readonly setId: string };

export interface DocumentListParams {
  readonly nhsNumber: string;
  readonly dissentOverride?: DissentOverride;
  /** Spine requires non-empty filterParameters (spec 7.1); default: all dates up to now. */
  readonly filter?: DocumentListFilter;
}

export interface DocumentDataParams {
  readonly nhsNumber: string;
  /** Exactly one of documentId / setId (spec 7.2). */
  readonly documentId: string;
  readonly dissentOverride?: DissentOverride;
}

function dissent(code: DissentOverride | undefined): Markup {
  // Spine rule (spec 7.1): dissentOverride code (17.60) is mandatory.
  return queryParam(
    'dissentOverride',
    'DissentOverride',
    el('value', { code: code ?? '0', codeSystem: OID.dissentOverride }),
  );
}

function nhsNumberParam(nhsNumber: string): Markup {
  return queryParam(
    'nHSNumber',
    'NHSNumber',
    el('value', { root: OID.nhsNumber, extension: assertNhsNumber(nhsNumber) }),
  );
}

/** QUPC_IN180000SM04: the Spine-2 event list (dissentOverride + NHS number only, spec 7.4). */
export function buildScrEventListQuery(context: MessageContext, params: EventListQueryParams): string {
  return buildInteraction(context, {
    interactionId: 'QUPC_IN180000SM04',
    versionCode: 'V3NPfIT4.2.00',
    payload: el('query', null, dissent(params.dissentOverride), nhsNumberParam(params.nhsNumber)),
  });
}

/** QUPC_IN190000UK04: one event (document) by its PSIS event id (spec 7.4). */
export function buildScrEventQuery(context: MessageContext, params: EventQueryParams): string {
  return buildInteraction(context, {
    interactionId: 'QUPC_IN190000UK04',
    versionCode: 'V3NPfIT4.2.00',
    payload: el(
      'query',
      null,
      dissent(params.dissentOverride),
      queryParam('eventRecord', 'EventRecord', el('value', { root: assertUuid(params.eventId, 'eventId') })),
      nhsNumberParam(params.nhsNumber),
    ),
  });
}

function filterParameters(filter: DocumentListFilter): Markup {
  switch (filter.kind) {
    case 'date':
      // Spine rule (spec 7.1): a date filter needs both low and high.
      return el(
        'filterParameters',
        null,
        queryParam(
          'date',
          'Date',
          el(
            'value',
            null,
            el('low', { value: hl7Timestamp(filter.from) }),
            el('high', { value: hl7Timestamp(filter.to) }),
          ),
        ),
      );
    case 'documentType':
      return el(
        'filterParameters',
        null,
        queryParam(
          'documentType',
          'DocumentType',
          el('value', { code: filter.code, codeSystem: filter.codeSystem }),
        ),
      );
    case 'setId':
      // Spine rule (spec 7.1): setID may not be combined with documentType/date.
      return el(
        'filterParameters',
        null,
        queryParam('setID', 'SetID', el('value', { root: assertUuid(filter.setId, 'setId') })),
      );
  }
}

/** QUPC_IN160101UK05: PSIS Document List Data Request (async express, spec 7.1). */
export function buildPsisDocumentListRequest(context: MessageContext, params: DocumentListParams): string {
  const filter = params.filter ?? {
    kind: 'date',
    from: new Date(Date.UTC(2000, 0, 1)),
    to: context.creationTime,
  };
  return buildInteraction(context, {
    interactionId: 'QUPC_IN160101UK05',
    versionCode: 'V3NPfIT4.2.00',
    payload: el(
      'query',
      null,
      dissent(params.dissentOverride),
      filterParameters(filter),
      nhsNumberParam(params.nhsNumber),
    ),
  });
}

/** QUPC_IN160103UK05: PSIS Document Data Request for one document id (spec 7.2). */
export function buildPsisDocumentRequest(context: MessageContext, params: DocumentDataParams): string {
  return buildInteraction(context, {
    interactionId: 'QUPC_IN160103UK05',
    versionCode: 'V3NPfIT4.2.00',
    payload: el(
      'query',
      null,
      dissent(params.dissentOverride),
      el(
        'filterParameters',
        null,
        queryParam(
          'documentID',
          'DocumentID',
          el('value', { root: assertUuid(params.documentId, 'documentId') }),
        ),
      ),
      nhsNumberParam(params.nhsNumber),
    ),
  });
}
