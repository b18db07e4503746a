// The interactions this client sends, with their Spine service URN, SOAP action and messaging
// pattern (spine-hl7v3.md section 1, from the MHS interactions table). The transport uses this as
// its default routing; SDS registration (routing config) may override the pattern.

export type MessagePattern = 'sync' | 'async-express' | 'async-reliable';

export interface InteractionInfo {
  readonly id: string;
  /** `eb:Service` / the part of `wsa:Action` before the last "/". */
  readonly service: string;
  /** `SOAPAction` / `wsa:Action`: `{service}/{id}` (spec 3.1, 4.1). */
  readonly action: string;
  readonly pattern: MessagePattern;
  /** The SOAP body wrapper of a synchronous reply (spec 3.3), when there is one. */
  readonly responseWrapper: string | null;
  /** Interaction ids that may come back (business reply first). */
  readonly replies: readonly string[];
  readonly description: string;
}

const PDSQUERY = 'urn:nhs:names:services:pdsquery';
const PSISQUERY = 'urn:nhs:names:services:psisquery';
const PSIS = 'urn:nhs:names:services:psis';
const LRS = 'urn:nhs:names:services:lrs';
const LRSQUERY = 'urn:nhs:names:services:lrsquery';
const ACK = 'MCCI_IN010000UK13';
const QUERY_FAILED = 'QUQI_IN010000UK14';

function entry(
  id: string,
  service: string,
  pattern: MessagePattern,
  responseWrapper: string | null,
  replies: readonly string[],
  description: string,
): InteractionInfo {
  return { id, service, action: `${service}/${id}`, pattern, responseWrapper, replies, description };
}

const list: readonly InteractionInfo[] = [
  entry(
    'QUPA_IN000005UK01',
    PDSQUERY,
    'sync',
    'traceQueryResponse',
    ['QUPA_IN000007UK01', QUERY_FAILED, ACK],
    'PDS simple trace',
  ),
  entry(
    'QUPA_IN000006UK02',
    PDSQUERY,
    'async-express',
    null,
    ['QUPA_IN000011UK02', QUERY_FAILED, ACK],
    'PDS advanced trace',
  ),
  entry(
    'QUPA_IN000008UK02',
    PDSQUERY,
    'sync',
    'retrievalQueryResponse',
    ['QUPA_IN000009UK03', QUERY_FAILED, ACK],
    'PDS retrieval',
  ),
  entry(
    'QUPC_IN160101UK05',
    PSISQUERY,
    'async-express',
    null,
    ['QUPC_IN160102UK05', QUERY_FAILED, ACK],
    'PSIS Document List Data Request',
  ),
  entry(
    'QUPC_IN160103UK05',
    PSISQUERY,
    'async-express',
    null,
    ['QUPC_IN160104UK05', QUERY_FAILED, ACK],
    'PSIS Document Data Request',
  ),
  entry(
    'QUPC_IN180000SM04',
    PSISQUERY,
    'sync',
    'eventListQueryResponse',
    ['QUPC_IN200000SM04', QUERY_FAILED, ACK],
    'SCR event list query (Spine 2)',
  ),
  entry(
    'QUPC_IN190000UK04',
    PSISQUERY,
    'sync',
    'eventQueryResponse',
    ['QUPC_IN210000UK04', QUERY_FAILED, ACK],
    'SCR event query (Spine 2)',
  ),
  entry('REPC_IN150016UK05', PSIS, 'async-reliable', null, [ACK], 'GP Summary upload'),
  // Why sync: the SCR API sends ACS set as synchronous SOAP to /sync-service (spec 9.1).
  entry(
    'SET_RESOURCE_PERMISSIONS_INUK01',
    LRS,
    'sync',
    'setResourcePermissionsResponse',
    [ACK],
    'ACS set permissions',
  ),
  entry(
    'GET_RESOURCE_PERMISSIONS_INUK01',
    LRSQUERY,
    'sync',
    'getResourcePermissionsResponse',
    ['GET_RESOURCE_PERMISSIONS_RESPONSE_INUK01', ACK],
    'ACS get permissions',
  ),
  entry(
    'HAS_RESOURCE_PERMISSIONS_INUK01',
    LRSQUERY,
    'sync',
    'hasResourcePermissionsResponse',
    ['HAS_RESOURCE_PERMISSIONS_RESPONSE_INUK01', ACK],
    'ACS has permissions',
  ),
  entry('REPC_IN040000UK15', LRS, 'async-reliable', null, [ACK], 'Legitimate relationship self-claim'),
];

/** Request interaction id → routing defaults. */
export const interactions: Readonly<Record<string, InteractionInfo>> = Object.freeze(
  Object.fromEntries(list.map((info) => [info.id, info])),
);

/**
 * The service URN a reply interaction is sent under (inbound SOAPAction / eb:Service), or null
 * when several services share it (MCCI_IN010000UK13, QUQI_IN010000UK14: use the request's).
 */
export function serviceForReply(replyInteractionId: string): string | null {
  const services = new Set(
    list.filter((info) => info.replies.includes(replyInteractionId)).map((info) => info.service),
  );
  const [only] = services;
  return services.size === 1 && only !== undefined ? only : null;
}
