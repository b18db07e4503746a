// Reliable interactions' business processing: GP Summary upload REPC_IN150016UK05 (spec 8:
// document rules, then consent/merge/duplicate checks; success stores the document and marks a
// replaced one) and LR self-claim REPC_IN040000UK15 (spec 10). Each returns the MCCI_IN010000UK13
// that Spine sends back asynchronously.
import { mcci, psisIssue, type Reply } from './hl7';
import type { SandboxState } from './patients';
import { attr, child, children, descendants, path, text, type XmlElement } from './xml';

type ReplyBase = Omit<Reply, 'interactionId' | 'ack'>;

const NHS_OID = '2.16.840.1.113883.2.1.4.1';

/** Spec 8.1 (REPC_IN1500xxUK05_GPSummary.xsl): the reason the document is invalid, or null. */
export function documentProblem(summary: XmlElement): string | null {
  if (!attr(child(summary, 'id'), 'root')) return 'GPSummary id/@root missing';
  if (!attr(child(summary, 'code'), 'code')) return 'GPSummary code/@code missing';
  if (!attr(child(summary, 'statusCode'), 'code')) return 'GPSummary statusCode/@code missing';
  if (!attr(child(summary, 'effectiveTime'), 'value')) return 'GPSummary effectiveTime/@value missing';
  const targets = children(child(summary, 'recordTarget'), 'patient');
  if (
    targets.length !== 1 ||
    attr(path(targets[0], 'id'), 'root') !== NHS_OID ||
    !attr(path(targets[0], 'id'), 'extension')
  ) {
    return 'exactly one NHS number in recordTarget';
  }
  const author = child(summary, 'author');
  if (!attr(child(author, 'time'), 'value')) return 'author time/@value missing';
  const agents = (author?.children ?? []).filter((c) => c.name !== 'time');
  const agent = agents[0];
  if (agents.length !== 1 || !agent) return 'exactly one author agent';
  if (agent.name === 'UKCT_MT160018UK01.AgentPersonSDS') {
    const role = attr(child(agent, 'id'), 'extension');
    const person = child(agent, 'agentPersonSDS');
    if (!role || !attr(child(person, 'id'), 'extension') || !text(child(person, 'name'))) {
      return 'SDS author needs role profile id, user id and a name';
    }
  } else if (agent.name === 'UKCT_MT160017UK01.AgentOrgSDS') {
    const root = attr(path(agent, 'agentOrganizationSDS', 'id'), 'root');
    if (root !== '1.2.826.0.1285.0.1.10' && root !== '1.2.826.0.1285.0.2.0.109')
      return 'SDS organisation id root';
  } else if (!/AgentPerson|AgentOrg/.test(agent.name)) {
    return 'unknown author agent';
  }
  if (descendants(summary, 'presentationText').length === 0) return 'presentation text missing';
  return null;
}

/** The GPSummary element's text as sent, to store verbatim. */
export function gpSummaryText(hl7Text: string): string | null {
  const m = /<(?:[A-Za-z0-9_]+:)?GPSummary[\s>][\s\S]*<\/(?:[A-Za-z0-9_]+:)?GPSummary>/.exec(hl7Text);
  return m ? m[0] : null;
}

export function uploadGpSummary(
  state: SandboxState,
  request: XmlElement,
  hl7Text: string,
  base: ReplyBase,
  messageId: string,
): { reply: string; outcome: 'AA' | 'AE' } {
  const versioned = { ...base, versionCode: 'V3NPfIT4.2.00' };
  const fail = (...issues: ReturnType<typeof psisIssue>[]): { reply: string; outcome: 'AE' } => ({
    reply: mcci({ ...versioned, ack: 'AE' }, { issues }),
    outcome: 'AE',
  });
  const summaries = descendants(request, 'GPSummary');
  const summary = summaries[0];
  if (summaries.length !== 1 || !summary)
    return fail(
      psisIssue('430', 'Invalid Update'),
      psisIssue('30112', 'INVALID_DOCUMENT_DATA|exactly one GPSummary'),
    );
  const problem = documentProblem(summary);
  if (problem)
    return fail(psisIssue('430', 'Invalid Update'), psisIssue('30112', `INVALID_DOCUMENT_DATA|${problem}`));
  const nhsNumber = attr(path(summary, 'recordTarget', 'patient', 'id'), 'extension') ?? '';
  const id = attr(child(summary, 'id'), 'root') ?? '';
  const patient = state.patient(nhsNumber);
  const record = (outcome: 'AA' | 'AE', documentId: string | null): void =>
    state.recordUpload({
      messageId,
      interactionId: 'REPC_IN150016UK05',
      nhsNumber,
      documentId,
      receivedAt: new Date().toISOString(),
      outcome,
    });
  if (!patient || patient.unknownToPds) {
    record('AE', null);
    return fail(
      psisIssue('400', 'Invalid Request'),
      psisIssue('35160', 'Invalid input message. Mandatory field NHS Number is missing or incorrect'),
    );
  }
  if (patient.mergedInto) {
    record('AE', null);
    return fail(
      psisIssue('410', 'Logical inconsistency'),
      psisIssue(
        '30307',
        `PQR-99 - NHS Number has been merged - PSIS currently records the merged NHS Number as ## ${patient.mergedInto} ##`,
      ),
    );
  }
  if (state.consent(nhsNumber) === 'No') {
    record('AE', null);
    return fail(
      psisIssue(
        '420',
        'Business condition related to access control which prevents the action being performed by PSIS',
      ),
      psisIssue('30402', 'PQR-02 - No explicit Service User Consent exists for Sharing of this record'),
    );
  }
  if (state.documents(nhsNumber).some((d) => d.id.toUpperCase() === id.toUpperCase())) {
    record('AE', null);
    return fail(psisIssue('410', 'Logical inconsistency'), psisIssue('30142', 'Duplicate document'));
  }
  const replaces = attr(path(summary, 'replacementOf', 'priorMessageRef', 'id'), 'root');
  if (replaces && !state.documents(nhsNumber).some((d) => d.id.toUpperCase() === replaces.toUpperCase())) {
    record('AE', null);
    return fail(
      psisIssue('410', 'Logical inconsistency'),
      psisIssue('30308', 'The document being replaced does not exist'),
    );
  }
  const agent = path(summary, 'author', 'UKCT_MT160018UK01.AgentPersonSDS');
  const created = attr(child(summary, 'effectiveTime'), 'value') ?? '';
  if (replaces) state.setStatus(nhsNumber, replaces, 'Replaced');
  state.addDocument({
    id,
    status: 'Normal',
    created: created.slice(0, 14).padEnd(14, '0'),
    author: {
      name: text(path(agent, 'agentPersonSDS', 'name')) || 'Unknown',
      roleProfileId: attr(child(agent, 'id'), 'extension') ?? '',
      userId: attr(path(agent, 'agentPersonSDS', 'id'), 'extension') ?? '',
    },
    practice: '',
    ...(replaces ? { replaces } : {}),
    clinical: {
      allergies: [],
      acute: [],
      repeat: [],
      discontinued: [],
      problems: [],
      diagnoses: [],
      risks: [],
      additional: [],
    },
    nhsNumber,
    uploadedXml: gpSummaryText(hl7Text) ?? undefined,
  });
  record('AA', id);
  return {
    reply: mcci({ ...versioned, ack: 'AA' }, { success: 'GP Summary upload successful' }),
    outcome: 'AA',
  };
}

/** REPC_IN040000UK15 self-claim (spec 10): SCRequest with a 10-digit NHS number and an author. */
export function selfClaim(
  state: SandboxState,
  request: XmlElement,
  base: ReplyBase,
  messageId: string,
): { reply: string; outcome: 'AA' | 'AE' } {
  const sc = descendants(request, 'SCRequest')[0];
  const nhsNumber =
    attr(path(sc, 'recordTarget', 'patient', 'id'), 'extension') ??
    attr(
      descendants(sc, 'id').find((i) => attr(i, 'root') === NHS_OID),
      'extension',
    ) ??
    '';
  const user =
    attr(path(request, 'ControlActEvent', 'author', 'AgentPersonSDS', 'agentPersonSDS', 'id'), 'extension') ??
    '';
  const fail = (code: string, why: string): { reply: string; outcome: 'AE' } => {
    state.recordUpload({
      messageId,
      interactionId: 'REPC_IN040000UK15',
      nhsNumber,
      documentId: null,
      receivedAt: new Date().toISOString(),
      outcome: 'AE',
    });
    return {
      reply: mcci(
        { ...base, ack: 'AE' },
        { issues: [psisIssue('400', 'Invalid Request'), psisIssue(code, why)] },
      ),
      outcome: 'AE',
    };
  };
  if (!sc) return fail('35160', 'SCRequest missing');
  if (!/^\d{10}$/.test(nhsNumber))
    return fail('35160', 'Invalid input message. Mandatory field NHS Number is missing or incorrect');
  const patient = state.patient(nhsNumber);
  if (!patient || patient.unknownToPds)
    return fail('35160', 'Invalid input message. Mandatory field NHS Number is missing or incorrect');
  if (!user) return fail('35160', 'Self-claim needs an AgentPersonSDS author');
  state.addRelationship(nhsNumber, user);
  state.recordUpload({
    messageId,
    interactionId: 'REPC_IN040000UK15',
    nhsNumber,
    documentId: null,
    receivedAt: new Date().toISOString(),
    outcome: 'AA',
  });
  return {
    reply: mcci({ ...base, ack: 'AA' }, { success: 'Legitimate relationship created' }),
    outcome: 'AA',
  };
}
