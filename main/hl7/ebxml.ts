// The asynchronous transport's ebXML 2.0 messages (spine-hl7v3.md section 4): the MIME
// multipart/related body (ebXML header part first, HL7 second, attachments after; CTE
// 7bit/8bit/binary/base64), the ebXML SOAP header, and the MSH signals — Acknowledgment and
// MessageError — that both Spine and we send back.
import { el, xmlDocument, type Markup } from './markup';
import {
  assertXmlChars,
  attr,
  child,
  elements,
  Hl7ParseError,
  MAX_MESSAGE_BYTES,
  parseXml,
  textOf,
  type XmlElement,
} from './xml';

export const EBXML_NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  eb: 'http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd',
  hl7ebxml: 'urn:hl7-org:transport/ebXML/DSTUv1.0',
  xlink: 'http://www.w3.org/1999/xlink',
} as const;

const PARTY_TYPE = 'urn:nhs:names:partyType:ocs+serviceInstance';
const MSH_SERVICE = 'urn:oasis:names:tc:ebxml-msg:service';
const TO_PARTY_ACTOR = 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH';
const NEXT_ACTOR = 'http://schemas.xmlsoap.org/soap/actor/next';
/** Spine's boundary; it starts with `--`, so delimiters read `----=_MIME-Boundary` (spec 4.1). */
export const MIME_BOUNDARY = '--=_MIME-Boundary';
const HEADER_CONTENT_ID = 'ebXMLHeader@spine.nhs.uk';

export interface EbxmlAttachmentInput {
  /** Without angle brackets, e.g. `{UUID}@spine.nhs.uk`. */
  readonly contentId: string;
  readonly contentType: string;
  /** Text goes as 8bit; bytes go base64. */
  readonly content: string | Uint8Array;
  readonly description?: string;
}

export interface EbxmlMessageParams {
  readonly cpaId: string;
  readonly conversationId: string;
  readonly messageId: string;
  readonly refToMessageId?: string;
  /** e.g. `urn:nhs:names:services:psis`. */
  readonly service: string;
  /** The interaction id. */
  readonly action: string;
  readonly fromPartyKey: string;
  readonly toPartyKey: string;
  readonly ackRequested: boolean;
  readonly duplicateElimination: boolean;
  readonly syncReply: boolean;
  /** Defaults to now; `eb:Timestamp`. */
  readonly timestamp?: Date;
  /** The HL7 document (part 2). */
  readonly hl7: string;
  readonly attachments?: readonly EbxmlAttachmentInput[];
}

export interface BuiltEbxmlMessage {
  /** The HTTP Content-Type header value. */
  readonly contentType: string;
  readonly body: string;
}

export interface EbxmlError {
  readonly code: string;
  readonly severity: string | null;
  readonly description: string | null;
  readonly codeContext: string | null;
  readonly location: string | null;
}

export type EbxmlKind = 'message' | 'acknowledgment' | 'error';

export interface EbxmlHeader {
  readonly kind: EbxmlKind;
  readonly messageId: string | null;
  readonly conversationId: string | null;
  readonly refToMessageId: string | null;
  readonly cpaId: string | null;
  readonly service: string | null;
  readonly action: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly timestamp: string | null;
  readonly ackRequested: boolean;
  readonly duplicateElimination: boolean;
  readonly syncReply: boolean;
  /** `xlink:href` of each manifest reference. */
  readonly manifest: readonly string[];
  readonly errors: readonly EbxmlError[];
}

export interface EbxmlAttachment {
  readonly contentId: string | null;
  readonly contentType: string | null;
  readonly transferEncoding: string | null;
  /** Decoded bytes. */
  readonly data: Uint8Array;
  /** UTF-8 text for text/* and XML parts, else null. */
  readonly text: string | null;
}

export interface ParsedEbxmlMessage {
  readonly header: EbxmlHeader;
  /** The HL7 payload (part 2) as text, or null for MSH signals. */
  readonly hl7: string | null;
  readonly attachments: readonly EbxmlAttachment[];
}

export interface EbxmlSignalParams {
  readonly cpaId: string;
  readonly conversationId: string;
  /** Id of this signal. */
  readonly messageId: string;
  /** Id of the message being acknowledged / rejected. */
  readonly refToMessageId: string;
  /** We are the sender of the signal: the received message's To party. */
  readonly fromPartyKey: string;
  readonly toPartyKey: string;
  readonly timestamp?: Date;
}

export interface EbxmlMessageErrorParams extends EbxmlSignalParams {
  readonly errors: readonly {
    /** e.g. `ValueNotRecognized`. */
    readonly errorCode: string;
    readonly severity?: 'Error' | 'Warning';
    /** e.g. `501319:Unknown eb:CPAId`. */
    readonly description: string;
  }[];
}

function timestamp(date: Date | undefined): string {
  return (date ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function party(name: 'eb:From' | 'eb:To', key: string): Markup {
  if (key.trim() === '') throw new Error(`${name} PartyId must not be empty`);
  return el(name, null, el('eb:PartyId', { 'eb:type': PARTY_TYPE }, key));
}

function envelope(header: readonly Markup[], body: Markup | null): string {
  return xmlDocument(
    el(
      'SOAP:Envelope',
      {
        'xmlns:SOAP': EBXML_NS.soap,
        'xmlns:eb': EBXML_NS.eb,
        'xmlns:hl7ebxml': EBXML_NS.hl7ebxml,
        'xmlns:xlink': EBXML_NS.xlink,
      },
      el('SOAP:Header', null, header),
      el('SOAP:Body', null, body),
    ),
  );
}

interface HeaderFields {
  readonly cpaId: string;
  readonly conversationId: string;
  readonly service: string;
  readonly action: string;
  readonly messageId: string;
  readonly refToMessageId?: string;
  readonly fromPartyKey: string;
  readonly toPartyKey: string;
  readonly timestamp?: Date;
  readonly duplicateElimination: boolean;
}

function messageHeader(fields: HeaderFields): Markup {
  // Spine rule (spec 4.2): From/To PartyId, CPAId, ConversationId, Service, Action, MessageId,
  // Timestamp each exactly once and non-empty; MessageHeader eb:version 2.0.
  for (const [name, value] of Object.entries({
    cpaId: fields.cpaId,
    conversationId: fields.conversationId,
    service: fields.service,
    action: fields.action,
    messageId: fields.messageId,
  })) {
    if (value.trim() === '') throw new Error(`ebXML ${name} must not be empty`);
  }
  return el(
    'eb:MessageHeader',
    { 'SOAP:mustUnderstand': '1', 'eb:version': '2.0' },
    party('eb:From', fields.fromPartyKey),
    party('eb:To', fields.toPartyKey),
    el('eb:CPAId', null, fields.cpaId),
    el('eb:ConversationId', null, fields.conversationId),
    el('eb:Service', null, fields.service),
    el('eb:Action', null, fields.action),
    el(
      'eb:MessageData',
      null,
      el('eb:MessageId', null, fields.messageId),
      el('eb:Timestamp', null, timestamp(fields.timestamp)),
      fields.refToMessageId ? el('eb:RefToMessageId', null, fields.refToMessageId) : null,
    ),
    fields.duplicateElimination ? el('eb:DuplicateElimination') : null,
  );
}

function contentIdOk(id: string): string {
  if (!/^[\x21-\x7e]+$/.test(id) || id.includes('<') || id.includes('>')) {
    throw new Error('Content-Id must be printable ASCII without angle brackets');
  }
  return id;
}

function headerValue(value: string, name: string): string {
  // Why: a CR/LF in a MIME header value would let input inject headers or parts.
  if (/[\r\n]/.test(value)) throw new Error(`${name} must not contain line breaks`);
  return value;
}

/** The ebXML header document alone (part 1), e.g. for the sandbox's inbound messages. */
export function buildEbxmlHeader(params: Omit<EbxmlMessageParams, 'hl7'>): string {
  const hl7Cid = `${params.messageId}@spine.nhs.uk`;
  const header: Markup[] = [messageHeader({ ...params, duplicateElimination: params.duplicateElimination })];
  // Spine rule (spec 4.2): reliable → AckRequested (version 2.0, signed false, toPartyMSH actor);
  // express → it must be absent. SyncReply carries version 2.0 and the "next" actor.
  if (params.ackRequested) {
    header.push(
      el('eb:AckRequested', {
        'SOAP:mustUnderstand': '1',
        'eb:version': '2.0',
        'eb:signed': 'false',
        'SOAP:actor': TO_PARTY_ACTOR,
      }),
    );
  }
  if (params.syncReply) {
    header.push(
      el('eb:SyncReply', { 'SOAP:mustUnderstand': '1', 'eb:version': '2.0', 'SOAP:actor': NEXT_ACTOR }),
    );
  }
  // Spine rule (spec 4.2): the Manifest carries exactly one Reference (the HL7 payload);
  // extra attachments are listed after it as MHS does.
  const references: Markup[] = [
    el(
      'eb:Reference',
      { 'xlink:href': `cid:${hl7Cid}` },
      el('eb:Schema', {
        'eb:location': 'http://www.nhsia.nhs.uk/schemas/HL7-Message.xsd',
        'eb:version': '1.0',
      }),
      el('eb:Description', { 'xml:lang': 'en' }, 'HL7 payload'),
      el('hl7ebxml:Payload', { style: 'HL7', encoding: 'XML', version: '3.0' }),
    ),
  ];
  for (const attachment of params.attachments ?? []) {
    references.push(
      el(
        'eb:Reference',
        { 'xlink:href': `cid:${contentIdOk(attachment.contentId)}` },
        attachment.description ? el('eb:Description', { 'xml:lang': 'en' }, attachment.description) : null,
      ),
    );
  }
  return envelope(header, el('eb:Manifest', { 'SOAP:mustUnderstand': '1', 'eb:version': '2.0' }, references));
}

function part(contentId: string, contentType: string, encoding: string, content: string): string {
  return (
    `--${MIME_BOUNDARY}\r\n` +
    `Content-Id: <${contentId}>\r\n` +
    `Content-Type: ${headerValue(contentType, 'Content-Type')}\r\n` +
    `Content-Transfer-Encoding: ${encoding}\r\n\r\n` +
    `${content}\r\n`
  );
}

/**
 * The MIME multipart/related body of an asynchronous message: ebXML header part first, HL7 part
 * second (the order Spine requires, spec 4.1), then attachments.
 */
export function buildEbxmlMessage(params: EbxmlMessageParams): BuiltEbxmlMessage {
  const hl7 = assertXmlChars(params.hl7, 'hl7');
  if (hl7.includes(`--${MIME_BOUNDARY}`)) throw new Error('HL7 payload contains the MIME boundary');
  let body = part(HEADER_CONTENT_ID, 'text/xml; charset=UTF-8', '8bit', buildEbxmlHeader(params));
  body += part(`${params.messageId}@spine.nhs.uk`, 'application/xml; charset=UTF-8', '8bit', hl7);
  for (const attachment of params.attachments ?? []) {
    const id = contentIdOk(attachment.contentId);
    if (typeof attachment.content === 'string') {
      if (attachment.content.includes(`--${MIME_BOUNDARY}`))
        throw new Error('Attachment contains the MIME boundary');
      body += part(id, attachment.contentType, '8bit', attachment.content);
    } else {
      const base64 = Buffer.from(attachment.content).toString('base64').replace(/.{76}/g, '$&\r\n');
      body += part(id, attachment.contentType, 'base64', base64);
    }
  }
  body += `--${MIME_BOUNDARY}--\r\n`;
  return {
    contentType: `multipart/related; boundary="${MIME_BOUNDARY}"; type="text/xml"; start="<${HEADER_CONTENT_ID}>"; charset="UTF-8"`,
    body,
  };
}

/** An ebXML Acknowledgment (spec 4.4): MSH service, From/To swapped by the caller, empty Body. */
export function buildEbxmlAcknowledgment(params: EbxmlSignalParams): string {
  return envelope(
    [
      messageHeader({
        ...params,
        service: MSH_SERVICE,
        action: 'Acknowledgment',
        duplicateElimination: false,
      }),
      el(
        'eb:Acknowledgment',
        { 'SOAP:mustUnderstand': '1', 'eb:version': '2.0', 'SOAP:actor': TO_PARTY_ACTOR },
        el('eb:Timestamp', null, timestamp(params.timestamp)),
        el('eb:RefToMessageId', null, params.refToMessageId),
        party('eb:From', params.fromPartyKey),
      ),
    ],
    null,
  );
}

/** An ebXML MessageError (spec 4.3), e.g. `ValueNotRecognized` / `501314:Invalid To Party Type attribute`. */
export function buildEbxmlMessageError(params: EbxmlMessageErrorParams): string {
  if (params.errors.length === 0) throw new Error('A MessageError needs at least one error');
  const highest = params.errors.some((e) => (e.severity ?? 'Error') === 'Error') ? 'Error' : 'Warning';
  return envelope(
    [
      messageHeader({ ...params, service: MSH_SERVICE, action: 'MessageError', duplicateElimination: false }),
      el(
        'eb:ErrorList',
        { 'SOAP:mustUnderstand': '1', 'eb:highestSeverity': highest, 'eb:version': '2.0' },
        params.errors.map((e) =>
          el(
            'eb:Error',
            {
              'eb:codeContext': 'urn:oasis:names:tc:ebxml-msg:service:errors',
              'eb:errorCode': e.errorCode,
              'eb:severity': e.severity ?? 'Error',
            },
            el('eb:Description', { 'xml:lang': 'en-GB' }, e.description),
          ),
        ),
      ),
    ],
    null,
  );
}

/** Reads the ebXML SOAP envelope (part 1, or a whole text/xml MSH signal). */
export function readEbxmlHeader(soapEnvelope: XmlElement): EbxmlHeader {
  if (soapEnvelope.local !== 'Envelope') {
    throw new Hl7ParseError(`Not an ebXML SOAP envelope: <${soapEnvelope.name}>`, 'unexpected');
  }
  const header = child(soapEnvelope, 'Header');
  const messageHeader = child(header, 'MessageHeader');
  if (!messageHeader) throw new Hl7ParseError('ebXML header has no eb:MessageHeader', 'unexpected');
  const data = child(messageHeader, 'MessageData');
  const errorList = child(header, 'ErrorList');
  const errors: EbxmlError[] = elements(errorList, 'Error').map((error) => ({
    code: attr(error, 'errorCode') ?? '',
    severity: attr(error, 'severity'),
    description: textOf(child(error, 'Description')),
    codeContext: attr(error, 'codeContext'),
    location: attr(error, 'location'),
  }));
  const action = textOf(child(messageHeader, 'Action'));
  const kind: EbxmlKind =
    errorList || action === 'MessageError'
      ? 'error'
      : child(header, 'Acknowledgment') || action === 'Acknowledgment'
        ? 'acknowledgment'
        : 'message';
  const manifest = elements(child(child(soapEnvelope, 'Body'), 'Manifest'), 'Reference')
    .map((reference) => attr(reference, 'href'))
    .filter((href): href is string => href !== null);
  return {
    kind,
    messageId: textOf(child(data, 'MessageId')),
    conversationId: textOf(child(messageHeader, 'ConversationId')),
    refToMessageId: textOf(child(data, 'RefToMessageId')),
    cpaId: textOf(child(messageHeader, 'CPAId')),
    service: textOf(child(messageHeader, 'Service')),
    action,
    from: textOf(child(child(messageHeader, 'From'), 'PartyId')),
    to: textOf(child(child(messageHeader, 'To'), 'PartyId')),
    timestamp: textOf(child(data, 'Timestamp')),
    ackRequested: child(header, 'AckRequested') !== null,
    duplicateElimination: child(messageHeader, 'DuplicateElimination') !== null,
    syncReply: child(header, 'SyncReply') !== null,
    manifest,
    errors,
  };
}

/** Content-Type parameters (case-insensitive names, quotes removed). */
export function contentTypeParams(contentType: string): { type: string; params: Record<string, string> } {
  const [type = '', ...rest] = contentType.split(';');
  const params: Record<string, string> = {};
  for (const piece of rest) {
    const eq = piece.indexOf('=');
    if (eq === -1) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    let value = piece.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    params[key] = value;
  }
  return { type: type.trim().toLowerCase(), params };
}

interface MimePart {
  readonly headers: Readonly<Record<string, string>>;
  readonly raw: Buffer;
}

const MAX_PARTS = 64;

function splitMultipart(body: Buffer, boundary: string): MimePart[] {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const parts: MimePart[] = [];
  let index = body.indexOf(delimiter);
  if (index === -1) throw new Hl7ParseError('Multipart body has no boundary delimiter', 'malformed');
  while (parts.length <= MAX_PARTS) {
    let start = index + delimiter.length;
    // `--` after the delimiter closes the multipart.
    if (body[start] === 0x2d && body[start + 1] === 0x2d) return parts;
    // Skip transport padding and the line break after the delimiter.
    while (body[start] === 0x20 || body[start] === 0x09) start += 1;
    if (body[start] === 0x0d) start += 1;
    if (body[start] === 0x0a) start += 1;
    const next = body.indexOf(delimiter, start);
    // Tolerate a last delimiter without its closing `--`, and a body that simply ends (as some
    // MHS samples do): the last part then runs to the end of the body.
    if (next === -1 && body.subarray(start).toString('latin1').trim() === '') return parts;
    const last = next === -1;
    let end = last ? body.length : next;
    while (last && (body[end - 1] === 0x0a || body[end - 1] === 0x0d)) end -= 1;
    if (body[end - 1] === 0x0a) end -= 1;
    if (body[end - 1] === 0x0d) end -= 1;
    const chunk = body.subarray(start, end);
    let split = chunk.indexOf('\r\n\r\n');
    let gap = 4;
    const lf = chunk.indexOf('\n\n');
    if (split === -1 || (lf !== -1 && lf < split)) {
      split = lf;
      gap = 2;
    }
    if (split === -1) {
      // Why refuse rather than guess (as MHS's reader does): without the blank line a reader
      // must decide where the headers stop, and two readers that decide differently see two
      // different payloads in one message. A named error also beats the "No root element" an
      // empty payload used to produce further down.
      throw new Hl7ParseError(
        `MIME part ${parts.length + 1} has no blank line after its headers`,
        'malformed',
      );
    }
    const headers: Record<string, string> = {};
    for (const line of chunk.subarray(0, split).toString('latin1').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, raw: chunk.subarray(split + gap) });
    if (last) return parts;
    index = next;
  }
  throw new Hl7ParseError(`Multipart body has more than ${MAX_PARTS} parts`, 'malformed');
}

function decodePart(part: MimePart): EbxmlAttachment {
  const encoding = part.headers['content-transfer-encoding']?.toLowerCase() ?? null;
  const contentType = part.headers['content-type'] ?? null;
  let data: Uint8Array;
  if (encoding === 'base64') {
    data = Buffer.from(part.raw.toString('latin1').replace(/\s+/g, ''), 'base64');
  } else if (encoding === null || encoding === '7bit' || encoding === '8bit' || encoding === 'binary') {
    data = part.raw;
  } else {
    throw new Hl7ParseError(`Unsupported Content-Transfer-Encoding: ${encoding}`, 'malformed');
  }
  const type = contentType?.toLowerCase() ?? '';
  const textual = type.startsWith('text/') || type.includes('xml') || type === '';
  const contentId = part.headers['content-id']?.replace(/^<|>$/g, '') ?? null;
  return {
    contentId,
    contentType,
    transferEncoding: encoding,
    data,
    text: textual ? Buffer.from(data).toString('utf8') : null,
  };
}

/**
 * Parses an ebXML message as received over HTTP: multipart/related (ebXML part first, HL7
 * second — spec 4.1) or a bare text/xml MSH signal (Acknowledgment / MessageError).
 */
export function parseEbxmlMessage(contentType: string, body: string | Uint8Array): ParsedEbxmlMessage {
  const bytes =
    typeof body === 'string'
      ? Buffer.from(body, 'utf8')
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (bytes.length > MAX_MESSAGE_BYTES) {
    throw new Hl7ParseError('Message is larger than the 5 MB Spine limit', 'too-large');
  }
  const { type, params } = contentTypeParams(contentType);
  if (type !== 'multipart/related') {
    return { header: readEbxmlHeader(parseXml(bytes.toString('utf8'))), hl7: null, attachments: [] };
  }
  const boundary = params['boundary'];
  if (!boundary) throw new Hl7ParseError('multipart/related without a boundary', 'malformed');
  const parts = splitMultipart(bytes, boundary).map(decodePart);
  const [first, second, ...rest] = parts;
  if (!first) throw new Hl7ParseError('ebXML message has no header part', 'malformed');
  // Spec 4.1: the ebXML header is the first part and must be XML.
  if (first.text === null)
    throw new Hl7ParseError('The first MIME part is not the ebXML header (not text/XML)', 'malformed');
  const header = readEbxmlHeader(parseXml(first.text));
  if (header.kind !== 'message')
    return { header, hl7: null, attachments: [second, ...rest].filter((p) => p !== undefined) };
  if (!second) return { header, hl7: null, attachments: [] };
  if (second.text === null)
    throw new Hl7ParseError('The ebXML HL7 payload part is not text/XML', 'malformed');
  return { header, hl7: second.text, attachments: rest };
}
