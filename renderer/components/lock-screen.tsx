// The lock screen (product.md 9): covers everything the session showed. The same card and its
// passcode unlock it; another person's card ends the session (main does that on insertion).
import { useState } from 'react';
import type { AuthState, ContractError } from '../../preload/contract';
import { invoke } from '../lib/api';
import { PasscodeForm } from '../features/login/passcode-form';
import { LaunchRequestNotice } from '../features/launch/launch-request-notice';

export interface LockScreenProps {
  readonly state: AuthState;
}

export function LockScreen({ state }: LockScreenProps) {
  const [problem, setProblem] = useState<ContractError | null>(null);
  const [busy, setBusy] = useState(false);

  const unlock = async (pin: string) => {
    setBusy(true);
    setProblem(null);
    const result = await invoke('auth.unlock', { pin });
    setBusy(false);
    if (!result.ok) setProblem(result.error);
  };

  return (
    <main className="nhsuk-width-container app-page app-lock-screen" id="maincontent">
      <h1>This session is locked</h1>
      <p className="nhsuk-body">
        Locked for {state.user?.displayName}. Patient information is hidden until you unlock it.
      </p>
      <LaunchRequestNotice until="unlock" />
      {state.cardPresent ? (
        <PasscodeForm
          submitLabel="Unlock"
          busy={busy}
          problem={problem}
          problemTitle="The session could not be unlocked"
          onSubmit={unlock}
        />
      ) : (
        <p className="nhsuk-body" role="status">
          Insert or tap your smartcard to unlock. Another person&rsquo;s card ends this session.
        </p>
      )}
      <button
        className="nhsuk-button nhsuk-button--secondary"
        type="button"
        onClick={() => void invoke('auth.logout', {})}
      >
        Log out
      </button>
    </main>
  );
}
