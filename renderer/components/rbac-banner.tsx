// The RBAC banner on every signed-in screen (issue 5; product.md 9 "the RBAC banner is always
// visible"): who is looking at patient data, in which role, for which organisation, with the
// controls to lock the screen or log out. One line at 1280 px (issue 13): when the sentence does
// not fit it is cut with an ellipsis and "Details" shows all of it — the whole text is always in
// the page for assistive technology.
import { useId, useState } from 'react';
import type { AuthState } from '../../preload/contract';
import { invoke } from '../lib/api';

export interface RbacBannerProps {
  readonly state: AuthState;
}

/** `CONFIDENTIAL: PERSONAL PATIENT DATA accessed by SURNAME, Given – Role – Organisation (ODS: X)` */
export function rbacBannerText(state: AuthState): string {
  const role = state.selectedRole;
  const who = state.user?.displayName ?? '';
  return role
    ? `CONFIDENTIAL: PERSONAL PATIENT DATA accessed by ${who} – ${role.jobRoleName} – ${role.organisationName} (ODS: ${role.odsCode})`
    : `CONFIDENTIAL: PERSONAL PATIENT DATA accessed by ${who}`;
}

export function RbacBanner({ state }: RbacBannerProps) {
  const [open, setOpen] = useState(false);
  const textId = useId();
  return (
    <div
      className={open ? 'app-rbac-banner app-rbac-banner--open' : 'app-rbac-banner'}
      role="region"
      aria-label="Signed-in user"
    >
      <p className="app-rbac-banner__text" id={textId} title={rbacBannerText(state)}>
        {rbacBannerText(state)}
      </p>
      <div className="app-rbac-banner__actions">
        <button
          type="button"
          className="app-rbac-banner__details"
          aria-expanded={open}
          aria-controls={textId}
          onClick={() => setOpen((value) => !value)}
        >
          {open ? 'Hide details' : 'Details'}
        </button>
        <button
          type="button"
          className="nhsuk-button nhsuk-button--reverse nhsuk-button--small"
          aria-keyshortcuts="Alt+L"
          onClick={() => void invoke('auth.lock', {})}
        >
          Lock screen
        </button>
        <button
          type="button"
          className="nhsuk-button nhsuk-button--reverse nhsuk-button--small"
          onClick={() => void invoke('auth.logout', {})}
        >
          Log out
        </button>
      </div>
    </div>
  );
}
