// On the lock and sign-in screens: which patient another system asked to open, by NHS number
// only (in-context launch, issue 14). The patient opens once the user unlocks, or signs in and
// chooses a role; nothing about the patient is shown before that.
import { formatNhsNumber } from '../../../preload/contract/nhs-number';
import { claimedBy, useLaunchNotice } from './use-launch-notice';

export interface LaunchRequestNoticeProps {
  /** What the user must do before the patient opens. */
  readonly until: 'unlock' | 'sign-in';
}

export function LaunchRequestNotice({ until }: LaunchRequestNoticeProps) {
  const [notice] = useLaunchNotice();
  if (notice?.kind !== 'waiting') return null;
  return (
    <div
      className="nhsuk-inset-text app-launch-notice"
      role="status"
      aria-label="Request from another system"
    >
      <p>
        {claimedBy(notice.source)} asked to open NHS No. {formatNhsNumber(notice.nhsNumber)}.
      </p>
      <p>
        {until === 'unlock'
          ? 'It opens when you unlock, and you will still be asked why you are accessing the record.'
          : 'It opens after you sign in and choose your role, and you will still be asked why you are accessing the record.'}
      </p>
    </div>
  );
}
