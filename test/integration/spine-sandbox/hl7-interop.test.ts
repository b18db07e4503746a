// The client's own message library against the sandbox: requests built by main/hl7 are accepted,
// and the sandbox's replies parse with main/hl7 into what the screens will show. Each side proves
// the other (issue 4).
import { describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../spine-sandbox/index';
import type { MessageContext } from '../../../main/hl7/context';
import { parseAny } from '../../../main/hl7/any';
import { buildSoapEnvelope } from '../../../main/hl7/soap';
import { buildEbxmlMessage } from '../../../main/hl7/ebxml';
import { buildPdsAdvancedTrace, buildPdsRetrieval } from '../../../main/hl7/pds';
import {
  buildPsisDocumentListRequest,
  buildPsisDocumentRequest,
  buildScrEventListQuery,
  buildScrEventQuery,
} from '../../../main/hl7/psis';
import { CPA, SERVICES, pollReply, sandboxForFile, send, uuid, type TlsIdentity } from './client';

let sandbox: SandboxHandle;
let tls: TlsIdentity;
sandboxForFile('sandbox-interop-', (started, identity) => {
  sandbox = started;
  tls = identity;
});

const context = (): MessageContext => ({
  messageId: uuid(),
  creationTime: new Date(),
  fromAsid: sandbox.clientAsid,
  toAsid: sandbox.spineAsid,
  author: { roleProfileId: '555254242102', userUuid: '555254240100', jobRoleCode: 'S8000:G8000:R8000' },
});

async function syncCall(interactionId: string, build: (c: MessageContext) => string) {
  const c = context();
  const action = `${SERVICES[interactionId]}/${interactionId}`;
  const body = buildSoapEnvelope({
    messageId: c.messageId,
    action,
    to: `${sandbox.url}/sync-service`,
    from: '127.0.0.1',
    toAsid: c.toAsid,
    fromAsid: c.fromAsid,
    body: build(c),
  });
  const reply = await send(sandbox.url, tls, {
    path: '/sync-service',
    headers: { 'Content-Type': 'text/xml; charset=UTF-8', SOAPAction: action },
    body,
  });
  expect(reply.status).toBe(200);
  return parseAny(reply.body);
}

async function asyncCall(interactionId: string, build: (c: MessageContext) => string, reliable = false) {
  const c = context();
  const built = buildEbxmlMessage({
    cpaId: CPA[interactionId] ?? '',
    conversationId: c.messageId,
    messageId: c.messageId,
    service: SERVICES[interactionId] ?? '',
    action: interactionId,
    fromPartyKey: sandbox.clientPartyKey,
    toPartyKey: sandbox.spinePartyKey,
    ackRequested: reliable,
    duplicateElimination: reliable,
    syncReply: true,
    hl7: build(c),
  });
  const accepted = await send(sandbox.url, tls, {
    path: reliable ? '/reliablemessaging/reliablerequest' : '/reliablemessaging/queryrequest',
    headers: { 'Content-Type': built.contentType, SOAPAction: `${SERVICES[interactionId]}/${interactionId}` },
    body: built.body,
  });
  expect(accepted.status, accepted.body).toBe(202);
  const done = await pollReply(sandbox, tls, String(accepted.headers['content-location']));
  return parseAny(
    `HTTP/1.1 200 OK\r\nContent-Type: ${String(done.headers['content-type'])}\r\n\r\n${done.body}`,
  );
}

describe('main/hl7 requests and replies against the sandbox', () => {
  it('PDS retrieval of 9000000009 and of the restricted 9000000025', async () => {
    const ordinary = await syncCall('QUPA_IN000008UK02', (c) =>
      buildPdsRetrieval(c, { nhsNumber: '9000000009' }),
    );
    expect(ordinary.error).toBeNull();
    const p = ordinary.hl7?.patients[0];
    expect(p?.nhsNumber).toBe('9000000009');
    expect(p?.name?.family).toBe(sandbox.state.patient('9000000009')?.name.family);
    expect(p?.gpPracticeOds).toBe(sandbox.state.patient('9000000009')?.gp[0]?.ods);
    const restricted = await syncCall('QUPA_IN000008UK02', (c) =>
      buildPdsRetrieval(c, { nhsNumber: '9000000025' }),
    );
    expect(restricted.hl7?.patients[0]?.restricted).toBe(true);
    expect(restricted.hl7?.patients[0]?.addresses).toHaveLength(0);
  });

  it('PDS retrieval of a superseded number reports the new one', async () => {
    const old = sandbox.state.pack.patients.find((x) => x.supersededBy);
    const reply = await syncCall('QUPA_IN000008UK02', (c) =>
      buildPdsRetrieval(c, { nhsNumber: old?.nhsNumber ?? '' }),
    );
    expect(reply.hl7?.patients[0]?.nhsNumber).toBe(old?.supersededBy);
    expect(reply.hl7?.issues.map((i) => i.code)).toContain('24');
  });

  it('PDS retrieval of 9111231130 is a typed no-match', async () => {
    const reply = await syncCall('QUPA_IN000008UK02', (c) =>
      buildPdsRetrieval(c, { nhsNumber: '9111231130' }),
    );
    expect(reply.hl7?.interactionId).toBe('QUQI_IN010000UK14');
    expect(reply.error).not.toBeNull();
  });

  it('SCR event list and event query give a GP Summary with sections and coded entries', async () => {
    const list = await syncCall('QUPC_IN180000SM04', (c) =>
      buildScrEventListQuery(c, { nhsNumber: '9000000009' }),
    );
    const doc = list.hl7?.documents.find((d) => d.status === 'normal');
    expect(doc).toBeDefined();
    const event = await syncCall('QUPC_IN190000UK04', (c) =>
      buildScrEventQuery(c, { nhsNumber: '9000000009', eventId: doc?.id ?? '' }),
    );
    const scr = event.hl7?.gpSummary;
    expect(scr?.nhsNumber).toBe('9000000009');
    expect(scr?.sections).toContain('Allergies and Adverse Reactions');
    expect(scr?.entries.some((e) => e.medication !== null && e.medication !== undefined)).toBe(true);
  });

  it('dissent comes back as a classified error', async () => {
    const dissent = sandbox.state.pack.patients.find((x) => x.consent === 'No');
    const reply = await syncCall('QUPC_IN180000SM04', (c) =>
      buildScrEventListQuery(c, { nhsNumber: dissent?.nhsNumber ?? '' }),
    );
    expect(reply.hl7?.issues.map((i) => i.code)).toEqual(expect.arrayContaining(['420', '30418']));
    expect(reply.error).not.toBeNull();
  });

  it('async document list and document (express ebXML built by main/hl7)', async () => {
    const list = await asyncCall('QUPC_IN160101UK05', (c) =>
      buildPsisDocumentListRequest(c, { nhsNumber: '9000000009' }),
    );
    expect(list.ebxml?.action).toBe('QUPC_IN160102UK05');
    const doc = list.hl7?.documents[0];
    expect(doc?.status).toBe('normal');
    const data = await asyncCall('QUPC_IN160103UK05', (c) =>
      buildPsisDocumentRequest(c, { nhsNumber: '9000000009', documentId: doc?.id ?? '' }),
    );
    expect(data.hl7?.gpSummary?.id).toBe(doc?.id);
  });

  it('advanced trace returns the three Hargreaves candidates', async () => {
    const reply = await asyncCall('QUPA_IN000006UK02', (c) =>
      buildPdsAdvancedTrace(c, {
        family: 'Hargreaves',
        gender: 'male',
        birthDateFrom: '1980-01-01',
        birthDateTo: '1989-12-31',
      }),
    );
    const expected = sandbox.state.pack.patients
      .filter((p) => p.name.family === 'Hargreaves')
      .map((p) => p.nhsNumber);
    expect(expected).toHaveLength(3);
    expect(reply.hl7?.patients.map((p) => p.nhsNumber).sort()).toEqual(expected.sort());
  });
});
