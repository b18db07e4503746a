// PSIS / SCR retrieval (spine-hl7v3.md 7): the Spine-2 sync event list QUPC_IN180000SM04 →
// QUPC_IN200000SM04 and event query QUPC_IN190000UK04 → QUPC_IN210000UK04, and the async
// document list QUPC_IN160101UK05 → QUPC_IN160102UK05 and document QUPC_IN160103UK05 →
// QUPC_IN160104UK05. Access rules: dissent (consent No) without a dissent override → 420/30418;
// merged → 410/30307; no SCR → 210/30312 (WG); bad NHS number → 400/35160 (spec 5.3, 7.4).
import { gpSummaryXml } from './gp-summary';
import { OID, hl7Reply, psisIssue, queryAck, quqi, type Issue, type Reply } from './hl7';
import { acsPermissions } from './acs';
import type { SandboxState, StoredDocument } from './patients';
import { attr, child, esc, path, type XmlElement } from './xml';

type ReplyBase = Omit<Reply, 'interactionId' | 'ack'>;

const STATUS_CODE = { Normal: '1', Withdrawn: '2', Replaced: '3' } as const;

export function documentXml(doc: StoredDocument): string {
  return doc.uploadedXml ?? gpSummaryXml(doc, doc.nhsNumber);
}

/** Checks access to a patient's SCR; returns the refusal or null. */
export function refusal(state: SandboxState, nhsNumber: string, dissentOverride: string): Issue[] | null {
  if (!/^\d{10}$/.test(nhsNumber)) {
    return [
      psisIssue('400', 'Invalid Request'),
      psisIssue('35160', 'Invalid input message. Mandatory field NHS Number is missing or incorrect'),
    ];
  }
  const patient = state.patient(nhsNumber);
  if (patient?.mergedInto) {
    return [
      psisIssue('410', 'Logical inconsistency'),
      psisIssue(
        '30307',
        `PQR-99 - NHS Number has been merged - PSIS currently records the merged NHS Number as ## ${patient.mergedInto} ##`,
      ),
    ];
  }
  // Spec 5.3: dissent refuses access unless the query carries a dissent override (7.3: 1-3).
  if (patient && state.consent(nhsNumber) === 'No' && !['1', '2', '3'].includes(dissentOverride)) {
    return [
      psisIssue(
        '420',
        'Business condition related to access control which prevents the action being performed by PSIS',
      ),
      psisIssue('30418', 'ACF does not permit access to resource'),
    ];
  }
  if (!patient || patient.unknownToPds || state.documents(nhsNumber).length === 0) {
    return [
      psisIssue('210', 'Success with Warning', 'WG'),
      psisIssue('30312', 'Case Instance not found', 'WG'),
    ];
  }
  return null;
}

function queryOf(request: XmlElement): {
  nhsNumber: string;
  dissentOverride: string;
  query: XmlElement | undefined;
} {
  const query = path(request, 'ControlActEvent', 'query');
  return {
    query,
    nhsNumber: attr(path(query, 'nHSNumber', 'value'), 'extension') ?? '',
    dissentOverride: attr(path(query, 'dissentOverride', 'value'), 'code') ?? '',
  };
}

const missingField = (base: ReplyBase, what: string): string =>
  quqi(base, [
    psisIssue('400', 'Invalid Request'),
    psisIssue('35160', `Invalid input message. Mandatory field ${what} is missing or incorrect`),
  ]);

function eventXml(doc: StoredDocument): string {
  return (
    `<psis:event><psis:eventID root="${esc(doc.id)}"/><psis:payloadID root="${OID.interaction}" extension="REPC_MT150007UK05"/>` +
    `<psis:persistenceDate value="${esc(doc.created)}"/>` +
    `<psis:eventStatus codeSystem="2.16.840.1.113883.2.1.3.2.4.17.59" code="${STATUS_CODE[doc.status]}" displayName="${doc.status}"/>` +
    `<psis:eventType codeSystem="${OID.snomed}" code="196981000000101" displayName="General Practice Summary"/>` +
    `<psis:author><author typeCode="AUT" contextControlCode="OP"><time value="${esc(doc.created)}"/><UKCT_MT160018UK01.AgentPersonSDS classCode="AGNT">` +
    `<id root="1.2.826.0.1285.0.2.0.67" extension="${esc(doc.author.roleProfileId)}"/><agentPersonSDS classCode="PSN" determinerCode="INSTANCE">` +
    `<id root="1.2.826.0.1285.0.2.0.65" extension="${esc(doc.author.userId)}"/><name>${esc(doc.author.name)}</name></agentPersonSDS>` +
    `</UKCT_MT160018UK01.AgentPersonSDS></author></psis:author></psis:event>`
  );
}

/** QUPC_IN180000SM04 → QUPC_IN200000SM04 (event list with the ACS permissions, spec 7.4). */
export function eventList(state: SandboxState, request: XmlElement, base: ReplyBase): string {
  const { nhsNumber, dissentOverride, query } = queryOf(request);
  if (!child(query, 'dissentOverride')) return missingField(base, 'DissentOverride');
  const refused = refusal(state, nhsNumber, dissentOverride);
  if (refused) return quqi({ ...base, versionCode: 'V3NPfIT4.2.00' }, refused);
  const docs = [...state.documents(nhsNumber)].sort((a, b) => b.created.localeCompare(a.created));
  return hl7Reply(
    { ...base, interactionId: 'QUPC_IN200000SM04', ack: 'AA', versionCode: 'V3NPfIT4.2.00' },
    `<subject typeCode="SUBJ"><psis:queryResponseEventList xmlns:psis="urn:npfit:psisqr">` +
      `<psis:recordTarget><psis:patient><psis:id root="${OID.nhsNumber}" extension="${esc(nhsNumber)}"/></psis:patient></psis:recordTarget>` +
      docs.map(eventXml).join('') +
      acsPermissions(state, nhsNumber, ['Store', 'View'], '') +
      `</psis:queryResponseEventList></subject>` +
      queryAck('OK'),
  );
}

/** QUPC_IN190000UK04 → QUPC_IN210000UK04 (one event with its GPSummary). */
export function eventQuery(state: SandboxState, request: XmlElement, base: ReplyBase): string {
  const { nhsNumber, dissentOverride, query } = queryOf(request);
  const eventId = attr(path(query, 'eventRecord', 'value'), 'root') ?? '';
  if (!child(query, 'dissentOverride')) return missingField(base, 'DissentOverride');
  if (!eventId) return missingField(base, 'Event ID');
  const refused = refusal(state, nhsNumber, dissentOverride);
  if (refused) return quqi({ ...base, versionCode: 'V3NPfIT4.2.00' }, refused);
  const doc = state.documents(nhsNumber).find((d) => d.id.toUpperCase() === eventId.toUpperCase());
  if (!doc) {
    return quqi({ ...base, versionCode: 'V3NPfIT4.2.00' }, [
      psisIssue('410', 'Logical inconsistency'),
      psisIssue('30308', 'Case status is Normal but the event id does not exist'),
    ]);
  }
  return hl7Reply(
    { ...base, interactionId: 'QUPC_IN210000UK04', ack: 'AA', versionCode: 'V3NPfIT4.2.00' },
    `<subject typeCode="SUBJ"><psis:queryResponseEvent xmlns:psis="urn:npfit:psisqr">` +
      `<psis:recordTarget><psis:patient><psis:id root="${OID.nhsNumber}" extension="${esc(nhsNumber)}"/></psis:patient></psis:recordTarget>` +
      eventXml(doc).replace(
        '</psis:event>',
        `<psis:hl7Data>${documentXml(doc)}</psis:hl7Data></psis:event>`,
      ) +
      `</psis:queryResponseEvent></subject>` +
      queryAck('OK'),
  );
}

function metaData(doc: StoredDocument, withDocument: boolean): string {
  const body = withDocument ? documentXml(doc) : '';
  const size = withDocument ? Buffer.byteLength(body) : Buffer.byteLength(documentXml(doc));
  return (
    `<component typeCode="COMP"><pSISDocMetaData classCode="OBS" moodCode="EVN">` +
    `<availabilityTime value="${esc(doc.created)}"/><code code="PDMD" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.177"/>` +
    `<effectiveTime value="${esc(doc.created)}"/><id root="${esc(doc.id)}"/>` +
    `<npfitlc:messageType xmlns:npfitlc="NPFIT:HL7:Localisation" root="2.16.840.1.113883.2.1.3.2.4.18.17" extension="REPC_MT150007UK05"/>` +
    `<component1 typeCode="COMP"><documentState classCode="OBS" moodCode="EVN"><code code="DCST" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.177"/>` +
    `<value code="${STATUS_CODE[doc.status]}" displayName="${doc.status}" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.59"/></documentState></component1>` +
    `<component14 typeCode="COMP"><estDocSize classCode="OBS" moodCode="EVN"><code code="ESTD" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.177"/><value value="${size}"/></estDocSize></component14>` +
    `<component3 typeCode="COMP"><documentMetaData classCode="DOCCLIN" moodCode="EVN"><code code="196981000000101" codeSystem="${OID.snomed}" displayName="General Practice Summary"/>` +
    `<effectiveTime value="${esc(doc.created)}"/><title>General Practice Summary</title><author2 typeCode="AUT" contextControlCode="AP"><documentAuthor classCode="AGNT">` +
    `<id root="1.2.826.0.1285.0.2.0.65" extension="${esc(doc.author.userId)}"/><id root="1.2.826.0.1285.0.2.0.67" extension="${esc(doc.author.roleProfileId)}"/>` +
    `<agentPlayingAuthor classCode="PSN" determinerCode="INSTANCE"><name>${esc(doc.author.name)}</name></agentPlayingAuthor></documentAuthor></author2></documentMetaData></component3>` +
    `<component5 typeCode="COMP"><documentDQState classCode="OBS" moodCode="EVN"><code code="DQST" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.177"/><value code="NORMAL" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.189"/></documentDQState></component5>` +
    (withDocument ? `<component7 typeCode="COMP">${body}</component7>` : '') +
    `</pSISDocMetaData></component>`
  );
}

function collection(nhsNumber: string, docs: readonly StoredDocument[], withDocument: boolean): string {
  return (
    `<subject typeCode="SUBJ"><DocumentCollection classCode="OBS" moodCode="EVN"><code code="DCOL" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.177"/>` +
    docs.map((d) => metaData(d, withDocument)).join('') +
    `<component12 typeCode="COMP"><careRecordState classCode="OBS" moodCode="EVN"><code code="CRST" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.177"/><value code="NORMAL"/></careRecordState></component12>` +
    `<recordTarget typeCode="RCT"><patient classCode="PAT"><id root="${OID.nhsNumber}" extension="${esc(nhsNumber)}"/></patient></recordTarget>` +
    `</DocumentCollection></subject>` +
    queryAck('OK')
  );
}

/** QUPC_IN160101UK05 → QUPC_IN160102UK05 (spec 7.1 filter rules). */
export function documentList(state: SandboxState, request: XmlElement, base: ReplyBase): string {
  const { nhsNumber, dissentOverride, query } = queryOf(request);
  if (!child(query, 'dissentOverride')) return missingField(base, 'DissentOverride');
  const filters = child(query, 'filterParameters');
  const setId = attr(path(filters, 'setID', 'value'), 'root');
  const dateValue = path(filters, 'date', 'value');
  const docType = path(filters, 'documentType', 'value');
  // Spec 7.1: filterParameters not empty; setID alone; date needs low and high; type needs code+system.
  if (!filters || filters.children.length === 0) return missingField(base, 'filterParameters');
  if (setId && (dateValue || docType))
    return missingField(base, 'filterParameters (SET_ID_NOT_ALLOWED_WITH_OTHER_PARAMS)');
  const low = attr(child(dateValue, 'low'), 'value');
  const high = attr(child(dateValue, 'high'), 'value');
  if (dateValue && (!low || !high)) return missingField(base, 'Date (low and high)');
  if (docType && (!attr(docType, 'code') || !attr(docType, 'codeSystem')))
    return missingField(base, 'Document Type');
  const refused = refusal(state, nhsNumber, dissentOverride);
  if (refused) return quqi({ ...base, versionCode: 'V3NPfIT4.2.00' }, refused);
  const docs = state
    .documents(nhsNumber)
    .filter((d) => !setId || (d.setId ?? d.id) === setId)
    .filter((d) => !low || !high || (d.created >= low.padEnd(14, '0') && d.created <= high.padEnd(14, '9')))
    // Every document the sandbox holds is a GP Summary (196981000000101).
    .filter(() => !docType || attr(docType, 'code') === '196981000000101');
  return hl7Reply(
    { ...base, interactionId: 'QUPC_IN160102UK05', ack: 'AA', versionCode: 'V3NPfIT4.2.00' },
    collection(nhsNumber, docs, false),
  );
}

/** QUPC_IN160103UK05 → QUPC_IN160104UK05 (exactly one of documentID / setID, spec 7.2). */
export function documentData(state: SandboxState, request: XmlElement, base: ReplyBase): string {
  const { nhsNumber, dissentOverride, query } = queryOf(request);
  if (!child(query, 'dissentOverride')) return missingField(base, 'DissentOverride');
  const filters = child(query, 'filterParameters');
  const documentId = attr(path(filters, 'documentID', 'value'), 'root');
  const setId = attr(path(filters, 'setID', 'value'), 'root');
  if ((documentId ? 1 : 0) + (setId ? 1 : 0) !== 1)
    return missingField(base, 'documentID or setID (exactly one)');
  const refused = refusal(state, nhsNumber, dissentOverride);
  if (refused) return quqi({ ...base, versionCode: 'V3NPfIT4.2.00' }, refused);
  const doc = state
    .documents(nhsNumber)
    .find((d) =>
      documentId ? d.id.toUpperCase() === documentId.toUpperCase() : (d.setId ?? d.id) === setId,
    );
  if (!doc) {
    return quqi({ ...base, versionCode: 'V3NPfIT4.2.00' }, [
      psisIssue('210', 'Success with Warning', 'WG'),
      psisIssue('30312', 'Case Instance not found', 'WG'),
    ]);
  }
  return hl7Reply(
    { ...base, interactionId: 'QUPC_IN160104UK05', ack: 'AA', versionCode: 'V3NPfIT4.2.00' },
    collection(nhsNumber, [doc], true),
  );
}
