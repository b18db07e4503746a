// The sandbox's error shapes read by main/hl7 the way the client will: SOAP faults (retryable only
// for 200/206/208), ebXML MessageError, MCCI AE/AR and QUQI, each classified as a pharmacist sees it.
import { describe, expect, it } from 'vitest';
import { parseAny } from '../../../main/hl7/any';
import { ebxmlAcknowledgment, ebxmlMessageError, soapFault } from '../../spine-sandbox/errors';
import { mcci, psisIssue, pdsIssue, quqi } from '../../spine-sandbox/hl7';

const base = { refToId: 'A1B2', clientAsid: '200000001115', spineAsid: '928942012545' };
const parties = {
  fromPartyKey: 'YES-0000806',
  toPartyKey: 'SMSPT-0000001',
  cpaId: 'S20001A000182',
  conversationId: 'C1',
};

describe('error shapes as main/hl7 reads them', () => {
  it.each([
    ['200', true],
    ['206', true],
    ['208', true],
    ['300', false],
    ['201', false],
  ])('SOAP fault %s is retryable: %s', (code, retryable) => {
    const parsed = parseAny(soapFault([{ code, description: 'x' }]));
    expect(parsed.fault).not.toBeNull();
    expect(parsed.error?.layer).toBe('soap-fault');
    expect(parsed.error?.code).toBe(code);
    expect(parsed.error?.retryable).toBe(retryable);
  });

  it('ebXML MessageError carries its code and is final', () => {
    const parsed = parseAny(ebxmlMessageError(parties, 'M1', { description: '501319:Unknown eb:CPAId' }));
    expect(parsed.error?.layer).toBe('ebxml');
    expect(parsed.error?.retryable).toBe(false);
    expect(parsed.ebxml?.refToMessageId).toBe('M1');
  });

  it('ebXML Acknowledgment is not an error', () => {
    const parsed = parseAny(ebxmlAcknowledgment(parties, 'M1'));
    expect(parsed.error).toBeNull();
    expect(parsed.ebxml?.refToMessageId).toBe('M1');
  });

  it('dissent (420/30418) and no SCR (210/30312) are classified for the pharmacist', () => {
    const dissent = parseAny(
      quqi(base, [
        psisIssue('420', 'Business condition'),
        psisIssue('30418', 'ACF does not permit access to resource'),
      ]),
    );
    expect(dissent.error?.code).toBe('420');
    expect(dissent.error?.detailCode).toBe('30418');
    const none = parseAny(
      quqi(base, [
        psisIssue('210', 'Success with Warning', 'WG'),
        psisIssue('30312', 'Case Instance not found', 'WG'),
      ]),
    );
    expect(none.error?.kind).toBe('not-found');
    const noMatch = parseAny(quqi(base, [pdsIssue('1', 'No match to a Service User record')]));
    expect(noMatch.error).not.toBeNull();
  });

  it('MCCI AA is success with its detail; AR carries the acknowledgementDetail code', () => {
    const ok = parseAny(mcci({ ...base, ack: 'AA' }, { success: 'GP Summary upload successful' }));
    expect(ok.error).toBeNull();
    expect(ok.hl7?.successDetail).toBe('GP Summary upload successful');
    const ar = parseAny(
      mcci({ ...base, ack: 'AR', ackDetail: { code: '202', displayName: 'HL7 Validation Error' } }, {}),
    );
    expect(ar.hl7?.acknowledgement?.type).toBe('AR');
    expect(ar.hl7?.acknowledgementDetails[0]?.code).toBe('202');
    expect(ar.error).not.toBeNull();
  });
});
