// Realistic synthetic audit entries for training drills and benchmarks (training mode only):
// sign-ins, role selection, searches, record views with access decisions, Spine exchanges, locks
// and sign-outs, for training users and the published training patients (product.md section 7).
import { randomUUID } from 'node:crypto';
import { canonicalJson } from './entry';
import type { PendingEntry } from './store';

const users = [
  {
    userUuid: '555021935107',
    displayName: 'PHARMACIST, Ann',
    roleProfileId: '555021936108',
    jobRole: 'S8000:G8000:R8008',
  },
  {
    userUuid: '555021937109',
    displayName: 'LOCUM, Raj',
    roleProfileId: '555021938110',
    jobRole: 'S8000:G8000:R8008',
  },
  {
    userUuid: '555021939111',
    displayName: 'GOVERNANCE, Sam',
    roleProfileId: '555021940112',
    jobRole: 'S8000:G8000:R0001',
  },
];
const patients = ['9990402132', '9990281025', '9990252955', '9990252947', '9000000009', '9000000033'];
const reasons = ['permission-to-view', 'permission-to-view', 'permission-to-view', 'emergency', 'legal'];

/** A small deterministic generator, so a seeded store is reproducible for a given seed. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

export interface SeedOptions {
  readonly entries: number;
  readonly workstation: string;
  readonly asid: string | null;
  readonly odsCode?: string;
  /** Timestamp of the last entry; entries are spread over the preceding `days`. */
  readonly end?: Date;
  readonly days?: number;
  readonly seed?: number;
}

/** Yields entries in time order, in batches (one transaction each when appended). */
export function* seedEntries(options: SeedOptions, batchSize = 10_000): Generator<PendingEntry[]> {
  const random = generator(options.seed ?? 6);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const end = (options.end ?? new Date()).getTime();
  const span = (options.days ?? 90) * 86_400_000;
  const step = options.entries > 0 ? span / options.entries : 0;
  const start = end - span;
  let batch: PendingEntry[] = [];
  let user = pick(users);
  let patient = pick(patients);
  for (let i = 0; i < options.entries; i += 1) {
    const at = new Date(Math.floor(start + i * step));
    const phase = i % 12;
    if (phase === 0) user = pick(users);
    if (phase === 3) patient = pick(patients);
    const messageId = randomUUID().toUpperCase();
    const base = {
      at: at.toISOString(),
      tzOffset: '+00:00',
      outcome: 'success',
      userUuid: user.userUuid,
      displayName: user.displayName,
      roleProfileId: phase === 0 ? null : user.roleProfileId,
      jobRole: phase === 0 ? null : user.jobRole,
      odsCode: options.odsCode ?? 'FA123',
      workstation: options.workstation,
      asid: options.asid,
      nhsNumber: null as string | null,
      interactionId: null as string | null,
      messageId: null as string | null,
      correlationId: null as string | null,
      accessReason: null as string | null,
      accessReasonText: null as string | null,
      detail: null as string | null,
    };
    let entry: PendingEntry;
    switch (phase) {
      case 0:
        entry = { ...base, type: 'session.login', detail: canonicalJson({ card: 'training' }) };
        break;
      case 1:
        entry = {
          ...base,
          type: 'session.roleSelected',
          detail: canonicalJson({ roleProfileId: user.roleProfileId }),
        };
        break;
      case 2:
      case 3:
        entry = {
          ...base,
          type: 'spine.request',
          outcome: phase === 2 ? 'info' : 'success',
          nhsNumber: patient,
          interactionId: 'QUPA_IN050000UK32',
          messageId,
          correlationId: messageId,
          detail: canonicalJson({ search: 'nhs-number', stage: phase === 2 ? 'sent' : 'acknowledged' }),
        };
        break;
      case 4: {
        const reason = pick(reasons);
        entry = {
          ...base,
          type: 'scr.access-decision',
          nhsNumber: patient,
          accessReason: reason,
          accessReasonText:
            reason === 'permission-to-view' ? null : 'Patient unable to consent; urgent supply',
        };
        break;
      }
      case 5:
      case 6:
        entry = {
          ...base,
          type: 'spine.request',
          nhsNumber: patient,
          interactionId: 'REPC_IN150016UK05',
          messageId,
          correlationId: messageId,
          detail: canonicalJson({ document: 'scr', stage: phase === 5 ? 'sent' : 'received' }),
        };
        break;
      case 7:
        entry = { ...base, type: 'scr.view', nhsNumber: patient, detail: canonicalJson({ sections: 4 }) };
        break;
      case 8:
        entry = {
          ...base,
          type: 'session.locked',
          outcome: 'info',
          detail: canonicalJson({ reason: 'idle' }),
        };
        break;
      case 9:
        entry = { ...base, type: 'session.unlocked' };
        break;
      case 10:
        entry = {
          ...base,
          type: random() < 0.1 ? 'access.refused' : 'patient.search',
          outcome: 'success',
          detail: canonicalJson({ mode: 'basic', results: 1 }),
        };
        break;
      default:
        entry = { ...base, type: 'session.logout', detail: canonicalJson({ reason: 'logout' }) };
    }
    batch.push(entry);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
