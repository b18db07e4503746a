// Legitimate relationship self-claim REPC_IN040000UK15 (spine-hl7v3.md section 10). No sample
// exists; the structure follows the Spine validator's rules quoted in the spec.
import type { MessageContext } from './context';
import { el } from './markup';
import { assertNhsNumber, buildInteraction, OID } from './wrapper';

export interface LrSelfClaimParams {
  readonly nhsNumber: string;
  /** Self-claim reason (vocabulary 2.16.840.1.113883.2.1.3.2.4.16.22). */
  readonly reasonCode: string;
  /** The LR id being claimed (root 2.16.840.1.113883.2.1.3.2.4.18.3), when known. */
  readonly lrId?: string;
}

/** REPC_IN040000UK15: SCRequest with reasonCode, recordTarget, author and optional pertinent LR. */
export function buildLrSelfClaim(context: MessageContext, params: LrSelfClaimParams): string {
  const author = context.author;
  // Spine rule (spec 10): the self-claim author is an AgentPersonSDS with a 12-char user id.
  if (!author) throw new Error('A self-claim needs the smartcard user as author');
  const subject = el(
    'subject',
    { typeCode: 'SUBJ' },
    el(
      'SCRequest',
      { classCode: 'ACT', moodCode: 'RQO' },
      el('reasonCode', { code: params.reasonCode, codeSystem: '2.16.840.1.113883.2.1.3.2.4.16.22' }),
      el(
        'recordTarget',
        { typeCode: 'RCT' },
        el(
          'patient',
          { classCode: 'PAT' },
          el('id', { root: OID.nhsNumber, extension: assertNhsNumber(params.nhsNumber) }),
        ),
      ),
      el(
        'author',
        { typeCode: 'AUT' },
        el(
          'AgentPersonSDS',
          { classCode: 'AGNT' },
          el('id', { root: OID.roleProfile, extension: author.roleProfileId }),
          el(
            'agentPersonSDS',
            { classCode: 'PSN', determinerCode: 'INSTANCE' },
            el('id', { root: OID.sdsUser, extension: author.userUuid }),
          ),
        ),
      ),
      params.lrId
        ? el(
            'pertinentInformation',
            { typeCode: 'PERT' },
            el(
              'pertinentLR',
              { classCode: 'ACT', moodCode: 'EVN' },
              el('id', { root: '2.16.840.1.113883.2.1.3.2.4.18.3', extension: params.lrId }),
            ),
          )
        : null,
    ),
  );
  return buildInteraction(context, {
    interactionId: 'REPC_IN040000UK15',
    versionCode: 'V3NPfIT3.0',
    payload: subject,
  });
}
