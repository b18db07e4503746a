// Every copied Spine fixture (test/fixtures/PROVENANCE.md) parsed, with assertions on what it
// says: a table of envelope / interaction / key facts for all of them, then detailed checks of
// the messages each journey depends on. Templates are filled first (fixtures.ts).
import { describe, expect, it } from 'vitest';
import { Hl7ParseError, describeMessage, parseAny, type AnyMessage } from '../../../main/hl7/index';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURE_ROOT, listFixtures, loadFixture } from './fixtures';

interface Summary {
  envelope: string;
  id: string | null;
  facts: string;
}

/** The same compact facts the table below lists, computed from the parsed message. */
function summarise(message: AnyMessage): Summary {
  const m = describeMessage(message) as {
    envelope: string;
    hl7: {
      interactionId: string;
      patients: { nhsNumber: string }[];
      documents: unknown[];
      gpSummary: { nhsNumber: string } | null;
      permissions: { code: string; permission: string }[];
      acknowledgement: { type: string } | null;
      issues: { code: string }[];
    } | null;
    ebxml: { action: string | null; kind: string } | null;
    fault: { code: string | null } | null;
    error: { kind: string } | null;
  };
  const facts: string[] = [];
  const h = m.hl7;
  if (h) {
    if (h.patients.length) facts.push(`nhs:${h.patients.map((p) => p.nhsNumber).join('+')}`);
    if (h.documents.length) facts.push(`docs:${h.documents.length}`);
    if (h.gpSummary) facts.push(`scr:${h.gpSummary.nhsNumber}`);
    if (h.permissions.length)
      facts.push(`perm:${h.permissions.map((p) => `${p.code}=${p.permission}`).join('+')}`);
    if (h.acknowledgement) facts.push(`ack:${h.acknowledgement.type}`);
    if (h.issues.length) facts.push(`issues:${h.issues.map((i) => i.code).join('+')}`);
  }
  if (m.ebxml) facts.push(`eb:${m.ebxml.kind}`);
  if (m.error) facts.push(`err:${m.error.kind}`);
  return {
    envelope: m.envelope,
    id: h?.interactionId ?? m.ebxml?.action ?? m.fault?.code ?? null,
    facts: facts.join(' '),
  };
}

// [fixture, envelope (or 'throws'), interaction / action / fault code (or error text), facts]
const TABLE: readonly (readonly [string, string, string | null, string])[] = [
  [
    'NHSDigital__integration-adaptor-mhs/examples__SCRWebService__endpoints__tests__data__populated_message_template.xml',
    'none',
    'REPC_IN150016UK05',
    'scr:9446245796',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/examples__SCRWebService__endpoints__tests__data__success_response.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AA',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/examples__SCR__data__templates__16UK05.mustache',
    'none',
    'REPC_IN150016UK05',
    'scr:X',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/examples__SCR__scr__tests__test_xmls__SummaryUpdateExtendedContents.xml',
    'none',
    'REPC_IN150016UK05',
    'scr:9446245796',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/examples__SCR__scr__tests__test_xmls__badAttributeParse.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AA',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/examples__SCR__scr__tests__test_xmls__badTextAttribute.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AA',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/examples__SCR__scr__tests__test_xmls__cleanSummaryUpdate.xml',
    'none',
    'REPC_IN150016UK05',
    'scr:9446245796',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/examples__SCR__scr__tests__test_xmls__missingAttribute.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AA',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/examples__SCR__scr__tests__test_xmls__parseSuccessResponse.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AA',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/examples__SCR__scr__tests__test_xmls__replacementOf.xml',
    'none',
    'REPC_IN150016UK05',
    'scr:9446245796',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__fake_spine__fake_spine__configured_responses__async_reliable_success_response.xml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__fake_spine__fake_spine__configured_responses__ebxml_fault_single_error.xml',
    'ebxml',
    'MessageError',
    'eb:error err:transport-rejected',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__fake_spine__fake_spine__configured_responses__soap_fault_single_error.xml',
    'soap',
    'SOAP:Server',
    'err:system-error',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__fake_spine__fake_spine__configured_responses__soap_fault_that_should_be_retried.xml',
    'soap',
    'SOAP:Server',
    'err:system-error',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__fake_spine__fake_spine__vnp_responses__async_express_inbound.mustache',
    'ebxml',
    'QUPC_IN160102UK05',
    'docs:1 ack:AA eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__fake_spine__fake_spine__vnp_responses__async_reliable_inbound.mustache',
    'ebxml',
    'MCCI_IN010000UK13',
    'ack:AA eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__fake_spine__fake_spine__vnp_responses__async_reliable_outbound_response.mustache',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__fake_spine__fake_spine__vnp_responses__sync_outbound_response.mustache',
    'soap',
    'QUPA_IN050000UK32',
    'nhs:9691813343 ack:AA',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__integration_tests__integration_tests__data__templates__COPC_IN000001UK01.mustache',
    'none',
    'COPC_IN000001UK01',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__integration_tests__integration_tests__data__templates__INBOUND_UNEXPECTED_INVALID_MESSAGE.mustache',
    'ebxml',
    'COPC_IN000001UK01',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__integration_tests__integration_tests__data__templates__INBOUND_UNEXPECTED_MESSAGE.mustache',
    'ebxml',
    'COPC_IN000001UK01',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__integration_tests__integration_tests__data__templates__PRSC_IN080000UK07.mustache',
    'none',
    'PRSC_IN080000UK07',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__integration_tests__integration_tests__data__templates__QUPA_IN000008UK05.mustache',
    'none',
    'QUPA_IN000008UK05',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__integration_tests__integration_tests__data__templates__QUPA_IN040000UK32.mustache',
    'none',
    'QUPA_IN040000UK32',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__integration_tests__integration_tests__data__templates__QUPC_IN160101UK05.mustache',
    'none',
    'QUPC_IN160101UK05',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/integration-tests__integration_tests__integration_tests__data__templates__REPC_IN150016UK05.mustache',
    'none',
    'REPC_IN150016UK05',
    'scr:9449310742',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__data__templates__ebxml_ack.mustache',
    'ebxml',
    'X',
    'eb:acknowledgment',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__data__templates__ebxml_nack.mustache',
    'ebxml',
    'X',
    'eb:error err:transport-rejected',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__data__templates__ebxml_request.mustache',
    'ebxml',
    'QUPC_IN160101UK05',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__data__templates__soap_request.mustache',
    'soap',
    'QUPC_IN160101UK05',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__errors__tests__test_messages__ebxml_response_error_single.xml',
    'ebxml',
    'MessageError',
    'eb:error err:transport-rejected',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__errors__tests__test_messages__soapfault_response_single_error.xml',
    'soap',
    'SOAP:Server',
    'err:system-error',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__expected_messages__ebxml_ack.xml',
    'ebxml',
    'Acknowledgment',
    'eb:acknowledgment',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__expected_messages__ebxml_nack.xml',
    'ebxml',
    'MessageError',
    'eb:error err:transport-rejected',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__expected_messages__ebxml_request.xml',
    'ebxml',
    'QUPA_IN000006UK02',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__expected_messages__ebxml_request_multiple_attachments.xml',
    'ebxml',
    'QUPA_IN000006UK02',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__expected_messages__ebxml_request_one_attachment.xml',
    'ebxml',
    'QUPA_IN000006UK02',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__expected_messages__ebxml_request_one_attachment_with_document_id.xml',
    'ebxml',
    'QUPA_IN000006UK02',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__expected_messages__ebxml_request_one_external_attachment.xml',
    'ebxml',
    'QUPA_IN000006UK02',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__expected_messages__soap_request.xml',
    'soap',
    'QUPA_IN040000UK32',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_header.xml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_header_empty.xml',
    'ebxml',
    null,
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_invalid_application_xml_binary_hl7_payload.msg',
    'throws',
    'Malformed XML at line 1, column 1: Text outside the root',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_invalid_binary_ebxml_header.msg',
    'throws',
    'The first MIME part is not the ebXML hea',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_invalid_binary_hl7_payload.msg',
    'throws',
    'The ebXML HL7 payload part is not text/X',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_multiple_attachments.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_multiple_attachments.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_ack_requested.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_ack_requested.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_duplicate_elimination.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_duplicate_elimination.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_encoding.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_encoding.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_header.msg',
    'throws',
    'Not XML, MIME or an HTTP message',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_payload.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_payload.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_soap_actor.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_soap_actor.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_sync_reply.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_no_sync_reply.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_7bit_attachment.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_7bit_attachment.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_8bit_attachment.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_8bit_attachment.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_attachment_application_xml_content_type.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_attachment_application_xml_content_type.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_attachment_application_xml_content_type_no_description.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_attachment_application_xml_content_type_no_description.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_binary_attachment.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_binary_attachment.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_external_attachment.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_external_attachment.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_payload_defect.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_payload_defect.msg',
    'throws',
    'MIME part 2 has no blank line after its headers',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_response_error_empty.xml',
    'ebxml',
    'MessageError',
    'eb:error err:transport-rejected',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__ebxml_response_error_single.xml',
    'ebxml',
    'MessageError',
    'eb:error err:transport-rejected',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__soap_request_with_defect.msg',
    'soap',
    'QUPA_IN040000UK32',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__soapfault_response_empty.xml',
    'soap',
    'SOAP:Server',
    'err:system-error',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__soapfault_response_single_error.xml',
    'soap',
    'SOAP:Server',
    'err:system-error',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__soapfault_response_single_error_206.xml',
    'soap',
    'SOAP:Server',
    'err:system-error',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__soapfault_response_single_error_208.xml',
    'soap',
    'SOAP:Server',
    'err:system-error',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__common__mhs_common__messages__tests__test_messages__soapfault_response_single_error_300.xml',
    'soap',
    'SOAP:Server',
    'err:system-error',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__inbound__inbound__request__tests__messages__ebxml_ack.xml',
    'ebxml',
    'Acknowledgment',
    'eb:acknowledgment',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__inbound__inbound__request__tests__messages__ebxml_nack.xml',
    'ebxml',
    'MessageError',
    'eb:error err:transport-rejected',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__inbound__inbound__request__tests__messages__ebxml_no_reference.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__inbound__inbound__request__tests__messages__ebxml_request.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__inbound__inbound__request__tests__messages__ebxml_request.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__inbound__inbound__request__tests__messages__ebxml_request_unintended.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__inbound__inbound__request__tests__messages__ebxml_unknown_ref_to.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__inbound__inbound__request__tests__messages__ebxml_unsolicited.ebxml',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__inbound__inbound__request__tests__messages__ebxml_unsolicited.msg',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/mhs__inbound__inbound__request__tests__messages__sync_message.xml',
    'soap',
    'QUPA_IN040000UK32',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/test-scripts__tests__async-express.xml',
    'none',
    'QUPC_IN160101UK05',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/test-scripts__tests__async-reliable.xml',
    'none',
    'REPC_IN150016UK05',
    'scr:9446245796',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/test-scripts__tests__forward-reliable.xml',
    'none',
    'COPC_IN000001UK01',
    '',
  ],
  [
    'NHSDigital__integration-adaptor-mhs/test-scripts__tests__inbound-unsolicited.txt',
    'ebxml',
    'MCCI_IN010000UK13',
    'eb:message',
  ],
  ['NHSDigital__integration-adaptor-mhs/test-scripts__tests__sync.xml', 'none', 'QUPA_IN040000UK32', ''],
  [
    'NHSDigital__summary-care-record-api/docker__service__src__main__resources__mock-spine__acs__incorrectNhsNumber.xml',
    'soap',
    'MCCI_IN010000UK13',
    'ack:AE issues:400+35160 err:invalid-request',
  ],
  [
    'NHSDigital__summary-care-record-api/docker__service__src__main__resources__mock-spine__event-list-query__success.xml',
    'soap',
    'QUPC_IN200000SM04',
    'docs:2 perm:Store=Yes+View=Yes ack:AA',
  ],
  [
    'NHSDigital__summary-care-record-api/docker__service__src__main__resources__mock-spine__event-query__success.xml',
    'soap',
    'QUPC_IN210000UK04',
    'docs:1 scr:9995000180 ack:AA',
  ],
  [
    'NHSDigital__summary-care-record-api/docker__service__src__main__resources__mock-spine__upload-scr__pollingSuccess.txt',
    'ebxml',
    'MCCI_IN010000UK13',
    'ack:AA eb:message',
  ],
  [
    'NHSDigital__summary-care-record-api/docker__service__src__main__resources__set_resource_permissions_template.mustache',
    'soap',
    'SET_RESOURCE_PERMISSIONS_INUK01',
    'perm:X=X',
  ],
  [
    'NHSDigital__summary-care-record-api/docker__service__src__main__resources__templates__QUPC_IN180000SM04.mustache',
    'soap',
    'QUPC_IN180000SM04',
    '',
  ],
  [
    'NHSDigital__summary-care-record-api/docker__service__src__main__resources__templates__QUPC_IN190000UK04.mustache',
    'soap',
    'QUPC_IN190000UK04',
    '',
  ],
  [
    'NHSDigital__summary-care-record-api/docker__service__src__main__resources__templates__REPC_RM150007UK05.mustache',
    'ebxml',
    'REPC_IN150016SM05',
    'eb:message',
  ],
  [
    'NHSDigital__summary-care-record-api/docker__service__src__main__resources__templates__SET_RESOURCE_PERMISSIONS_INUK01.mustache',
    'soap',
    'SET_RESOURCE_PERMISSIONS_INUK01',
    'perm:View=X',
  ],
  [
    'nhsconnect__integration-adaptors/SCRWebService__endpoints__tests__data__populated_message_template.xml',
    'none',
    'REPC_IN150016UK05',
    'scr:9446245796',
  ],
  [
    'nhsconnect__integration-adaptors/SCR__scr__tests__test_xmls__SummaryUpdateExtendedContents.xml',
    'none',
    'REPC_IN150016UK05',
    'scr:9446245796',
  ],
  [
    'nhsconnect__integration-adaptors/SCR__scr__tests__test_xmls__cleanSummaryUpdate.xml',
    'none',
    'REPC_IN150016UK05',
    'scr:9446245796',
  ],
  [
    'nhsconnect__integration-adaptors/SCR__scr__tests__test_xmls__parseSuccessResponse.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AA',
  ],
  [
    'nhsconnect__integration-adaptors/SCR__scr__tests__test_xmls__replacementOf.xml',
    'none',
    'REPC_IN150016UK05',
    'scr:9446245796',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__ACS_Ruleset__MCCI_IN010000UK13_06.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AE issues:400 err:invalid-request',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2006B_Templates__QUPA_IN030000UK32_sync_InvalidMsg.xml',
    'none',
    'QUPA_IN030000UK32',
    'nhs:9407807606 ack:AA issues:3',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2006B_Templates__QUPA_IN050000UK32_sync_template.xml',
    'none',
    'QUPA_IN050000UK32',
    'nhs:9449310742 ack:AA',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__MCCI_IN010000UK13_async_template.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AE issues:400 err:invalid-request',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__MCCI_IN010000UK13_sync_template.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AE issues:400 err:invalid-request',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUPA_IN000007UK01_sync_template.xml',
    'none',
    'QUPA_IN000007UK01',
    'nhs:942111111111 ack:AA',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUPA_IN000007UK01_sync_template1.xml',
    'none',
    'QUPA_IN000007UK01',
    'nhs:9449310394 ack:AA issues:3',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUPA_IN000007UK01_sync_template2.xml',
    'none',
    'QUPA_IN000007UK01',
    'nhs:9449310602 ack:AA issues:3',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUPA_IN000009UK03_sync_template.xml',
    'none',
    'QUPA_IN000009UK03',
    'nhs:5552448715 ack:AA',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUPA_IN000009UK03_sync_template1.xml',
    'none',
    'QUPA_IN000009UK03',
    'nhs:9449310742 ack:AA',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUPA_IN000009UK03_sync_template_sensitive_response.xml',
    'none',
    'QUPA_IN000009UK03',
    'nhs:9407807541 ack:AA issues:9',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUPA_IN000011UK02_async_template.xml',
    'none',
    'QUPA_IN000011UK02',
    'nhs:9449310742 ack:AA issues:3',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUPA_IN000014UK01_QUQI_IN010000UK14_sync_template.xml',
    'none',
    'QUQI_IN010000UK14',
    'ack:AE issues:1+NHSNCC002 err:not-found',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUPA_IN000015UK02_sync_template.xml',
    'none',
    'QUPA_IN000015UK02',
    'nhs:9449310645 ack:AA',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUQI_IN010000UK14_async_template.xml',
    'none',
    'QUQI_IN010000UK14',
    'ack:AE issues:1+AT006 err:not-found',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUQI_IN010000UK14_sync_template.xml',
    'none',
    'QUQI_IN010000UK14',
    'ack:AE issues:1+ST004 err:not-found',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__PDS2008A_Templates__QUQI_IN010000UK14_sync_template1.xml',
    'none',
    'QUQI_IN010000UK14',
    'ack:AE issues:1+ST004 err:not-found',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_GP_Summary_Ruleset__GET_RESOURCE_PERMISSIONS_RESPONSE_INUK01.xml',
    'none',
    'GET_RESOURCE_PERMISSIONS_RESPONSE_INUK01',
    'perm:Store=No ack:AA',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_GP_Summary_Ruleset__MCCI_IN010000UK13_1102_4.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AE issues:420 err:consent-withheld',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_GP_Summary_Ruleset__MCCI_IN010000UK13_template.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AE issues:400 err:invalid-request',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_MiniService_Ruleset__MCCI_IN010000UK13_Success.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AA',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_MiniService_Ruleset__MCCI_IN010000UK13_async_template.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AE issues:400 err:invalid-request',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_MiniService_Ruleset__MCCI_IN010000UK13_template.xml',
    'none',
    'MCCI_IN010000UK13',
    'ack:AE issues:400 err:invalid-request',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_MiniService_Ruleset__PSISDocumentDataRequest_QUPC_IN160103UK05.xml',
    'none',
    'QUPC_IN160103UK05',
    '',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_MiniService_Ruleset__PSISDocumentDataRetrieval_QUPC_IN160104UK05.xml',
    'none',
    'QUPC_IN160104UK05',
    'docs:1 scr:9449310645 ack:AA',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_MiniService_Ruleset__PSISDocumentDataRetrieval_QUQI.xml',
    'none',
    'QUPC_IN160103UK05',
    '',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_MiniService_Ruleset__PSISDocumentListDataRetrieval_QUPC_IN160102UK05.xml',
    'none',
    'QUPC_IN160102UK05',
    'docs:1 ack:AA',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_MiniService_Ruleset__PSISDocumentListDataRetrieval_QUQI.xml',
    'none',
    'QUPC_IN160101UK05',
    '',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_MiniService_Ruleset__PSISDocumentListQuery_QUPC_IN160101UK05.xml',
    'none',
    'QUPC_IN160101UK05',
    '',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SCR_MiniService_Ruleset__QUQI_IN010000UK14_Response.xml',
    'none',
    'QUQI_IN010000UK14',
    'ack:AE issues:1 err:not-found',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__SoapFault_Template.xml',
    'soap',
    'SOAP:Server',
    'err:system-error',
  ],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__ebXMLError_template.xml',
    'ebxml',
    'MessageError',
    'eb:error err:transport-rejected',
  ],
  ['nhsdigitalmait__SPINE_MTH/simulator_config__ebxmlheadertemplate.txt', 'ebxml', 'X', 'eb:message'],
  ['nhsdigitalmait__SPINE_MTH/simulator_config__response_wrapper_no_timestamp.txt', 'soap', null, ''],
  [
    'nhsdigitalmait__SPINE_MTH/simulator_config__spine-ebxmlack-template.xml',
    'ebxml',
    'Acknowledgment',
    'eb:acknowledgment',
  ],
  ['nhsdigitalmait__SPINE_MTH/simulator_config__wsheadertemplate.txt', 'soap', null, ''],
  [
    'nhsdigitalmait__SPINE_MTH_SCR_Simulator/ExampleMessages__1b-EventListQuery_response_dissent (1).xml',
    'soap',
    'QUQI_IN010000UK14',
    'ack:AE issues:420+30418 err:access-refused',
  ],
  [
    'nhsdigitalmait__SPINE_MTH_SCR_Simulator/ExampleMessages__9693196392_event_list_query_req (1).xml',
    'soap',
    'QUPC_IN180000SM04',
    '',
  ],
  [
    'nhsdigitalmait__SPINE_MTH_SCR_Simulator/simulator_config__Templates__InvalidRequest_QUPC_IN180000SM04_Response.xml',
    'none',
    'QUQI_IN010000UK14',
    'ack:AE issues:400 err:invalid-request',
  ],
];

/** Fixtures whose message sits inside another format; each has its own test below. */
const SPECIAL = [
  /rest-client__/,
  /postman_collection/,
  /scr-get-2\.json$/,
  /transmitter_source_for_/,
  /Partial\.mustache$/,
  /querySCRResponse/,
];

describe('every copied Spine fixture', () => {
  it('has its provenance row in test/fixtures/PROVENANCE.md', () => {
    const provenance = readFileSync(join(FIXTURE_ROOT, '../PROVENANCE.md'), 'utf8');
    const rows = new Set([...provenance.matchAll(/^\| `spine\/([^`]+)`/gm)].map((m) => m[1]));
    expect(listFixtures().filter((f) => !rows.has(f))).toEqual([]);
    expect([...rows].filter((f) => f !== undefined && !listFixtures().includes(f))).toEqual([]);
  });

  it('is either in the table or has a dedicated test', () => {
    const listed = new Set(TABLE.map(([file]) => file));
    const missing = listFixtures().filter((f) => !listed.has(f) && !SPECIAL.some((re) => re.test(f)));
    expect(missing).toEqual([]);
  });

  it.each(TABLE)('%s', (file, envelope, id, facts) => {
    const text = loadFixture(file);
    if (envelope === 'throws') {
      expect(() => parseAny(text)).toThrow(Hl7ParseError);
      expect(() => parseAny(text)).toThrow(id ?? '');
      return;
    }
    expect(summarise(parseAny(text))).toEqual({ envelope, id, facts });
  });
});
