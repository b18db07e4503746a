// What the real NHS example messages say, as the clinical journeys read them: patients from PDS,
// document lists and the SCR itself from PSIS, consent from ACS, and every kind of failure
// classified — plus the fixtures whose Spine message sits inside another format.
import { describe, expect, it } from 'vitest';
import {
  attr,
  child,
  classifySpineError,
  currentAddress,
  describeMessage,
  elements,
  find,
  parseAny,
  parseEbxmlMessage,
  parseHl7,
  parseXml,
  readGpSummary,
  safeText,
  textOf,
  toAcknowledgement,
  toConsentState,
  toDocumentList,
  toPatients,
  toSummaryCareRecord,
  type SafeNode,
} from '../../../main/hl7/index';
import { loadFixture, readFixture } from './fixtures';

const MTH = 'nhsdigitalmait__SPINE_MTH/simulator_config__';
const PDS = `${MTH}PDS2008A_Templates__`;
const MHS = 'NHSDigital__integration-adaptor-mhs/';
const SCR = 'NHSDigital__summary-care-record-api/docker__service__src__main__resources__mock-spine__';

function hl7Of(file: string) {
  const message = parseAny(loadFixture(file));
  if (!message.hl7) throw new Error(`${file} has no HL7 payload`);
  return message.hl7;
}

function allTags(nodes: readonly SafeNode[], out = new Set<string>()): Set<string> {
  for (const node of nodes) {
    if (node.kind === 'element') {
      out.add(node.tag);
      allTags(node.children, out);
    }
  }
  return out;
}

describe('PDS responses', () => {
  it('retrieval (QUPA_IN000009UK03): current home address, GP, name and serial change number', () => {
    const [patient] = toPatients(hl7Of(`${PDS}QUPA_IN000009UK03_sync_template1.xml`));
    expect(patient).toMatchObject({
      nhsNumber: '9449310742',
      restricted: false,
      gender: 'female',
      birthDate: '2002-04-18',
      gpPracticeOds: 'H81109',
      serialChangeNumber: '8',
      name: {
        use: 'L',
        prefix: ['MS'],
        given: ['WING MANN'],
        family: "O'SIX-O'CLOCK",
        validFrom: '2009-10-26',
      },
    });
    expect(patient?.addresses.map((a) => a.use)).toEqual(['H', 'H', 'PST', 'TMP', 'TMP']);
    // Empty streetAddressLine elements are dropped, the newest home address is the current one.
    expect(patient && currentAddress(patient)).toMatchObject({
      lines: ['61 HIGHLANDS ROAD', 'LEATHERHEAD', 'SURREY'],
      postcode: 'KT22 8NW',
      addressKey: '7361682',
      validFrom: '2021-03-25',
    });
  });

  it('simple trace (QUPA_IN000007UK01): telecoms by kind and the GP practice', () => {
    const [patient] = toPatients(hl7Of(`${PDS}QUPA_IN000007UK01_sync_template.xml`));
    expect(patient?.telecoms).toEqual([
      { use: 'H', system: 'phone', value: '01132806007', validFrom: null },
      { use: 'MC', system: 'phone', value: '07737758370', validFrom: null },
      { use: 'H', system: 'email', value: 'mayjune@months.co.uk', validFrom: null },
    ]);
    expect(patient?.gpPracticeOds).toBe('Z99993');
    expect(patient?.name?.given).toEqual(['SADIA', 'DANA']);
  });

  it('a restricted patient (confidentialityCode, issue 9) carries no location and is flagged', () => {
    const message = hl7Of(`${PDS}QUPA_IN000009UK03_sync_template_sensitive_response.xml`);
    const [patient] = toPatients(message);
    expect(patient).toMatchObject({
      nhsNumber: '9407807541',
      restricted: true,
      confidentialityCode: 'Y',
      addresses: [],
      telecoms: [],
      gpPracticeOds: null,
      serialChangeNumber: '4',
    });
    // A warning only: the retrieval itself succeeded.
    expect(toAcknowledgement(message)).toMatchObject({ type: 'AA', error: null });
  });

  it('advanced trace (QUPA_IN000011UK02) returns a matched candidate with warning 3', () => {
    const message = hl7Of(`${PDS}QUPA_IN000011UK02_async_template.xml`);
    expect(message.issues[0]).toMatchObject({ code: '3', qualifier: 'WG' });
    expect(toPatients(message).map((p) => p.nhsNumber)).toEqual(['9449310742']);
  });

  it('2006B retrieval (QUPA_IN050000UK32) in a captured SOAP reply: GP from healthCareProvider', () => {
    const message = parseAny(
      loadFixture(
        `${MHS}integration-tests__fake_spine__fake_spine__vnp_responses__sync_outbound_response.mustache`,
      ),
    );
    expect(message.soap?.bodyWrapper).toBe('retrievalQueryResponse');
    const [patient] = toPatients(message.hl7 ?? '');
    expect(patient).toMatchObject({
      nhsNumber: '9691813343',
      gender: 'male',
      birthDate: '1939-01-20',
      gpPracticeOds: 'A87016',
      serialChangeNumber: '1',
    });
    expect(patient?.addresses[0]?.lines).toContain('TYNE & WEAR');
  });

  it('no match (QUQI_IN010000UK14) is classified not-found with the query response code', () => {
    const message = hl7Of(`${PDS}QUQI_IN010000UK14_sync_template.xml`);
    expect(message.queryResponseCode).toBe('ID');
    expect(toPatients(message)).toEqual([]);
    const ack = toAcknowledgement(message);
    expect(ack?.error).toMatchObject({ kind: 'not-found', code: '1', retryable: false });
    expect(ack?.error?.userMessage).toMatch(/NHS number/);
  });
});

describe('SCR retrieval', () => {
  it('event list (QUPC_IN200000SM04): documents newest first, the latest Normal one, consent Yes', () => {
    const message = hl7Of(`${SCR}event-list-query__success.xml`);
    const list = toDocumentList(message);
    expect(list.nhsNumber).toBe('9000000009');
    expect(list.documents.map((d) => d.id)).toEqual([
      'FA60BE64-1F34-11EB-A2A8-000C29A364EB',
      'BC60BE64-0987-A123-ABCD-870C29A36499',
    ]);
    expect(list.latest).toMatchObject({
      id: 'FA60BE64-1F34-11EB-A2A8-000C29A364EB',
      status: 'normal',
      typeCode: '196981000000101',
      title: 'General Practice Summary',
      authorName: 'Mr John Jeffrey Jones Jnr',
      date: '2020-11-05T07:03:16+00:00',
    });
    expect(toConsentState(message)).toMatchObject({ state: 'yes', view: 'yes', store: 'yes' });
  });

  it('document list (QUPC_IN160102UK05): metadata of each PSIS document', () => {
    const list = toDocumentList(
      hl7Of(`${MTH}SCR_MiniService_Ruleset__PSISDocumentListDataRetrieval_QUPC_IN160102UK05.xml`),
    );
    expect(list.nhsNumber).toBe('9449310580');
    expect(list.documents).toEqual([
      {
        id: '03EEFE2E-796C-11E3-B681-00059A3C7800',
        status: 'normal',
        statusCode: '1',
        date: '2014-01-09T20:47:30+00:00',
        typeCode: '196981000000101',
        title: 'General Practice Summary',
        authorName: 'Dr BARSTOW',
        messageType: 'REPC_MT150007UK05',
        estimatedSize: 10846,
      },
    ]);
  });

  it('event query (QUPC_IN210000UK04): the SCR with sanitised presentation and coded entries', () => {
    const scr = toSummaryCareRecord(hl7Of(`${SCR}event-query__success.xml`));
    expect(scr).toMatchObject({
      id: 'BF4180FD-C403-4EF7-A4AB-E07303AF5477',
      kind: 'update',
      nhsNumber: '9995000180',
      effectiveTime: '2020-11-17T02:00:00+00:00',
      replaces: ['D18B57ED-992E-45A2-A6AF-55200D20F48E'],
      author: { name: 'Dr Steve Jones', roleProfileId: '673836492727', userId: '676789689789' },
    });
    expect(scr?.sections.slice(0, 3)).toEqual([
      'General Practice Summary',
      "Sourced from the patient's General Practice record. This summary may not include all the information pertinent to this patient.",
      'Allergies and Adverse Reactions',
    ]);
    expect(scr?.entriesByCategory.diagnosis?.map((e) => e.display)).toContain(
      'COVID-19 confirmed by laboratory test',
    );
    const confirmed = scr?.entries.find((e) => e.code === '1300721000000109');
    expect(confirmed).toMatchObject({ type: 'Diagnosis', status: 'nullified', text: 'Problem; First, test' });
    const tags = allTags(scr?.presentation ?? []);
    expect([...tags]).toEqual(
      expect.arrayContaining(['h2', 'h3', 'p', 'table', 'thead', 'tbody', 'tr', 'th', 'td']),
    );
    // html/body unwrapped; class and summary attributes dropped by the allow-list.
    expect(tags.has('html' as never)).toBe(false);
    expect(JSON.stringify(scr?.presentation)).not.toMatch(/HighlightedStatement|summary"/);
    expect(safeText(scr?.presentation ?? [])).toContain('Toxic reaction to wasp sting');
  });

  it('document data (QUPC_IN160104UK05): a minimal summary with no significant data', () => {
    const scr = toSummaryCareRecord(
      hl7Of(`${MTH}SCR_MiniService_Ruleset__PSISDocumentDataRetrieval_QUPC_IN160104UK05.xml`),
    );
    expect(scr?.sections).toContain('The practice holds no significant data on this patient');
    expect(scr?.author?.name).toBe('Dr BARSTOW');
    expect(scr?.entries).toEqual([
      expect.objectContaining({
        category: 'finding',
        type: 'Finding',
        code: '184229000',
        display: 'notes summary on computer',
      }),
    ]);
  });

  it('dissent (QUQI 420 + 30418) is an access refusal with the detail code', () => {
    const message = hl7Of(
      'nhsdigitalmait__SPINE_MTH_SCR_Simulator/ExampleMessages__1b-EventListQuery_response_dissent (1).xml',
    );
    expect(toAcknowledgement(message)?.error).toMatchObject({
      kind: 'access-refused',
      code: '420',
      detailCode: '30418',
    });
  });
});

describe('GP Summary upload messages and acknowledgements', () => {
  it('an update replacing an earlier summary (replacementOf)', () => {
    const scr = toSummaryCareRecord(hl7Of(`${MHS}examples__SCR__scr__tests__test_xmls__replacementOf.xml`));
    expect(scr).toMatchObject({
      nhsNumber: '9446245796',
      replaces: ['A05B9416-F700-48F1-99D8-98874D3406B9'],
    });
  });

  it('the MHS upload template carries an allergy with its reaction text', () => {
    const scr = toSummaryCareRecord(
      hl7Of(
        `${MHS}integration-tests__integration_tests__integration_tests__data__templates__REPC_IN150016UK05.mustache`,
      ),
    );
    expect(scr?.entries).toEqual([
      expect.objectContaining({
        category: 'allergy',
        type: 'Allergy',
        code: '218291007',
        originalText: 'Adverse reaction to erythromycin',
        text: 'severe vomiting',
        effectiveTime: '2010-06-15',
      }),
    ]);
  });

  it('AA "GP Summary upload successful" delivered by ebXML with AckRequested', () => {
    const message = parseAny(loadFixture(`${SCR}upload-scr__pollingSuccess.txt`));
    expect(message.ebxml).toMatchObject({
      kind: 'message',
      ackRequested: true,
      duplicateElimination: true,
      action: 'MCCI_IN010000UK13',
    });
    expect(toAcknowledgement(message.hl7 ?? '')).toMatchObject({
      type: 'AA',
      successDetail: 'GP Summary upload successful',
      error: null,
    });
  });

  it('AE 420 / 30402 is consent withheld', () => {
    const ack = toAcknowledgement(hl7Of(`${MTH}SCR_GP_Summary_Ruleset__MCCI_IN010000UK13_1102_4.xml`));
    expect(ack?.error).toMatchObject({
      kind: 'consent-withheld',
      code: '420',
      detailCode: '30402',
      retryable: false,
    });
  });

  it('ACS AE 400 + 35160 (invalid NHS number) is an invalid request', () => {
    const message = parseAny(loadFixture(`${SCR}acs__incorrectNhsNumber.xml`));
    expect(message.soap?.bodyWrapper).toBe('setResourcePermissionsResponse');
    expect(message.error).toMatchObject({ kind: 'invalid-request', code: '400', detailCode: '35160' });
  });
});

describe('consent', () => {
  it('a Get response with only Store=No means View is Ask (absent assertion)', () => {
    const consent = toConsentState(
      hl7Of(`${MTH}SCR_GP_Summary_Ruleset__GET_RESOURCE_PERMISSIONS_RESPONSE_INUK01.xml`),
    );
    expect(consent).toMatchObject({ state: 'ask', view: 'ask', store: 'no' });
  });
});

describe('transport failures', () => {
  it.each([
    [
      'mhs__common__mhs_common__messages__tests__test_messages__soapfault_response_single_error.xml',
      '200',
      true,
    ],
    [
      'mhs__common__mhs_common__messages__tests__test_messages__soapfault_response_single_error_206.xml',
      '206',
      true,
    ],
    [
      'mhs__common__mhs_common__messages__tests__test_messages__soapfault_response_single_error_208.xml',
      '208',
      true,
    ],
    [
      'mhs__common__mhs_common__messages__tests__test_messages__soapfault_response_single_error_300.xml',
      '300',
      false,
    ],
  ])('SOAP fault %s: code %s, retryable %s', (file, code, retryable) => {
    const message = parseAny(loadFixture(`${MHS}${file}`));
    expect(message.fault?.errors[0]).toMatchObject({ code, context: expect.stringMatching(/tms/) });
    expect(message.error).toMatchObject({ layer: 'soap-fault', code, retryable });
  });

  it('a fault with several errors is retryable only if all are', () => {
    const message = parseAny(
      loadFixture(
        `${MHS}mhs__common__mhs_common__messages__tests__test_messages__soapfault_response_multiple_errors.xml`.replace(
          'multiple_errors',
          'single_error',
        ),
      ),
    );
    expect(message.error?.retryable).toBe(true);
    expect(
      classifySpineError({
        layer: 'soap-fault',
        codes: [
          { code: '200', codeSystem: null, display: null, qualifier: null },
          { code: '201', codeSystem: null, display: null, qualifier: null },
        ],
      })?.retryable,
    ).toBe(false);
  });

  it('ebXML MessageError 501319 Unknown eb:CPAId', () => {
    const message = parseAny(
      loadFixture(
        `${MHS}integration-tests__fake_spine__fake_spine__configured_responses__ebxml_fault_single_error.xml`,
      ),
    );
    expect(message.ebxml).toMatchObject({ kind: 'error', action: 'MessageError' });
    expect(message.ebxml?.errors).toEqual([
      expect.objectContaining({
        code: 'ValueNotRecognized',
        severity: 'Error',
        description: '501319:Unknown eb:CPAId',
      }),
    ]);
    expect(message.error).toMatchObject({ kind: 'transport-rejected', retryable: false });
  });
});

describe('envelopes', () => {
  it('a captured inbound HTTP POST (MHS fake Spine format) with its headers', () => {
    const message = parseAny(
      loadFixture(
        `${MHS}integration-tests__fake_spine__fake_spine__vnp_responses__async_reliable_inbound.mustache`,
      ),
    );
    expect(message.http?.headers['soapaction']).toBe('urn:nhs:names:services:psis/MCCI_IN010000UK13');
    expect(message.ebxml).toMatchObject({ service: 'urn:nhs:names:services:psis', ackRequested: true });
    expect(message.hl7?.successDetail).toBe('GP Summary upload successful');
  });

  it('an ebXML request with a binary attachment: parts in order, flags read', () => {
    const text = loadFixture(
      `${MHS}mhs__common__mhs_common__messages__tests__test_messages__ebxml_request_one_binary_attachment.msg`,
    );
    const parsed = parseEbxmlMessage(
      'multipart/related; boundary="--=_MIME-Boundary"; type="text/xml"',
      text,
    );
    expect(parsed.header).toMatchObject({ kind: 'message', syncReply: true });
    expect(parsed.hl7).toContain('MCCI_IN010000UK13');
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]?.transferEncoding).toBe('binary');
  });

  it('a synchronous request: header and body ASIDs and the wsa:Action', () => {
    const message = parseAny(
      loadFixture(`${MHS}mhs__inbound__inbound__request__tests__messages__sync_message.xml`),
    );
    expect(message.soap?.action).toBe('urn:nhs:names:services:pdsquery/QUPA_IN040000UK32');
    expect(message.soap?.fromAsid).toBe(message.hl7?.senderAsid);
    expect(message.soap?.toAsid).toBe(message.hl7?.receiverAsid);
  });
});

describe('fixtures whose message sits inside another format', () => {
  /** A REST-client file: drop comment and variable lines, keep the HTTP request. */
  function restClient(file: string): { headers: Record<string, string>; body: string; text: string } {
    const lines = loadFixture(file)
      .split(/\r?\n/)
      .filter((l) => !l.startsWith('#') && !l.startsWith('@'));
    while (lines[0]?.trim() === '') lines.shift();
    const text = lines.join('\r\n');
    const blank = lines.findIndex((l, i) => i > 0 && (l.trim() === '' || l.startsWith('{')));
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1, blank)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    return { headers, body: lines.slice(blank).join('\n'), text };
  }

  it.each([
    ['rest-client__mhs__outbound__async-express-pattern-message.http', 'QUPC_IN160101UK05'],
    ['rest-client__mhs__outbound__async-reliable-pattern-message.http', 'REPC_IN150016UK05'],
    [
      'rest-client__mhs__outbound__forward-reliable-pattern-message-asynchronous-response.http',
      'COPC_IN000001UK01',
    ],
    ['rest-client__mhs__outbound__from-jmeter__async-express-from-jmeter.http', 'QUPC_IN160101UK05'],
    ['rest-client__mhs__outbound__from-jmeter__async-reliable-pattern-from-jmeter.http', 'REPC_IN150016UK05'],
    ['rest-client__mhs__outbound__synchronous-pattern-message.http', 'QUPA_IN040000UK32'],
  ])('MHS adaptor request %s carries %s as its JSON payload', (file, interaction) => {
    const request = restClient(`${MHS}${file}`);
    expect(request.headers['interaction-id']).toBe(interaction);
    // One capture has a stray `./` after the JSON object: take the object itself.
    const json = request.body.slice(request.body.indexOf('{'), request.body.lastIndexOf('}') + 1);
    const payload = (JSON.parse(json) as { payload: string }).payload;
    expect(parseHl7(payload).interactionId).toBe(interaction);
  });

  it.each([
    ['rest-client__mhs__inbound__solicited-request.http'],
    ['rest-client__mhs__inbound__unsolicited-request.http'],
  ])('inbound REST-client capture %s is an ebXML message', (file) => {
    const message = parseAny(restClient(`${MHS}${file}`).text);
    expect(message.envelope).toBe('ebxml');
    expect(message.ebxml?.kind).toBe('message');
    expect(message.http?.startLine).toMatch(/^POST /);
  });

  it('the postman collection: each request body carries a PSIS document list request', () => {
    const collection = JSON.parse(
      readFixture(`${MHS}mhs__outbound__MHS_Adaptor_Requests_postman_collection.json`),
    ) as {
      item: { request: { body: { raw: string } } }[];
    };
    expect(collection.item.length).toBeGreaterThan(0);
    for (const item of collection.item) {
      const payload = (JSON.parse(item.request.body.raw) as { payload: string }).payload;
      const message = parseHl7(payload.replace(/\{\{[^}]*\}\}/g, 'X'));
      expect(message.interactionId).toBe('QUPC_IN160101UK05');
      expect(message.receiverAsid).not.toBeNull();
    }
  });

  it('the WireMock polling stub body is the ebXML MCCI result of a GP Summary upload', () => {
    const stub = JSON.parse(
      readFixture(
        'NHSDigital__summary-care-record-api/docker__docker__spine-mock__stubs__mappings__scr-get-2.json',
      ),
    ) as {
      response: { status: number; body: string };
    };
    expect(stub.response.status).toBe(200);
    // The stub sets no headers; Spine's multipart boundary is the one of spec 4.1.
    const parsed = parseEbxmlMessage('multipart/related; boundary="--=_MIME-Boundary"', stub.response.body);
    expect(parsed.header.action).toBe('MCCI_IN010000UK13');
    expect(toAcknowledgement(parsed.hl7 ?? '')).toMatchObject({ type: 'AA' });
  });

  it.each([
    [
      'transmitter_source_for_pds__simple_trace_payload.xml',
      ['person.administrativeGenderCode', 'person.birthTime', 'person.name'],
    ],
    [
      'transmitter_source_for_pds_advtrace__advanced_trace_payload.xml',
      [
        'historicDataIndicator',
        'person.administrativeGenderCode',
        'person.birthTime',
        'person.name',
        'searchParameter',
      ],
    ],
    [
      'transmitter_source_for_opentest_retrieval__retrieval_payload.xml',
      ['historicDataIndicator', 'person.id', 'retrievalItem'],
    ],
  ])('PDS query fragment %s has the parameters the spec lists', (file, params) => {
    const query = parseXml(readFixture(`nhsdigitalmait__SPINE_ITKTrunk_Client/${file}`));
    expect(query.local).toBe('query');
    expect(elements(query).map((e) => e.local)).toEqual(params);
  });

  it('GP Summary template partials fill a parseable wrapper and replacementOf', () => {
    const basic = parseXml(
      `<w>${loadFixture(`${MHS}examples__SCR__data__templates__BasicInformationPartial.mustache`)}</w>`,
    );
    expect(elements(basic).map((e) => e.local)).toEqual(
      expect.arrayContaining(['id', 'creationTime', 'interactionId']),
    );
    const replacement = parseXml(
      loadFixture(`${MHS}examples__SCR__data__templates__ReplacementOfPartial.mustache`),
    );
    expect(attr(find(replacement, 'priorMessageRef'), 'classCode')).toBe('COMPOSITION');
    const category = parseXml(
      loadFixture(`${MHS}examples__SCR__data__templates__pertinentInformation2Partial.mustache`),
    );
    // A placeholder in the source: the element with no content yet.
    expect(category.local).toBe('pertinentInformation2');
    expect(child(category, 'pertinentCREType')).toBeNull();
  });

  it('the ITK querySCR response embeds a complete GP Summary', () => {
    const root = parseXml(
      loadFixture(
        'nhsdigitalmait__TKW-x/contrib__Common__simulator_packs__ITK_SMS_SCR__response_templates__querySCRResponse-v1-0_REPC_MT150012GB01.xml',
      ),
    );
    const scr = readGpSummary(find(root, 'GPSummary'));
    expect(scr?.sections.length).toBeGreaterThan(0);
    expect(textOf(find(root, 'GPSummary'))).toBeTruthy();
    expect(describeMessage).toBeTypeOf('function');
  });
});
