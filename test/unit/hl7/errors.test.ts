// classifySpineError: every Spine failure code of spec sections 3.4, 4.3 and 5 maps to a kind a
// screen can act on, with retry only where the spec allows it (SOAP faults 200/206/208).
import { describe, expect, it } from 'vitest';
import { classifySpineError, CODE_SYSTEMS, toAcknowledgement, type SpineCode } from '../../../main/hl7/index';

const psis = (code: string, display: string | null = null, qualifier = 'ER'): SpineCode => ({
  code,
  codeSystem: CODE_SYSTEMS.psis,
  display,
  qualifier,
});

describe('HL7 detected issues', () => {
  it.each([
    ['400', null, 'invalid-request'],
    ['401', null, 'duplicate'],
    ['410', '30134', 'logical-inconsistency'],
    ['410', '30307', 'patient-merged'],
    ['420', '30402', 'consent-withheld'],
    ['420', '30418', 'access-refused'],
    ['430', null, 'invalid-update'],
    ['500', null, 'system-error'],
    ['502', null, 'service-unavailable'],
    ['210', '30312', 'not-found'],
  ] as const)('PSIS %s (+%s) is %s', (code, detail, kind) => {
    const codes = detail ? [psis(code), psis(detail)] : [psis(code)];
    const error = classifySpineError({ layer: 'hl7', ackType: code === '502' ? 'AR' : 'AE', codes });
    expect(error).toMatchObject({ kind, code, detailCode: detail, retryable: false });
    expect(error?.userMessage.length).toBeGreaterThan(20);
  });

  it('a detail code given only in the display text is found (MTH style "30402 - PQR-02 …")', () => {
    const error = classifySpineError({
      layer: 'hl7',
      ackType: 'AE',
      codes: [psis('420', '30402 - PQR-02 - No explicit Service User Consent')],
    });
    expect(error).toMatchObject({ kind: 'consent-withheld', detailCode: '30402' });
  });

  it('PDS warnings alone on an AA are not failures; code 1 is not found', () => {
    const warning = { code: '9', codeSystem: CODE_SYSTEMS.pds, display: null, qualifier: 'WG' };
    expect(classifySpineError({ layer: 'hl7', ackType: 'AA', codes: [warning] })).toBeNull();
    const noMatch = { code: '1', codeSystem: CODE_SYSTEMS.pds, display: null, qualifier: 'ER' };
    expect(classifySpineError({ layer: 'hl7', ackType: 'AE', codes: [noMatch] })?.kind).toBe('not-found');
  });

  it('an AR with only a transport acknowledgementDetail is a rejected transmission', () => {
    const ack =
      toAcknowledgement(`<MCCI_IN010000UK13 xmlns="urn:hl7-org:v3"><interactionId extension="MCCI_IN010000UK13"/>
      <acknowledgement typeCode="AR"><acknowledgementDetail typeCode="ER"><code code="202" codeSystem="2.16.840.1.113883.2.1.3.2.4.17.32" displayName="HL7 Validation Error"/></acknowledgementDetail>
      <messageRef><id root="A1B2"/></messageRef></acknowledgement></MCCI_IN010000UK13>`);
    expect(ack).toMatchObject({
      type: 'AR',
      messageRef: 'A1B2',
      details: [{ code: '202', qualifier: 'ER' }],
    });
    expect(ack?.error?.kind).toBe('transport-rejected');
  });
});

describe('SOAP faults and ebXML errors', () => {
  const fault = (...codes: string[]) =>
    classifySpineError({
      layer: 'soap-fault',
      codes: codes.map((code) => ({
        code,
        codeSystem: 'urn:nhs:names:error:tms',
        display: null,
        qualifier: 'Error',
      })),
    });

  it.each([
    [['200'], 'system-error', true],
    [['206'], 'system-error', true],
    [['208'], 'system-error', true],
    [['200', '206'], 'system-error', true],
    [['200', '300'], 'system-error', false],
    [['101'], 'transport-rejected', false],
    [['201'], 'invalid-request', false],
  ] as const)('fault %j is %s, retryable %s', (codes, kind, retryable) => {
    expect(fault(...codes)).toMatchObject({ kind, retryable, layer: 'soap-fault' });
  });

  it('ebXML MessageErrors are never retried', () => {
    const error = classifySpineError({
      layer: 'ebxml',
      codes: [
        {
          code: 'ValueNotRecognized',
          codeSystem: null,
          display: '501319:Unknown eb:CPAId',
          qualifier: 'Error',
        },
      ],
    });
    expect(error).toMatchObject({ kind: 'transport-rejected', retryable: false });
    expect(error?.userMessage).toMatch(/IT service desk/);
  });
});
