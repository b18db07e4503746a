// The clinical service against the real transport and the real Spine sandbox (mutual TLS on
// 127.0.0.1): every patient in the pack that stands for a journey or a fault, end to end through
// main/hl7 builders and parsers — what the screens will receive.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGpSummary } from '../../../main/hl7/gp-summary';
import { makeSandbox, makeTransport, type SandboxUnderTest, type TransportUnderTest } from '../spine/harness';
import { createClinicalService, type ClinicalService } from '../../../main/clinical/service';
import { createHl7Gateway } from '../../../main/clinical/hl7-gateway';
import { signedOutSession, type SessionService } from '../../../main/auth/session-service';
import type { AuditEventInput } from '../../../main/audit/sink';
import { AppError } from '../../../main/api/app-error';
import { AppConfig } from '../../../main/config/schema';
import { EventBus } from '../../../main/api/event-bus';
import { silentLogger } from '../../../main/log/logger';
import type { AuthState, RoleProfile } from '../../../preload/contract';

const codes = ['B0264', 'B0401', 'B0370', 'B0168', 'B0082', 'B0380', 'B0020', 'B8028'];
const role: RoleProfile = {
  roleProfileId: '555254240100',
  odsCode: 'FA123',
  organisationName: 'Training Pharmacy',
  jobRoleCode: 'S8000:G8000:R8000',
  jobRoleName: 'Pharmacist',
  activityCodes: codes,
  hasAccess: true,
};
const state: AuthState = {
  stage: 'role-selected',
  user: { uuid: '555254239107', displayName: 'Test Pharmacist' },
  roles: [role],
  selectedRole: role,
  features: [],
};
const session: SessionService = {
  ...signedOutSession(),
  state: () => state,
  rbacSubject: () => ({ jobRoleCode: role.jobRoleCode, activityCodes: codes }),
  actor: () => ({
    userUuid: '555254239107',
    displayName: 'Test Pharmacist',
    roleProfileId: role.roleProfileId,
    jobRoleCode: role.jobRoleCode,
    odsCode: role.odsCode,
  }),
};

let sandbox: SandboxUnderTest;
let transport: TransportUnderTest;
let service: ClinicalService;
const audited: AuditEventInput[] = [];

beforeAll(async () => {
  sandbox = await makeSandbox();
  transport = await makeTransport(sandbox.sandbox, { retryIntervalMs: 200 });
  service = createClinicalService({
    config: AppConfig.parse({ environment: 'training' }),
    log: silentLogger,
    events: new EventBus(),
    audit: {
      record: async (event) => {
        audited.push(event);
        return { sequence: audited.length };
      },
    },
    session,
    spine: transport.transport,
  });
});

afterAll(async () => {
  await service?.close();
  await transport?.close();
  await sandbox?.close();
});

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

const open = async (nhsNumber: string) => {
  const result = await service.search({ mode: 'nhs-number', nhsNumber });
  if (result.kind !== 'patient') throw new Error('expected one patient');
  return result.patient;
};
const decide = (nhsNumber: string) =>
  service.decideAccess({
    nhsNumber,
    legitimateRelationship: true,
    basis: { kind: 'permission', mode: 'this-visit' },
  });

describe('clinical journeys against the Spine sandbox', () => {
  it('finds an ordinary patient, reads consent Ask and shows the SCR with core before additional', async () => {
    const patient = await open('9000000009');
    expect(patient.name.family?.toUpperCase()).toBe('FAIRBAIRN');
    expect(patient.birthDate).toBe('1968-04-12');
    expect(patient.addresses?.[0]?.postcode).toBe('LS6 2QT');
    expect((await service.getConsent('9000000009')).state).toBe('Ask');
    await decide('9000000009');
    const record = await service.getScr('9000000009');
    const allergies = record.core[0];
    expect(allergies?.category).toBe('allergies');
    expect(allergies?.entries.map((entry) => entry.text).join(' ')).toMatch(/penicillin/i);
    expect(record.core[1]?.entries.map((entry) => entry.text).join(' ')).toMatch(/Amoxicillin/);
    expect(record.core[2]?.entries.map((entry) => entry.text).join(' ')).toMatch(/Amlodipine/);
    expect(record.additional.length).toBeGreaterThan(0);
    expect(record.presentation).not.toBeNull();
    expect(JSON.stringify(record.presentation)).not.toMatch(/<script|onerror|javascript:/i);
    expect(audited.filter((event) => event.type === 'scr.view').at(-1)?.outcome).toBe('success');
  });

  it('reads the same SCR through the asynchronous PSIS document list and document requests', async () => {
    const config = AppConfig.parse({ environment: 'training' });
    const asyncService = createClinicalService({
      config,
      log: silentLogger,
      events: new EventBus(),
      audit: { record: async () => ({ sequence: 0 }) },
      session,
      spine: transport.transport,
      gateway: createHl7Gateway({
        spine: transport.transport,
        config,
        log: silentLogger,
        scrRetrieval: 'async',
      }),
    });
    try {
      const sent = transport.audited.length;
      await asyncService.search({ mode: 'nhs-number', nhsNumber: '9000000009' });
      await asyncService.decideAccess({
        nhsNumber: '9000000009',
        legitimateRelationship: true,
        basis: { kind: 'permission', mode: 'this-visit' },
      });
      const record = await asyncService.getScr('9000000009');
      expect(record.core[0]?.entries.map((entry) => entry.text).join(' ')).toMatch(/penicillin/i);
      const interactions = transport.audited.slice(sent).map((event) => event.interactionId);
      expect(interactions).toEqual(expect.arrayContaining(['QUPC_IN160101UK05', 'QUPC_IN160103UK05']));
      expect(interactions).not.toContain('QUPC_IN180000SM04');
    } finally {
      await asyncService.close();
    }
  });

  it('withholds a restricted patient’s location data', async () => {
    const patient = await open('9000000025');
    expect(patient.restricted).toBe(true);
    expect(patient.addresses).toBeNull();
    expect(patient.gp).toBeNull();
  });

  it('follows a superseded number to its replacement and says so', async () => {
    const patient = await open('9990000034');
    expect(patient.nhsNumber).toBe('9990000026');
    expect(patient.warnings.map((warning) => warning.kind)).toContain('superseded');
  });

  it('reports a patient unknown to PDS', async () => {
    expect((await failure(open('9111231130'))).code).toBe('PATIENT_NOT_FOUND');
  });

  it('reports no SCR, and consent No unless legal access overrides the dissent', async () => {
    await open('9000000033');
    await decide('9000000033');
    expect((await failure(service.getScr('9000000033'))).message).toBe(
      'This patient does not have a Summary Care Record',
    );
    await open('9990000069');
    expect((await service.getConsent('9990000069')).state).toBe('No');
    await decide('9990000069');
    expect((await failure(service.getScr('9990000069'))).message).toBe(
      'The patient has chosen not to have a Summary Care Record',
    );
    await service.decideAccess({
      nhsNumber: '9990000069',
      legitimateRelationship: true,
      basis: { kind: 'legal', ground: 'court-order', reason: 'Court order 2026/123' },
    });
    expect((await service.getScr('9990000069')).documentId).toBeTruthy();
  });

  it('lists the several candidates of an advanced trace', async () => {
    const result = await service.search({
      mode: 'advanced',
      family: 'Hargreaves',
      gender: 'male',
      birth: { kind: 'range', from: '1980-01-01', to: '1989-12-31' },
      similarNames: false,
    });
    if (result.kind !== 'candidates') throw new Error(`expected candidates, got ${result.kind}`);
    expect(result.candidates.map((candidate) => candidate.nhsNumber).sort()).toEqual([
      '9990000107',
      '9990000115',
      '9990000123',
    ]);
  });

  it('sets consent and reads it back', async () => {
    await open('9990000077');
    await service.setConsent('9990000077', 'No');
    expect((await service.getConsent('9990000077')).state).toBe('No');
    await service.setConsent('9990000077', 'Ask');
    expect((await service.getConsent('9990000077')).state).toBe('Ask');
  });

  it('uploads a composed GP Summary through the outbox until Spine acknowledges it', async () => {
    await open('9990000166');
    const queued = await service.uploadGpSummary('9990000166', {
      kind: 'compose',
      draft: {
        allergies: [{ text: 'Allergy to penicillin', code: '91936005', reaction: 'Rash' }],
        noKnownAllergies: false,
        acuteMedication: [
          { text: 'Amoxicillin 500mg capsules', code: '323510009', dosage: 'One three times a day' },
        ],
        repeatMedication: [],
        additional: [{ kind: 'diagnoses', text: 'Asthma' }],
      },
    });
    const final = await transport.transport.settle(queued.id, 20_000);
    expect(final.state).toBe('acknowledged');
    expect((await service.uploads()).map((upload) => upload.id)).toContain(queued.id);
    await decide('9990000166');
    const record = await service.getScr('9990000166');
    expect(JSON.stringify(record)).toMatch(/Amoxicillin 500mg capsules/);
  });
});

describe('GP Summary import', () => {
  it('checks an imported document against the Spine rules and sends it unchanged through the outbox', async () => {
    await open('9990000174');
    const exported = buildGpSummary(
      {
        messageId: randomUUID().toUpperCase(),
        creationTime: new Date(),
        fromAsid: '200000000001',
        toAsid: '990000000001',
        author: { roleProfileId: '555254240100', userUuid: '555254239107', jobRoleCode: 'S8000:G8000:R8000' },
      },
      {
        id: randomUUID().toUpperCase(),
        kind: 'update',
        effectiveTime: new Date(),
        nhsNumber: '9990000174',
        author: { roleProfileId: '555254240100', userId: '555254239107', name: 'Dr Practice System' },
        presentationTextId: randomUUID().toUpperCase(),
        presentation: [
          { kind: 'heading', text: 'General Practice Summary' },
          { kind: 'paragraph', text: 'Imported from the practice system: Salbutamol inhaler' },
        ],
      },
    );
    const wrongPatient = await service.validateGpSummary('9990000174', {
      kind: 'import',
      xml: exported.replace(/extension="9990000174"/g, 'extension="9990000182"'),
    });
    expect(wrongPatient.problems.map((problem) => problem.field)).toContain('recordTarget');
    expect(
      (
        await service.validateGpSummary('9990000174', {
          kind: 'import',
          xml: '<!DOCTYPE x [<!ENTITY a "b">]><x/>',
        })
      ).valid,
    ).toBe(false);
    const queued = await service.uploadGpSummary('9990000174', { kind: 'import', xml: exported });
    expect((await transport.transport.settle(queued.id, 20_000)).state).toBe('acknowledged');
    await decide('9990000174');
    expect(JSON.stringify(await service.getScr('9990000174'))).toContain('Salbutamol inhaler');
  });
});
