// Every interaction answered with content from the patient pack, and the state changes a
// client makes (consent, uploads, self-claims) showing in later answers.
import { describe, expect, it } from 'vitest';
import type { SandboxHandle } from '../../spine-sandbox/index';
import { parseXml, descendants, attr } from '../../spine-sandbox/xml';
import {
  acsGet,
  acsSet,
  advancedTraceQuery,
  asyncHl7,
  docListQuery,
  docQuery,
  ebxmlRequest,
  eventListQuery,
  eventQueryQuery,
  gpSummarySubject,
  hl7Part,
  sandboxForFile,
  pollReply,
  retrievalQuery,
  send,
  syncRequest,
  traceQuery,
  uuid,
  type TlsIdentity,
} from './client';

let sandbox: SandboxHandle;
let tls: TlsIdentity;
sandboxForFile('sandbox-ix-', (started, identity) => {
  sandbox = started;
  tls = identity;
});

const sync = async (interactionId: string, inner: string): Promise<string> => {
  const r = syncRequest(sandbox, interactionId, inner);
  const reply = await send(sandbox.url, tls, { path: '/sync-service', headers: r.headers, body: r.body });
  expect(reply.status).toBe(200);
  return reply.body;
};

/** Sends an async request and collects its business reply through the façade. */
const viaFacade = async (
  interactionId: string,
  inner: string,
  messageId = uuid(),
): Promise<{ ack: string; reply: string; status: number }> => {
  const r = ebxmlRequest(sandbox, { interactionId, hl7: asyncHl7(sandbox, interactionId, inner), messageId });
  const accepted = await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
  expect(accepted.status).toBe(202);
  const location = String(accepted.headers['content-location']);
  const done = await pollReply(sandbox, tls, location);
  expect(done.status).toBe(200);
  return { ack: accepted.body, reply: hl7Part(done.body), status: accepted.status };
};

const special = (n: string) => {
  const p = sandbox.state.patient(n);
  if (!p) throw new Error(`pack lacks ${n}`);
  return p;
};
const byNote = (text: string) => {
  const p = sandbox.state.pack.patients.find((x) => x.note.includes(text));
  if (!p) throw new Error(`pack lacks "${text}"`);
  return p;
};

describe('PDS', () => {
  it('retrieves 9000000009 with name, address, GP and serial change number from the pack', async () => {
    const p = special('9000000009');
    const body = await sync('QUPA_IN000008UK02', retrievalQuery('9000000009'));
    expect(body).toContain('<wsa:Action>urn:nhs:names:services:pdsquery/QUPA_IN000009UK03</wsa:Action>');
    expect(body).toContain(`<family>${p.name.family}</family>`);
    expect(body).toContain(`<postalCode>${p.addresses[0]?.postcode}</postalCode>`);
    expect(body).toContain(`extension="${p.gp[0]?.ods}"`);
    expect(body).toContain(`<value value="${p.serialChangeNumber}"/>`);
    expect(body).toContain('<queryResponseCode code="OK"/>');
  });

  it('returns a restricted patient with confidentialityCode, code 9 and no demographics', async () => {
    const body = await sync('QUPA_IN000008UK02', retrievalQuery('9000000025'));
    expect(body).toContain('<confidentialityCode codeSystem="2.16.840.1.113883.2.1.3.2.4.16.1" code="S"/>');
    expect(body).toMatch(/code="9" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.42"/);
    expect(body).not.toContain('<family>');
    expect(body).not.toContain('<postalCode>');
  });

  it('answers 9111231130 with QUQI code 1 (not known)', async () => {
    const body = await sync('QUPA_IN000008UK02', retrievalQuery('9111231130'));
    expect(body).toContain('<QUQI_IN010000UK14');
    expect(body).toMatch(/code="1" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.42"/);
    expect(body).toContain('<queryResponseCode code="ID"/>');
  });

  it('follows a superseded number to the new one with warning 24', async () => {
    const old = byNote('Superseded NHS number');
    const body = await sync('QUPA_IN000008UK02', retrievalQuery(old.nhsNumber));
    expect(body).toMatch(/code="24" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.42"/);
    expect(body).toContain(`extension="${old.supersededBy}"`);
  });

  it('returns the deceased date', async () => {
    const p = byNote('Deceased');
    const body = await sync('QUPA_IN000008UK02', retrievalQuery(p.nhsNumber));
    expect(body).toContain(`<deceasedTime value="${p.deceasedDate}"/>`);
  });

  it('returns the current practice of a patient who moved practice, and both with history', async () => {
    const p = byNote('Two GP practices');
    const body = await sync('QUPA_IN000008UK02', retrievalQuery(p.nhsNumber));
    expect(body).toContain('extension="Y90004"');
    expect(body).not.toContain('extension="Y90001"');
    const historic = await sync(
      'QUPA_IN000008UK02',
      retrievalQuery(p.nhsNumber).replace('<value code="0"', '<value code="1"'),
    );
    expect(historic.indexOf('extension="Y90004"')).toBeLessThan(historic.indexOf('extension="Y90001"'));
    expect(historic).toContain('<high value="20210331"/>');
  });

  it('simple-traces a unique patient, and refuses several candidates as no unique match', async () => {
    const p = special('9000000009');
    const one = await sync(
      'QUPA_IN000005UK01',
      traceQuery({ family: p.name.family, gender: p.gender, birth: p.birthDate }),
    );
    expect(one).toContain('<traceQueryResponse><QUPA_IN000007UK01');
    expect(one).toContain('extension="9000000009"');
    const many = await sync(
      'QUPA_IN000005UK01',
      traceQuery({ family: 'HARGREAVES', gender: '1', low: '19800101', high: '19891231' }),
    );
    expect(many).toContain('<QUQI_IN010000UK14');
  });

  it('advanced-traces the three Hargreaves candidates (async, via the façade)', async () => {
    const { reply } = await viaFacade(
      'QUPA_IN000006UK02',
      advancedTraceQuery({ family: 'Hargreaves', gender: '1', low: '19800101', high: '19891231' }),
    );
    expect(reply).toContain('<QUPA_IN000011UK02');
    const ids = descendants(parseXml(reply), 'patientRole').length;
    expect(ids).toBe(3);
  });
});

describe('SCR (PSIS)', () => {
  it('lists 9000000009 events with the document and answers the event query with its GP Summary', async () => {
    const doc = sandbox.state.documents('9000000009')[0];
    expect(doc).toBeDefined();
    const list = await sync('QUPC_IN180000SM04', eventListQuery('9000000009'));
    expect(list).toContain('<QUPC_IN200000SM04');
    expect(list).toContain(`<psis:eventID root="${doc?.id}"/>`);
    const event = await sync('QUPC_IN190000UK04', eventQueryQuery('9000000009', doc?.id ?? ''));
    expect(event).toContain('<QUPC_IN210000UK04');
    expect(event).toContain('<html xmlns="xhtml:NPfIT:PresentationText">');
    expect(event).toContain('Allergy to penicillin');
    expect(event).toContain('UKCT_MT144040UK01.CurrentRepeatMedication');
    expect(event).toContain('Has lasting power of attorney');
  });

  it('answers no SCR (9000000033) with 210/30312, dissent with 420/30418, merged with 410/30307', async () => {
    expect(await sync('QUPC_IN180000SM04', eventListQuery('9000000033'))).toMatch(/code="30312"/);
    const dissent = byNote('Consent No');
    const refused = await sync('QUPC_IN180000SM04', eventListQuery(dissent.nhsNumber));
    expect(refused).toMatch(/code="420"/);
    expect(refused).toMatch(/code="30418"/);
    const merged = byNote('Merged into');
    expect(await sync('QUPC_IN180000SM04', eventListQuery(merged.nhsNumber))).toMatch(/code="30307"/);
  });

  it('lists documents with their states (async) and returns one document', async () => {
    const p = byNote('Withdrawn and replaced');
    const { reply } = await viaFacade('QUPC_IN160101UK05', docListQuery(p.nhsNumber));
    expect(reply).toContain('<QUPC_IN160102UK05');
    expect(reply).toContain('displayName="Normal"');
    expect(reply).toContain('displayName="Replaced"');
    expect(reply).toContain('displayName="Withdrawn"');
    const normal = p.documents.find((d) => d.status === 'Normal');
    const { reply: data } = await viaFacade('QUPC_IN160103UK05', docQuery(p.nhsNumber, normal?.id ?? ''));
    expect(data).toContain('<QUPC_IN160104UK05');
    expect(data).toContain('<component7 typeCode="COMP"><GPSummary');
    expect(data).toContain(
      `<replacementOf typeCode="RPLC"><priorMessageRef classCode="COMPOSITION" moodCode="EVN"><id root="${normal?.replaces}"/>`,
    );
  });

  it('serves the large GP Summary for the render benchmark', async () => {
    const p = byNote('LARGE GP Summary');
    const { reply } = await viaFacade('QUPC_IN160103UK05', docQuery(p.nhsNumber, p.documents[0]?.id ?? ''));
    expect(reply.length).toBeGreaterThan(500_000);
    expect(parseXml(reply).name).toBe('QUPC_IN160104UK05');
  });
});

describe('ACS and state changes', () => {
  it('omits Ask, then shows No after a set, and the SCR is then refused', async () => {
    const n = byNote('Ordinary patient').nhsNumber;
    const before = await sync('GET_RESOURCE_PERMISSIONS_INUK01', acsGet(n));
    expect(before).toContain('<GET_RESOURCE_PERMISSIONS_RESPONSE_INUK01');
    expect(before).not.toContain('<accessControlAssertion>');
    const set = await sync('SET_RESOURCE_PERMISSIONS_INUK01', acsSet(n, 'No'));
    expect(set).toContain('<setResourcePermissionsResponse><MCCI_IN010000UK13');
    expect(set).toContain('typeCode="AA"');
    const after = await sync('GET_RESOURCE_PERMISSIONS_INUK01', acsGet(n));
    expect(after).toContain('<permission>No</permission>');
    expect(await sync('QUPC_IN180000SM04', eventListQuery(n))).toMatch(/code="30418"/);
    await sync('SET_RESOURCE_PERMISSIONS_INUK01', acsSet(n, 'Clear'));
    expect(sandbox.state.consent(n)).toBe('Ask');
  });

  it('answers HAS_RESOURCE_PERMISSIONS with the current consent', async () => {
    const n = byNote('Consent No').nhsNumber;
    const has =
      `<crs:hasResourcePermissionsRequest xmlns:crs="http://national.carerecords.nhs.uk/schema/crs/"><crs:accessControlQuery>` +
      `<crs:resourceContext root="2.16.840.1.113883.2.1.4.1" extension="${n}"/><crs:accessControlSet><crs:resource><crs:type>SCR</crs:type><crs:Id>${n}</crs:Id></crs:resource>` +
      `<crs:function><crs:context>Consent</crs:context><crs:code>View</crs:code></crs:function></crs:accessControlSet></crs:accessControlQuery></crs:hasResourcePermissionsRequest>`;
    const reply = await sync('HAS_RESOURCE_PERMISSIONS_INUK01', has);
    expect(reply).toContain('<HAS_RESOURCE_PERMISSIONS_RESPONSE_INUK01');
    expect(reply).toContain('<permission>No</permission>');
  });

  it('rejects inconsistent View and Store permissions with AE', async () => {
    const n = '9000000009';
    const body = acsSet(n, 'Yes', ['View', 'Store']).replace(
      '<crs:permission>Yes</crs:permission>',
      '<crs:permission>No</crs:permission>',
    );
    const reply = await sync('SET_RESOURCE_PERMISSIONS_INUK01', body);
    expect(reply).toContain('typeCode="AE"');
    expect(reply).toContain('Inconsistent Permission to View and Store');
    expect(sandbox.state.consent(n)).toBe('Ask');
  });

  it('stores an uploaded GP Summary (AA), replaces the old one, and eliminates a duplicate MessageId', async () => {
    const n = '9000000009';
    const prior = sandbox.state.documents(n)[0]?.id ?? '';
    const documentId = uuid();
    const messageId = uuid();
    const first = await viaFacade(
      'REPC_IN150016UK05',
      gpSummarySubject(n, documentId, prior, 'Uploaded &lt;&amp;&gt; summary'),
      messageId,
    );
    expect(first.ack).toContain('<eb:Action>Acknowledgment</eb:Action>');
    expect(first.reply).toContain('typeCode="AA"');
    expect(first.reply).toContain('GP Summary upload successful');
    const list = await sync('QUPC_IN180000SM04', eventListQuery(n));
    expect(list).toContain(`<psis:eventID root="${documentId}"/>`);
    expect(sandbox.state.documents(n).find((d) => d.id === prior)?.status).toBe('Replaced');
    const event = await sync('QUPC_IN190000UK04', eventQueryQuery(n, documentId));
    expect(event).toContain('Uploaded &lt;&amp;&gt; summary');
    // The same MessageId again: the same answer, no second document, no second upload record.
    const again = await viaFacade('REPC_IN150016UK05', gpSummarySubject(n, documentId, prior), messageId);
    expect(again.reply).toContain('typeCode="AA"');
    expect(sandbox.state.uploads.filter((u) => u.messageId === messageId)).toHaveLength(1);
    expect(sandbox.state.documents(n).filter((d) => d.id === documentId)).toHaveLength(1);
  });

  it('rejects an upload for a dissenting patient with AE 420/30402', async () => {
    const n = byNote('Consent No').nhsNumber;
    const { reply } = await viaFacade('REPC_IN150016UK05', gpSummarySubject(n, uuid()));
    expect(reply).toContain('typeCode="AE"');
    expect(reply).toMatch(/code="30402"/);
  });

  it('rejects an upload without an author name with AE (INVALID_DOCUMENT_DATA)', async () => {
    const { reply } = await viaFacade(
      'REPC_IN150016UK05',
      gpSummarySubject('9000000009', uuid()).replace('<name>Dr Test Author</name>', ''),
    );
    expect(reply).toContain('typeCode="AE"');
    expect(reply).toContain('INVALID_DOCUMENT_DATA');
  });

  it('records an LR self-claim (AA)', async () => {
    const sc =
      `<subject typeCode="SUBJ"><SCRequest classCode="OBS" moodCode="EVN"><reasonCode code="1"/>` +
      `<recordTarget typeCode="RCT"><patient classCode="PAT"><id root="2.16.840.1.113883.2.1.4.1" extension="9000000009"/></patient></recordTarget></SCRequest></subject>`;
    const { reply } = await viaFacade('REPC_IN040000UK15', sc);
    expect(reply).toContain('typeCode="AA"');
    expect(sandbox.state.relationships.has('9000000009:555254240100')).toBe(true);
  });

  it('answers an async request with a bad author as MCCI AR', async () => {
    const r = ebxmlRequest(sandbox, {
      interactionId: 'QUPC_IN160101UK05',
      hl7: asyncHl7(sandbox, 'QUPC_IN160101UK05', docListQuery('9000000009'), {
        controlAct: `<author typeCode="AUT"><AgentPersonSDS classCode="AGNT"><id root="1.2.826.0.1285.0.2.0.67" extension=""/></AgentPersonSDS></author>${docListQuery('9000000009')}`,
      }),
    });
    const accepted = await send(sandbox.url, tls, { path: r.path, headers: r.headers, body: r.body });
    const done = await pollReply(sandbox, tls, String(accepted.headers['content-location']));
    const reply = hl7Part(done.body);
    expect(reply).toContain('typeCode="AR"');
    expect(attr(descendants(parseXml(reply), 'acknowledgementDetail')[0]?.children[0], 'code')).toBe('202');
  });
});
