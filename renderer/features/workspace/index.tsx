// The signed-in workspace: navigation (Find a patient; Uploads for GP-practice roles; Audit
// trail for governance roles) and the current screen. Patient state lives in main; this screen
// holds only what is drawn (and the session's "Recently viewed" list), and is unmounted —
// forgotten — when the session leaves role-selected. Every screen change opens at the top with
// focus on its heading; Alt+N (new search) and Alt+L (lock screen) are listed in the navigation.
import { useCallback, useEffect, useState } from 'react';
import type { AuthState, Patient, PatientCandidate, PatientSearchResult } from '../../../preload/contract';
import { invoke } from '../../lib/api';
import { useScreenFocus } from '../../lib/focus';
import { SearchScreen } from '../search';
import { SearchResults } from '../search/results';
import type { SearchedDetails } from '../search/searched';
import { PatientScreen } from '../patient';
import { UploadsList } from '../gp-summary/uploads';
import { AuditScreen } from '../audit';
import { ClinicalClosedNotice } from '../audit/integrity-alert';
import { EstateScreen } from '../estate';
import { Problem } from '../../components/error-summary';
import { RecentlyViewed, remember, type RecentPatient } from './recently-viewed';
import { LaunchInWorkspace } from '../launch/launch-in-workspace';
import '../../styles/clinical.css';

export interface WorkspaceProps {
  readonly state: AuthState;
}

type View =
  | { kind: 'search' }
  | { kind: 'candidates'; candidates: readonly PatientCandidate[]; searched: SearchedDetails }
  | { kind: 'patient'; patient: Patient; searched: SearchedDetails | undefined; askAccess?: boolean }
  | { kind: 'uploads' }
  | { kind: 'audit' }
  | { kind: 'estate' };

/** The keyboard shortcuts, as shown on screen and given to aria-keyshortcuts. */
export const shortcuts = { newSearch: 'Alt+N', lock: 'Alt+L' } as const;

/** A key that names a screen, so focus moves only when the screen really changes. */
const screenKey = (view: View): string =>
  view.kind === 'patient' ? `patient:${view.patient.nhsNumber}` : view.kind;

export function Workspace({ state }: WorkspaceProps) {
  // A governance role without patient search starts on the audit trail.
  const [view, setView] = useState<View>(() =>
    !state.features.includes('patients.search') && state.features.includes('audit.view')
      ? { kind: 'audit' }
      : { kind: 'search' },
  );
  const [openError, setOpenError] = useState<{ message: string } | null>(null);
  const [recent, setRecent] = useState<readonly RecentPatient[]>([]);
  const can = (feature: string) => state.features.includes(feature);
  const locked = state.stage === 'locked';
  useScreenFocus(screenKey(view));

  const showPatient = (patient: Patient, searched: SearchedDetails | undefined, askAccess = false) => {
    setRecent((list) => remember(list, patient, searched));
    setView({ kind: 'patient', patient, searched, askAccess });
  };
  // Opened at another system's request: the access dialog opens straight away.
  const onLaunched = useCallback((patient: Patient) => {
    setOpenError(null);
    setRecent((list) => remember(list, patient, undefined));
    setView({ kind: 'patient', patient, searched: undefined, askAccess: true });
  }, []);

  const onResult = (result: PatientSearchResult, searched: SearchedDetails) => {
    setOpenError(null);
    if (result.kind === 'patient') showPatient(result.patient, searched);
    else setView({ kind: 'candidates', candidates: result.candidates, searched });
  };

  const select = async (nhsNumber: string, searched: SearchedDetails | undefined) => {
    setOpenError(null);
    const result = await invoke('patients.open', { nhsNumber });
    if (result.ok) showPatient(result.value, searched);
    else setOpenError(result.error);
  };

  const go = useCallback(
    (kind: 'search' | 'uploads' | 'audit' | 'estate') => {
      if (view.kind === 'patient') void invoke('patients.close', {});
      setOpenError(null);
      setView({ kind });
    },
    [view.kind],
  );

  // Shortcuts work from anywhere in the workspace, but never while locked or inside a dialog.
  useEffect(() => {
    if (locked) return undefined;
    const onKey = (event: KeyboardEvent) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      if (document.querySelector('dialog[open]')) return;
      // By physical key: on some layouts Alt changes the character typed.
      const key = event.code === 'KeyN' ? 'n' : event.code === 'KeyL' ? 'l' : event.key.toLowerCase();
      if (key === 'n' && can('patients.search')) {
        event.preventDefault();
        go('search');
      } else if (key === 'l') {
        event.preventDefault();
        void invoke('auth.lock', {});
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const nav: [View['kind'], string, boolean][] = [
    ['search', 'Find a patient', can('patients.search')],
    ['uploads', 'Uploads', can('gpSummary.upload')],
    ['audit', 'Audit trail', can('audit.view')],
    ['estate', 'Estate', can('estate.view')],
  ];
  const current = view.kind === 'candidates' || view.kind === 'patient' ? 'search' : view.kind;

  return (
    <div className="app-workspace">
      <nav className="app-nav" aria-label="Main">
        <ul className="app-nav__list">
          {nav
            .filter(([, , shown]) => shown)
            .map(([kind, label]) => (
              <li key={kind}>
                <button
                  type="button"
                  className="app-nav__link"
                  aria-current={current === kind ? 'page' : undefined}
                  aria-keyshortcuts={kind === 'search' ? shortcuts.newSearch : undefined}
                  onClick={() => go(kind === 'candidates' || kind === 'patient' ? 'search' : kind)}
                >
                  {label}
                </button>
              </li>
            ))}
        </ul>
        <p className="app-nav__shortcuts" id="keyboard-shortcuts">
          Keyboard shortcuts:{' '}
          {can('patients.search') ? (
            <>
              <kbd>{shortcuts.newSearch}</kbd> new search,{' '}
            </>
          ) : null}
          <kbd>{shortcuts.lock}</kbd> lock screen
        </p>
      </nav>
      <main className="nhsuk-width-container app-page" id={locked ? undefined : 'maincontent'} tabIndex={-1}>
        {locked || view.kind === 'audit' ? null : <ClinicalClosedNotice />}
        {locked ? null : <LaunchInWorkspace onOpened={onLaunched} />}
        {view.kind === 'search' ? (
          can('patients.search') ? (
            <>
              <SearchScreen canUsePostcode={can('patients.searchByPostcode')} onResult={onResult} />
              <Problem title="The patient could not be opened" error={openError} autoFocus />
              {locked ? null : (
                <RecentlyViewed
                  patients={recent}
                  onOpen={(patient) => void select(patient.nhsNumber, patient.searched)}
                />
              )}
            </>
          ) : (
            <section aria-labelledby="no-search">
              <h1 id="no-search">You cannot search for patients in this role</h1>
              <p className="nhsuk-body">Contact your Registration Authority if you need to.</p>
            </section>
          )
        ) : null}
        {view.kind === 'candidates' ? (
          <>
            <Problem title="The patient could not be opened" error={openError} autoFocus />
            <SearchResults
              candidates={view.candidates}
              onSelect={(nhs) => void select(nhs, view.searched)}
              onBack={() => setView({ kind: 'search' })}
            />
          </>
        ) : null}
        {view.kind === 'patient' ? (
          <PatientScreen
            key={view.patient.nhsNumber}
            patient={view.patient}
            state={state}
            searched={view.searched}
            askAccessFirst={view.askAccess === true}
            onFindAnother={() => setView({ kind: 'search' })}
            onPatientUpdated={(patient) => setView({ kind: 'patient', patient, searched: view.searched })}
          />
        ) : null}
        {view.kind === 'uploads' ? (
          <section aria-labelledby="uploads-page">
            <h1 id="uploads-page">GP Summary uploads</h1>
            <UploadsList />
          </section>
        ) : null}
        {view.kind === 'audit' ? <AuditScreen canAcknowledge={can('audit.acknowledgeBreak')} /> : null}
        {view.kind === 'estate' ? <EstateScreen /> : null}
      </main>
    </div>
  );
}
