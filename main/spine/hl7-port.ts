// The transport's only doorway into main/hl7: envelopes, parsing and error classification come
// from the message library (one piece of code for one job); this module narrows them to what the
// transport needs, so a change in the library's shapes is absorbed here and nowhere else.
import { interactions, type MessagePattern } from '../hl7/interactions';
import { buildSoapEnvelope, parseSoapEnvelope, type ParsedSoapEnvelope } from '../hl7/soap';
import {
  buildEbxmlAcknowledgment,
  buildEbxmlMessage,
  buildEbxmlMessageError,
  parseEbxmlMessage,
} from '../hl7/ebxml';
import { parseHl7, readHl7 } from '../hl7/parse';
import { classifySpineError, toAcknowledgementFrom } from '../hl7/acknowledgements';
import { Hl7ParseError, type XmlElement } from '../hl7/xml';
import type { Acknowledgement, SpineError } from '../hl7/types';

export type InteractionPattern = MessagePattern;

export interface InteractionSummary {
  readonly service: string;
  readonly pattern: InteractionPattern;
}

export function interactionInfo(interactionId: string): InteractionSummary | null {
  const info = interactions[interactionId];
  return info ? { service: info.service, pattern: info.pattern } : null;
}

export interface SyncEnvelopeInput {
  readonly messageId: string;
  readonly action: string;
  readonly to: string;
  readonly from: string;
  readonly toAsid: string;
  readonly fromAsid: string;
  readonly hl7: string;
}

/** SOAP/WS-Addressing request (spec 3.2). */
export function buildSyncEnvelope(input: SyncEnvelopeInput): string {
  return buildSoapEnvelope({
    messageId: input.messageId,
    action: input.action,
    to: input.to,
    from: input.from,
    toAsid: input.toAsid,
    fromAsid: input.fromAsid,
    body: input.hl7,
  });
}

export interface FaultError {
  readonly code: string;
  readonly description: string | null;
}

export type SoapReading =
  | {
      readonly kind: 'reply';
      readonly hl7: string;
      /** The HL7 root as already parsed, so the business reading needs no second parse. */
      readonly element: XmlElement;
      readonly relatesTo: string | null;
      readonly action: string | null;
    }
  | { readonly kind: 'fault'; readonly reason: string | null; readonly errors: readonly FaultError[] };

/** Reads a SOAP reply or SOAP fault (spec 3.3, 3.4). Throws Hl7ParseError on unreadable XML. */
export function readSoap(text: string): SoapReading {
  const parsed = parseSoapEnvelope(text);
  if (parsed.fault) {
    return {
      kind: 'fault',
      reason: parsed.fault.reason,
      errors: parsed.fault.errors.map((error) => ({ code: error.code, description: error.description })),
    };
  }
  const element = parsed.hl7Element;
  if (!element) throw new Hl7ParseError('the SOAP body holds no HL7 message', 'unexpected');
  return new SoapReply(parsed, element);
}

/**
 * A SOAP reply whose HL7 text is re-serialised only if a caller asks for it: for a megabyte GP
 * Summary that costs as much as the parse itself, and the business reading and the gateway both
 * use `element`. A class, not an object literal with a getter (main/hl7/parse.ts says why).
 */
class SoapReply {
  readonly kind = 'reply';
  readonly relatesTo: string | null;
  readonly action: string | null;
  constructor(
    readonly envelope: ParsedSoapEnvelope,
    readonly element: XmlElement,
  ) {
    this.relatesTo = envelope.relatesTo;
    this.action = envelope.action;
  }
  get hl7(): string {
    return this.envelope.hl7 ?? '';
  }
}

export interface EbxmlInput {
  readonly cpaId: string;
  readonly conversationId: string;
  readonly messageId: string;
  readonly refToMessageId?: string;
  readonly service: string;
  readonly action: string;
  readonly fromPartyKey: string;
  readonly toPartyKey: string;
  readonly reliable: boolean;
  readonly hl7: string;
}

export interface WireMessage {
  readonly contentType: string;
  readonly body: string;
}

/** ebXML MIME multipart/related message (spec 4.1, 4.2): reliable sets both flags, express neither. */
export function buildEbxml(input: EbxmlInput): WireMessage {
  const built = buildEbxmlMessage({
    cpaId: input.cpaId,
    conversationId: input.conversationId,
    messageId: input.messageId,
    ...(input.refToMessageId ? { refToMessageId: input.refToMessageId } : {}),
    service: input.service,
    action: input.action,
    fromPartyKey: input.fromPartyKey,
    toPartyKey: input.toPartyKey,
    ackRequested: input.reliable,
    duplicateElimination: input.reliable,
    syncReply: true,
    hl7: input.hl7,
  });
  return { contentType: built.contentType, body: built.body };
}

export interface EbxmlReading {
  readonly kind: 'message' | 'acknowledgment' | 'error';
  readonly messageId: string | null;
  readonly conversationId: string | null;
  readonly refToMessageId: string | null;
  readonly cpaId: string | null;
  readonly service: string | null;
  readonly action: string | null;
  readonly from: string | null;
  readonly to: string | null;
  readonly ackRequested: boolean;
  readonly duplicateElimination: boolean;
  readonly hl7: string | null;
  readonly errors: readonly { readonly code: string | null; readonly description: string | null }[];
}

/** Reads an ebXML message, Acknowledgment or MessageError (multipart or a bare SOAP part). */
export function readEbxml(contentType: string, body: string): EbxmlReading {
  const parsed = parseEbxmlMessage(contentType, body);
  const header = parsed.header;
  return {
    kind: header.kind,
    messageId: header.messageId,
    conversationId: header.conversationId,
    refToMessageId: header.refToMessageId,
    cpaId: header.cpaId,
    service: header.service,
    action: header.action,
    from: header.from,
    to: header.to,
    ackRequested: header.ackRequested,
    duplicateElimination: header.duplicateElimination,
    hl7: parsed.hl7,
    errors: header.errors.map((error) => ({ code: error.code, description: error.description })),
  };
}

export interface AckInput {
  readonly received: EbxmlReading;
  readonly ourPartyKey: string;
  readonly messageId: string;
}

/** ebXML Acknowledgment for a reliable inbound message (spec 4.4): From/To swapped, same CPA and conversation. */
export function buildAcknowledgment(input: AckInput): string {
  return buildEbxmlAcknowledgment({
    messageId: input.messageId,
    refToMessageId: input.received.messageId ?? '',
    conversationId: input.received.conversationId ?? '',
    cpaId: input.received.cpaId ?? '',
    fromPartyKey: input.ourPartyKey,
    toPartyKey: input.received.from ?? '',
  });
}

export interface MessageErrorInput {
  readonly received: EbxmlReading;
  readonly ourPartyKey: string;
  readonly messageId: string;
  readonly code: string;
  readonly description: string;
}

/** ebXML MessageError (spec 4.3), e.g. `501314:Invalid To Party Type attribute`. */
export function buildMessageError(input: MessageErrorInput): string {
  return buildEbxmlMessageError({
    messageId: input.messageId,
    refToMessageId: input.received.messageId ?? '',
    conversationId: input.received.conversationId ?? '',
    cpaId: input.received.cpaId ?? '',
    fromPartyKey: input.ourPartyKey,
    toPartyKey: input.received.from ?? '',
    errors: [{ errorCode: 'ValueNotRecognized', description: `${input.code}:${input.description}` }],
  });
}

export interface BusinessReading {
  readonly interactionId: string | null;
  readonly messageId: string | null;
  /** HL7 `acknowledgement/messageRef/id/@root` = our request's HL7 id (spec 4.4). */
  readonly messageRef: string | null;
  readonly acknowledgement: Acknowledgement | null;
  /** A failure (AE/AR acknowledgement, QUQI query act failed); null for a successful reply. */
  readonly error: SpineError | null;
}

/** Reads an HL7 reply and decides success or failure (spec 5.1, 5.2). */
export function readBusiness(reply: string | XmlElement): BusinessReading {
  const parsed = typeof reply === 'string' ? parseHl7(reply) : readHl7(reply);
  const acknowledgement = toAcknowledgementFrom(
    parsed.acknowledgement,
    parsed.acknowledgementDetails,
    parsed.issues,
    parsed.successDetail,
  );
  const failed =
    parsed.interactionId === 'QUQI_IN010000UK14' ||
    acknowledgement?.type === 'AE' ||
    acknowledgement?.type === 'AR';
  const codes = [...parsed.issues, ...parsed.acknowledgementDetails];
  const classified =
    acknowledgement?.error ??
    classifySpineError({
      layer: 'hl7',
      ackType: acknowledgement?.type === 'AA' ? 'AE' : (acknowledgement?.type ?? 'AE'),
      codes,
    });
  return {
    interactionId: parsed.interactionId,
    messageId: parsed.messageId,
    messageRef: parsed.acknowledgement?.messageRef ?? null,
    acknowledgement,
    error: failed ? classified : null,
  };
}

export { Hl7ParseError };
