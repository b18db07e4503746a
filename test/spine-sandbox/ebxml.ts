// Asynchronous ebXML (spine-hl7v3.md 4): parses the MIME multipart/related request (ebXML part
// first, HL7 second, 4.1), enforces the header rules Spine applies (4.2: each header field once and
// non-empty, CPA id, To party, flags per pattern, manifest reference to the HL7 part), and builds
// the ebXML messages Spine sends (async replies, 4.4) as multipart.
import { randomUUID } from 'node:crypto';
import type { InteractionDef } from './interactions';
import { readHl7, type Hl7Message } from './soap';
import { attr, child, children, esc, parseXml, path, text, XmlError, type XmlElement } from './xml';

export interface MimePart {
  readonly headers: Readonly<Record<string, string>>;
  readonly contentId: string;
  readonly body: string;
}

export interface EbxmlRequest {
  readonly fromPartyKey: string;
  readonly toPartyKey: string;
  readonly cpaId: string;
  readonly conversationId: string;
  readonly service: string;
  readonly action: string;
  readonly messageId: string;
  readonly duplicateElimination: boolean;
  readonly ackRequested: boolean;
  readonly syncReply: boolean;
  readonly hl7: Hl7Message;
  /** The HL7 payload as sent (for storing uploaded documents verbatim). */
  readonly hl7Text: string;
}

/** A broken rule; `where` says which answer shape Spine uses for it. */
export class EbxmlViolation extends Error {
  constructor(
    /** 'fault': SOAP fault (nothing usable to answer with); 'error': ebXML MessageError. */
    readonly where: 'fault' | 'error',
    readonly rule: string,
    readonly description: string,
    /** The parts of the header that could be read, to address the MessageError. */
    readonly partial: Partial<EbxmlRequest> = {},
    readonly errorCode = 'ValueNotRecognized',
  ) {
    super(`${rule}: ${description}`);
  }
}

function params(header: string): { type: string; params: Record<string, string> } {
  const [type = '', ...rest] = header.split(';');
  const out: Record<string, string> = {};
  for (const p of rest) {
    const i = p.indexOf('=');
    if (i < 0) continue;
    out[p.slice(0, i).trim().toLowerCase()] = p
      .slice(i + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return { type: type.trim().toLowerCase(), params: out };
}

export function parseMultipart(contentType: string, body: Buffer): MimePart[] {
  const { type, params: p } = params(contentType);
  if (type !== 'multipart/related' || !p.boundary) {
    throw new EbxmlViolation(
      'fault',
      'MESSAGE_NOT_WELL_FORMED',
      'Content-Type must be multipart/related with a boundary',
    );
  }
  const delimiter = `--${p.boundary}`;
  const raw = body.toString('latin1');
  const pieces = raw.split(delimiter);
  const parts: MimePart[] = [];
  // pieces[0] is the preamble; the piece after the last delimiter starts with "--".
  for (const piece of pieces.slice(1)) {
    if (piece.startsWith('--')) break;
    const content = piece.replace(/^\r?\n/, '');
    const split = /\r?\n\r?\n/.exec(content);
    if (!split) continue;
    const headerText = content.slice(0, split.index);
    let bodyText = content.slice(split.index + split[0].length).replace(/\r?\n$/, '');
    const headers: Record<string, string> = {};
    for (const line of headerText.split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const cte = (headers['content-transfer-encoding'] ?? '8bit').toLowerCase();
    const bytes =
      cte === 'base64'
        ? Buffer.from(bodyText.replace(/\s+/g, ''), 'base64')
        : Buffer.from(bodyText, 'latin1');
    bodyText = bytes.toString('utf8');
    parts.push({ headers, contentId: (headers['content-id'] ?? '').replace(/^<|>$/g, ''), body: bodyText });
  }
  if (parts.length < 2) {
    throw new EbxmlViolation(
      'fault',
      'MESSAGE_NOT_WELL_FORMED',
      'an ebXML part and an HL7 part are required',
    );
  }
  return parts;
}

function once(header: XmlElement | undefined, name: string): string | null {
  const found = children(header, name);
  return found.length === 1 ? text(found[0]) || null : null;
}

/**
 * Parses and checks an ebXML request. `expected` is the interaction the SOAPAction names (null
 * when unknown). Throws EbxmlViolation for the first broken rule.
 */
export function parseEbxmlRequest(
  contentType: string,
  body: Buffer,
  soapAction: string,
  lookup: (action: string) => InteractionDef | undefined,
  contract: { readonly spinePartyKey: string; readonly knownPartyKeys: ReadonlySet<string> },
  path_: string,
): { request: EbxmlRequest; def: InteractionDef } {
  const parts = parseMultipart(contentType, body);
  const [ebPart, hl7Part] = parts;
  if (!ebPart || !hl7Part) throw new EbxmlViolation('fault', 'MESSAGE_NOT_WELL_FORMED', 'missing parts');
  let envelope: XmlElement;
  try {
    envelope = parseXml(ebPart.body);
  } catch (error) {
    throw new EbxmlViolation(
      'fault',
      'MESSAGE_NOT_WELL_FORMED',
      error instanceof XmlError ? error.message : 'bad ebXML part',
    );
  }
  const header = child(envelope, 'Header');
  const mh = child(header, 'MessageHeader');
  if (envelope.name !== 'Envelope' || !mh) {
    throw new EbxmlViolation(
      'fault',
      'MESSAGE_NOT_WELL_FORMED',
      'the first part must be a SOAP envelope with eb:MessageHeader',
    );
  }
  const partial = {
    fromPartyKey: once(child(mh, 'From'), 'PartyId') ?? '',
    toPartyKey: once(child(mh, 'To'), 'PartyId') ?? '',
    cpaId: once(mh, 'CPAId') ?? '',
    conversationId: once(mh, 'ConversationId') ?? '',
    messageId: once(child(mh, 'MessageData'), 'MessageId') ?? '',
  };
  const fail = (rule: string, description: string, errorCode?: string): never => {
    throw new EbxmlViolation('error', rule, description, partial, errorCode);
  };
  // Spec 4.2: each of these exactly once and non-empty; MessageHeader version 2.0 or absent.
  const required: [string, string | null][] = [
    ['eb:From/eb:PartyId', partial.fromPartyKey || null],
    ['eb:To/eb:PartyId', partial.toPartyKey || null],
    ['eb:CPAId', partial.cpaId || null],
    ['eb:ConversationId', partial.conversationId || null],
    ['eb:Service', once(mh, 'Service')],
    ['eb:Action', once(mh, 'Action')],
    ['eb:MessageData/eb:MessageId', partial.messageId || null],
    ['eb:MessageData/eb:Timestamp', once(child(mh, 'MessageData'), 'Timestamp')],
  ];
  for (const [name, value] of required) {
    if (!value) fail('MESSAGE_NOT_WELL_FORMED', `${name} must occur once and not be empty`, 'Inconsistent');
  }
  const version = attr(mh, 'version');
  if (version !== undefined && version !== '2.0')
    fail('MESSAGE_NOT_WELL_FORMED', 'eb:MessageHeader eb:version must be 2.0', 'Inconsistent');
  const service = once(mh, 'Service') ?? '';
  const action = once(mh, 'Action') ?? '';
  // Spec 4.1: SOAPAction = eb:Service/eb:Action.
  if (soapAction.replace(/^"|"$/g, '') !== `${service}/${action}`) {
    fail('SOAP_ACTION_ERROR', 'SOAPAction must equal eb:Service/eb:Action', 'Inconsistent');
  }
  const def = lookup(action);
  if (!def || def.service !== service || def.pattern === 'sync') {
    throw new EbxmlViolation(
      'fault',
      'UNSUPPORTED_INTERACTION',
      `${service}/${action} is not supported for the requested URI`,
      partial,
    );
  }
  if (def.path !== path_) {
    throw new EbxmlViolation(
      'fault',
      'UNSUPPORTED_INTERACTION',
      `${action} is not served at ${path_}`,
      partial,
    );
  }
  if (partial.cpaId !== def.cpaId) fail('UNKNOWN_CPA_ID', '501319:Unknown eb:CPAId');
  if (partial.toPartyKey !== contract.spinePartyKey)
    fail('INVALID_TO_PARTY', '501314:Invalid To Party Type attribute');
  if (!contract.knownPartyKeys.has(partial.fromPartyKey))
    fail('UNKNOWN_FROM_PARTY', '501315:Unknown From Party');
  const dup = children(mh, 'DuplicateElimination').length > 0;
  const ack = children(header, 'AckRequested');
  const sync = children(header, 'SyncReply');
  // Spec 4.2: reliable = DuplicateElimination + AckRequested(2.0, unsigned, toPartyMSH) + SyncReply;
  // express = neither DuplicateElimination nor AckRequested.
  if (def.pattern === 'reliable') {
    if (!dup)
      fail(
        'DUPLICATE_ELIMINATION_INCONSISTENT_WITH_CONTRACT',
        'reliable messages need eb:DuplicateElimination',
        'Inconsistent',
      );
    const a = ack[0];
    if (
      ack.length !== 1 ||
      !a ||
      attr(a, 'version') !== '2.0' ||
      attr(a, 'signed') !== 'false' ||
      attr(a, 'actor') !== 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH'
    ) {
      fail(
        'ACK_REQUESTED_INCONSISTENT_WITH_CONTRACT',
        'reliable messages need eb:AckRequested (version 2.0, signed false, actor toPartyMSH)',
        'Inconsistent',
      );
    }
    const s = sync[0];
    if (
      sync.length !== 1 ||
      !s ||
      attr(s, 'version') !== '2.0' ||
      attr(s, 'actor') !== 'http://schemas.xmlsoap.org/soap/actor/next'
    ) {
      fail(
        'SYNCREPLY_INCONSISTENT_WITH_CONTRACT',
        'reliable messages need eb:SyncReply (version 2.0, actor next)',
        'Inconsistent',
      );
    }
  } else {
    if (dup)
      fail(
        'DUPLICATE_ELIMINATION_INCONSISTENT_WITH_CONTRACT',
        'express messages must not carry eb:DuplicateElimination',
        'Inconsistent',
      );
    if (ack.length > 0)
      fail(
        'ACK_REQUESTED_INCONSISTENT_WITH_CONTRACT',
        'express messages must not carry eb:AckRequested',
        'Inconsistent',
      );
  }
  // Spec 4.2: Manifest version 2.0 with exactly one Reference whose href names the HL7 part.
  const manifest = path(envelope, 'Body', 'Manifest');
  const refs = children(manifest, 'Reference');
  const href = attr(refs[0], 'href') ?? '';
  const cid = href.slice(href.indexOf(':') + 1);
  if (
    !manifest ||
    attr(manifest, 'version') !== '2.0' ||
    refs.length !== 1 ||
    !href.startsWith('cid:') ||
    !cid
  ) {
    fail(
      'INVALID_MANIFEST_REFERENCE',
      'eb:Manifest (version 2.0) needs exactly one eb:Reference to cid:{content id}',
      'Inconsistent',
    );
  }
  if (cid !== hl7Part.contentId)
    fail(
      'INVALID_MANIFEST_REFERENCE',
      'the manifest reference must name the HL7 part (the second part)',
      'MimeProblem',
    );
  let root: XmlElement;
  try {
    root = parseXml(hl7Part.body);
  } catch (error) {
    throw new EbxmlViolation(
      'fault',
      'MESSAGE_NOT_WELL_FORMED',
      error instanceof XmlError ? `HL7 part: ${error.message}` : 'HL7 part',
      partial,
    );
  }
  const hl7 = readHl7(root);
  // Spec 2.1: eb:Action = HL7 root element = interactionId/@extension.
  if (hl7.interactionId !== action || root.name !== action) {
    fail(
      'INCONSISTENT_HL7_INTERACTION_ID',
      'eb:Action, the HL7 root element and interactionId must agree',
      'Inconsistent',
    );
  }
  return {
    def,
    request: {
      ...partial,
      service,
      action,
      duplicateElimination: dup,
      ackRequested: ack.length > 0,
      syncReply: sync.length > 0,
      hl7,
      hl7Text: hl7Part.body,
    },
  };
}

export const BOUNDARY = '--=_MIME-Boundary';
export const MULTIPART_CONTENT_TYPE = `multipart/related; boundary="${BOUNDARY}"; type="text/xml"; start="<ebXMLHeader@spine.nhs.uk>"`;

export interface OutboundEbxml {
  readonly fromPartyKey: string;
  readonly toPartyKey: string;
  readonly cpaId: string;
  readonly conversationId: string;
  readonly service: string;
  readonly action: string;
  readonly refToMessageId: string;
  readonly reliable: boolean;
  readonly hl7: string;
  readonly messageId?: string;
}

/** A Spine-originated ebXML message (spec 4.4) as MIME multipart; returns the text and its id. */
export function buildEbxmlMessage(m: OutboundEbxml): { body: string; messageId: string } {
  const messageId = m.messageId ?? randomUUID().toUpperCase();
  const ts = `${new Date().toISOString().slice(0, 19)}Z`;
  const header =
    `<?xml version="1.0" encoding="UTF-8"?><SOAP:Envelope xmlns:SOAP="http://schemas.xmlsoap.org/soap/envelope/" xmlns:eb="http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd" xmlns:hl7ebxml="urn:hl7-org:transport/ebXML/DSTUv1.0" xmlns:xlink="http://www.w3.org/1999/xlink">` +
    `<SOAP:Header><eb:MessageHeader SOAP:mustUnderstand="1" eb:version="2.0">` +
    `<eb:From><eb:PartyId eb:type="urn:nhs:names:partyType:ocs+serviceInstance">${esc(m.fromPartyKey)}</eb:PartyId></eb:From>` +
    `<eb:To><eb:PartyId eb:type="urn:nhs:names:partyType:ocs+serviceInstance">${esc(m.toPartyKey)}</eb:PartyId></eb:To>` +
    `<eb:CPAId>${esc(m.cpaId)}</eb:CPAId><eb:ConversationId>${esc(m.conversationId)}</eb:ConversationId>` +
    `<eb:Service>${esc(m.service)}</eb:Service><eb:Action>${esc(m.action)}</eb:Action>` +
    `<eb:MessageData><eb:MessageId>${messageId}</eb:MessageId><eb:Timestamp>${ts}</eb:Timestamp><eb:RefToMessageId>${esc(m.refToMessageId)}</eb:RefToMessageId></eb:MessageData>` +
    (m.reliable ? `<eb:DuplicateElimination/>` : '') +
    `</eb:MessageHeader>` +
    (m.reliable
      ? `<eb:AckRequested SOAP:mustUnderstand="1" eb:version="2.0" eb:signed="false" SOAP:actor="urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH"/>`
      : '') +
    `<eb:SyncReply SOAP:mustUnderstand="1" eb:version="2.0" SOAP:actor="http://schemas.xmlsoap.org/soap/actor/next"/>` +
    `</SOAP:Header><SOAP:Body><eb:Manifest SOAP:mustUnderstand="1" eb:version="2.0">` +
    `<eb:Reference xlink:href="cid:${messageId}@spine.nhs.uk"><eb:Schema eb:location="urn:hl7-org:v3_${esc(m.action)}.xsd" eb:version="${esc(m.action)}"/>` +
    `<eb:Description xml:lang="en">The HL7 payload</eb:Description><hl7ebxml:Payload style="HL7" encoding="XML" version="3.0"/></eb:Reference>` +
    `</eb:Manifest></SOAP:Body></SOAP:Envelope>`;
  const body =
    `--${BOUNDARY}\r\nContent-Id: <ebXMLHeader@spine.nhs.uk>\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${header}\r\n` +
    `--${BOUNDARY}\r\nContent-Id: <${messageId}@spine.nhs.uk>\r\nContent-Type: application/xml; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${m.hl7}\r\n` +
    `--${BOUNDARY}--\r\n`;
  return { body, messageId };
}
