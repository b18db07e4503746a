// An audit entry as a FHIR R4 AuditEvent (one per line of audit.ndjson) and back. The mapping is
// lossless — every field of the entry can be read back from the resource — so the offline
// verifier recomputes each hash from exactly what a reviewer reads. Pure: no I/O.
import type { AuditEntry } from './entry';

/** One complex extension carries the chain: sub-extension urls are plain names (FHIR R4 rules). */
export const CHAIN_EXTENSION = 'https://scr-desktop.example/fhir/StructureDefinition/audit-chain';

const CS = 'https://scr-desktop.example/fhir/CodeSystem/';
export const systems = {
  eventType: `${CS}audit-event-type`,
  accessReason: `${CS}scr-access-reason`,
  userId: 'https://fhir.nhs.uk/Id/sds-user-id',
  roleProfile: 'https://fhir.nhs.uk/Id/sds-role-profile-id',
  jobRole: 'https://fhir.nhs.uk/CodeSystem/NHSDigital-SDS-JobRoleCode',
  ods: 'https://fhir.nhs.uk/Id/ods-organization-code',
  asid: 'https://fhir.nhs.uk/Id/nhsSpineASID',
  nhsNumber: 'https://fhir.nhs.uk/Id/nhs-number',
  interaction: 'urn:nhs:names:services:interaction',
  entityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
} as const;

/** FHIR R4 outcome codes: 0 success, 4 minor failure, 8 serious failure. */
const outcomeCode: Record<string, string> = { success: '0', info: '0', refused: '4', failure: '8' };

type Json = Record<string, unknown>;

export function fhirOutcome(outcome: string): string {
  return Object.hasOwn(outcomeCode, outcome) ? (outcomeCode[outcome] as string) : '8';
}

export function readActionOf(type: string): 'R' | 'E' {
  return /(^|\.)(view|read|search|get)(\.|$)/.test(type) ? 'R' : 'E';
}

export function toAuditEvent(entry: AuditEntry): Json {
  const agentRoles: Json[] = [];
  if (entry.roleProfileId !== null) {
    agentRoles.push({ coding: [{ system: systems.roleProfile, code: entry.roleProfileId }] });
  }
  if (entry.jobRole !== null) agentRoles.push({ coding: [{ system: systems.jobRole, code: entry.jobRole }] });
  const user: Json = {
    ...(agentRoles.length > 0 ? { role: agentRoles } : {}),
    who: {
      ...(entry.userUuid !== null ? { identifier: { system: systems.userId, value: entry.userUuid } } : {}),
      ...(entry.displayName !== null ? { display: entry.displayName } : {}),
    },
    requestor: true,
  };
  const agents: Json[] = [user];
  if (entry.odsCode !== null) {
    agents.push({
      who: { identifier: { system: systems.ods, value: entry.odsCode } },
      requestor: false,
    });
  }
  const entities: Json[] = [];
  if (entry.nhsNumber !== null) {
    entities.push({
      what: { identifier: { system: systems.nhsNumber, value: entry.nhsNumber } },
      type: { system: systems.entityType, code: '1' },
    });
  }
  const messageDetail: Json[] = [];
  if (entry.messageId !== null) messageDetail.push({ type: 'messageId', valueString: entry.messageId });
  if (entry.correlationId !== null) {
    messageDetail.push({ type: 'correlationId', valueString: entry.correlationId });
  }
  if (entry.interactionId !== null || messageDetail.length > 0) {
    entities.push({
      type: { system: systems.entityType, code: '2' },
      ...(entry.interactionId !== null ? { name: entry.interactionId } : {}),
      ...(messageDetail.length > 0 ? { detail: messageDetail } : {}),
    });
  }
  if (entry.detail !== null) {
    entities.push({
      type: { system: systems.entityType, code: '4' },
      name: 'detail',
      detail: [{ type: 'detail', valueString: entry.detail }],
    });
  }
  return {
    resourceType: 'AuditEvent',
    id: `seq-${entry.sequence}`,
    extension: [
      {
        url: CHAIN_EXTENSION,
        extension: [
          { url: 'sequence', valueInteger: entry.sequence },
          { url: 'previousHash', valueString: entry.prevHash },
          { url: 'hash', valueString: entry.hash },
          { url: 'timezoneOffset', valueString: entry.tzOffset },
          { url: 'outcome', valueCode: entry.outcome },
        ],
      },
    ],
    type: { system: systems.eventType, code: entry.type },
    action: readActionOf(entry.type),
    recorded: entry.at,
    outcome: fhirOutcome(entry.outcome),
    ...(entry.accessReason !== null || entry.accessReasonText !== null
      ? {
          purposeOfEvent: [
            {
              ...(entry.accessReason !== null
                ? { coding: [{ system: systems.accessReason, code: entry.accessReason }] }
                : {}),
              ...(entry.accessReasonText !== null ? { text: entry.accessReasonText } : {}),
            },
          ],
        }
      : {}),
    agent: agents,
    source: {
      site: entry.workstation,
      observer: entry.asid !== null ? { identifier: { system: systems.asid, value: entry.asid } } : {},
    },
    ...(entities.length > 0 ? { entity: entities } : {}),
  };
}

class Malformed extends Error {}

const obj = (v: unknown, what: string): Json => {
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new Malformed(`${what} is not an object`);
  return v as Json;
};
const arr = (v: unknown, what: string): unknown[] => {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Malformed(`${what} is not an array`);
  return v;
};
const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string') throw new Malformed(`${what} is missing`);
  return v;
};
const optStr = (v: unknown, what: string): string | null => (v === undefined ? null : str(v, what));

/** The chain extension's sub-extensions by name. */
function chainParts(resource: Json): Map<string, Json> {
  const chain = arr(resource['extension'], 'extension')
    .map((e) => obj(e, 'extension'))
    .filter((e) => e['url'] === CHAIN_EXTENSION);
  if (chain.length !== 1) throw new Malformed('the audit-chain extension is missing');
  const parts = new Map<string, Json>();
  for (const part of arr((chain[0] as Json)['extension'], 'audit-chain')) {
    const p = obj(part, 'audit-chain part');
    const name = str(p['url'], 'audit-chain part url');
    if (parts.has(name)) throw new Malformed(`audit-chain ${name} appears twice`);
    parts.set(name, p);
  }
  return parts;
}

function part(parts: Map<string, Json>, name: string): Json {
  const found = parts.get(name);
  if (!found) throw new Malformed(`audit-chain ${name} is missing`);
  return found;
}

function codingSystem(codings: unknown, system: string): string | null {
  for (const c of arr(codings, 'coding')) {
    const coding = obj(c, 'coding');
    if (coding['system'] === system) return str(coding['code'], 'code');
  }
  return null;
}

/** Reads an entry back from an AuditEvent; throws an Error saying what is malformed. */
export function fromAuditEvent(value: unknown): AuditEntry {
  try {
    const r = obj(value, 'line');
    if (r['resourceType'] !== 'AuditEvent') throw new Malformed('not an AuditEvent');
    const chain = chainParts(r);
    const sequence = part(chain, 'sequence')['valueInteger'];
    if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1) {
      throw new Malformed('sequence is not a positive integer');
    }
    const agents = arr(r['agent'], 'agent').map((a) => obj(a, 'agent'));
    const user = agents.find((a) => a['requestor'] === true);
    if (!user) throw new Malformed('no requesting agent');
    const who = obj(user['who'] ?? {}, 'agent.who');
    const whoId = who['identifier'] === undefined ? null : obj(who['identifier'], 'agent.who.identifier');
    let roleProfileId: string | null = null;
    let jobRole: string | null = null;
    for (const role of arr(user['role'], 'agent.role')) {
      const coding = obj(role, 'agent.role')['coding'];
      roleProfileId = codingSystem(coding, systems.roleProfile) ?? roleProfileId;
      jobRole = codingSystem(coding, systems.jobRole) ?? jobRole;
    }
    const org = agents.find((a) => a !== user);
    const orgId = org ? obj(obj(org['who'], 'agent.who')['identifier'], 'agent.who.identifier') : null;
    const source = obj(r['source'], 'source');
    const observer = obj(source['observer'] ?? {}, 'source.observer');
    const asidId = observer['identifier'] === undefined ? null : obj(observer['identifier'], 'observer');
    const entities = arr(r['entity'], 'entity').map((e) => obj(e, 'entity'));
    const entityOfType = (code: string) =>
      entities.find((e) => obj(e['type'] ?? {}, 'entity.type')['code'] === code);
    const patient = entityOfType('1');
    const message = entityOfType('2');
    const detailEntity = entityOfType('4');
    const detailValue = (entity: Json | undefined, type: string): string | null => {
      if (!entity) return null;
      for (const d of arr(entity['detail'], 'entity.detail')) {
        const item = obj(d, 'entity.detail');
        if (item['type'] === type) return str(item['valueString'], `entity.detail ${type}`);
      }
      return null;
    };
    const purpose = arr(r['purposeOfEvent'], 'purposeOfEvent').map((p) => obj(p, 'purposeOfEvent'))[0];
    const type = obj(r['type'], 'type');
    return {
      sequence,
      at: str(r['recorded'], 'recorded'),
      tzOffset: str(part(chain, 'timezoneOffset')['valueString'], 'time-zone offset'),
      type: str(type['code'], 'type.code'),
      outcome: str(part(chain, 'outcome')['valueCode'], 'outcome'),
      userUuid: whoId ? str(whoId['value'], 'user id') : null,
      displayName: optStr(who['display'], 'agent.who.display'),
      roleProfileId,
      jobRole,
      odsCode: orgId ? str(orgId['value'], 'ODS code') : null,
      workstation: str(source['site'], 'source.site'),
      asid: asidId ? str(asidId['value'], 'ASID') : null,
      nhsNumber: patient
        ? str(obj(obj(patient['what'], 'entity.what')['identifier'], 'identifier')['value'], 'NHS number')
        : null,
      interactionId: message ? optStr(message['name'], 'interaction id') : null,
      messageId: detailValue(message, 'messageId'),
      correlationId: detailValue(message, 'correlationId'),
      accessReason: purpose ? codingSystem(purpose['coding'], systems.accessReason) : null,
      accessReasonText: purpose ? optStr(purpose['text'], 'purposeOfEvent.text') : null,
      detail: detailValue(detailEntity, 'detail'),
      prevHash: str(part(chain, 'previousHash')['valueString'], 'previous hash'),
      hash: str(part(chain, 'hash')['valueString'], 'hash'),
    };
  } catch (error) {
    if (error instanceof Malformed)
      throw new Error(`malformed AuditEvent: ${error.message}`, { cause: error });
    throw error;
  }
}
