// One line of audit.ndjson as text: written straight from an entry (auditEventLine), and read
// straight back (readEventLine) when it is exactly what auditEventLine writes. Reading a million
// lines through JSON.parse and fromAuditEvent cost the verifier most of its time; the exporter's
// own layout can instead be matched piece by piece, and its values are already the JSON that
// the canonical encoding is made of. Anything else — another layout, a character outside
// printable ASCII, an escape other than \" and \\ — is not read here (null) and is left to
// JSON.parse and fromAuditEvent, so a line never means two different things: property tests
// hold both readers to the same entry on every line this one accepts. Pure: no I/O.
import type { AuditEntry } from './entry';
import { CHAIN_EXTENSION, fhirOutcome, readActionOf, systems } from './fhir';

const q = JSON.stringify;
const sys = Object.fromEntries(Object.entries(systems).map(([k, v]) => [k, q(v)])) as Record<
  keyof typeof systems,
  string
>;
const chainUrl = q(CHAIN_EXTENSION);

/**
 * The same text as `JSON.stringify(toAuditEvent(entry))`, written directly: exporting a million
 * entries spent a third of its time collecting the intermediate objects. A property test holds
 * the two equal.
 */
export function auditEventLine(e: AuditEntry): string {
  let roles = '';
  if (e.roleProfileId !== null)
    roles = `{"coding":[{"system":${sys.roleProfile},"code":${q(e.roleProfileId)}}]}`;
  if (e.jobRole !== null) {
    roles += `${roles ? ',' : ''}{"coding":[{"system":${sys.jobRole},"code":${q(e.jobRole)}}]}`;
  }
  const who =
    e.userUuid !== null
      ? `"identifier":{"system":${sys.userId},"value":${q(e.userUuid)}}${e.displayName !== null ? `,"display":${q(e.displayName)}` : ''}`
      : e.displayName !== null
        ? `"display":${q(e.displayName)}`
        : '';
  let agents = `{${roles ? `"role":[${roles}],` : ''}"who":{${who}},"requestor":true}`;
  if (e.odsCode !== null) {
    agents += `,{"who":{"identifier":{"system":${sys.ods},"value":${q(e.odsCode)}}},"requestor":false}`;
  }
  const entities: string[] = [];
  if (e.nhsNumber !== null) {
    entities.push(
      `{"what":{"identifier":{"system":${sys.nhsNumber},"value":${q(e.nhsNumber)}}},"type":{"system":${sys.entityType},"code":"1"}}`,
    );
  }
  const details: string[] = [];
  if (e.messageId !== null) details.push(`{"type":"messageId","valueString":${q(e.messageId)}}`);
  if (e.correlationId !== null) details.push(`{"type":"correlationId","valueString":${q(e.correlationId)}}`);
  if (e.interactionId !== null || details.length > 0) {
    entities.push(
      `{"type":{"system":${sys.entityType},"code":"2"}${e.interactionId !== null ? `,"name":${q(e.interactionId)}` : ''}${
        details.length > 0 ? `,"detail":[${details.join(',')}]` : ''
      }}`,
    );
  }
  if (e.detail !== null) {
    entities.push(
      `{"type":{"system":${sys.entityType},"code":"4"},"name":"detail","detail":[{"type":"detail","valueString":${q(e.detail)}}]}`,
    );
  }
  let purpose = '';
  if (e.accessReason !== null || e.accessReasonText !== null) {
    const coding =
      e.accessReason !== null ? `"coding":[{"system":${sys.accessReason},"code":${q(e.accessReason)}}]` : '';
    const text = e.accessReasonText !== null ? `"text":${q(e.accessReasonText)}` : '';
    purpose = `,"purposeOfEvent":[{${coding}${coding && text ? ',' : ''}${text}}]`;
  }
  const observer = e.asid !== null ? `{"identifier":{"system":${sys.asid},"value":${q(e.asid)}}}` : '{}';
  return (
    `{"resourceType":"AuditEvent","id":${q(`seq-${e.sequence}`)},"extension":[{"url":${chainUrl},"extension":[` +
    `{"url":"sequence","valueInteger":${q(e.sequence)}},{"url":"previousHash","valueString":${q(e.prevHash)}},` +
    `{"url":"hash","valueString":${q(e.hash)}},{"url":"timezoneOffset","valueString":${q(e.tzOffset)}},` +
    `{"url":"outcome","valueCode":${q(e.outcome)}}]}],"type":{"system":${sys.eventType},"code":${q(e.type)}},` +
    `"action":"${readActionOf(e.type)}","recorded":${q(e.at)},"outcome":${q(fhirOutcome(e.outcome))}${purpose},` +
    `"agent":[${agents}],"source":{"site":${q(e.workstation)},"observer":${observer}}` +
    `${entities.length > 0 ? `,"entity":[${entities.join(',')}]` : ''}}`
  );
}

/** What the chain check needs from a line, read without decoding it. */
export interface EventLineChain {
  readonly sequence: number;
  readonly prevHash: string;
  readonly hash: string;
  /** The entry's fields in canonical order, each as the JSON text in the line (canonicalEncodingOfJson). */
  readonly fields: readonly string[];
}

// The line being read and the reader's position in it (one line at a time, synchronously).
let text = '';
let at = 0;
let end = 0;

/** Steps over `expected` when the line continues with it. */
function skip(expected: string): boolean {
  const next = at + expected.length;
  // Why slice and ===: V8 compares two flat strings with memcmp, startsWith one character at a time.
  if (next > end || text.slice(at, next) !== expected) return false;
  at = next;
  return true;
}

/** Steps over `"value"` (a short value with nothing to escape) when the line continues with it. */
function skipQuoted(value: string): boolean {
  const close = at + value.length + 1;
  if (close >= end || text.charCodeAt(at) !== 34 || text.charCodeAt(close) !== 34) return false;
  if (!text.startsWith(value, at + 1)) return false;
  at = close + 1;
  return true;
}

/**
 * A JSON string that is exactly JSON.stringify of its value: printable ASCII, with only \" and
 * \\ escaped. Returns its text, quotes included, or null (the cursor is then of no further use).
 */
function jsonString(): string | null {
  if (text.charCodeAt(at) !== 34) return null;
  for (let i = at + 1; i < end; i += 1) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const value = text.slice(at, i + 1);
      at = i + 1;
      return value;
    }
    if (c === 92) {
      const escaped = text.charCodeAt(i + 1);
      if (escaped !== 34 && escaped !== 92) return null;
      i += 1;
    } else if (c < 0x20 || c > 0x7e) return null;
  }
  return null;
}

/** A JSON string's value (only \" and \\ can be escaped in what jsonString accepts). */
const valueOf = (json: string): string =>
  json.includes('\\') ? (JSON.parse(json) as string) : json.slice(1, -1);

/** 64 lower-case hex digits in quotes, as every exported hash is; returns the digits. */
function hexHash(): string | null {
  if (text.charCodeAt(at) !== 34 || text.charCodeAt(at + 65) !== 34 || at + 66 > end) return null;
  for (let i = at + 1; i <= at + 64; i += 1) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return null;
  }
  const digits = text.slice(at + 1, at + 65);
  at += 66;
  return digits;
}

/** A positive safe integer as JSON.stringify writes it (no sign, no leading zero, no exponent). */
function positiveInteger(): string | null {
  const from = at;
  const first = text.charCodeAt(at);
  if (first < 49 || first > 57) return null;
  at += 1;
  while (at < end && at - from <= 16) {
    const c = text.charCodeAt(at);
    if (c < 48 || c > 57) break;
    at += 1;
  }
  const digits = text.slice(from, at);
  return Number.isSafeInteger(Number(digits)) ? digits : null;
}

/** The code of a coding list's one coding, its system already read; then `}]}`. */
function codeOfCoding(): string | null {
  const code = jsonString();
  return code !== null && skip('}]}') ? code : null;
}

/**
 * Reads `text.slice(start, stop)` when it is exactly what auditEventLine writes for some entry,
 * and returns that entry's sequence, hashes and fields as JSON; null for any other line.
 */
export function readEventLine(line: string, start = 0, stop = line.length): EventLineChain | null {
  text = line;
  at = start;
  end = stop;
  try {
    return readEvent();
  } finally {
    text = '';
  }
}

// The layout's fixed pieces between values, as auditEventLine writes them.
const AFTER_ID = `","extension":[{"url":${chainUrl},"extension":[{"url":"sequence","valueInteger":`;
const AFTER_OUTCOME = `}]}],"type":{"system":${sys.eventType},"code":`;
const REASON_CODING = `"coding":[{"system":${sys.accessReason},"code":`;
const ROLE_PROFILE = `{"coding":[{"system":${sys.roleProfile},"code":`;
const JOB_ROLE = `{"coding":[{"system":${sys.jobRole},"code":`;
const USER_ID = `"identifier":{"system":${sys.userId},"value":`;
const ODS_AGENT = `,{"who":{"identifier":{"system":${sys.ods},"value":`;
const ASID = `{"identifier":{"system":${sys.asid},"value":`;
const PATIENT = `{"what":{"identifier":{"system":${sys.nhsNumber},"value":`;
const PATIENT_END = `}},"type":{"system":${sys.entityType},"code":"1"}}`;
const MESSAGE = `{"type":{"system":${sys.entityType},"code":"2"}`;
const DETAIL = `{"type":{"system":${sys.entityType},"code":"4"},"name":"detail","detail":[{"type":"detail","valueString":`;
const COMMA_JOB_ROLE = `,${JOB_ROLE}`;
const COMMA_MESSAGE = `,${MESSAGE}`;
const COMMA_DETAIL = `,${DETAIL}`;
const NULL = 'null';

function readEvent(): EventLineChain | null {
  if (!skip('{"resourceType":"AuditEvent","id":"seq-')) return null;
  const id = positiveInteger();
  if (id === null || !skip(AFTER_ID)) return null;
  const sequence = positiveInteger();
  if (sequence !== id || !skip('},{"url":"previousHash","valueString":')) return null;
  const prevHash = hexHash();
  if (prevHash === null || !skip('},{"url":"hash","valueString":')) return null;
  const hash = hexHash();
  if (hash === null || !skip('},{"url":"timezoneOffset","valueString":')) return null;
  const tzOffset = jsonString();
  if (tzOffset === null || !skip('},{"url":"outcome","valueCode":')) return null;
  const outcome = jsonString();
  if (outcome === null || !skip(AFTER_OUTCOME)) return null;
  const type = jsonString();
  if (
    type === null ||
    !skip('},"action":') ||
    !skipQuoted(readActionOf(valueOf(type))) ||
    !skip(',"recorded":')
  )
    return null;
  const recorded = jsonString();
  if (recorded === null || !skip(',"outcome":') || !skipQuoted(fhirOutcome(valueOf(outcome)))) return null;

  let accessReason: string | null = NULL;
  let accessReasonText: string | null = NULL;
  if (skip(',"purposeOfEvent":[{')) {
    if (skip(REASON_CODING)) {
      accessReason = jsonString();
      if (accessReason === null || !skip('}]')) return null;
      if (skip(',"text":')) accessReasonText = jsonString();
    } else if (skip('"text":')) accessReasonText = jsonString();
    else return null;
    if (accessReasonText === null || !skip('}]')) return null;
  }

  if (!skip(',"agent":[{')) return null;
  let roleProfileId: string | null = NULL;
  let jobRole: string | null = NULL;
  if (skip('"role":[')) {
    if (skip(ROLE_PROFILE)) roleProfileId = codeOfCoding();
    if (roleProfileId !== null && skip(roleProfileId === NULL ? JOB_ROLE : COMMA_JOB_ROLE))
      jobRole = codeOfCoding();
    if (roleProfileId === null || jobRole === null) return null;
    if ((roleProfileId === NULL && jobRole === NULL) || !skip('],')) return null;
  }
  if (!skip('"who":{')) return null;
  let userUuid: string | null = NULL;
  let displayName: string | null = NULL;
  if (skip(USER_ID)) {
    userUuid = jsonString();
    if (userUuid === null || !skip('}')) return null;
    if (skip(',"display":')) displayName = jsonString();
  } else if (skip('"display":')) displayName = jsonString();
  if (displayName === null || !skip('},"requestor":true}')) return null;
  let odsCode: string | null = NULL;
  if (skip(ODS_AGENT)) {
    odsCode = jsonString();
    if (odsCode === null || !skip('}},"requestor":false}')) return null;
  }
  if (!skip('],"source":{"site":')) return null;
  const workstation = jsonString();
  if (workstation === null || !skip(',"observer":')) return null;
  let asid: string | null = NULL;
  if (!skip('{}')) {
    if (!skip(ASID)) return null;
    asid = jsonString();
    if (asid === null || !skip('}}')) return null;
  }
  if (!skip('}')) return null;

  let nhsNumber: string | null = NULL;
  let interactionId: string | null = NULL;
  let messageId: string | null = NULL;
  let correlationId: string | null = NULL;
  let detail: string | null = NULL;
  if (skip(',"entity":[')) {
    let separator = '';
    if (skip(PATIENT)) {
      nhsNumber = jsonString();
      if (nhsNumber === null || !skip(PATIENT_END)) return null;
      separator = ',';
    }
    if (skip(separator ? COMMA_MESSAGE : MESSAGE)) {
      if (skip(',"name":')) interactionId = jsonString();
      if (interactionId === null) return null;
      if (skip(',"detail":[')) {
        if (skip('{"type":"messageId","valueString":')) {
          messageId = jsonString();
          if (messageId === null || !skip('}')) return null;
          if (skip(',{"type":"correlationId","valueString":')) {
            correlationId = jsonString();
            if (correlationId === null || !skip('}')) return null;
          }
        } else if (skip('{"type":"correlationId","valueString":')) {
          correlationId = jsonString();
          if (correlationId === null || !skip('}')) return null;
        } else return null;
        if (!skip(']')) return null;
      } else if (interactionId === NULL) return null;
      if (!skip('}')) return null;
      separator = ',';
    }
    if (skip(separator ? COMMA_DETAIL : DETAIL)) {
      detail = jsonString();
      if (detail === null || !skip('}]}')) return null;
      separator = ',';
    }
    if (separator === '' || !skip(']')) return null;
  }
  if (!skip('}') || at !== end) return null;
  return {
    sequence: Number(sequence),
    prevHash,
    hash,
    fields: [
      sequence,
      recorded,
      tzOffset,
      type,
      outcome,
      userUuid,
      displayName,
      roleProfileId,
      jobRole,
      odsCode,
      workstation,
      asid,
      nhsNumber,
      interactionId,
      messageId,
      correlationId,
      accessReason,
      accessReasonText,
      detail,
    ],
  };
}
