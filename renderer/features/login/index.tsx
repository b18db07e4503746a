// The sign-in journey: insert card → passcode → role (product.md 3a, issue 5 "Screens"). Shown
// whenever no role is selected. Main does the work; this screen draws the stage and says what
// to do when something fails.
import { useEffect, useState } from 'react';
import type { AuthState, ContractError } from '../../../preload/contract';
import { invoke } from '../../lib/api';
import { PasscodeForm } from './passcode-form';
import { RolePicker } from './role-picker';
import { SignedOutNotice } from './signed-out-notice';
import { LaunchRequestNotice } from '../launch/launch-request-notice';

export interface LoginFlowProps {
  readonly state: AuthState;
}

export function LoginFlow({ state }: LoginFlowProps) {
  const [error, setError] = useState<ContractError | null>(null);
  const [busy, setBusy] = useState(false);

  // A card leaving the reader starts the journey again; an old error would only confuse.
  useEffect(() => {
    if (state.stage === 'no-card') setError(null);
  }, [state.stage]);

  if (state.stage === 'authenticated') {
    return (
      <main className="nhsuk-width-container app-page" id="maincontent">
        <LaunchRequestNotice until="sign-in" />
        <RolePicker state={state} />
      </main>
    );
  }

  if (state.stage === 'card-present' || state.stage === 'authenticating') {
    const signIn = async (pin: string) => {
      setBusy(true);
      setError(null);
      const result = await invoke('auth.login', { pin });
      setBusy(false);
      if (!result.ok) setError(result.error);
    };
    return (
      <main className="nhsuk-width-container app-page" id="maincontent">
        <h1>Enter your smartcard passcode</h1>
        <SignedOutNotice reason={state.signedOutReason} />
        <LaunchRequestNotice until="sign-in" />
        <PasscodeForm
          submitLabel="Sign in"
          busy={busy || state.stage === 'authenticating'}
          problem={error}
          problemTitle="You could not be signed in"
          onSubmit={signIn}
        />
      </main>
    );
  }

  return (
    <main className="nhsuk-width-container app-page" id="maincontent">
      <h1>Insert or tap your smartcard</h1>
      <SignedOutNotice reason={state.signedOutReason} />
      <LaunchRequestNotice until="sign-in" />
      <p className="nhsuk-body" role="status">
        Put your NHS smartcard in the reader, or tap it on a contactless reader.
      </p>
    </main>
  );
}
