// `/sync-service`: synchronous SOAP interactions (spine-hl7v3.md 3): validation, then the
// business answer from the patient pack, wrapped per 3.3. Transport rule violations are SOAP
// faults (HTTP 500); HL7 ControlAct violations are MCCI_IN010000UK13 AR with acknowledgementDetail
// 202 "HL7 Validation Error" (spec 3.4, generateHL7MCCI.xsl); business errors are AE/QUQI at 200.
import { RuleViolation, faultForRule, soapFault } from './errors';
import type { FaultRule } from './faults';
import { ackFault as ackReply, mcci, type Reply } from './hl7';
import { interactionById } from './interactions';
import { getPermissions, hasPermissions, setPermissions } from './acs';
import { advancedTrace, retrieval, simpleTrace } from './pds';
import { eventList, eventQuery } from './psis';
import type { SandboxState } from './patients';
import {
  authorProblem,
  nhsNumberOf,
  parseSyncRequest,
  syncReply,
  wrapperProblem,
  type SyncRequest,
} from './soap';
import type { XmlElement } from './xml';

export interface SandboxIdentity {
  readonly spineAsid: string;
  readonly clientAsid: string;
  /** Further ASIDs the sandbox accepts as senders. */
  readonly knownAsids: ReadonlySet<string>;
  readonly spinePartyKey: string;
  readonly clientPartyKey: string;
  readonly url: string;
}

export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  /** The interaction and patient, for fault selection. */
  readonly interaction: string | null;
  readonly nhsNumber: string | null;
}

export type ReplyBase = Omit<Reply, 'interactionId' | 'ack'>;

export type Handler = (
  state: SandboxState,
  request: XmlElement,
  base: ReplyBase,
  user: string | null,
) => string;

const handlers: Record<string, { reply: Handler; bodyWrapper: string; action: (hl7: string) => string }> = {};

export function registerSync(id: string, reply: Handler): void {
  const def = interactionById.get(id);
  if (!def?.bodyWrapper) throw new Error(`not a sync interaction: ${id}`);
  handlers[id] = {
    reply,
    bodyWrapper: def.bodyWrapper,
    action: (hl7) => {
      const root = /^<([A-Za-z0-9_]+)/.exec(hl7)?.[1] ?? 'MCCI_IN010000UK13';
      return `${def.service}/${root}`;
    },
  };
}

registerSync('QUPA_IN000008UK02', retrieval);
registerSync('QUPA_IN000005UK01', simpleTrace);
registerSync('QUPC_IN180000SM04', eventList);
registerSync('QUPC_IN190000UK04', eventQuery);
registerSync('GET_RESOURCE_PERMISSIONS_INUK01', getPermissions);
registerSync('SET_RESOURCE_PERMISSIONS_INUK01', setPermissions);
registerSync('HAS_RESOURCE_PERMISSIONS_INUK01', hasPermissions);
// Advanced trace is async express, but its reply builder is reused by the query endpoint.
export { advancedTrace };

export function peekSync(body: string, soapAction: string | undefined): SyncRequest | RuleViolation {
  try {
    return parseSyncRequest(body, soapAction);
  } catch (error) {
    if (error instanceof RuleViolation) return error;
    throw error;
  }
}

export function answerSync(
  state: SandboxState,
  id: SandboxIdentity,
  parsed: SyncRequest | RuleViolation,
  ackFault: FaultRule | null = null,
): Answer {
  if (parsed instanceof RuleViolation) {
    return {
      status: 500,
      body: soapFault([faultForRule(parsed)], 'SOAP:Client'),
      contentType: 'text/xml; charset=UTF-8',
      interaction: null,
      nhsNumber: null,
    };
  }
  const { hl7 } = parsed;
  const nhsNumber = nhsNumberOf(hl7.root);
  const fail = (rule: ConstructorParameters<typeof RuleViolation>[0], detail: string): Answer => ({
    status: 500,
    body: soapFault([faultForRule(new RuleViolation(rule, detail))], 'SOAP:Client'),
    contentType: 'text/xml; charset=UTF-8',
    interaction: hl7.interactionId,
    nhsNumber,
  });
  const handler = handlers[hl7.interactionId];
  if (!handler) return fail('UNSUPPORTED_INTERACTION', `${hl7.interactionId} is not served at /sync-service`);
  // Spec 3.2: ASIDs must be known — the receiver is Spine, the sender a registered system.
  if (hl7.rcvAsid !== id.spineAsid) return fail('INCONSISTENT_COMM_FUNC_RCV', `receiver ASID is not Spine's`);
  if (!id.knownAsids.has(hl7.sndAsid))
    return fail('UNKNOWN_ASID', `sender ASID ${hl7.sndAsid} is not registered`);
  const base: ReplyBase = { refToId: hl7.id, clientAsid: hl7.sndAsid, spineAsid: id.spineAsid };
  const problem = wrapperProblem(hl7.root) ?? authorProblem(hl7.controlAct);
  const content = ackFault
    ? ackReply(base, ackFault)
    : problem
      ? mcci(
          {
            ...base,
            ack: 'AR',
            ackDetail: { code: '202', displayName: `HL7 Validation Error - ${problem}` },
          },
          {},
        )
      : handler.reply(state, hl7.root, base, null);
  return {
    status: 200,
    body: syncReply({
      action: handler.action(content),
      relatesTo: parsed.messageId,
      clientAsid: hl7.sndAsid,
      spineAsid: id.spineAsid,
      fromAddress: `${id.url}/sync-service`,
      bodyWrapper: handler.bodyWrapper,
      hl7: content,
    }),
    contentType: 'text/xml; charset=UTF-8',
    interaction: hl7.interactionId,
    nhsNumber,
  };
}
