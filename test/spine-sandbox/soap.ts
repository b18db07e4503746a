// Synchronous SOAP (spine-hl7v3.md 3): parses a request envelope and enforces the rules Spine
// applies to it (3.2 header rules, 2.1 interaction/ASID agreement); builds the reply envelope.
import { RuleViolation } from './errors';
import { OID, newId } from './hl7';
import {
  attr,
  child,
  children,
  descendants,
  esc,
  parseXml,
  path,
  text,
  XmlError,
  type XmlElement,
} from './xml';

export interface Hl7Message {
  readonly root: XmlElement;
  readonly interactionId: string;
  /** HL7 `id/@root`. */
  readonly id: string;
  readonly rcvAsid: string;
  readonly sndAsid: string;
  readonly controlAct: XmlElement | undefined;
}

export interface SyncRequest {
  readonly messageId: string;
  readonly action: string;
  readonly hl7: Hl7Message;
  readonly headerRcvAsid: string;
  readonly headerSndAsid: string;
}

function asidOf(fn: XmlElement | undefined): string {
  const id = path(fn, 'device', 'id');
  return attr(id, 'root') === OID.asid ? (attr(id, 'extension') ?? '').trim() : '';
}

export function readHl7(root: XmlElement): Hl7Message {
  return {
    root,
    interactionId: attr(child(root, 'interactionId'), 'extension') ?? '',
    id: attr(child(root, 'id'), 'root') ?? '',
    rcvAsid: asidOf(child(root, 'communicationFunctionRcv')),
    sndAsid: asidOf(child(root, 'communicationFunctionSnd')),
    controlAct: child(root, 'ControlActEvent'),
  };
}

/** Parses and checks a sync request. Throws RuleViolation for the first rule broken. */
export function parseSyncRequest(body: string, soapActionHeader: string | undefined): SyncRequest {
  let envelope: XmlElement;
  try {
    envelope = parseXml(body);
  } catch (error) {
    throw new RuleViolation(
      'MESSAGE_NOT_WELL_FORMED',
      error instanceof XmlError ? error.message : 'unparseable',
    );
  }
  // Spec 3.2: exactly one Envelope/Header/Body.
  const headers = children(envelope, 'Header');
  const bodies = children(envelope, 'Body');
  const header = headers[0];
  const soapBody = bodies[0];
  if (envelope.name !== 'Envelope' || headers.length !== 1 || bodies.length !== 1 || !header || !soapBody) {
    throw new RuleViolation('MESSAGE_NOT_WELL_FORMED', 'exactly one SOAP Envelope, Header and Body');
  }
  // Spec 3.2: wsa:MessageID is "uuid:" + 36 characters = 41.
  const ids = children(header, 'MessageID');
  const messageId = text(ids[0]);
  if (ids.length !== 1 || messageId.length !== 41) {
    throw new RuleViolation(
      'SOAP_MESSAGE_ID_ERROR',
      `wsa:MessageID must be 41 characters, got ${messageId.length}`,
    );
  }
  const actions = children(header, 'Action');
  const action = text(actions[0]);
  if (actions.length !== 1 || !action) throw new RuleViolation('SOAP_ACTION_ERROR', 'exactly one wsa:Action');
  // Spec 3.1/12.3: the SOAPAction HTTP header equals wsa:Action.
  const soapAction = (soapActionHeader ?? '').replace(/^"|"$/g, '');
  if (soapAction !== action) {
    throw new RuleViolation('SOAP_ACTION_ERROR', 'SOAPAction header must equal wsa:Action');
  }
  const tos = children(header, 'To');
  if (tos.length !== 1 || !text(tos[0])) throw new RuleViolation('SOAP_TO_ERROR', 'one non-empty wsa:To');
  const headerRcvAsid = asidOf(child(header, 'communicationFunctionRcv'));
  if (!headerRcvAsid)
    throw new RuleViolation('SOAP_COMM_FUNC_RCV_ERROR', 'header receiver ASID (root 0.107)');
  const headerSndAsid = asidOf(child(header, 'communicationFunctionSnd'));
  if (!headerSndAsid) throw new RuleViolation('SOAP_COMM_FUNC_SND_ERROR', 'header sender ASID (root 0.107)');
  const root = soapBody.children[0];
  if (!root || soapBody.children.length !== 1) {
    throw new RuleViolation('MESSAGE_NOT_WELL_FORMED', 'the SOAP Body holds exactly one HL7 message');
  }
  const hl7 = readHl7(root);
  // Spec 2.1: interactionId/@extension = root element = wsa:Action suffix.
  const suffix = action.slice(action.lastIndexOf('/') + 1);
  if (hl7.interactionId !== suffix || root.name !== suffix) {
    throw new RuleViolation(
      'INCONSISTENT_HL7_INTERACTION_ID',
      'interactionId, body root element and wsa:Action must name the same interaction',
    );
  }
  // Spec 2.1: body ASIDs equal header ASIDs.
  if (hl7.rcvAsid !== headerRcvAsid) {
    throw new RuleViolation('INCONSISTENT_COMM_FUNC_RCV', 'body receiver ASID differs from the SOAP header');
  }
  if (hl7.sndAsid !== headerSndAsid) {
    throw new RuleViolation('INCONSISTENT_COMM_FUNC_SND', 'body sender ASID differs from the SOAP header');
  }
  return { messageId, action, hl7, headerRcvAsid, headerSndAsid };
}

/**
 * Transmission wrapper rules (spec 2.1, 2.2): a message id, creationTime of 12, 14 or 19
 * characters, a non-empty versionCode. Returns the broken rule or null.
 */
export function wrapperProblem(root: XmlElement): string | null {
  if (!attr(child(root, 'id'), 'root')) return 'INVALID_MESSAGE_ID: id/@root missing';
  const created = attr(child(root, 'creationTime'), 'value') ?? '';
  if (![12, 14, 19].includes(created.length))
    return 'INVALID_CREATION_TIME: creationTime must be 12, 14 or 19 characters';
  if (!(attr(child(root, 'versionCode'), 'code') ?? '').trim())
    return 'INVALID_VERSION_CODE: versionCode missing or empty';
  return null;
}

/**
 * ControlActEvent author rules (spec 2.3): author 0..1 with all three ids non-empty; author1 1..2
 * with an ASID; a second author1 needs root and extension. Returns the broken rule or null.
 */
export function authorProblem(controlAct: XmlElement | undefined): string | null {
  if (!controlAct) return 'ControlActEvent missing';
  const authors = children(controlAct, 'author');
  if (authors.length > 1) return 'CONTROL_ACT_AUTHOR_INVALID: at most one author';
  const author = authors[0];
  if (author) {
    const agent = child(author, 'AgentPersonSDS');
    const role = attr(child(agent, 'id'), 'extension') ?? '';
    const user = attr(path(agent, 'agentPersonSDS', 'id'), 'extension') ?? '';
    const job = attr(path(agent, 'part', 'partSDSRole', 'id'), 'extension') ?? '';
    if (!role.trim() || !user.trim() || !job.trim()) {
      return 'CONTROL_ACT_AUTHOR_INVALID: role profile, user and job role ids must be non-empty';
    }
  }
  const systems = children(controlAct, 'author1');
  if (systems.length < 1 || systems.length > 2) return 'CONTROL_ACT_AUTHOR1_INVALID: one or two author1';
  const first = path(systems[0], 'AgentSystemSDS', 'agentSystemSDS', 'id');
  if (!(attr(first, 'extension') ?? '').trim()) return 'CONTROL_ACT_AUTHOR1_INVALID: author1 needs the ASID';
  if (systems[1]) {
    const second = path(systems[1], 'AgentSystemSDS', 'agentSystemSDS', 'id');
    if (!attr(second, 'root') || !attr(second, 'extension')) {
      return 'CONTROL_ACT_AUTHOR_AGENT2_INVALID: second author1 needs root and extension';
    }
  }
  return null;
}

/** The author's SDS user id, when present. */
export function authorUserId(controlAct: XmlElement | undefined): string | null {
  const agent = path(controlAct, 'author', 'AgentPersonSDS');
  return attr(path(agent, 'agentPersonSDS', 'id'), 'extension') ?? null;
}

export interface SyncReplyEnvelope {
  readonly action: string;
  readonly relatesTo: string;
  readonly clientAsid: string;
  readonly spineAsid: string;
  readonly fromAddress: string;
  readonly bodyWrapper: string;
  readonly hl7: string;
}

/** The reply envelope (spec 3.3): new MessageID, RelatesTo = request, HL7 in the body wrapper. */
export function syncReply(reply: SyncReplyEnvelope): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns="urn:hl7-org:v3" xmlns:hl7="urn:hl7-org:v3">` +
    `<SOAP-ENV:Header><wsa:MessageID>uuid:${newId()}</wsa:MessageID><wsa:Action>${esc(reply.action)}</wsa:Action>` +
    `<wsa:To/><wsa:From><wsa:Address>${esc(reply.fromAddress)}</wsa:Address></wsa:From>` +
    `<communicationFunctionRcv typeCode="RCV"><device classCode="DEV" determinerCode="INSTANCE"><id root="${OID.asid}" extension="${esc(reply.clientAsid)}"/></device></communicationFunctionRcv>` +
    `<communicationFunctionSnd typeCode="SND"><device classCode="DEV" determinerCode="INSTANCE"><id root="${OID.asid}" extension="${esc(reply.spineAsid)}"/></device></communicationFunctionSnd>` +
    `<wsa:RelatesTo>${esc(reply.relatesTo)}</wsa:RelatesTo></SOAP-ENV:Header>` +
    `<SOAP-ENV:Body><${reply.bodyWrapper}>${reply.hl7}</${reply.bodyWrapper}></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

/** The NHS number a request concerns (first NHS-number-rooted id/value), for faults and audit. */
export function nhsNumberOf(root: XmlElement | undefined): string | null {
  if (!root) return null;
  for (const name of ['value', 'id', 'resourceContext']) {
    for (const e of descendants(root, name)) {
      if (attr(e, 'root') === '2.16.840.1.113883.2.1.4.1' && attr(e, 'extension'))
        return attr(e, 'extension') ?? null;
    }
  }
  return null;
}
