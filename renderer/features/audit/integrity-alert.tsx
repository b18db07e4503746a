// The audit chain's integrity on screen (issue 12): when main reports a break, the audit screen
// opens with an alert saying, in plain words, where the trail failed and that clinical functions
// are closed; a privacy officer (R0001 with B0011, feature `audit.acknowledgeBreak`) acknowledges
// it there with a note. Every other signed-in user sees a short notice on the workspace. Main
// enforces all of it (dispatcher: AUDIT_UNAVAILABLE; handler: the acknowledgement is audited
// and witnessed); this only shows it.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AuditBreak, AuditIntegrity, ContractError } from '../../../preload/contract';
import { invoke, useEvent } from '../../lib/api';
import { Problem } from '../../components/error-summary';
import { FormField, describedBy } from '../../components/form-field';

/** The workspace notice for users who cannot acknowledge (kept short: it sits above every screen). */
export const CLINICAL_CLOSED_NOTICE =
  "Clinical functions are closed: the audit trail needs a privacy officer's check";

/** Breaks not yet acknowledged, first found first. */
export function openBreaks(status: AuditIntegrity | null): AuditBreak[] {
  return (status?.breaks ?? []).filter((b) => b.acknowledged === null);
}

/** What happened, in plain words, for one unacknowledged break. */
export function breakSentence(found: Pick<AuditBreak, 'sequence'>): string {
  return `The audit trail failed its integrity check at entry ${found.sequence} — clinical functions are closed until a privacy officer acknowledges it`;
}

/** The note a privacy officer typed → the problem to show, or null when it can be sent. */
export function acknowledgeNoteProblem(note: string): string | null {
  const trimmed = note.trim();
  if (!trimmed) return 'Enter what you checked or did about the break';
  if (trimmed.length > 500) return 'The note must be 500 characters or fewer';
  return null;
}

/** The integrity status from main: read once when mounted, then kept by the event. */
function useAuditIntegrity(): [AuditIntegrity | null, (next: AuditIntegrity) => void] {
  const [status, setStatus] = useState<AuditIntegrity | null>(null);
  useEffect(() => {
    let live = true;
    void invoke('audit.integrity', {}).then((result) => {
      if (live && result.ok) setStatus(result.value);
    });
    return () => {
      live = false;
    };
  }, []);
  const onEvent = useCallback((next: AuditIntegrity) => setStatus(next), []);
  useEvent('audit.integrity', onEvent);
  return [status, setStatus];
}

function AcknowledgeForm({
  found,
  onDone,
}: {
  readonly found: AuditBreak;
  readonly onDone: (next: AuditIntegrity) => void;
}) {
  const id = `ack-note-${found.id}`;
  const [note, setNote] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const wrong = acknowledgeNoteProblem(note);
    setProblem(wrong);
    if (wrong) return;
    setBusy(true);
    const result = await invoke('audit.acknowledgeBreak', { breakId: found.id, note: note.trim() });
    setBusy(false);
    if (result.ok) {
      setError(null);
      onDone(result.value);
    } else setError(result.error);
  };
  return (
    <form
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-label={`Acknowledge the break at entry ${found.sequence}`}
    >
      <FormField
        id={id}
        label="What you checked or did (kept in the audit trail)"
        error={problem ?? undefined}
        className="nhsuk-form-group"
      >
        <textarea
          className={problem ? 'nhsuk-textarea nhsuk-textarea--error' : 'nhsuk-textarea'}
          id={id}
          rows={3}
          maxLength={500}
          value={note}
          required
          {...describedBy(id, false, problem ?? undefined)}
          onChange={(event) => setNote(event.target.value)}
        />
      </FormField>
      <button className="nhsuk-button nhsuk-button--warning" type="submit" disabled={busy}>
        Acknowledge
      </button>
      <Problem title="The acknowledgement was not recorded" error={error} autoFocus />
    </form>
  );
}

/** The alert at the top of the audit screen. */
export function IntegrityAlert({ canAcknowledge }: { readonly canAcknowledge: boolean }) {
  const [status, setStatus] = useAuditIntegrity();
  return <IntegrityAlertView status={status} canAcknowledge={canAcknowledge} onChange={setStatus} />;
}

export interface IntegrityAlertViewProps {
  readonly status: AuditIntegrity | null;
  readonly canAcknowledge: boolean;
  readonly onChange: (next: AuditIntegrity) => void;
}

export function IntegrityAlertView({ status, canAcknowledge, onChange }: IntegrityAlertViewProps) {
  const [confirmed, setConfirmed] = useState<AuditBreak | null>(null);
  const open = openBreaks(status);
  if (open.length === 0) {
    return confirmed ? (
      <div className="nhsuk-inset-text" role="status">
        <h2 className="nhsuk-heading-s">Break at entry {confirmed.sequence} acknowledged</h2>
        <p className="nhsuk-body-s">
          Your acknowledgement is recorded in the audit trail and the witness. Clinical functions are open
          again.
        </p>
      </div>
    ) : null;
  }
  return (
    <div className="nhsuk-error-summary app-integrity-alert" role="alert" aria-labelledby="integrity-alert">
      <h2 className="nhsuk-error-summary__title" id="integrity-alert">
        The audit trail failed its integrity check
      </h2>
      {open.map((found) => (
        <div key={found.id} className="nhsuk-error-summary__body">
          <p className="nhsuk-body">{breakSentence(found)}.</p>
          <p className="nhsuk-body-s">
            Found {found.foundBy === 'start-up' ? 'at start-up' : 'by the background check'}: {found.reason}
          </p>
          {canAcknowledge ? (
            <AcknowledgeForm
              found={found}
              onDone={(next) => {
                setConfirmed(found);
                onChange(next);
              }}
            />
          ) : (
            <p className="nhsuk-body-s">Only a privacy officer (R0001 with B0011) can acknowledge it.</p>
          )}
        </div>
      ))}
    </div>
  );
}

/** The short notice on the workspace while clinical functions are closed (asked on mount, then the event). */
export function ClinicalClosedNotice() {
  const [closed, setClosed] = useState(false);
  useEffect(() => {
    let live = true;
    void invoke('audit.clinicalClosed', {}).then((result) => {
      if (live && result.ok) setClosed(result.value.closed);
    });
    return () => {
      live = false;
    };
  }, []);
  const onEvent = useCallback((next: AuditIntegrity) => setClosed(next.clinicalClosed), []);
  useEvent('audit.integrity', onEvent);
  return <ClinicalClosedNoticeView closed={closed} />;
}

export function ClinicalClosedNoticeView({ closed }: { readonly closed: boolean }) {
  if (!closed) return null;
  return (
    <div className="nhsuk-warning-callout" role="alert">
      <h2 className="nhsuk-warning-callout__label">
        <span role="text">
          <span className="nhsuk-u-visually-hidden">Important: </span>
          Clinical functions closed
        </span>
      </h2>
      <p>{CLINICAL_CLOSED_NOTICE}.</p>
    </div>
  );
}
