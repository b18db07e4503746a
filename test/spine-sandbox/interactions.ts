// The interactions the sandbox serves, with the routing and reliability values a client needs
// (spine-hl7v3.md 1, 4.2): service URN, pattern, endpoint path, CPA id, reply interaction. CPA ids
// for REPC_IN150016UK05, QUPC_IN160101UK05 and QUPA_IN000006UK02 are the ones SDS samples show;
// for the others the sandbox uses `{interaction}-CPA`, the transport's default when SDS has no value
// (training values, documented in README.md).
export type Pattern = 'sync' | 'express' | 'reliable';

export interface InteractionDef {
  readonly id: string;
  readonly service: string;
  readonly pattern: Pattern;
  readonly path: '/sync-service' | '/reliablemessaging/reliablerequest' | '/reliablemessaging/queryrequest';
  readonly cpaId: string | null;
  /** The SOAP body wrapper element of a sync reply (spec 3.3). */
  readonly bodyWrapper?: string;
}

const s = (id: string, service: string, bodyWrapper: string): InteractionDef => ({
  id,
  service: `urn:nhs:names:services:${service}`,
  pattern: 'sync',
  path: '/sync-service',
  cpaId: null,
  bodyWrapper,
});

export const INTERACTIONS: readonly InteractionDef[] = [
  s('QUPA_IN000005UK01', 'pdsquery', 'traceQueryResponse'),
  s('QUPA_IN000008UK02', 'pdsquery', 'retrievalQueryResponse'),
  s('QUPC_IN180000SM04', 'psisquery', 'eventListQueryResponse'),
  s('QUPC_IN190000UK04', 'psisquery', 'eventQueryResponse'),
  s('SET_RESOURCE_PERMISSIONS_INUK01', 'lrs', 'setResourcePermissionsResponse'),
  s('GET_RESOURCE_PERMISSIONS_INUK01', 'lrsquery', 'getResourcePermissionsResponse'),
  s('HAS_RESOURCE_PERMISSIONS_INUK01', 'lrsquery', 'hasResourcePermissionsResponse'),
  {
    id: 'QUPA_IN000006UK02',
    service: 'urn:nhs:names:services:pdsquery',
    pattern: 'express',
    path: '/reliablemessaging/queryrequest',
    cpaId: 'S2001883A2010174',
  },
  {
    id: 'QUPC_IN160101UK05',
    service: 'urn:nhs:names:services:psisquery',
    pattern: 'express',
    path: '/reliablemessaging/queryrequest',
    cpaId: 'S20003A000304',
  },
  {
    id: 'QUPC_IN160103UK05',
    service: 'urn:nhs:names:services:psisquery',
    pattern: 'express',
    path: '/reliablemessaging/queryrequest',
    cpaId: 'QUPC_IN160103UK05-CPA',
  },
  {
    id: 'REPC_IN150016UK05',
    service: 'urn:nhs:names:services:psis',
    pattern: 'reliable',
    path: '/reliablemessaging/reliablerequest',
    cpaId: 'S20001A000182',
  },
  {
    id: 'REPC_IN040000UK15',
    service: 'urn:nhs:names:services:lrs',
    pattern: 'reliable',
    path: '/reliablemessaging/reliablerequest',
    cpaId: 'REPC_IN040000UK15-CPA',
  },
];

export const interactionById = new Map(INTERACTIONS.map((i) => [i.id, i]));

/** SDS-style reliability for reliable interactions (spec 4.2: retries 2, PT1M, persist PT5M). */
export const RELIABILITY = { retries: 2, retryIntervalMs: 60_000, persistDurationMs: 300_000 } as const;
