// The signed-in workspace: what a user with a selected role works in.
import type { AuthState } from '../../../preload/contract';

export interface WorkspaceProps {
  readonly state: AuthState;
}

export function Workspace({ state }: WorkspaceProps) {
  return (
    <main className="nhsuk-width-container app-page" id="maincontent">
      <h1>Find a patient</h1>
      <p className="nhsuk-body">Signed in as {state.user?.displayName}.</p>
    </main>
  );
}
