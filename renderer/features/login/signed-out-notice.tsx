// Says why the last session ended (issue 13: no silent logout), on whichever sign-in screen the
// user lands on: the card prompt or the passcode prompt. Main reports the reason; it is cleared
// as soon as someone signs in again.
import type { SignedOutReason } from '../../../preload/contract';

const why: Readonly<Record<SignedOutReason, string | null>> = {
  idle: 'You were signed out because the system was not used for a while. This protects patient information when a workstation is left unattended.',
  'absolute-limit':
    'You were signed out because your session reached the longest time allowed. Sign in again to carry on.',
  'card-removed':
    'You were signed out because your smartcard was removed. On this workstation, removing the card ends the session.',
  'different-card': 'The previous session ended because a different smartcard was inserted.',
  logout: 'You have signed out.',
  shutdown: null,
};

export function signedOutMessage(reason: SignedOutReason | null | undefined): string | null {
  return reason ? why[reason] : null;
}

export function SignedOutNotice({ reason }: { readonly reason: SignedOutReason | null | undefined }) {
  const message = signedOutMessage(reason);
  if (!message) return null;
  return (
    <div className="nhsuk-inset-text app-signed-out" role="status">
      <span className="nhsuk-u-visually-hidden">Information: </span>
      <p>{message}</p>
    </div>
  );
}
