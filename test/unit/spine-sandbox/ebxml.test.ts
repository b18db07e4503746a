// MIME multipart parsing of ebXML requests (spec 4.1): the parts, their Content-Ids and transfer
// encodings; and the ebXML messages the sandbox builds parse back with main/hl7.
import { describe, expect, it } from 'vitest';
import { parseEbxmlMessage } from '../../../main/hl7/ebxml';
import {
  buildEbxmlMessage,
  EbxmlViolation,
  MULTIPART_CONTENT_TYPE,
  parseMultipart,
} from '../../spine-sandbox/ebxml';

const CT =
  'multipart/related; boundary="--=_MIME-Boundary"; type="text/xml"; start="<ebXMLHeader@spine.nhs.uk>"';

describe('parseMultipart', () => {
  it('splits parts, reads Content-Id and decodes base64', () => {
    const body =
      '----=_MIME-Boundary\r\nContent-Id: <ebXMLHeader@spine.nhs.uk>\r\nContent-Type: text/xml\r\n\r\n<a/>\r\n' +
      `----=_MIME-Boundary\r\nContent-Id: <X@spine.nhs.uk>\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from('<b>é</b>').toString('base64')}\r\n` +
      '----=_MIME-Boundary--\r\n';
    const parts = parseMultipart(CT, Buffer.from(body));
    expect(parts.map((p) => p.contentId)).toEqual(['ebXMLHeader@spine.nhs.uk', 'X@spine.nhs.uk']);
    expect(parts[1]?.body).toBe('<b>é</b>');
  });

  it('accepts bare LF line endings', () => {
    const body =
      '----=_MIME-Boundary\nContent-Id: <h>\n\n<a/>\n----=_MIME-Boundary\nContent-Id: <p>\n\n<b/>\n----=_MIME-Boundary--\n';
    expect(parseMultipart(CT, Buffer.from(body)).map((p) => p.body)).toEqual(['<a/>', '<b/>']);
  });

  it('refuses a non-multipart type or a single part', () => {
    expect(() => parseMultipart('text/xml', Buffer.from('<a/>'))).toThrow(EbxmlViolation);
    expect(() =>
      parseMultipart(CT, Buffer.from('----=_MIME-Boundary\r\n\r\n<a/>\r\n----=_MIME-Boundary--')),
    ).toThrow(EbxmlViolation);
  });
});

describe('buildEbxmlMessage', () => {
  it('builds a reliable Spine message that main/hl7 parses, with AckRequested and the manifest naming the payload', () => {
    const built = buildEbxmlMessage({
      fromPartyKey: 'YES-0000806',
      toPartyKey: 'SMSPT-0000001',
      cpaId: 'S20001A000182',
      conversationId: 'C1',
      service: 'urn:nhs:names:services:psis',
      action: 'MCCI_IN010000UK13',
      refToMessageId: 'R1',
      reliable: true,
      hl7: '<MCCI_IN010000UK13 xmlns="urn:hl7-org:v3"/>',
    });
    const parsed = parseEbxmlMessage(MULTIPART_CONTENT_TYPE, built.body);
    expect(parsed.header.action).toBe('MCCI_IN010000UK13');
    expect(parsed.header.refToMessageId).toBe('R1');
    expect(parsed.header.messageId).toBe(built.messageId);
    expect(parsed.header.ackRequested).toBe(true);
    expect(parsed.hl7).toContain('MCCI_IN010000UK13');
  });
});
