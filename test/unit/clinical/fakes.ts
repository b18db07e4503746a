// In-memory parts for the clinical service's unit tests: a gateway that records every Spine
// conversation in one shared timeline with the audit sink, and a session whose user, role and
// activity codes a test sets.
import type { AuthState, RoleProfile } from '../../../preload/contract';
import type { AuditEventInput, AuditSink } from '../../../main/audit/sink';
import { signedOutSession, type SessionEnded, type SessionService } from '../../../main/auth/session-service';
import type { ClinicalGateway, PdsPatient, ScrOutcome } from '../../../main/clinical/gateway';
import type { OutboxItem } from '../../../main/spine/client';
import { EventBus } from '../../../main/api/event-bus';
import { createClinicalService, type ClinicalService } from '../../../main/clinical/service';
import { AppConfig } from '../../../main/config/schema';
import { silentLogger } from '../../../main/log/logger';

export const ordinary: PdsPatient = {
  nhsNumber: '9000000009',
  name: { family: 'Smith', given: ['Jane'], title: 'Mrs', preferred: null },
  birthDate: '1968-02-14',
  deathDate: null,
  gender: 'female',
  restricted: false,
  addresses: [{ use: 'usual', lines: ['1 Trevelyan Square', 'Leeds'], postcode: 'LS1 6AE' }],
  contacts: [{ kind: 'home', value: '0113 496 0000' }],
  gp: { odsCode: 'Y12345', name: 'Leeds Practice' },
  invalid: false,
  merged: false,
};

export const restricted: PdsPatient = {
  ...ordinary,
  nhsNumber: '9000000025',
  name: { family: 'Hidden', given: ['Sam'], title: null, preferred: null },
  restricted: true,
  addresses: [{ use: 'usual', lines: ['Secret House'], postcode: 'LS2 7AA' }],
  contacts: [{ kind: 'mobile', value: '07700 900000' }],
  gp: { odsCode: 'Y99999', name: 'Secret Practice' },
};

export const record: ScrOutcome = {
  kind: 'record',
  record: {
    documentId: 'DOC-1',
    lastUpdated: '2026-11-01T10:00:00Z',
    author: { name: 'Dr A Jones', organisation: 'Leeds Practice' },
    recentPracticeChange: false,
    sections: [
      { category: 'repeat-medication', title: 'Repeat medication', entries: [] },
      {
        category: 'allergies',
        title: 'Allergies and adverse reactions',
        entries: [
          {
            text: 'Penicillin',
            code: null,
            date: '2001-01-01',
            details: ['Rash'],
            prescribedElsewhere: false,
          },
        ],
      },
      { category: 'additional', title: 'Diagnoses', entries: [] },
    ],
    presentation: [{ type: 'element', name: 'p', children: [{ type: 'text', text: 'Summary' }] }],
  },
};

export type Step =
  | { readonly kind: 'audit'; readonly event: AuditEventInput }
  | { readonly kind: 'spine'; readonly call: string };

export interface Harness {
  readonly service: ClinicalService;
  readonly timeline: Step[];
  readonly audited: () => AuditEventInput[];
  readonly events: EventBus;
  readonly gateway: FakeGateway;
  signIn(userUuid: string, activityCodes: string[], roleProfileId?: string): void;
  /** Locks or unlocks the signed-in user's session (the state machine's `locked` stage). */
  setLocked(locked: boolean): void;
  readonly session: SessionService;
  endSession(): Promise<void>;
  failAuditOn(type: string): void;
}

export interface FakeGateway extends ClinicalGateway {
  patients: Map<string, PdsPatient>;
  superseded: Map<string, string>;
  scr: Map<string, ScrOutcome>;
  consents: Map<string, 'Yes' | 'No' | 'Ask'>;
  traceResult: PdsPatient[] | 'too-many';
  outboxItems: OutboxItem[];
}

const role = (roleProfileId: string, activityCodes: string[]): RoleProfile => ({
  roleProfileId,
  odsCode: 'FA123',
  organisationName: 'Test Pharmacy',
  jobRoleCode: 'S8000:G8000:R8003',
  jobRoleName: 'Pharmacist',
  activityCodes,
  hasAccess: true,
});

export function harness(policy: { selfClaimRelationship?: boolean } = {}): Harness {
  const timeline: Step[] = [];
  const failing = new Set<string>();
  const audit: AuditSink = {
    record: async (event) => {
      if (failing.has(event.type)) throw new Error('audit store unavailable');
      timeline.push({ kind: 'audit', event });
      return { sequence: timeline.length };
    },
  };
  let user: { uuid: string; codes: string[]; roleProfileId: string } | null = null;
  let locked = false;
  const ended = new Set<(ended: SessionEnded) => void | Promise<void>>();
  const state = (): AuthState =>
    user
      ? {
          stage: locked ? 'locked' : 'role-selected',
          user: { uuid: user.uuid, displayName: `User ${user.uuid}` },
          roles: [role(user.roleProfileId, user.codes)],
          selectedRole: role(user.roleProfileId, user.codes),
          features: [],
        }
      : { stage: 'no-card', user: null, roles: [], selectedRole: null, features: [] };
  const session: SessionService = {
    ...signedOutSession(),
    state,
    rbacSubject: () =>
      user && !locked ? { jobRoleCode: 'S8000:G8000:R8003', activityCodes: user.codes } : null,
    actor: () =>
      user
        ? {
            userUuid: user.uuid,
            displayName: `User ${user.uuid}`,
            roleProfileId: user.roleProfileId,
            jobRoleCode: 'S8000:G8000:R8003',
            odsCode: 'FA123',
          }
        : null,
    onEnded: (listener) => {
      ended.add(listener);
      return () => ended.delete(listener);
    },
  };
  const spineStep = (call: string) => timeline.push({ kind: 'spine', call });
  let seq = 0;
  const gateway: FakeGateway = {
    patients: new Map([
      [ordinary.nhsNumber, ordinary],
      [restricted.nhsNumber, restricted],
    ]),
    superseded: new Map(),
    scr: new Map([[ordinary.nhsNumber, record]]),
    consents: new Map(),
    traceResult: [],
    outboxItems: [],
    async retrieve(nhsNumber) {
      spineStep(`retrieve ${nhsNumber}`);
      const replacement = this.superseded.get(nhsNumber);
      const patient = this.patients.get(replacement ?? nhsNumber);
      if (!patient) return { kind: 'not-found' };
      return { kind: 'found', patient, supersededFrom: replacement ? nhsNumber : null };
    },
    async trace(criteria) {
      spineStep(`trace ${criteria.advanced ? 'advanced' : 'simple'}`);
      if (this.traceResult === 'too-many') return { kind: 'too-many' };
      return this.traceResult.length === 0
        ? { kind: 'not-found' }
        : { kind: 'matches', patients: this.traceResult };
    },
    async consent(nhsNumber) {
      spineStep(`consent ${nhsNumber}`);
      return this.consents.get(nhsNumber) ?? 'Ask';
    },
    async setConsent(nhsNumber, consent) {
      spineStep(`setConsent ${nhsNumber} ${consent}`);
      this.consents.set(nhsNumber, consent);
    },
    async latestGpSummary(nhsNumber, override) {
      spineStep(`scr ${nhsNumber} override ${override}`);
      return this.scr.get(nhsNumber) ?? { kind: 'none' };
    },
    async selfClaimRelationship(nhsNumber, reason) {
      spineStep(`selfClaim ${nhsNumber} ${reason}`);
      seq += 1;
      return item(`lr-${seq}`, 'REPC_IN040000UK15', nhsNumber);
    },
    validateGpSummary: () => [],
    async uploadGpSummary(nhsNumber) {
      spineStep(`upload ${nhsNumber}`);
      seq += 1;
      const queued = item(`up-${seq}`, 'REPC_IN150016UK05', nhsNumber);
      this.outboxItems.push(queued);
      return queued;
    },
    async outbox() {
      return this.outboxItems;
    },
  };
  const events = new EventBus();
  const service = createClinicalService({
    config: AppConfig.parse({}),
    log: silentLogger,
    events,
    audit,
    session,
    spine: {
      request: async () => Promise.reject(new Error('unused')),
      enqueue: async () => Promise.reject(new Error('unused')),
      outbox: async () => [],
      close: async () => undefined,
    },
    gateway,
    policy,
    now: () => new Date('2026-11-25T12:00:00Z'),
  });
  return {
    service,
    timeline,
    audited: () => timeline.flatMap((step) => (step.kind === 'audit' ? [step.event] : [])),
    events,
    gateway,
    session,
    signIn(uuid, codes, roleProfileId = `RP-${uuid}`) {
      user = { uuid, codes, roleProfileId };
      locked = false;
    },
    setLocked(value) {
      locked = value;
    },
    async endSession() {
      const who = user?.uuid ?? '';
      user = null;
      locked = false;
      for (const listener of ended) await listener({ reason: 'logout', userUuid: who });
    },
    failAuditOn(type) {
      failing.add(type);
    },
  };
}

export function item(id: string, interactionId: string, nhsNumber: string): OutboxItem {
  return {
    id,
    interactionId,
    messageId: `MSG-${id}`,
    nhsNumber,
    state: 'queued',
    message: null,
    createdAt: `2026-11-25T12:00:0${id.length % 10}Z`,
    updatedAt: '2026-11-25T12:00:00Z',
  };
}

export const pharmacist = ['B0264', 'B0401', 'B0370', 'B0168'];
export const gpSummariser = ['B0264', 'B0370', 'B0380', 'B0020', 'B8028'];
