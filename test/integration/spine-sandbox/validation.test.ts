// Spine's request rules (spine-hl7v3.md 2-4): each broken rule gets the error shape and code a
// client would see from Spine (SOAP fault, MCCI AR, ebXML MessageError).
import { describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../spine-sandbox/index';
import {
  asyncHl7,
  author,
  author1,
  docListQuery,
  ebxmlRequest,
  sandboxForFile,
  retrievalQuery,
  send,
  syncRequest,
  uuid,
  type TlsIdentity,
} from './client';

let sandbox: SandboxHandle;
let tls: TlsIdentity;
sandboxForFile('sandbox-rules-', (started, identity) => {
  sandbox = started;
  tls = identity;
});

const post = (r: { body: string; headers: Record<string, string> }, path = '/sync-service') =>
  send(sandbox.url, tls, { path, headers: r.headers, body: r.body });

const faultCode = (body: string): string | undefined => /<nasp:errorCode>([^<]*)</.exec(body)?.[1];

describe('synchronous SOAP rules (spec 3.2, 2.1)', () => {
  const retrieval = (): string => retrievalQuery('9000000009');

  it.each([
    ['a wsa:MessageID that is not 41 characters', { messageId: 'uuid:1234' }, '201', 'SOAP_MESSAGE_ID_ERROR'],
    ['an empty wsa:To', { to: '' }, '201', 'SOAP_TO_ERROR'],
    [
      'a header sender ASID different from the body',
      { sndAsid: '999999999999' },
      '201',
      'INCONSISTENT_COMM_FUNC_SND',
    ],
    [
      'a header receiver ASID different from the body',
      { rcvAsid: '111111111111' },
      '201',
      'INCONSISTENT_COMM_FUNC_RCV',
    ],
    ['an empty header sender ASID', { sndAsid: '' }, '201', 'SOAP_COMM_FUNC_SND_ERROR'],
  ])('refuses %s with a SOAP fault', async (_what, tweak, code, rule) => {
    const reply = await post(syncRequest(sandbox, 'QUPA_IN000008UK02', retrieval(), tweak));
    expect(reply.status).toBe(500);
    expect(reply.body).toContain('<nasp:errorList>');
    expect(faultCode(reply.body)).toBe(code);
    expect(reply.body).toContain(rule);
  });

  it('refuses a SOAPAction header that differs from wsa:Action (101)', async () => {
    const r = syncRequest(sandbox, 'QUPA_IN000008UK02', retrieval());
    r.headers.SOAPAction = 'urn:nhs:names:services:pdsquery/QUPA_IN000005UK01';
    const reply = await post(r);
    expect(reply.status).toBe(500);
    expect(faultCode(reply.body)).toBe('101');
    expect(reply.body).toContain('SOAP_ACTION_ERROR');
  });

  it('refuses an interactionId that differs from the action and root element', async () => {
    const reply = await post(
      syncRequest(sandbox, 'QUPA_IN000008UK02', retrieval(), {
        hl7: { interactionId: 'QUPA_IN000005UK01', rootName: 'QUPA_IN000008UK02' },
      }),
    );
    expect(faultCode(reply.body)).toBe('101');
    expect(reply.body).toContain('INCONSISTENT_HL7_INTERACTION_ID');
  });

  it('refuses a body root element that differs from the interaction id', async () => {
    const reply = await post(
      syncRequest(sandbox, 'QUPA_IN000008UK02', retrieval(), { hl7: { rootName: 'QUPA_IN000005UK01' } }),
    );
    expect(reply.body).toContain('INCONSISTENT_HL7_INTERACTION_ID');
  });

  it('refuses an unregistered sender ASID (both header and body)', async () => {
    const r = syncRequest(sandbox, 'QUPA_IN000008UK02', retrieval(), {
      sndAsid: '123412341234',
      hl7: { sndAsid: '123412341234' },
    });
    const reply = await post(r);
    expect(reply.status).toBe(500);
    expect(reply.body).toContain('UNKNOWN_ASID');
  });

  it('refuses an interaction not served at /sync-service', async () => {
    const reply = await post(syncRequest(sandbox, 'QUPC_IN160101UK05', docListQuery('9000000009')));
    expect(faultCode(reply.body)).toBe('101');
    expect(reply.body).toContain('UNSUPPORTED_INTERACTION');
  });

  it('refuses XML that is not well formed, and any DOCTYPE (entities are never expanded)', async () => {
    const broken = await send(sandbox.url, tls, {
      path: '/sync-service',
      headers: { 'Content-Type': 'text/xml', SOAPAction: 'x' },
      body: '<SOAP-ENV:Envelope><SOAP-ENV:Body>',
    });
    expect(faultCode(broken.body)).toBe('201');
    const doctype = await send(sandbox.url, tls, {
      path: '/sync-service',
      headers: { 'Content-Type': 'text/xml', SOAPAction: 'x' },
      body: '<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><a>&x;</a>',
    });
    expect(doctype.status).toBe(500);
    expect(doctype.body).toContain('DOCTYPE');
  });

  it('answers an author with an empty id with MCCI AR and acknowledgementDetail 202', async () => {
    const r = syncRequest(sandbox, 'QUPA_IN000008UK02', retrieval(), {
      withAuthor: false,
      hl7: {
        controlAct: `${author('555254242102', '', 'R8000')}${author1(sandbox.clientAsid)}${retrieval()}`,
      },
    });
    const reply = await post(r);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<MCCI_IN010000UK13');
    expect(reply.body).toContain('typeCode="AR"');
    expect(reply.body).toMatch(/acknowledgementDetail typeCode="ER"><code code="202"/);
    expect(reply.body).toContain('CONTROL_ACT_AUTHOR_INVALID');
  });

  it('answers two authors, or three author1, with MCCI AR', async () => {
    for (const controlAct of [
      `${author()}${author()}${author1(sandbox.clientAsid)}${retrieval()}`,
      `${author()}${author1(sandbox.clientAsid)}${author1(sandbox.clientAsid)}${author1(sandbox.clientAsid)}${retrieval()}`,
      `${author()}${retrieval()}`,
    ]) {
      const reply = await post(
        syncRequest(sandbox, 'QUPA_IN000008UK02', retrieval(), { hl7: { controlAct } }),
      );
      expect(reply.body).toContain('typeCode="AR"');
    }
  });

  it.each([
    [
      'a creationTime of 8 characters',
      (x: string) => x.replace('<creationTime value="20260101120000"/>', '<creationTime value="20260101"/>'),
      'INVALID_CREATION_TIME',
    ],
    [
      'an empty versionCode',
      (x: string) => x.replace('<versionCode code="V3NPfIT3.0"/>', '<versionCode code=""/>'),
      'INVALID_VERSION_CODE',
    ],
  ])('answers %s with MCCI AR', async (_what, edit, rule) => {
    const r = syncRequest(sandbox, 'QUPA_IN000008UK02', retrieval());
    const reply = await post({ headers: r.headers, body: edit(r.body) });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('typeCode="AR"');
    expect(reply.body).toContain(rule);
  });

  it('accepts a system-only request without author (author is 0..1)', async () => {
    const reply = await post(syncRequest(sandbox, 'QUPA_IN000008UK02', retrieval(), { withAuthor: false }));
    expect(reply.body).toContain('<QUPA_IN000009UK03');
  });
});

describe('ebXML rules (spec 4.1, 4.2)', () => {
  const hl7 = (id = 'QUPC_IN160101UK05'): string => asyncHl7(sandbox, id, docListQuery('9000000009'));
  const errorOf = (body: string): string => /<eb:Description[^>]*>([^<]*)</.exec(body)?.[1] ?? '';

  it('accepts a well-formed express message with 202 and a façade location', async () => {
    const r = ebxmlRequest(sandbox, { interactionId: 'QUPC_IN160101UK05', hl7: hl7() });
    const reply = await post(r, r.path);
    expect(reply.status).toBe(202);
    expect(reply.headers['content-location']).toMatch(/\/_poll\//);
    expect(reply.headers['retry-after']).toBeDefined();
  });

  it.each([
    ['an unknown CPA id', { cpaId: 'S0000' }, '501319:Unknown eb:CPAId'],
    [
      "a To party that is not Spine's",
      { toPartyKey: 'XYZ-0000000' },
      '501314:Invalid To Party Type attribute',
    ],
    ['an unknown From party', { fromPartyKey: 'ABC-1234567' }, '501315'],
    [
      'DuplicateElimination on an express message',
      { duplicateElimination: true },
      'DUPLICATE_ELIMINATION_INCONSISTENT_WITH_CONTRACT',
    ],
    [
      'AckRequested on an express message',
      { ackRequested: true },
      'ACK_REQUESTED_INCONSISTENT_WITH_CONTRACT',
    ],
    [
      'a manifest reference to another part',
      { manifestHref: 'cid:other@spine.nhs.uk' },
      'INVALID_MANIFEST_REFERENCE',
    ],
    ['an empty manifest reference', { manifestHref: 'cid:' }, 'INVALID_MANIFEST_REFERENCE'],
    ['an empty ConversationId', { conversationId: '' }, 'eb:ConversationId'],
    [
      'a SOAPAction that is not Service/Action',
      { soapAction: 'urn:nhs:names:services:psisquery/QUPC_IN160103UK05' },
      'SOAP_ACTION_ERROR',
    ],
  ])('answers %s with an ebXML MessageError (HTTP 200)', async (_what, tweak, description) => {
    const r = ebxmlRequest(sandbox, { interactionId: 'QUPC_IN160101UK05', hl7: hl7(), ...tweak });
    const reply = await post(r, r.path);
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<eb:Action>MessageError</eb:Action>');
    expect(reply.body).toContain(`<eb:RefToMessageId>${r.messageId}</eb:RefToMessageId>`);
    expect(errorOf(reply.body)).toContain(description);
  });

  it.each([
    [
      'DuplicateElimination',
      { duplicateElimination: false },
      'DUPLICATE_ELIMINATION_INCONSISTENT_WITH_CONTRACT',
    ],
    ['AckRequested', { ackRequested: false }, 'ACK_REQUESTED_INCONSISTENT_WITH_CONTRACT'],
    ['SyncReply', { syncReply: false }, 'SYNCREPLY_INCONSISTENT_WITH_CONTRACT'],
  ])(
    'answers a reliable message without %s with an ebXML MessageError',
    async (_what, tweak, description) => {
      const r = ebxmlRequest(sandbox, {
        interactionId: 'REPC_IN040000UK15',
        hl7: asyncHl7(sandbox, 'REPC_IN040000UK15', '<subject/>'),
        ...tweak,
      });
      const reply = await post(r, r.path);
      expect(reply.status).toBe(200);
      expect(errorOf(reply.body)).toContain(description);
      expect(sandbox.state.uploads.filter((u) => u.messageId === r.messageId)).toHaveLength(0);
    },
  );

  it('answers eb:Action different from the HL7 interaction with a MessageError', async () => {
    const r = ebxmlRequest(sandbox, {
      interactionId: 'QUPC_IN160101UK05',
      hl7: asyncHl7(sandbox, 'QUPC_IN160103UK05', docListQuery('9000000009')),
    });
    const reply = await post(r, r.path);
    expect(errorOf(reply.body)).toContain('INCONSISTENT_HL7_INTERACTION_ID');
  });

  it('refuses a message posted to the wrong endpoint with SOAP fault 101', async () => {
    const r = ebxmlRequest(sandbox, { interactionId: 'QUPC_IN160101UK05', hl7: hl7() });
    const reply = await post(r, '/reliablemessaging/reliablerequest');
    expect(reply.status).toBe(500);
    expect(faultCode(reply.body)).toBe('101');
  });

  it('refuses a body that is not multipart/related with SOAP fault 201', async () => {
    const reply = await send(sandbox.url, tls, {
      path: '/reliablemessaging/queryrequest',
      headers: {
        'Content-Type': 'text/xml',
        SOAPAction: 'urn:nhs:names:services:psisquery/QUPC_IN160101UK05',
      },
      body: hl7(),
    });
    expect(reply.status).toBe(500);
    expect(faultCode(reply.body)).toBe('201');
  });

  it('answers a reliable message with 202 and an ebXML Acknowledgment on the same connection', async () => {
    const r = ebxmlRequest(sandbox, {
      interactionId: 'REPC_IN040000UK15',
      hl7: asyncHl7(sandbox, 'REPC_IN040000UK15', '<subject/>'),
      messageId: uuid(),
    });
    const reply = await post(r, r.path);
    expect(reply.status).toBe(202);
    expect(reply.body).toContain('<eb:Action>Acknowledgment</eb:Action>');
    expect(reply.body).toContain(`<eb:RefToMessageId>${r.messageId}</eb:RefToMessageId>`);
  });
});
