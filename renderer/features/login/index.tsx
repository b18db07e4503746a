// The sign-in journey: insert card → passcode → role. Shown whenever no role is selected.
import type { AuthState } from '../../../preload/contract';

export interface LoginFlowProps {
  readonly state: AuthState;
}

export function LoginFlow({ state }: LoginFlowProps) {
  return (
    <main className="nhsuk-width-container app-page" id="maincontent">
      <h1>Insert or tap your smartcard</h1>
      <p className="nhsuk-body">
        {state.stage === 'no-card' ? 'Waiting for your NHS smartcard.' : 'Reading your smartcard…'}
      </p>
    </main>
  );
}
