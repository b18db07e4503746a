// The synchronous transport's SOAP/WS-Addressing envelope (spine-hl7v3.md sections 3.2–3.4):
// building requests, parsing replies (body wrapper + HL7, or a SOAP fault with nasp:errorList),
// and building faults for the sandbox.
import { el, Markup, xmlDocument } from './markup';
import { assertUuid, OID } from './wrapper';
import { attr, child, elements, Hl7ParseError, parseXml, textOf, type XmlElement } from './xml';
import { namespacesOf, serialize } from './serialize';

export const NS = {
  soapEnv: 'http://schemas.xmlsoap.org/soap/envelope/',
  wsa: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  hl7: 'urn:hl7-org:v3',
  nasp: 'http://national.carerecords.nhs.uk/schema/',
} as const;

export interface SoapEnvelopeParams {
  /** Upper-case UUID; sent as `uuid:{id}` (41 characters, spec 3.2). */
  readonly messageId: string;
  /** `urn:nhs:names:services:{svc}/{INTERACTION}`. */
  readonly action: string;
  /** Spine endpoint URL (must be non-empty). */
  readonly to: string;
  /** Our address (wsa:From and wsa:ReplyTo). */
  readonly from: string;
  readonly toAsid: string;
  readonly fromAsid: string;
  /** The HL7 document (with or without XML declaration), root = interaction id. */
  readonly body: string;
  /** For a reply: the request's wsa:MessageID. */
  readonly relatesTo?: string;
  /** For a reply: the body wrapper element (spec 3.3), e.g. `retrievalQueryResponse`. */
  readonly bodyWrapper?: string;
}

export interface SoapErrorDetail {
  readonly context: string | null;
  readonly code: string;
  readonly severity: string | null;
  readonly location: string | null;
  readonly description: string | null;
}

export interface SoapFault {
  readonly code: string | null;
  readonly reason: string | null;
  readonly errors: readonly SoapErrorDetail[];
}

export interface ParsedSoapEnvelope {
  readonly action: string | null;
  /** Without the `uuid:` prefix. */
  readonly messageId: string | null;
  readonly relatesTo: string | null;
  readonly to: string | null;
  readonly from: string | null;
  readonly toAsid: string | null;
  readonly fromAsid: string | null;
  /** The body wrapper element's local name when the HL7 is wrapped (spec 3.3). */
  readonly bodyWrapper: string | null;
  /** The HL7 payload serialised back to a standalone document, or null (fault / empty). */
  readonly hl7: string | null;
  /** The HL7 payload as parsed (no second parse needed). */
  readonly hl7Element: XmlElement | null;
  readonly fault: SoapFault | null;
}

export interface SoapFaultParams {
  /** e.g. `SOAP:Server` or `soap:Client`. */
  readonly faultCode: string;
  readonly faultString: string;
  readonly errors: readonly {
    readonly codeContext?: string;
    readonly errorCode: string;
    readonly severity?: string;
    readonly location?: string;
    readonly description: string;
  }[];
}

/** Strips an XML declaration so a document can be embedded. */
export function stripDeclaration(xml: string): string {
  return xml.replace(/^\uFEFF?\s*<\?xml[^?]*\?>\s*/, '');
}

function asidHeader(name: string, asid: string): Markup {
  return el(`hl7:${name}`, null, el('hl7:device', null, el('hl7:id', { root: OID.asid, extension: asid })));
}

/**
 * A synchronous request (or, with relatesTo/bodyWrapper, a reply). Spine rules enforced (spec
 * 3.2): wsa:MessageID exactly 41 chars, one non-empty wsa:To, header ASIDs present. The body built
 * from the same MessageContext carries the same ASIDs and interaction id (tested in builders.test).
 */
export function buildSoapEnvelope(params: SoapEnvelopeParams): string {
  const messageId = `uuid:${assertUuid(params.messageId, 'messageId')}`;
  if (params.to.trim() === '') throw new Error('wsa:To must not be empty');
  if (params.action.trim() === '') throw new Error('wsa:Action must not be empty');
  const hl7 = new Markup(stripDeclaration(params.body));
  const body = params.bodyWrapper ? el(params.bodyWrapper, { xmlns: NS.hl7 }, hl7) : hl7;
  return xmlDocument(
    el(
      'SOAP-ENV:Envelope',
      { 'xmlns:SOAP-ENV': NS.soapEnv, 'xmlns:wsa': NS.wsa, 'xmlns:hl7': NS.hl7 },
      el(
        'SOAP-ENV:Header',
        null,
        el('wsa:MessageID', null, messageId),
        el('wsa:Action', null, params.action),
        el('wsa:To', null, params.to),
        el('wsa:From', null, el('wsa:Address', null, params.from)),
        asidHeader('communicationFunctionRcv', params.toAsid),
        asidHeader('communicationFunctionSnd', params.fromAsid),
        params.relatesTo ? el('wsa:RelatesTo', null, `uuid:${params.relatesTo}`) : null,
        el('wsa:ReplyTo', null, el('wsa:Address', null, params.from)),
      ),
      el('SOAP-ENV:Body', null, body),
    ),
  );
}

/** A SOAP fault with nasp:errorList (spec 3.4), as Spine sends with HTTP 500. */
export function buildSoapFault(params: SoapFaultParams): string {
  if (params.errors.length === 0) throw new Error('A SOAP fault needs at least one error');
  return xmlDocument(
    el(
      'SOAP:Envelope',
      { 'xmlns:SOAP': NS.soapEnv },
      el(
        'SOAP:Body',
        null,
        el(
          'SOAP:Fault',
          null,
          el('faultcode', null, params.faultCode),
          el('faultstring', null, params.faultString),
          el(
            'detail',
            null,
            el(
              'nasp:errorList',
              { 'xmlns:nasp': NS.nasp },
              params.errors.map((e) =>
                el(
                  'nasp:error',
                  null,
                  el('nasp:codeContext', null, e.codeContext ?? 'urn:nhs:names:error:tms'),
                  el('nasp:errorCode', null, e.errorCode),
                  el('nasp:severity', null, e.severity ?? 'Error'),
                  el('nasp:location', null, e.location ?? 'Not Supported'),
                  el('nasp:description', null, e.description),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function stripUuidPrefix(value: string | null): string | null {
  if (value === null) return null;
  return value.replace(/^uuid:/i, '');
}

/** Reads a SOAP fault element (prefix-agnostic). */
export function readFault(fault: XmlElement): SoapFault {
  const errors = elements(child(child(fault, 'detail'), 'errorList'), 'error').map((error) => ({
    context: textOf(child(error, 'codeContext')),
    code: textOf(child(error, 'errorCode')) ?? '',
    severity: textOf(child(error, 'severity')),
    location: textOf(child(error, 'location')),
    description: textOf(child(error, 'description')),
  }));
  return { code: textOf(child(fault, 'faultcode')), reason: textOf(child(fault, 'faultstring')), errors };
}

function headerAsid(header: XmlElement | null, name: string): string | null {
  return attr(child(child(child(header, name), 'device'), 'id'), 'extension');
}

/** Reads an already-parsed SOAP envelope. */
export function readSoapEnvelope(envelope: XmlElement): ParsedSoapEnvelope {
  if (envelope.local !== 'Envelope')
    throw new Hl7ParseError(`Not a SOAP envelope: <${envelope.name}>`, 'unexpected');
  const header = child(envelope, 'Header');
  const body = child(envelope, 'Body');
  const first = elements(body)[0] ?? null;
  let fault: SoapFault | null = null;
  let bodyWrapper: string | null = null;
  let hl7Element: XmlElement | null = null;
  if (first && first.local === 'Fault') {
    fault = readFault(first);
  } else if (first) {
    // Why: sync replies wrap the HL7 in an operation element (spec 3.3); a request does not.
    const inner = elements(first)[0];
    const looksLikeHl7 =
      child(first, 'interactionId') !== null || /_IN(?:\d{6}[A-Z]{2}|UK)\d{2}$/.test(first.local);
    if (!looksLikeHl7 && inner) {
      bodyWrapper = first.local;
      hl7Element = inner;
    } else {
      hl7Element = first;
    }
  }
  const scope = hl7Element ? namespacesOf(envelope, body, bodyWrapper ? first : null) : null;
  return new SoapEnvelopeReading(
    {
      action: textOf(child(header, 'Action')),
      messageId: stripUuidPrefix(textOf(child(header, 'MessageID'))),
      relatesTo: stripUuidPrefix(textOf(child(header, 'RelatesTo'))),
      to: textOf(child(header, 'To')),
      from: textOf(child(child(header, 'From'), 'Address')),
      toAsid: headerAsid(header, 'communicationFunctionRcv'),
      fromAsid: headerAsid(header, 'communicationFunctionSnd'),
      bodyWrapper,
      hl7Element,
      fault,
    },
    scope,
  );
}

/**
 * A class rather than an object literal with a getter: V8 puts such literals in the old
 * generation, and one that points at a freshly parsed tree keeps the tree alive through every
 * young-generation GC (see parse.ts).
 */
class SoapEnvelopeReading implements ParsedSoapEnvelope {
  readonly action: string | null;
  readonly messageId: string | null;
  readonly relatesTo: string | null;
  readonly to: string | null;
  readonly from: string | null;
  readonly toAsid: string | null;
  readonly fromAsid: string | null;
  readonly bodyWrapper: string | null;
  readonly hl7Element: XmlElement | null;
  readonly fault: SoapFault | null;
  readonly #scope: Record<string, string> | null;
  #hl7: string | null | undefined;

  constructor(fields: Omit<ParsedSoapEnvelope, 'hl7'>, scope: Record<string, string> | null) {
    this.action = fields.action;
    this.messageId = fields.messageId;
    this.relatesTo = fields.relatesTo;
    this.to = fields.to;
    this.from = fields.from;
    this.toAsid = fields.toAsid;
    this.fromAsid = fields.fromAsid;
    this.bodyWrapper = fields.bodyWrapper;
    this.hl7Element = fields.hl7Element;
    this.fault = fields.fault;
    this.#scope = scope;
  }

  /** Serialised on first use only: most callers read hl7Element and never need the text. */
  get hl7(): string | null {
    if (this.#hl7 === undefined)
      this.#hl7 = this.hl7Element && this.#scope ? serialize(this.hl7Element, this.#scope) : null;
    return this.#hl7;
  }
}

/** Parses a SOAP envelope from text (sync reply, sync request, or a fault). */
export function parseSoapEnvelope(text: string): ParsedSoapEnvelope {
  return readSoapEnvelope(parseXml(text));
}
