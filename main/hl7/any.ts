// parseAny: whatever the transport or a user hands us — a bare HL7 document, a SOAP envelope, an
// ebXML multipart body, or a whole captured HTTP message (start line, headers, body) — and the
// JSON view `smsp hl7 parse` prints (issue 3 shape).
import { parseEbxmlMessage, readEbxmlHeader, type EbxmlHeader } from './ebxml';
import { readHl7, type ParsedHl7 } from './parse';
import { readSoapEnvelope, type ParsedSoapEnvelope, type SoapFault } from './soap';
import { Hl7ParseError, parseXml } from './xml';

export interface AnyMessage {
  readonly envelope: 'soap' | 'ebxml' | 'none';
  readonly http: { readonly startLine: string; readonly headers: Readonly<Record<string, string>> } | null;
  readonly soap: ParsedSoapEnvelope | null;
  readonly ebxml: EbxmlHeader | null;
  readonly fault: SoapFault | null;
  readonly hl7: ParsedHl7 | null;
}

export function parseAny(_text: string): AnyMessage {
  throw new Hl7ParseError('not implemented', 'unexpected');
}

export function describeMessage(_message: AnyMessage): Record<string, unknown> {
  throw new Error('not implemented');
}

export const _unused = { parseEbxmlMessage, readEbxmlHeader, readHl7, readSoapEnvelope, parseXml };
