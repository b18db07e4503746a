// The requests the client builds obey the Spine rules of spine-hl7v3.md: root element =
// interaction id = interactionId/@extension = the wsa:Action suffix, 41-character wsa:MessageID,
// header ASIDs equal body ASIDs, author 0..1 with all three ids, author1 1..2, ebXML flags per
// pattern — and each builds back into the domain objects the parsers produce.
import { describe, expect, it } from 'vitest';
import {
  buildEbxmlAcknowledgment,
  buildEbxmlHeader,
  buildEbxmlMessage,
  buildEbxmlMessageError,
  buildGetResourcePermissions,
  buildGpSummary,
  buildHasResourcePermissions,
  buildLrSelfClaim,
  buildPdsAdvancedTrace,
  buildPdsRetrieval,
  buildPdsSimpleTrace,
  buildPsisDocumentListRequest,
  buildPsisDocumentRequest,
  buildScrEventListQuery,
  buildScrEventQuery,
  buildSetResourcePermissions,
  buildSoapEnvelope,
  buildSoapFault,
  child,
  elements,
  attr,
  find,
  interactions,
  serviceForReply,
  parseAny,
  parseEbxmlMessage,
  parseHl7,
  parseSoapEnvelope,
  parseXml,
  path,
  textOf,
  toConsentState,
  toSummaryCareRecord,
  type XmlElement,
} from '../../../main/hl7/index';
import { CONTEXT, GP_SUMMARY, NHS, RELIABLE_EBXML } from './samples';

const REQUESTS: readonly [string, () => string][] = [
  [
    'QUPA_IN000005UK01',
    () =>
      buildPdsSimpleTrace(CONTEXT, {
        family: 'PURVES',
        given: ['SADIA'],
        gender: 'female',
        birthDate: '1966-11-11',
      }),
  ],
  [
    'QUPA_IN000006UK02',
    () =>
      buildPdsAdvancedTrace(CONTEXT, { family: "O'Six-O'Clock", gender: 'male', birthDate: '2012-10-29' }),
  ],
  ['QUPA_IN000008UK02', () => buildPdsRetrieval(CONTEXT, { nhsNumber: NHS })],
  ['QUPC_IN180000SM04', () => buildScrEventListQuery(CONTEXT, { nhsNumber: NHS })],
  [
    'QUPC_IN190000UK04',
    () => buildScrEventQuery(CONTEXT, { nhsNumber: NHS, eventId: 'FA60BE64-1F34-11EB-A2A8-000C29A364EB' }),
  ],
  ['QUPC_IN160101UK05', () => buildPsisDocumentListRequest(CONTEXT, { nhsNumber: NHS })],
  [
    'QUPC_IN160103UK05',
    () =>
      buildPsisDocumentRequest(CONTEXT, {
        nhsNumber: NHS,
        documentId: '03EEFE2E-796C-11E3-B681-00059A3C7800',
      }),
  ],
  [
    'SET_RESOURCE_PERMISSIONS_INUK01',
    () => buildSetResourcePermissions(CONTEXT, { nhsNumber: NHS, state: 'ask' }),
  ],
  ['GET_RESOURCE_PERMISSIONS_INUK01', () => buildGetResourcePermissions(CONTEXT, { nhsNumber: NHS })],
  ['HAS_RESOURCE_PERMISSIONS_INUK01', () => buildHasResourcePermissions(CONTEXT, { nhsNumber: NHS })],
  ['REPC_IN040000UK15', () => buildLrSelfClaim(CONTEXT, { nhsNumber: NHS, reasonCode: '01' })],
  ['REPC_IN150016UK05', () => buildGpSummary(CONTEXT, GP_SUMMARY)],
];

function controlAct(root: XmlElement): XmlElement {
  const act = child(root, 'ControlActEvent');
  if (!act) throw new Error('no ControlActEvent');
  return act;
}

describe('request builders follow the Spine wrapper rules (spec 2.2, 2.3, 3.2)', () => {
  it('cover every request in the interaction table', () => {
    expect(REQUESTS.map(([id]) => id).sort()).toEqual(Object.keys(interactions).sort());
  });

  it.each(REQUESTS)('%s', (interactionId, build) => {
    const hl7 = build();
    const root = parseXml(hl7);
    // Interaction id consistency: root name, interactionId/@extension.
    expect(root.local).toBe(interactionId);
    expect(attr(child(root, 'interactionId'), 'extension')).toBe(interactionId);
    expect(attr(child(root, 'interactionId'), 'root')).toBe('2.16.840.1.113883.2.1.3.2.4.12');
    expect(attr(child(root, 'id'), 'root')).toBe(CONTEXT.messageId.toUpperCase());
    expect(attr(child(root, 'creationTime'), 'value')).toBe('20260701103015'); // BST, UK local time
    expect(
      elements(root)
        .map((e) => e.local)
        .slice(0, 9),
    ).toEqual([
      'id',
      'creationTime',
      'versionCode',
      'interactionId',
      'processingCode',
      'processingModeCode',
      'acceptAckCode',
      'communicationFunctionRcv',
      'communicationFunctionSnd',
    ]);
    // Author cardinalities: author 0..1 with all three ids non-empty; author1 1..2 with our ASID.
    const act = controlAct(root);
    const authors = elements(act, 'author');
    expect(authors.length).toBeLessThanOrEqual(1);
    for (const author of authors) {
      const ids = [
        path(author, 'AgentPersonSDS/id'),
        path(author, 'AgentPersonSDS/agentPersonSDS/id'),
        path(author, 'AgentPersonSDS/part/partSDSRole/id'),
      ].map((id) => [attr(id, 'root'), attr(id, 'extension')]);
      expect(ids).toEqual([
        ['1.2.826.0.1285.0.2.0.67', CONTEXT.author?.roleProfileId],
        ['1.2.826.0.1285.0.2.0.65', CONTEXT.author?.userUuid],
        ['1.2.826.0.1285.0.2.1.104', CONTEXT.author?.jobRoleCode],
      ]);
    }
    const systems = elements(act, 'author1');
    expect(systems.length).toBeGreaterThanOrEqual(1);
    expect(systems.length).toBeLessThanOrEqual(2);
    expect(attr(path(systems[0], 'AgentSystemSDS/agentSystemSDS/id'), 'extension')).toBe(CONTEXT.fromAsid);

    // Wrapped for a synchronous call: 41-character MessageID, header ASIDs = body ASIDs, action suffix.
    const info = interactions[interactionId];
    expect(info).toBeDefined();
    const envelope = buildSoapEnvelope({
      messageId: CONTEXT.messageId,
      action: info?.action ?? '',
      to: 'https://127.0.0.1:8443/sync-service',
      from: '127.0.0.1',
      toAsid: CONTEXT.toAsid,
      fromAsid: CONTEXT.fromAsid,
      body: hl7,
    });
    const header = child(parseXml(envelope), 'Header');
    expect(textOf(child(header, 'MessageID'))).toHaveLength(41);
    expect(textOf(child(header, 'MessageID'))).toBe(`uuid:${CONTEXT.messageId.toUpperCase()}`);
    const parsed = parseSoapEnvelope(envelope);
    expect(parsed.action?.split('/').pop()).toBe(interactionId);
    const body = parseHl7(parsed.hl7 ?? '');
    expect(body.interactionId).toBe(interactionId);
    expect([body.senderAsid, body.receiverAsid]).toEqual([parsed.fromAsid, parsed.toAsid]);
  });

  it('a system-only context (no smartcard user) sends author1 alone', () => {
    const root = parseXml(buildPdsRetrieval({ ...CONTEXT, author: null }, { nhsNumber: NHS }));
    expect(elements(controlAct(root), 'author')).toHaveLength(0);
    expect(elements(controlAct(root), 'author1')).toHaveLength(1);
  });

  it('refuses an author with an empty id (CONTROL_ACT_AUTHOR_INVALID)', () => {
    const context = {
      ...CONTEXT,
      author: { roleProfileId: '555254240100', userUuid: ' ', jobRoleCode: 'R8000' },
    };
    expect(() => buildPdsRetrieval(context, { nhsNumber: NHS })).toThrow(/userUuid/);
  });

  it('refuses a malformed NHS number or message id', () => {
    expect(() => buildPdsRetrieval(CONTEXT, { nhsNumber: '944931074' })).toThrow(/10 digits/);
    expect(() => buildPdsRetrieval({ ...CONTEXT, messageId: 'not-a-uuid' }, { nhsNumber: NHS })).toThrow(
      /UUID/,
    );
  });
});

describe('request content', () => {
  it('simple trace: gender code, birth date and names as query parameters', () => {
    const query = find(parseXml(REQUESTS[0]?.[1]() ?? ''), 'query');
    expect(attr(path(query, 'person.administrativeGenderCode/value'), 'code')).toBe('2');
    expect(attr(path(query, 'person.birthTime/value'), 'value')).toBe('19661111');
    expect(textOf(path(query, 'person.name/value/family'))).toBe('PURVES');
  });

  it('document list: dissentOverride 0, a date filter with low and high, the NHS number', () => {
    const query = find(parseXml(buildPsisDocumentListRequest(CONTEXT, { nhsNumber: NHS })), 'query');
    expect(attr(path(query, 'dissentOverride/value'), 'code')).toBe('0');
    expect(attr(path(query, 'filterParameters/date/value/low'), 'value')).toBe('20000101000000');
    expect(attr(path(query, 'filterParameters/date/value/high'), 'value')).toBe('20260701103015');
    expect(attr(path(query, 'nHSNumber/value'), 'extension')).toBe(NHS);
  });

  it('ACS set: Ask is sent as Clear for View, resource Id = resourceContext', () => {
    const hl7 = buildSetResourcePermissions(CONTEXT, {
      nhsNumber: NHS,
      state: 'ask',
      codes: ['View', 'Store'],
    });
    const permissions = find(parseXml(hl7), 'permissions');
    expect(attr(child(permissions, 'resourceContext'), 'extension')).toBe(NHS);
    const assertions = elements(permissions, 'accessControlAssertion');
    expect(
      assertions.map((a) => [
        textOf(child(a, 'permission')),
        textOf(path(a, 'function/code')),
        textOf(path(a, 'resource/Id')),
      ]),
    ).toEqual([
      ['Clear', 'View', NHS],
      ['Clear', 'Store', NHS],
    ]);
    expect(toConsentState(hl7)).toMatchObject({ view: 'ask', store: 'ask' });
    expect(
      toConsentState(buildSetResourcePermissions(CONTEXT, { nhsNumber: NHS, state: 'no' })),
    ).toMatchObject({ view: 'no' });
  });

  it('GP Summary: builds back into the same summary (with replacementOf)', () => {
    const scr = toSummaryCareRecord(buildGpSummary(CONTEXT, GP_SUMMARY));
    expect(scr).toMatchObject({
      id: GP_SUMMARY.id,
      kind: 'update',
      code: '196981000000101',
      nhsNumber: NHS,
      effectiveTime: '2026-01-10T14:00:00+00:00',
      replaces: [GP_SUMMARY.replacementOf],
      author: { name: 'Dr Ada Jones', roleProfileId: '555254240100', userId: '555254239107' },
      sections: ['General Practice Summary', 'Allergies and Adverse Reactions'],
    });
    expect(scr?.entriesByCategory.allergy).toEqual([
      expect.objectContaining({
        type: 'Allergy',
        code: '218291007',
        text: 'severe vomiting',
        effectiveTime: '2010-06-15',
      }),
    ]);
    expect(scr?.entriesByCategory.medication).toEqual([
      expect.objectContaining({
        type: 'CurrentRepeatMedication',
        status: 'active',
        medication: {
          kind: 'repeat',
          drugCode: '322236009',
          drugName: 'Paracetamol 500mg tablets',
          dosage: 'Two tablets four times a day',
          quantity: { value: '100', unit: '1', text: 'tablet' },
        },
      }),
    ]);
    expect(scr?.entriesByCategory.problem?.[0]).toMatchObject({ type: 'Problem', display: 'Asthma' });
    const initial = toSummaryCareRecord(
      buildGpSummary(CONTEXT, { ...GP_SUMMARY, kind: 'initial', replacementOf: undefined }),
    );
    expect(initial).toMatchObject({ kind: 'initial', code: '196971000000103', replaces: [] });
  });

  it('GP Summary: refuses an author without a name (Spine rule, spec 8.1)', () => {
    expect(() =>
      buildGpSummary(CONTEXT, { ...GP_SUMMARY, author: { ...GP_SUMMARY.author, name: '' } }),
    ).toThrow(/name/);
  });
});

describe('ebXML (spec 4)', () => {
  const reliable = { ...RELIABLE_EBXML, hl7: buildGpSummary(CONTEXT, GP_SUMMARY) } as const;

  it('multipart/related: ebXML header first, HL7 second, attachments after; one manifest reference per part', () => {
    const built = buildEbxmlMessage({
      ...reliable,
      attachments: [
        { contentId: 'att-1@spine.nhs.uk', contentType: 'text/plain', content: 'note', description: 'A & E' },
        {
          contentId: 'att-2@spine.nhs.uk',
          contentType: 'image/png',
          content: new Uint8Array([0, 255, 1, 254]),
        },
      ],
    });
    expect(built.contentType).toMatch(
      /^multipart\/related; boundary="--=_MIME-Boundary"; type="text\/xml"; start="<ebXMLHeader@spine.nhs.uk>"/,
    );
    expect(built.body.startsWith('----=_MIME-Boundary\r\nContent-Id: <ebXMLHeader@spine.nhs.uk>')).toBe(true);
    expect(built.body.trimEnd().endsWith('----=_MIME-Boundary--')).toBe(true);
    const parsed = parseEbxmlMessage(built.contentType, built.body);
    expect(parsed.header).toMatchObject({
      kind: 'message',
      cpaId: 'S20001A000182',
      service: 'urn:nhs:names:services:psis',
      action: 'REPC_IN150016UK05',
      from: 'A91424-9199121',
      to: 'YES-0000806',
      timestamp: '2026-07-01T09:30:15Z',
      ackRequested: true,
      duplicateElimination: true,
      syncReply: true,
      manifest: [
        'cid:6B0B7A4E-96A7-4C2A-9F3D-0D1E2F3A4B5C@spine.nhs.uk',
        'cid:att-1@spine.nhs.uk',
        'cid:att-2@spine.nhs.uk',
      ],
    });
    expect(parsed.hl7).toBe(reliable.hl7);
    expect(parsed.attachments.map((a) => a.text ?? [...a.data])).toEqual(['note', [0, 255, 1, 254]]);
  });

  it('reliable messages carry AckRequested with the contract attributes; express ones must not (spec 4.2)', () => {
    const header = (flags: boolean) =>
      child(
        parseXml(buildEbxmlHeader({ ...reliable, ackRequested: flags, duplicateElimination: flags })),
        'Header',
      );
    const reliableHeader = header(true);
    const ack = child(reliableHeader, 'AckRequested');
    expect(ack?.attrs).toMatchObject({
      'SOAP:mustUnderstand': '1',
      'eb:version': '2.0',
      'eb:signed': 'false',
      'SOAP:actor': 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH',
    });
    expect(child(child(reliableHeader, 'MessageHeader'), 'DuplicateElimination')).not.toBeNull();
    expect(child(reliableHeader, 'SyncReply')?.attrs['SOAP:actor']).toBe(
      'http://schemas.xmlsoap.org/soap/actor/next',
    );
    const expressHeader = header(false);
    expect(child(expressHeader, 'AckRequested')).toBeNull();
    expect(child(child(expressHeader, 'MessageHeader'), 'DuplicateElimination')).toBeNull();
  });

  it('Acknowledgment and MessageError signals parse back as such', () => {
    const signal = {
      cpaId: 'S20001A000182',
      conversationId: reliable.conversationId,
      messageId: '11111111-2222-4333-8444-555555555555',
      refToMessageId: reliable.messageId,
      fromPartyKey: 'YES-0000806',
      toPartyKey: 'A91424-9199121',
    };
    const ack = parseAny(buildEbxmlAcknowledgment(signal));
    expect(ack.ebxml).toMatchObject({
      kind: 'acknowledgment',
      action: 'Acknowledgment',
      refToMessageId: reliable.messageId,
      service: 'urn:oasis:names:tc:ebxml-msg:service',
    });
    const error = parseAny(
      buildEbxmlMessageError({
        ...signal,
        errors: [{ errorCode: 'ValueNotRecognized', description: '501314:Invalid To Party Type attribute' }],
      }),
    );
    expect(error.ebxml?.errors).toEqual([
      {
        code: 'ValueNotRecognized',
        severity: 'Error',
        description: '501314:Invalid To Party Type attribute',
        codeContext: 'urn:oasis:names:tc:ebxml-msg:service:errors',
        location: null,
      },
    ]);
    expect(error.error).toMatchObject({ kind: 'transport-rejected', layer: 'ebxml' });
  });

  it('refuses header injection through a content type or a boundary inside the payload', () => {
    expect(() =>
      buildEbxmlMessage({
        ...reliable,
        attachments: [{ contentId: 'a@b', contentType: 'text/plain\r\nX-Evil: 1', content: 'x' }],
      }),
    ).toThrow(/line breaks/);
    expect(() => buildEbxmlMessage({ ...reliable, hl7: `${reliable.hl7}\r\n----=_MIME-Boundary--` })).toThrow(
      /boundary/,
    );
  });
});

describe('interaction table', () => {
  it('routes each request by its spec section 1 pattern and names the reply service', () => {
    expect(interactions['QUPA_IN000008UK02']).toMatchObject({
      pattern: 'sync',
      action: 'urn:nhs:names:services:pdsquery/QUPA_IN000008UK02',
      responseWrapper: 'retrievalQueryResponse',
    });
    expect(interactions['QUPC_IN160101UK05']).toMatchObject({
      pattern: 'async-express',
      service: 'urn:nhs:names:services:psisquery',
    });
    expect(interactions['REPC_IN150016UK05']).toMatchObject({
      pattern: 'async-reliable',
      service: 'urn:nhs:names:services:psis',
    });
    expect(interactions['GET_RESOURCE_PERMISSIONS_INUK01']?.service).toBe('urn:nhs:names:services:lrsquery');
    expect(serviceForReply('QUPA_IN000011UK02')).toBe('urn:nhs:names:services:pdsquery');
    expect(serviceForReply('MCCI_IN010000UK13')).toBeNull();
  });
});

describe('whole HTTP captures', () => {
  it('a sync reply with status line, headers and a chunked body', () => {
    const envelope = buildSoapEnvelope({
      messageId: '33333333-4444-4555-8666-777777777777',
      relatesTo: CONTEXT.messageId.toUpperCase(),
      action: 'urn:nhs:names:services:pdsquery/QUPA_IN000008UK02',
      to: '127.0.0.1',
      from: 'https://127.0.0.1:8443/sync-service',
      toAsid: CONTEXT.fromAsid,
      fromAsid: CONTEXT.toAsid,
      body: buildPdsRetrieval(CONTEXT, { nhsNumber: NHS }),
    });
    const half = Math.floor(envelope.length / 2);
    const chunk = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
    const capture = `HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=UTF-8\r\nTransfer-Encoding: chunked\r\n\r\n${chunk(envelope.slice(0, half))}${chunk(envelope.slice(half))}0\r\n\r\n`;
    const message = parseAny(capture);
    expect(message.http?.startLine).toBe('HTTP/1.1 200 OK');
    expect(message.soap?.relatesTo).toBe(CONTEXT.messageId.toUpperCase());
    expect(message.hl7?.interactionId).toBe('QUPA_IN000008UK02');
  });

  it('an ebXML POST with its multipart Content-Type header', () => {
    const built = buildEbxmlMessage({
      cpaId: 'S20003A000304',
      conversationId: 'C-1',
      messageId: 'M-1',
      service: 'urn:nhs:names:services:psisquery',
      action: 'QUPC_IN160101UK05',
      fromPartyKey: 'A91424-9199121',
      toPartyKey: 'YES-0000806',
      ackRequested: false,
      duplicateElimination: false,
      syncReply: true,
      hl7: buildPsisDocumentListRequest(CONTEXT, { nhsNumber: NHS }),
    });
    const capture = `POST /reliablemessaging/queryrequest HTTP/1.1\r\nSOAPAction: urn:nhs:names:services:psisquery/QUPC_IN160101UK05\r\nContent-Type: ${built.contentType}\r\n\r\n${built.body}`;
    const message = parseAny(capture);
    expect(message.envelope).toBe('ebxml');
    expect(message.ebxml).toMatchObject({
      action: 'QUPC_IN160101UK05',
      ackRequested: false,
      duplicateElimination: false,
      syncReply: true,
    });
    expect(message.hl7?.interactionId).toBe('QUPC_IN160101UK05');
  });
});

describe('SOAP', () => {
  it('a fault built for the sandbox parses back with its nasp:errorList', () => {
    const message = parseAny(
      buildSoapFault({
        faultCode: 'SOAP:Server',
        faultString: 'Application Exception',
        errors: [{ errorCode: '206', description: 'Routing delivery failure' }],
      }),
    );
    expect(message.fault).toEqual({
      code: 'SOAP:Server',
      reason: 'Application Exception',
      errors: [
        {
          context: 'urn:nhs:names:error:tms',
          code: '206',
          severity: 'Error',
          location: 'Not Supported',
          description: 'Routing delivery failure',
        },
      ],
    });
    expect(message.error).toMatchObject({ retryable: true, kind: 'system-error' });
  });

  it('a reply with relatesTo and a body wrapper unwraps to the HL7', () => {
    const envelope = buildSoapEnvelope({
      messageId: '22222222-3333-4444-8555-666666666666',
      relatesTo: CONTEXT.messageId.toUpperCase(),
      action: 'urn:nhs:names:services:pdsquery/QUPA_IN000009UK03',
      to: '127.0.0.1',
      from: 'https://127.0.0.1:8443/sync-service',
      toAsid: CONTEXT.fromAsid,
      fromAsid: CONTEXT.toAsid,
      bodyWrapper: 'retrievalQueryResponse',
      body: buildPdsRetrieval(CONTEXT, { nhsNumber: NHS }),
    });
    const parsed = parseSoapEnvelope(envelope);
    expect(parsed).toMatchObject({
      relatesTo: CONTEXT.messageId.toUpperCase(),
      bodyWrapper: 'retrievalQueryResponse',
    });
    expect(parseHl7(parsed.hl7 ?? '').interactionId).toBe('QUPA_IN000008UK02');
  });
});
