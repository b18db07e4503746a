// The error shapes the sandbox answers with (spine-hl7v3.md 3.4, 4.3, 5.1) and the one table of
// which Spine rule maps to which numeric code. Spine's own symbolic→numeric table is not public
// (spec 14), so the sandbox uses the codes seen in real samples: 201 "message not well formed"
// for structural/header faults (location = the element), 101 for SOAPAction/interaction
// problems, 200/206/208 (retryable per MHS) and 300 (not) for injected faults; ebXML errors use
// ValueNotRecognized with the TMS numbers seen in samples (501319 CPAId, 501314 To party).
import { randomUUID } from 'node:crypto';
import { esc } from './xml';

export interface SoapFaultError {
  readonly code: string;
  readonly description: string;
  readonly location?: string;
  readonly severity?: 'Error' | 'Warning';
}

/** Spine rules checked on transport headers, with the fault each produces. */
export const ruleFaults = {
  MESSAGE_NOT_WELL_FORMED: { code: '201', location: 'SOAP-ENV:Envelope' },
  SOAP_MESSAGE_ID_ERROR: { code: '201', location: 'wsa:MessageID' },
  SOAP_ACTION_ERROR: { code: '101', location: 'HTTP Header - SOAPAction' },
  SOAP_TO_ERROR: { code: '201', location: 'wsa:To' },
  SOAP_COMM_FUNC_RCV_ERROR: { code: '201', location: 'hl7:communicationFunctionRcv' },
  SOAP_COMM_FUNC_SND_ERROR: { code: '201', location: 'hl7:communicationFunctionSnd' },
  INCONSISTENT_HL7_INTERACTION_ID: { code: '101', location: 'HTTP Header - SOAPAction' },
  INCONSISTENT_COMM_FUNC_RCV: { code: '201', location: 'communicationFunctionRcv' },
  INCONSISTENT_COMM_FUNC_SND: { code: '201', location: 'communicationFunctionSnd' },
  UNKNOWN_ASID: { code: '201', location: 'communicationFunctionSnd' },
  UNSUPPORTED_INTERACTION: { code: '101', location: 'HTTP Header - SOAPAction' },
} as const;

export type TransportRule = keyof typeof ruleFaults;

export class RuleViolation extends Error {
  constructor(
    readonly rule: TransportRule,
    readonly detail: string,
  ) {
    super(`${rule}: ${detail}`);
  }
}

export function faultForRule(violation: RuleViolation): SoapFaultError {
  const entry = ruleFaults[violation.rule];
  return {
    code: entry.code,
    location: entry.location,
    description: `${violation.rule} - ${violation.detail}`,
  };
}

/** HTTP 500 SOAP fault with nasp:errorList (spec 3.4). */
export function soapFault(
  errors: readonly SoapFaultError[],
  faultcode = 'SOAP:Server',
  faultstring = 'Application Exception',
): string {
  const list = errors
    .map(
      (e) =>
        `<nasp:error><nasp:codeContext>urn:nhs:names:error:tms</nasp:codeContext>` +
        `<nasp:errorCode>${esc(e.code)}</nasp:errorCode><nasp:severity>${esc(e.severity ?? 'Error')}</nasp:severity>` +
        `<nasp:location>${esc(e.location ?? 'Not Supported')}</nasp:location>` +
        `<nasp:description>${esc(e.description)}</nasp:description></nasp:error>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<SOAP:Envelope xmlns:SOAP="http://schemas.xmlsoap.org/soap/envelope/" xmlns:nasp="http://national.carerecords.nhs.uk/schema/">` +
    `<SOAP:Body><SOAP:Fault><faultcode>${esc(faultcode)}</faultcode><faultstring>${esc(faultstring)}</faultstring>` +
    `<detail><nasp:errorList>${list}</nasp:errorList></detail></SOAP:Fault></SOAP:Body></SOAP:Envelope>`
  );
}

export const faultDescriptions: Readonly<Record<string, string>> = {
  '101': 'The service/interaction is not supported for the requested URI',
  '200': 'System failure to process message - default',
  '201': 'The message is not well formed',
  '206': 'Routing delivery failure',
  '208': 'Failure storing variable in memo',
  '300': 'Unable to process the message - not retriable',
};

export interface EbxmlParties {
  readonly fromPartyKey: string;
  readonly toPartyKey: string;
  readonly cpaId: string;
  readonly conversationId: string;
}

const ebNs =
  'xmlns:SOAP="http://schemas.xmlsoap.org/soap/envelope/" xmlns:eb="http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd"';

function messageHeader(parties: EbxmlParties, action: string, refToMessageId: string): string {
  return (
    `<eb:MessageHeader SOAP:mustUnderstand="1" eb:version="2.0">` +
    `<eb:From><eb:PartyId eb:type="urn:nhs:names:partyType:ocs+serviceInstance">${esc(parties.fromPartyKey)}</eb:PartyId></eb:From>` +
    `<eb:To><eb:PartyId eb:type="urn:nhs:names:partyType:ocs+serviceInstance">${esc(parties.toPartyKey)}</eb:PartyId></eb:To>` +
    `<eb:CPAId>${esc(parties.cpaId)}</eb:CPAId><eb:ConversationId>${esc(parties.conversationId)}</eb:ConversationId>` +
    `<eb:Service>urn:oasis:names:tc:ebxml-msg:service</eb:Service><eb:Action>${action}</eb:Action>` +
    `<eb:MessageData><eb:MessageId>${randomUUID().toUpperCase()}</eb:MessageId><eb:Timestamp>${new Date().toISOString().slice(0, 19)}Z</eb:Timestamp>` +
    `<eb:RefToMessageId>${esc(refToMessageId)}</eb:RefToMessageId></eb:MessageData></eb:MessageHeader>`
  );
}

/** ebXML MessageError, returned with HTTP 200 text/xml (spec 4.3). */
export function ebxmlMessageError(
  parties: EbxmlParties,
  refToMessageId: string,
  error: { readonly errorCode?: string; readonly description: string },
): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><SOAP:Envelope ${ebNs}><SOAP:Header>` +
    messageHeader(parties, 'MessageError', refToMessageId) +
    `<eb:ErrorList SOAP:mustUnderstand="1" eb:highestSeverity="Error" eb:version="2.0">` +
    `<eb:Error eb:codeContext="urn:oasis:names:tc:ebxml-msg:service:errors" eb:errorCode="${esc(error.errorCode ?? 'ValueNotRecognized')}" eb:severity="Error">` +
    `<eb:Description xml:lang="en-GB">${esc(error.description)}</eb:Description></eb:Error></eb:ErrorList>` +
    `</SOAP:Header><SOAP:Body/></SOAP:Envelope>`
  );
}

/** ebXML Acknowledgment for a reliable message (spec 4.4). */
export function ebxmlAcknowledgment(parties: EbxmlParties, refToMessageId: string): string {
  const ts = `${new Date().toISOString().slice(0, 19)}Z`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?><SOAP:Envelope ${ebNs}><SOAP:Header>` +
    messageHeader(parties, 'Acknowledgment', refToMessageId) +
    `<eb:Acknowledgment eb:version="2.0" SOAP:mustUnderstand="1" SOAP:actor="urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH">` +
    `<eb:Timestamp>${ts}</eb:Timestamp><eb:RefToMessageId>${esc(refToMessageId)}</eb:RefToMessageId>` +
    `<eb:From><eb:PartyId eb:type="urn:nhs:names:partyType:ocs+serviceInstance">${esc(parties.fromPartyKey)}</eb:PartyId></eb:From>` +
    `</eb:Acknowledgment></SOAP:Header><SOAP:Body/></SOAP:Envelope>`
  );
}
