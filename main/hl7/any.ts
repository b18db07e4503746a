// parseAny: whatever the transport or a user hands us — a bare HL7 document, a SOAP envelope, an
// ebXML multipart body, or a whole captured HTTP message (start line, headers, body) — and the
// JSON view `smsp hl7 parse` prints (issue 3 shape).
import { classifySpineError } from './acknowledgements';
import { contentTypeParams, parseEbxmlMessage, readEbxmlHeader, type EbxmlHeader } from './ebxml';
import { toAcknowledgement } from './mappers';
import { readHl7, type ParsedHl7 } from './parse';
import { currentAddress } from './patients';
import { readFault, readSoapEnvelope, type ParsedSoapEnvelope, type SoapFault } from './soap';
import type { SpineError } from './types';
import { child, elements, Hl7ParseError, MAX_MESSAGE_BYTES, parseXml, type XmlElement } from './xml';

export interface HttpCapture {
  readonly startLine: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface AnyMessage {
  readonly envelope: 'soap' | 'ebxml' | 'none';
  readonly http: HttpCapture | null;
  readonly soap: ParsedSoapEnvelope | null;
  readonly ebxml: EbxmlHeader | null;
  readonly fault: SoapFault | null;
  readonly hl7: ParsedHl7 | null;
  /** The classified failure, from whichever layer reported one; null when there is none. */
  readonly error: SpineError | null;
}

const START_LINE =
  /^(?:(?:POST|GET|PUT|HEAD|OPTIONS|DELETE|PATCH) \S+(?: HTTP\/\d(?:\.\d)?)?|HTTP\/\d(?:\.\d)? \d{3}\b.*)$/;
/** Some captures (the MHS fake Spine's) mark the sections `====== HEADERS =====` / `====== BODY =======`. */
const HEADERS_MARK = /^=+ *HEADERS *=+\r?$/m;
const BODY_MARK = /^=+ *BODY *=+\r?\n/m;

function splitHttp(input: string): { capture: HttpCapture; body: string } | null {
  const firstBreak = input.indexOf('\n');
  const startLine = (firstBreak === -1 ? input : input.slice(0, firstBreak)).replace(/\r$/, '');
  if (!START_LINE.test(startLine)) return null;
  const bodyMark = BODY_MARK.exec(input);
  const text = bodyMark
    ? `${input
        .slice(0, bodyMark.index)
        .replace(HEADERS_MARK, '')
        .replace(/\n\s*\n/g, '\n')
        .trimEnd()}\r\n\r\n${input.slice(bodyMark.index + bodyMark[0].length)}`
    : input;
  const match = /\r?\n\r?\n/.exec(text);
  const headerEnd = match ? match.index : text.length;
  const headers: Record<string, string> = {};
  for (const line of text.slice(firstBreak + 1, headerEnd).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = match ? text.slice(match.index + match[0].length) : '';
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') body = dechunk(body);
  return { capture: { startLine, headers }, body };
}

function dechunk(body: string): string {
  let out = '';
  let index = 0;
  for (let guard = 0; guard < 100_000; guard += 1) {
    const lineEnd = body.indexOf('\n', index);
    if (lineEnd === -1) break;
    const size = Number.parseInt(body.slice(index, lineEnd).trim(), 16);
    if (!Number.isFinite(size) || size <= 0) break;
    out += body.slice(lineEnd + 1, lineEnd + 1 + size);
    index = lineEnd + 1 + size;
    if (body[index] === '\r') index += 1;
    if (body[index] === '\n') index += 1;
  }
  return out;
}

/** Interaction ids: `QUPA_IN000008UK02`, `SET_RESOURCE_PERMISSIONS_INUK01`, … */
const INTERACTION_NAME = /^(?:[A-Z]{4}_IN\d{6}[A-Z]{2}\d{2}|[A-Z_]+_INUK\d{2})$/;

function isHl7Root(element: XmlElement): boolean {
  return child(element, 'interactionId') !== null || INTERACTION_NAME.test(element.local);
}

/** The HL7 root, unwrapping a sync reply's body wrapper element when present (spec 3.3). */
function hl7Root(element: XmlElement): XmlElement | null {
  if (isHl7Root(element)) return element;
  const inner = elements(element)[0];
  return inner && isHl7Root(inner) ? inner : null;
}

function fromXml(root: XmlElement, http: HttpCapture | null): AnyMessage {
  if (root.local === 'Envelope') {
    if (child(child(root, 'Header'), 'MessageHeader')) {
      return finish({
        envelope: 'ebxml',
        http,
        soap: null,
        ebxml: readEbxmlHeader(root),
        fault: null,
        hl7: null,
      });
    }
    const soap = readSoapEnvelope(root);
    return finish({
      envelope: 'soap',
      http,
      soap,
      ebxml: null,
      fault: soap.fault,
      hl7: soap.hl7Element ? readHl7(soap.hl7Element) : null,
    });
  }
  if (root.local === 'Fault') {
    const fault = readFault(root);
    return finish({ envelope: 'soap', http, soap: null, ebxml: null, fault, hl7: null });
  }
  const hl7 = hl7Root(root);
  if (!hl7)
    throw new Hl7ParseError(`Not a Spine message: unexpected root element <${root.name}>`, 'unexpected');
  return finish({ envelope: 'none', http, soap: null, ebxml: null, fault: null, hl7: readHl7(hl7) });
}

function finish(message: Omit<AnyMessage, 'error'>): AnyMessage {
  let error: SpineError | null = null;
  if (message.fault) {
    error = classifySpineError({
      layer: 'soap-fault',
      codes: message.fault.errors.map((e) => ({
        code: e.code,
        codeSystem: e.context,
        display: e.description,
        qualifier: e.severity,
      })),
    });
  } else if (message.ebxml && message.ebxml.kind === 'error') {
    error = classifySpineError({
      layer: 'ebxml',
      codes: message.ebxml.errors.map((e) => ({
        code: e.code,
        codeSystem: e.codeContext,
        display: e.description,
        qualifier: e.severity,
      })),
    });
  } else if (message.hl7) {
    error = toAcknowledgement(message.hl7)?.error ?? null;
    if (!error && message.hl7.interactionId.startsWith('QUQI_')) {
      error = classifySpineError({ layer: 'hl7', ackType: 'AE', codes: message.hl7.issues });
    }
  }
  return { ...message, error };
}

function fromMultipart(contentType: string, body: string, http: HttpCapture | null): AnyMessage {
  const parsed = parseEbxmlMessage(contentType, body);
  let hl7: ParsedHl7 | null = null;
  if (parsed.hl7 !== null) {
    const root = hl7Root(parseXml(parsed.hl7));
    if (!root) throw new Hl7ParseError('The ebXML payload part is not an HL7 message', 'unexpected');
    hl7 = readHl7(root);
  }
  return finish({ envelope: 'ebxml', http, soap: null, ebxml: parsed.header, fault: null, hl7 });
}

/** Detects what the text is and parses every layer of it. */
export function parseAny(text: string): AnyMessage {
  if (text.length > MAX_MESSAGE_BYTES + 64 * 1024) {
    throw new Hl7ParseError('Message is larger than the 5 MB Spine limit', 'too-large');
  }
  const trimmed = text.replace(/^\uFEFF/, '').replace(/^\s+/, '');
  const split = splitHttp(trimmed);
  const http = split?.capture ?? null;
  const body = split ? split.body.replace(/^\s+/, '') : trimmed;
  const contentType = http?.headers['content-type'];
  if (contentType && contentTypeParams(contentType).type === 'multipart/related') {
    return fromMultipart(contentType, body, http);
  }
  if (body.startsWith('--')) {
    // A bare multipart body: the first line is the delimiter, `--` + boundary (spec 4.1).
    const firstLine = body
      .slice(0, body.search(/\r?\n/) === -1 ? body.length : body.search(/\r?\n/))
      .trimEnd();
    const boundary = firstLine.slice(2);
    if (boundary === '' || /["\s]/.test(boundary))
      throw new Hl7ParseError('Unrecognised multipart boundary', 'malformed');
    return fromMultipart(`multipart/related; boundary="${boundary}"`, body, http);
  }
  if (!body.startsWith('<')) throw new Hl7ParseError('Not XML, MIME or an HTTP message', 'unexpected');
  return fromXml(parseXml(body), http);
}

/** The JSON shape of `smsp hl7 parse` (issue 3); extra fields: `http`, `error`. */
export function describeMessage(message: AnyMessage): Record<string, unknown> {
  const { soap, ebxml, fault, hl7 } = message;
  return {
    envelope: message.envelope,
    http: message.http
      ? {
          startLine: message.http.startLine,
          contentType: message.http.headers['content-type'] ?? null,
          soapAction: message.http.headers['soapaction'] ?? null,
        }
      : null,
    soap: soap ? { action: soap.action, messageId: soap.messageId, relatesTo: soap.relatesTo } : null,
    ebxml: ebxml
      ? {
          kind: ebxml.kind,
          messageId: ebxml.messageId,
          conversationId: ebxml.conversationId,
          refToMessageId: ebxml.refToMessageId,
          cpaId: ebxml.cpaId,
          service: ebxml.service,
          action: ebxml.action,
          from: ebxml.from,
          to: ebxml.to,
          ackRequested: ebxml.ackRequested,
          duplicateElimination: ebxml.duplicateElimination,
          syncReply: ebxml.syncReply,
          errors: ebxml.errors.map((e) => ({
            code: e.code,
            severity: e.severity,
            description: e.description,
          })),
        }
      : null,
    fault: fault
      ? {
          code: fault.code,
          reason: fault.reason,
          errors: fault.errors.map((e) => ({
            context: e.context,
            code: e.code,
            severity: e.severity,
            description: e.description,
          })),
        }
      : null,
    hl7: hl7
      ? {
          interactionId: hl7.interactionId,
          messageId: hl7.messageId,
          creationTime: hl7.creationTime,
          senderAsid: hl7.senderAsid,
          receiverAsid: hl7.receiverAsid,
          acknowledgement: hl7.acknowledgement,
          issues: hl7.issues.map((i) => ({
            code: i.code,
            codeSystem: i.codeSystem,
            display: i.display,
            qualifier: i.qualifier,
          })),
          queryResponseCode: hl7.queryResponseCode,
          patients: hl7.patients.map((p) => ({
            nhsNumber: p.nhsNumber,
            restricted: p.restricted,
            family: p.name?.family ?? null,
            given: p.name?.given ?? [],
            gender: p.gender,
            birthDate: p.birthDate,
            deathDate: p.deathDate,
            postcode: currentAddress(p)?.postcode ?? null,
            gpPracticeOds: p.gpPracticeOds,
            serialChangeNumber: p.serialChangeNumber,
          })),
          documents: hl7.documents.map((d) => ({ id: d.id, status: d.status, date: d.date })),
          gpSummary: hl7.gpSummary
            ? {
                id: hl7.gpSummary.id,
                code: hl7.gpSummary.code,
                effectiveTime: hl7.gpSummary.effectiveTime,
                nhsNumber: hl7.gpSummary.nhsNumber,
                authorName: hl7.gpSummary.author?.name ?? null,
                replaces: hl7.gpSummary.replaces,
                sections: hl7.gpSummary.sections,
                entries: hl7.gpSummary.entries.map((e) => ({
                  category: e.category,
                  type: e.type,
                  code: e.code,
                  display: e.display,
                })),
              }
            : null,
          permissions: hl7.permissions.map((p) => ({
            context: p.context,
            code: p.code,
            permission: p.permission,
          })),
        }
      : null,
    error: message.error
      ? {
          kind: message.error.kind,
          code: message.error.code,
          detailCode: message.error.detailCode,
          retryable: message.error.retryable,
          userMessage: message.error.userMessage,
        }
      : null,
  };
}
