// The HL7 transmission wrapper and ControlActEvent authors every request carries
// (spine-hl7v3.md sections 2.2 and 2.3), shared by all request builders.
import type { MessageAuthor, MessageContext } from './context';
import { hl7TimestampUk } from './dates';
import { el, xmlDocument, type Child, type Markup } from './markup';

export const OID = {
  interactionId: '2.16.840.1.113883.2.1.3.2.4.12',
  asid: '1.2.826.0.1285.0.2.0.107',
  roleProfile: '1.2.826.0.1285.0.2.0.67',
  sdsUser: '1.2.826.0.1285.0.2.0.65',
  jobRole: '1.2.826.0.1285.0.2.1.104',
  nhsNumber: '2.16.840.1.113883.2.1.4.1',
  ods: '2.16.840.1.113883.2.1.4.3',
  snomed: '2.16.840.1.113883.2.1.3.2.4.15',
  dissentOverride: '2.16.840.1.113883.2.1.3.2.4.17.60',
  templateId: '2.16.840.1.113883.2.1.3.2.4.18.2',
  sdsOrganisation: '1.2.826.0.1285.0.1.10',
} as const;

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/i;

/**
 * `YYYYMMDDHHMMSS` (spec 2.2: 14 characters accepted) in UK local time, as Spine's own messages
 * carry it; parsing applies the same UK offset, so a round trip keeps the instant.
 */
export function hl7Timestamp(date: Date): string {
  return hl7TimestampUk(date);
}

/** `YYYYMMDD` from an ISO date (`YYYY-MM-DD`). */
export function hl7Date(isoDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(isoDate)) throw new Error(`Not an ISO date: ${isoDate}`);
  return isoDate.replace(/-/g, '');
}

export function assertUuid(value: string, field: string): string {
  if (!UUID.test(value)) throw new Error(`${field} must be a UUID`);
  return value.toUpperCase();
}

export function assertNhsNumber(value: string): string {
  // Spine rule (spec 6.2): exactly 10 digits (INVALID_NHS_NUMBER).
  if (!/^\d{10}$/.test(value)) throw new Error('NHS number must be 10 digits');
  return value;
}

function nonEmpty(value: string, field: string): string {
  if (value.trim() === '') throw new Error(`${field} must not be empty`);
  return value;
}

function device(asid: string): Markup {
  return el(
    'device',
    { classCode: 'DEV', determinerCode: 'INSTANCE' },
    el('id', { root: OID.asid, extension: asid }),
  );
}

/**
 * `author` (0..1, the smartcard user) — Spine rejects it unless all three ids are non-empty
 * (spec 2.3, CONTROL_ACT_AUTHOR_INVALID), so an incomplete author is refused here.
 */
export function personAuthor(author: MessageAuthor): Markup {
  return el(
    'author',
    { typeCode: 'AUT' },
    el(
      'AgentPersonSDS',
      { classCode: 'AGNT' },
      el('id', { root: OID.roleProfile, extension: nonEmpty(author.roleProfileId, 'author.roleProfileId') }),
      el(
        'agentPersonSDS',
        { classCode: 'PSN', determinerCode: 'INSTANCE' },
        el('id', { root: OID.sdsUser, extension: nonEmpty(author.userUuid, 'author.userUuid') }),
      ),
      el(
        'part',
        { typeCode: 'PART' },
        el(
          'partSDSRole',
          { classCode: 'ROL' },
          el('id', { root: OID.jobRole, extension: nonEmpty(author.jobRoleCode, 'author.jobRoleCode') }),
        ),
      ),
    ),
  );
}

/** `author1` (exactly one here; Spine allows 1..2): our ASID (spec 2.3). */
export function systemAuthor(asid: string): Markup {
  return el(
    'author1',
    { typeCode: 'AUT' },
    el(
      'AgentSystemSDS',
      { classCode: 'AGNT' },
      el(
        'agentSystemSDS',
        { classCode: 'DEV', determinerCode: 'INSTANCE' },
        el('id', { root: OID.asid, extension: asid }),
      ),
    ),
  );
}

export interface WrapperOptions {
  readonly interactionId: string;
  readonly versionCode: string;
  /** Extra attributes on the root (e.g. `ITSVersion`, `xmlns:crs`). */
  readonly rootAttrs?: Readonly<Record<string, string>>;
  /** Whether the smartcard user goes in `author` (system-only requests omit it, spec 2.3). */
  readonly includeAuthor?: boolean;
  /** Put `author1` before `author` (GP Summary order, spec 8.1). */
  readonly systemAuthorFirst?: boolean;
  /** The ControlActEvent payload (query / subject / crs request). */
  readonly payload: Child;
}

/**
 * Builds the whole message: root element = interaction id, wrapper elements in the spec 2.2
 * order, and `interactionId/@extension` equal to the root name (INCONSISTENT_HL7_INTERACTION_ID).
 */
export function buildInteraction(context: MessageContext, options: WrapperOptions): string {
  const messageId = assertUuid(context.messageId, 'messageId');
  nonEmpty(context.fromAsid, 'fromAsid');
  nonEmpty(context.toAsid, 'toAsid');
  const includeAuthor = options.includeAuthor ?? true;
  const author = includeAuthor && context.author ? personAuthor(context.author) : null;
  const system = systemAuthor(context.fromAsid);
  const authors = options.systemAuthorFirst ? [system, author] : [author, system];
  const root = el(
    options.interactionId,
    { xmlns: 'urn:hl7-org:v3', ...options.rootAttrs },
    el('id', { root: messageId }),
    el('creationTime', { value: hl7Timestamp(context.creationTime) }),
    el('versionCode', { code: options.versionCode }),
    el('interactionId', { root: OID.interactionId, extension: options.interactionId }),
    el('processingCode', { code: 'P' }),
    el('processingModeCode', { code: 'T' }),
    el('acceptAckCode', { code: 'NE' }),
    el('communicationFunctionRcv', { typeCode: 'RCV' }, device(context.toAsid)),
    el('communicationFunctionSnd', { typeCode: 'SND' }, device(context.fromAsid)),
    el('ControlActEvent', { classCode: 'CACT', moodCode: 'EVN' }, authors, options.payload),
  );
  return xmlDocument(root);
}

/** A query parameter in the Spine style: `<name><value …/><semanticsText>…</semanticsText></name>`. */
export function queryParam(name: string, semantics: string, value: Markup | null): Markup {
  return el(name, null, value, el('semanticsText', null, semantics));
}
