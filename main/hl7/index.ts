// main/hl7: the HL7 V3 message library (issue 3). Pure (no I/O): builds every Spine request the
// client sends, parses what Spine sends back into typed domain objects, and wraps/unwraps the SOAP
// and ebXML envelopes. The wire rules are shared/spec/spine-hl7v3.md.
export type { MessageAuthor, MessageContext } from './context';
export type * from './types';

export { parseXml, Hl7ParseError, MAX_MESSAGE_BYTES, escapeXml } from './xml';
export type { XmlElement, XmlNode, Hl7ParseErrorReason } from './xml';
export { attr, child, elements, path, find, descendants, text, textOf } from './xml';

export { interactions, serviceForReply } from './interactions';
export type { InteractionInfo, MessagePattern } from './interactions';

export { buildSoapEnvelope, parseSoapEnvelope, readSoapEnvelope, buildSoapFault } from './soap';
export type {
  SoapEnvelopeParams,
  ParsedSoapEnvelope,
  SoapFault,
  SoapErrorDetail,
  SoapFaultParams,
} from './soap';

export {
  buildEbxmlMessage,
  buildEbxmlHeader,
  parseEbxmlMessage,
  readEbxmlHeader,
  buildEbxmlAcknowledgment,
  buildEbxmlMessageError,
  MIME_BOUNDARY,
} from './ebxml';
export type {
  EbxmlMessageParams,
  EbxmlAttachmentInput,
  BuiltEbxmlMessage,
  ParsedEbxmlMessage,
  EbxmlHeader,
  EbxmlError,
  EbxmlKind,
  EbxmlAttachment,
  EbxmlSignalParams,
  EbxmlMessageErrorParams,
} from './ebxml';

export { hl7Timestamp } from './wrapper';
export { buildPdsSimpleTrace, buildPdsAdvancedTrace, buildPdsRetrieval, GENDER_CODES } from './pds';
export type { SimpleTraceParams, AdvancedTraceParams, RetrievalParams } from './pds';
export {
  buildScrEventListQuery,
  buildScrEventQuery,
  buildPsisDocumentListRequest,
  buildPsisDocumentRequest,
} from './psis';
export type {
  DissentOverride,
  EventListQueryParams,
  EventQueryParams,
  DocumentListParams,
  DocumentListFilter,
  DocumentDataParams,
} from './psis';
export {
  buildSetResourcePermissions,
  buildGetResourcePermissions,
  buildHasResourcePermissions,
  PERMISSION_FOR_STATE,
} from './acs';
export type { SetPermissionsParams, GetPermissionsParams, HasPermissionsParams } from './acs';
export { buildLrSelfClaim } from './lrs';
export type { LrSelfClaimParams } from './lrs';
export { buildGpSummary } from './gp-summary';
export type { GpSummaryInput, GpSummaryBlock, GpSummaryEntryInput } from './gp-summary';

export { parseHl7, readHl7 } from './parse';
export type { ParsedHl7 } from './parse';
export {
  toPatients,
  toDocumentList,
  toSummaryCareRecord,
  toConsentState,
  toAcknowledgement,
} from './mappers';
export { classifySpineError, RETRYABLE_FAULT_CODES, CODE_SYSTEMS } from './acknowledgements';
export type { SpineErrorInput } from './acknowledgements';
export { parseAny, describeMessage } from './any';
export type { AnyMessage } from './any';
export { isoDate, isoDateTime } from './dates';
export { currentAddress } from './patients';
export { readGpSummary } from './scr';
export { sanitiseXhtml, safeText } from './xhtml';
export type { SanitiseReport } from './xhtml';
export { hasBidiControls, stripBidiControls } from './bidi';
