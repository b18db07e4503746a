// HL7 V3 pieces every sandbox response shares (spine-hl7v3.md 2.2, 5.1, 5.2): the response
// transmission wrapper (MCCI_MT020101UK12 with acknowledgement/messageRef), the ControlActEvent
// with Spine as author1, detected-issue reasons, queryAck and the MCCI_IN010000UK13 application
// acknowledgement. Every value is escaped.
import { randomUUID } from 'node:crypto';
import { esc, hl7Time } from './xml';

export const OID = {
  interaction: '2.16.840.1.113883.2.1.3.2.4.12',
  asid: '1.2.826.0.1285.0.2.0.107',
  nhsNumber: '2.16.840.1.113883.2.1.4.1',
  ods: '2.16.840.1.113883.2.1.4.3',
  pdsObject: '2.16.840.1.113883.2.1.3.2.4.18.1',
  snomed: '2.16.840.1.113883.2.1.3.2.4.15',
  psisIssue: '2.16.840.1.113883.2.1.3.2.4.17.33',
  pdsIssue: '2.16.840.1.113883.2.1.3.2.4.17.42',
  ackDetail: '2.16.840.1.113883.2.1.3.2.4.17.32',
  mciIssue: '2.16.840.1.113883.2.1.3.2.4.16.34',
} as const;

export const newId = (): string => randomUUID().toUpperCase();

export interface Issue {
  readonly code: string;
  readonly displayName: string;
  /** Vocabulary: PSIS 17.33, PDS 17.42, or 16.34 (generic). */
  readonly codeSystem: string;
  readonly qualifier: 'ER' | 'WG';
}

export function reasons(issues: readonly Issue[]): string {
  return issues
    .map(
      (i) =>
        `<reason typeCode="RSON"><justifyingDetectedIssueEvent classCode="ALRT" moodCode="EVN">` +
        `<code code="${esc(i.code)}" codeSystem="${esc(i.codeSystem)}" displayName="${esc(i.displayName)}">` +
        `<qualifier code="${i.qualifier}"/></code></justifyingDetectedIssueEvent></reason>`,
    )
    .join('');
}

export interface Reply {
  /** The reply's interaction id, e.g. QUPA_IN000009UK03 (root element). */
  readonly interactionId: string;
  /** HL7 `id/@root` of the message being answered. */
  readonly refToId: string;
  readonly ack: 'AA' | 'AE' | 'AR';
  /** ASID of the client (receiver of the reply) and of Spine (sender). */
  readonly clientAsid: string;
  readonly spineAsid: string;
  readonly versionCode?: string;
  /** acknowledgementDetail for a transport-level reject (AR). */
  readonly ackDetail?: { readonly code: string; readonly displayName: string };
}

/** A response message: wrapper + ControlActEvent(author1 = Spine) + inner content. */
export function hl7Reply(reply: Reply, controlActContent: string, id: string = newId()): string {
  const detail = reply.ackDetail
    ? `<acknowledgementDetail typeCode="ER"><code code="${esc(reply.ackDetail.code)}" codeSystem="${OID.ackDetail}" displayName="${esc(reply.ackDetail.displayName)}"/></acknowledgementDetail>`
    : '';
  return (
    `<${reply.interactionId} xmlns="urn:hl7-org:v3">` +
    `<id root="${id}"/><creationTime value="${hl7Time()}"/>` +
    `<versionCode code="${esc(reply.versionCode ?? 'V3NPfIT3.0')}"/>` +
    `<interactionId root="${OID.interaction}" extension="${esc(reply.interactionId)}"/>` +
    `<processingCode code="P"/><processingModeCode code="T"/><acceptAckCode code="NE"/>` +
    `<acknowledgement typeCode="${reply.ack}">${detail}<messageRef><id root="${esc(reply.refToId)}"/></messageRef></acknowledgement>` +
    `<communicationFunctionRcv typeCode="RCV"><device classCode="DEV" determinerCode="INSTANCE"><id root="${OID.asid}" extension="${esc(reply.clientAsid)}"/></device></communicationFunctionRcv>` +
    `<communicationFunctionSnd typeCode="SND"><device classCode="DEV" determinerCode="INSTANCE"><id root="${OID.asid}" extension="${esc(reply.spineAsid)}"/></device></communicationFunctionSnd>` +
    `<ControlActEvent classCode="CACT" moodCode="EVN">` +
    `<author1 typeCode="AUT"><AgentSystemSDS classCode="AGNT"><agentSystemSDS classCode="DEV" determinerCode="INSTANCE"><id root="${OID.asid}" extension="${esc(reply.spineAsid)}"/></agentSystemSDS></AgentSystemSDS></author1>` +
    controlActContent +
    `</ControlActEvent></${reply.interactionId}>`
  );
}

export const queryAck = (code: 'OK' | 'ID' | 'NF' | 'QE'): string =>
  `<queryAck type="QueryAck"><queryResponseCode code="${code}"/></queryAck>`;

/** QUQI_IN010000UK14 query act failed (spec 5.2). */
export function quqi(reply: Omit<Reply, 'interactionId' | 'ack'>, issues: readonly Issue[]): string {
  return hl7Reply(
    { ...reply, interactionId: 'QUQI_IN010000UK14', ack: 'AE' },
    reasons(issues) + queryAck('ID'),
  );
}

/** MCCI_IN010000UK13 application acknowledgement (spec 5.1). */
export function mcci(
  reply: Omit<Reply, 'interactionId'>,
  content: { readonly success?: string; readonly issues?: readonly Issue[] },
): string {
  const body =
    reply.ack === 'AA'
      ? content.success
        ? `<requestSuccessDetail><detail>${esc(content.success)}</detail><id root="Not Known"/></requestSuccessDetail>`
        : ''
      : reasons(content.issues ?? []);
  return hl7Reply({ ...reply, interactionId: 'MCCI_IN010000UK13' }, body);
}

export const psisIssue = (code: string, displayName: string, qualifier: 'ER' | 'WG' = 'ER'): Issue => ({
  code,
  displayName,
  codeSystem: OID.psisIssue,
  qualifier,
});
export const pdsIssue = (code: string, displayName: string, qualifier: 'ER' | 'WG' = 'ER'): Issue => ({
  code,
  displayName,
  codeSystem: OID.pdsIssue,
  qualifier,
});

/** An MCCI AE/AR chosen by a fault rule. */
export function ackFault(
  base: Omit<Reply, 'interactionId' | 'ack'>,
  fault: { readonly ackCode?: 'AE' | 'AR'; readonly code?: string; readonly display?: string },
): string {
  const ack = fault.ackCode ?? 'AE';
  const code = fault.code ?? (ack === 'AR' ? '502' : '500');
  const display = fault.display ?? (ack === 'AR' ? 'Service Not Available' : 'System Error - no retry');
  return mcci({ ...base, ack }, { issues: [psisIssue(code, display)] });
}
