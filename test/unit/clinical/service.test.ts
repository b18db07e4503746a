// The clinical service's rules, with an in-memory gateway and audit sink: access decision
// audited before any record is fetched, write-before-disclose, restricted filtering in main,
// RBAC inside the journeys, and the patient context wiped on session end or user change.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../main/api/app-error';
import { gpSummariser, harness, item, ordinary, pharmacist, restricted } from './fakes';

const byNumber = (nhsNumber: string) => ({ mode: 'nhs-number' as const, nhsNumber });
const permission = (nhsNumber = '9000000009') => ({
  nhsNumber,
  legitimateRelationship: true as const,
  basis: { kind: 'permission' as const, mode: 'this-visit' as const },
});

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error.code;
    return `thrown: ${String(error)}`;
  }
  return 'resolved';
}

describe('finding a patient', () => {
  it('refuses an NHS number that fails modulus 11 before anything is sent to Spine', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    expect(await code(h.service.search(byNumber('9000000008')))).toBe('INVALID_NHS_NUMBER');
    expect(h.timeline.filter((step) => step.kind === 'spine')).toEqual([]);
  });

  it('opens the patient for a valid number and audits the search with the NHS number', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    const result = await h.service.search(byNumber('900 000 0009'));
    expect(result.kind).toBe('patient');
    expect(h.service.current()?.nhsNumber).toBe('9000000009');
    expect(h.audited().map((event) => [event.type, event.nhsNumber])).toEqual([
      ['patient.search', '9000000009'],
    ]);
  });

  it('says a superseded number was replaced and shows the new number', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    h.gateway.superseded.set('9000000017', '9000000009');
    const result = await h.service.search(byNumber('9000000017'));
    if (result.kind !== 'patient') throw new Error('expected a patient');
    expect(result.patient.nhsNumber).toBe('9000000009');
    expect(result.patient.warnings[0]?.kind).toBe('superseded');
    expect(result.patient.warnings[0]?.message).toContain('900 000 0017 has been replaced by 900 000 0009');
  });

  it('keeps a restricted patient’s address, contacts and GP in main without B1611', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    const result = await h.service.search(byNumber('9000000025'));
    if (result.kind !== 'patient') throw new Error('expected a patient');
    expect(result.patient.restricted).toBe(true);
    expect(result.patient.addresses).toBeNull();
    expect(result.patient.contacts).toBeNull();
    expect(result.patient.gp).toBeNull();
    expect(JSON.stringify(result)).not.toContain('Secret');
    expect(result.patient.warnings.map((warning) => warning.kind)).toContain('restricted-hidden');
  });

  it('shows a restricted patient’s location data to a role with B1611', async () => {
    const h = harness();
    h.signIn('u1', [...pharmacist, 'B1611']);
    const result = await h.service.search(byNumber('9000000025'));
    if (result.kind !== 'patient') throw new Error('expected a patient');
    expect(result.patient.addresses?.[0]?.lines).toEqual(['Secret House']);
    expect(result.patient.gp?.odsCode).toBe('Y99999');
  });

  it('hides restricted candidates’ postcodes in a several-candidates list and holds no patient', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    h.gateway.traceResult = [ordinary, restricted];
    const result = await h.service.search({
      mode: 'advanced',
      family: 'Smith',
      gender: 'any',
      birth: { kind: 'year', year: 1968 },
      similarNames: true,
    });
    if (result.kind !== 'candidates') throw new Error('expected candidates');
    expect(result.candidates.map((c) => c.postcode)).toEqual(['LS1 6AE', null]);
    expect(h.service.current()).toBeNull();
    expect(h.timeline).toContainEqual({ kind: 'spine', call: 'trace advanced' });
    const searched = h.audited().find((event) => event.type === 'patient.search');
    expect(JSON.stringify(searched)).not.toContain('Smith');
  });

  it('refuses a postcode search without B0098, and allows it with B0098', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    h.gateway.traceResult = [ordinary];
    const basic = {
      mode: 'basic' as const,
      family: 'Smith',
      gender: 'female' as const,
      birthDate: '1968-02-14',
      postcode: 'LS1 6AE',
    };
    expect(await code(h.service.search(basic))).toBe('NOT_AUTHORISED');
    expect(h.timeline.filter((step) => step.kind === 'spine')).toEqual([]);
    h.signIn('u1', [...pharmacist, 'B0098']);
    expect((await h.service.search(basic)).kind).toBe('patient');
  });

  it('names the patient for audit entries whether found by number or by trace, and forgets at session end', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    h.gateway.traceResult = [ordinary];
    await h.service.search({ mode: 'basic', family: 'Smith', gender: 'female', birthDate: '1968-02-14' });
    expect(h.service.patientName('9000000009')).toBe('SMITH, Jane');
    await h.endSession();
    expect(h.service.patientName('9000000009')).toBeNull();
  });

  it('reports too many results and no match with what to do next', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    h.gateway.traceResult = 'too-many';
    const basic = {
      mode: 'basic' as const,
      family: 'Smith',
      gender: 'female' as const,
      birthDate: '1968-02-14',
    };
    expect(await code(h.service.search(basic))).toBe('TOO_MANY_RESULTS');
    h.gateway.traceResult = [];
    expect(await code(h.service.search(basic))).toBe('PATIENT_NOT_FOUND');
    expect(await code(h.service.search(byNumber('9111231130')))).toBe('PATIENT_NOT_FOUND');
  });
});

describe('access decision and the SCR', () => {
  it('will not fetch the record before an access decision', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    expect(await code(h.service.getScr('9000000009'))).toBe('ACCESS_DECISION_REQUIRED');
    expect(h.timeline.some((step) => step.kind === 'spine' && step.call.startsWith('scr'))).toBe(false);
  });

  it('audits the decision before the record is fetched, and the view before it is returned', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    const decision = await h.service.decideAccess(permission());
    expect(decision.alert).toEqual({ type: 1, reasonCode: 6 });
    const record = await h.service.getScr('9000000009');
    const order = h.timeline.map((step) => (step.kind === 'audit' ? `audit ${step.event.type}` : step.call));
    expect(order).toEqual([
      'retrieve 9000000009',
      'audit patient.search',
      'audit scr.access',
      'selfClaim 9000000009 6',
      'audit lr.selfClaim',
      'scr 9000000009 override 0',
      'audit scr.view',
    ]);
    expect(record.core.map((section) => section.category)).toEqual([
      'allergies',
      'acute-medication',
      'repeat-medication',
      'discontinued-repeat-medication',
    ]);
    expect(record.additional.map((section) => section.title)).toEqual(['Diagnoses']);
  });

  it('shows nothing when the audit trail cannot take the view (write before disclose)', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    await h.service.decideAccess(permission());
    h.failAuditOn('scr.view');
    expect(await code(h.service.getScr('9000000009'))).not.toBe('resolved');
  });

  it('does not fetch the record when the decision cannot be audited', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    h.failAuditOn('scr.access');
    expect(await code(h.service.decideAccess(permission()))).not.toBe('resolved');
    expect(await code(h.service.getScr('9000000009'))).toBe('ACCESS_DECISION_REQUIRED');
  });

  it('needs B0168 for emergency access and B0082 for legal access, which overrides dissent', async () => {
    const h = harness();
    h.signIn('u1', ['B0264', 'B0401']);
    await h.service.search(byNumber('9000000009'));
    const emergency = {
      nhsNumber: '9000000009',
      legitimateRelationship: true as const,
      basis: { kind: 'emergency' as const, reason: 'Unconscious, no carer present' },
    };
    expect(await code(h.service.decideAccess(emergency))).toBe('NOT_AUTHORISED');
    expect(h.audited().at(-1)?.type).toBe('access.refused');
    h.signIn('u1', ['B0264', 'B0401', 'B0168', 'B0082']);
    await h.service.search(byNumber('9000000009'));
    expect((await h.service.decideAccess(emergency)).alert).toEqual({ type: 2, reasonCode: 5 });
    expect(h.audited().find((event) => event.type === 'scr.access')).toMatchObject({
      accessReason: 'emergency',
      accessReasonText: 'Emergency access: Unconscious, no carer present',
    });
    await h.service.decideAccess({
      nhsNumber: '9000000009',
      legitimateRelationship: true,
      basis: { kind: 'legal', ground: 'court-order', reason: 'Order 123' },
    });
    await h.service.getScr('9000000009');
    expect(h.timeline).toContainEqual({ kind: 'spine', call: 'scr 9000000009 override 3' });
  });

  it('does not self-claim an LR when the deployment does not require it', async () => {
    const h = harness({ selfClaimRelationship: false });
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    expect((await h.service.decideAccess(permission())).selfClaimed).toBe(false);
    expect(h.timeline.some((step) => step.kind === 'spine' && step.call.startsWith('selfClaim'))).toBe(false);
  });

  it('says when there is no SCR and when the patient said No', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    h.gateway.patients.set('9000000033', { ...ordinary, nhsNumber: '9000000033' });
    await h.service.search(byNumber('9000000033'));
    await h.service.decideAccess(permission('9000000033'));
    expect(await code(h.service.getScr('9000000033'))).toBe('NO_SCR');
    h.gateway.scr.set('9000000033', { kind: 'withheld' });
    expect(await code(h.service.getScr('9000000033'))).toBe('CONSENT_WITHHELD');
  });

  it('turns a failed Spine exchange into SPINE_UNAVAILABLE and audits the failure', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    await h.service.decideAccess(permission());
    h.gateway.latestGpSummary = async () => {
      throw new Error('socket hang up');
    };
    expect(await code(h.service.getScr('9000000009'))).toBe('SPINE_UNAVAILABLE');
    expect(h.audited().at(-1)).toMatchObject({ type: 'scr.view', outcome: 'failure' });
  });

  it('audits a print and stamps it with the marking, user and role', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    await h.service.decideAccess(permission());
    const stamp = await h.service.recordPrint('9000000009');
    expect(stamp).toMatchObject({
      marking: 'OFFICIAL-SENSITIVE: PERSONAL',
      printedBy: 'User u1',
      role: 'Pharmacist',
    });
    expect(h.audited().at(-1)?.type).toBe('scr.print');
  });

  it('HAZ-001 HAZ-013 audits a print with the sections chosen, and a medication-list copy like a print', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    await h.service.decideAccess(permission());
    await h.service.recordPrint('9000000009', {
      purpose: 'print',
      sections: ['Allergies', 'Acute medication'],
      pages: 2,
    });
    expect(h.audited().at(-1)).toMatchObject({
      type: 'scr.print',
      detail: { sections: ['Allergies', 'Acute medication'], pages: 2 },
    });
    await h.service.recordPrint('9000000009', {
      purpose: 'copy',
      sections: ['Repeat medication'],
      pages: null,
    });
    expect(h.audited().at(-1)).toMatchObject({
      type: 'scr.copy',
      detail: { sections: ['Repeat medication'] },
    });
  });
});

describe('merged records', () => {
  it('warn on every later access once Spine said the number was merged', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    await h.service.decideAccess(permission());
    h.gateway.latestGpSummary = async () => {
      throw new AppError('SPINE_REJECTED', 'This NHS number has been merged into another.', {
        detailCode: '30307',
      });
    };
    expect(await code(h.service.getScr('9000000009'))).toBe('SPINE_REJECTED');
    expect(h.service.current()?.warnings.map((warning) => warning.kind)).toContain('merged');
    await h.service.closePatient();
    const again = await h.service.search(byNumber('9000000009'));
    if (again.kind !== 'patient') throw new Error('expected a patient');
    expect(again.patient.warnings.map((warning) => warning.kind)).toContain('merged');
    await h.endSession();
    h.signIn('u1', pharmacist);
    const next = await h.service.search(byNumber('9000000009'));
    if (next.kind !== 'patient') throw new Error('expected a patient');
    expect(next.patient.warnings).toEqual([]);
  });
});

describe('patient context', () => {
  it('is wiped when the session ends', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    await h.service.decideAccess(permission());
    await h.endSession();
    h.signIn('u1', pharmacist);
    expect(h.service.current()).toBeNull();
    expect(await code(h.service.getScr('9000000009'))).toBe('PATIENT_NOT_FOUND');
  });

  it('is never shown to a different user or role, even without an end event', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    await h.service.decideAccess(permission());
    h.signIn('u2', pharmacist);
    expect(h.service.current()).toBeNull();
    expect(await code(h.service.getScr('9000000009'))).toBe('PATIENT_NOT_FOUND');
    h.signIn('u2', pharmacist, 'another-role');
    expect(h.service.current()).toBeNull();
  });

  it('is wiped on a session.changed event that leaves role-selected', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    h.events.emit('session.changed', {
      stage: 'ended',
      user: null,
      roles: [],
      selectedRole: null,
      features: [],
    });
    expect(h.service.current()).toBeNull();
  });
});

describe('consent and GP Summary uploads', () => {
  it('reads consent (absent = Ask) and lets only consent.set roles change it', async () => {
    const h = harness();
    h.signIn('u1', pharmacist);
    await h.service.search(byNumber('9000000009'));
    expect(await h.service.getConsent('9000000009')).toEqual({
      nhsNumber: '9000000009',
      state: 'Ask',
      canChange: false,
    });
    h.signIn('u2', gpSummariser);
    await h.service.search(byNumber('9000000009'));
    expect((await h.service.getConsent('9000000009')).canChange).toBe(true);
    expect((await h.service.setConsent('9000000009', 'No')).state).toBe('No');
    expect(h.audited().at(-1)).toMatchObject({ type: 'consent.set', detail: { state: 'No' } });
  });

  it('validates a draft before queueing it and lists only GP Summary uploads', async () => {
    const h = harness();
    h.signIn('u2', gpSummariser);
    await h.service.search(byNumber('9000000009'));
    const empty = {
      kind: 'compose' as const,
      draft: {
        allergies: [],
        noKnownAllergies: false,
        acuteMedication: [],
        repeatMedication: [],
        additional: [],
      },
    };
    const checked = await h.service.validateGpSummary('9000000009', empty);
    expect(checked.valid).toBe(false);
    expect(await code(h.service.uploadGpSummary('9000000009', empty))).toBe('INVALID_INPUT');
    expect(h.timeline.some((step) => step.kind === 'spine' && step.call.startsWith('upload'))).toBe(false);
    const good = {
      kind: 'compose' as const,
      draft: {
        allergies: [{ text: 'Penicillin', reaction: 'Rash' }],
        noKnownAllergies: false,
        acuteMedication: [{ text: 'Amoxicillin 500mg capsules', dosage: 'One three times a day' }],
        repeatMedication: [],
        additional: [],
      },
    };
    const queued = await h.service.uploadGpSummary('9000000009', good);
    expect(queued.state).toBe('queued');
    h.gateway.outboxItems.push(item('lr', 'REPC_IN040000UK15', '9000000009'));
    expect((await h.service.uploads()).map((upload) => upload.id)).toEqual([queued.id]);
  });

  it('refuses a medication without dosage and reserved dissent wording', async () => {
    const h = harness();
    h.signIn('u2', gpSummariser);
    await h.service.search(byNumber('9000000009'));
    const checked = await h.service.validateGpSummary('9000000009', {
      kind: 'compose',
      draft: {
        allergies: [],
        noKnownAllergies: true,
        acuteMedication: [{ text: 'Aspirin' }],
        repeatMedication: [],
        additional: [{ kind: 'diagnoses', text: 'Patient has chosen not to have a Summary Care Record' }],
      },
    });
    expect(checked.problems.map((problem) => problem.field)).toEqual([
      'acuteMedication.0.dosage',
      'additional.0',
    ]);
  });
});
