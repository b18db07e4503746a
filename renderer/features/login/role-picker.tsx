// The role picker (product.md 3a step 7): every role profile the user holds, those without
// access to this system shown but not selectable, the last choice on this workstation offered
// first, then "Continue".
import { useId, useState, type FormEvent } from 'react';
import type { AuthState, ContractError, RoleProfile } from '../../../preload/contract';
import { invoke } from '../../lib/api';

export interface RolePickerProps {
  readonly state: AuthState;
}

export const roleLabel = (role: RoleProfile) =>
  `${role.jobRoleName} – ${role.organisationName} (ODS: ${role.odsCode})`;

function initialChoice(state: AuthState): string | null {
  const usable = state.roles.filter((role) => role.hasAccess);
  if (state.lastRoleProfileId && usable.some((role) => role.roleProfileId === state.lastRoleProfileId)) {
    return state.lastRoleProfileId;
  }
  return usable.length === 1 && usable[0] ? usable[0].roleProfileId : null;
}

export function RolePicker({ state }: RolePickerProps) {
  const id = useId();
  const [choice, setChoice] = useState<string | null>(() => initialChoice(state));
  const [problem, setProblem] = useState<ContractError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!choice) {
      setProblem({ code: 'INVALID_INPUT', message: 'Choose the role you are working in today.' });
      return;
    }
    setBusy(true);
    const result = await invoke('auth.selectRole', { roleProfileId: choice });
    setBusy(false);
    if (!result.ok) setProblem(result.error);
  };

  const signOut = () => void invoke('auth.logout', {});

  return (
    <form onSubmit={(event) => void submit(event)} noValidate>
      <h1>Choose your role</h1>
      <p className="nhsuk-body">Signed in as {state.user?.displayName}.</p>
      {problem ? (
        <div className="nhsuk-error-summary" role="alert" tabIndex={-1}>
          <h2 className="nhsuk-error-summary__title">There is a problem</h2>
          <div className="nhsuk-error-summary__body">
            <p>{problem.message}</p>
          </div>
        </div>
      ) : null}
      <div className="nhsuk-form-group">
        <fieldset className="nhsuk-fieldset" aria-describedby={`${id}-hint`}>
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">Your roles</legend>
          <div className="nhsuk-hint" id={`${id}-hint`}>
            Roles this system cannot be used with are shown but cannot be chosen.
          </div>
          <div className="nhsuk-radios">
            {state.roles.map((role) => {
              const inputId = `${id}-${role.roleProfileId}`;
              return (
                <div className="nhsuk-radios__item" key={role.roleProfileId}>
                  <input
                    className="nhsuk-radios__input"
                    id={inputId}
                    type="radio"
                    name="role"
                    value={role.roleProfileId}
                    checked={choice === role.roleProfileId}
                    disabled={!role.hasAccess}
                    aria-describedby={role.hasAccess ? undefined : `${inputId}-hint`}
                    onChange={() => setChoice(role.roleProfileId)}
                  />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={inputId}>
                    {roleLabel(role)}
                  </label>
                  {role.hasAccess ? null : (
                    <div className="nhsuk-hint nhsuk-radios__hint" id={`${inputId}-hint`}>
                      No access to this system — contact your Registration Authority
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        </fieldset>
      </div>
      <div className="app-button-row">
        <button className="nhsuk-button" type="submit" disabled={busy}>
          Continue
        </button>
        <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={signOut}>
          Log out
        </button>
      </div>
    </form>
  );
}
