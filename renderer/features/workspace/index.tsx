// The signed-in workspace: navigation (Find a patient; Uploads for GP-practice roles; Audit
// trail for governance roles) and the current screen. Patient state lives in main; this screen
// holds only what is drawn, and is unmounted — forgotten — when the session leaves role-selected.
import { useState } from 'react';
import type { AuthState, Patient, PatientCandidate, PatientSearchResult } from '../../../preload/contract';
import { invoke } from '../../lib/api';
import { SearchScreen } from '../search';
import { SearchResults } from '../search/results';
import { PatientScreen } from '../patient';
import { UploadsList } from '../gp-summary/uploads';
import { AuditScreen } from '../audit';
import { Problem } from '../../components/error-summary';
import '../../styles/clinical.css';

export interface WorkspaceProps {
  readonly state: AuthState;
}

type View =
  | { kind: 'search' }
  | { kind: 'candidates'; candidates: readonly PatientCandidate[] }
  | { kind: 'patient'; patient: Patient }
  | { kind: 'uploads' }
  | { kind: 'audit' };

export function Workspace({ state }: WorkspaceProps) {
  // A governance role without patient search starts on the audit trail.
  const [view, setView] = useState<View>(() =>
    !state.features.includes('patients.search') && state.features.includes('audit.view')
      ? { kind: 'audit' }
      : { kind: 'search' },
  );
  const [openError, setOpenError] = useState<{ message: string } | null>(null);
  const can = (feature: string) => state.features.includes(feature);

  const onResult = (result: PatientSearchResult) => {
    setOpenError(null);
    if (result.kind === 'patient') setView({ kind: 'patient', patient: result.patient });
    else setView({ kind: 'candidates', candidates: result.candidates });
  };

  const select = async (nhsNumber: string) => {
    const result = await invoke('patients.open', { nhsNumber });
    if (result.ok) setView({ kind: 'patient', patient: result.value });
    else setOpenError(result.error);
  };

  const nav: [View['kind'], string, boolean][] = [
    ['search', 'Find a patient', can('patients.search')],
    ['uploads', 'Uploads', can('gpSummary.upload')],
    ['audit', 'Audit trail', can('audit.view')],
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
                  onClick={() => {
                    if (view.kind === 'patient') void invoke('patients.close', {});
                    setView(
                      kind === 'search'
                        ? { kind: 'search' }
                        : kind === 'uploads'
                          ? { kind: 'uploads' }
                          : { kind: 'audit' },
                    );
                  }}
                >
                  {label}
                </button>
              </li>
            ))}
        </ul>
      </nav>
      <main className="nhsuk-width-container app-page" id="maincontent">
        {view.kind === 'search' ? (
          can('patients.search') ? (
            <SearchScreen canUsePostcode={can('patients.searchByPostcode')} onResult={onResult} />
          ) : (
            <section aria-labelledby="no-search">
              <h1 id="no-search">You cannot search for patients in this role</h1>
              <p className="nhsuk-body">Contact your Registration Authority if you need to.</p>
            </section>
          )
        ) : null}
        {view.kind === 'candidates' ? (
          <>
            <Problem title="The patient could not be opened" error={openError} />
            <SearchResults
              candidates={view.candidates}
              onSelect={(nhs) => void select(nhs)}
              onBack={() => setView({ kind: 'search' })}
            />
          </>
        ) : null}
        {view.kind === 'patient' ? (
          <PatientScreen
            key={view.patient.nhsNumber}
            patient={view.patient}
            state={state}
            onFindAnother={() => setView({ kind: 'search' })}
            onPatientUpdated={(patient) => setView({ kind: 'patient', patient })}
          />
        ) : null}
        {view.kind === 'uploads' ? (
          <section aria-labelledby="uploads-page">
            <h1 id="uploads-page">GP Summary uploads</h1>
            <UploadsList />
          </section>
        ) : null}
        {view.kind === 'audit' ? <AuditScreen /> : null}
      </main>
    </div>
  );
}
