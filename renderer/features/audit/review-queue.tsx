// "Access to review" (issue 13): emergency, legal, restricted-record and out-of-hours access, each
// with its reason, until a privacy officer marks it reviewed with a note (main records the review
// as an audit entry and refuses a review of one's own access — the screen says so up front).
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { AuditReviewItem, AuditReviewQueue, ContractError } from '../../../preload/contract';
import { eventName, reviewReasonNames } from '../../../preload/contract/audit-events';
import { invoke } from '../../lib/api';
import { Modal } from '../../components/modal';
import { ErrorSummary, Problem, type FieldError } from '../../components/error-summary';
import { FormField, describedBy } from '../../components/form-field';
import { Patient, When, Who } from './entries-table';

function ReviewDialog({
  item,
  onDone,
  onCancel,
}: {
  readonly item: AuditReviewItem;
  readonly onDone: (message: string) => void;
  readonly onCancel: () => void;
}) {
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<readonly FieldError[]>([]);
  const [problem, setProblem] = useState<Pick<ContractError, 'message'> | null>(null);
  const [busy, setBusy] = useState(false);
  const noteError = errors[0]?.message;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!note.trim()) {
      setErrors([{ field: 'review-note', message: 'Enter a note saying what you checked' }]);
      return;
    }
    setBusy(true);
    const result = await invoke('audit.markReviewed', { sequence: item.entry.sequence, note: note.trim() });
    setBusy(false);
    if (result.ok)
      onDone(
        `Marked as reviewed: ${eventName(item.entry.type, item.entry.accessReason)} by ${item.entry.displayName ?? 'unknown user'}`,
      );
    else setProblem(result.error);
  };

  return (
    <Modal title="Mark access as reviewed" onClose={onCancel}>
      <ErrorSummary errors={errors} />
      <Problem title="The review was not recorded" error={problem} autoFocus />
      <p className="nhsuk-body">
        {eventName(item.entry.type, item.entry.accessReason)} by <strong>{item.entry.displayName}</strong> to{' '}
        <strong>{item.entry.names?.patient ?? 'a patient'}</strong>. Your review and note are recorded in the
        audit trail with your name.
      </p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <FormField
          id="review-note"
          label="Review note"
          hint="What you checked and what you found"
          error={noteError}
        >
          <textarea
            className={noteError ? 'nhsuk-textarea nhsuk-textarea--error' : 'nhsuk-textarea'}
            id="review-note"
            rows={3}
            maxLength={500}
            value={note}
            {...describedBy('review-note', true, noteError)}
            onChange={(event) => setNote(event.target.value)}
          />
        </FormField>
        <div className="nhsuk-button-group app-button-group">
          <button className="nhsuk-button" type="submit" disabled={busy}>
            Mark as reviewed
          </button>
          <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

export interface ReviewQueueProps {
  readonly onAllAccess: (nhsNumber: string) => void;
  /** Bumped when the trail may have changed (a search, an export). */
  readonly refreshKey: number;
}

export function ReviewQueue({ onAllAccess, refreshKey }: ReviewQueueProps) {
  const [queue, setQueue] = useState<AuditReviewQueue | null>(null);
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);
  const [reviewing, setReviewing] = useState<AuditReviewItem | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const status = useRef<HTMLParagraphElement>(null);

  const load = useCallback(async () => {
    const result = await invoke('audit.reviewQueue', {});
    if (result.ok) {
      setQueue(result.value);
      setError(null);
    } else setError(result.error);
  }, []);

  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  const items = queue?.items ?? [];
  return (
    <section className="app-review" aria-labelledby="review-heading">
      <h2 id="review-heading" className="nhsuk-heading-m">
        Access to review{queue ? ` (${items.length})` : ''}
      </h2>
      <p className="nhsuk-body-s">
        Every emergency and legal access, every access to a restricted record, and every access outside
        opening hours{queue ? ` (${queue.openingHours})` : ''}, until it is marked as reviewed.
      </p>
      <Problem title="The review list could not be loaded" error={error} />
      <p className="nhsuk-body" role="status" ref={status} tabIndex={-1}>
        {done}
      </p>
      {queue && items.length === 0 ? <p className="nhsuk-body">Nothing is waiting for review.</p> : null}
      {items.length > 0 ? (
        <table className="nhsuk-table app-audit-table">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">
            Access waiting for review
          </caption>
          <thead className="nhsuk-table__head">
            <tr>
              <th scope="col">Date and time</th>
              <th scope="col">Why it is here</th>
              <th scope="col">User</th>
              <th scope="col">Patient</th>
              <th scope="col">
                <span className="nhsuk-u-visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {items.map((item) => (
              <tr key={item.entry.sequence}>
                <td>
                  <When at={item.entry.at} />
                </td>
                <td>
                  <ul className="nhsuk-list app-review__reasons">
                    {item.reasons.map((reason) => (
                      <li key={reason}>{reviewReasonNames[reason]}</li>
                    ))}
                  </ul>
                  {item.entry.accessReasonText ? (
                    <div className="nhsuk-body-s">“{item.entry.accessReasonText}”</div>
                  ) : null}
                </td>
                <td>
                  <Who entry={item.entry} />
                </td>
                <td>
                  <Patient entry={item.entry} onAllAccess={onAllAccess} />
                </td>
                <td>
                  {item.ownAccess ? (
                    <span className="nhsuk-body-s">
                      Your own access: another privacy officer must review it
                    </span>
                  ) : (
                    <button
                      type="button"
                      className="nhsuk-button nhsuk-button--secondary app-button--small"
                      onClick={() => {
                        setDone(null);
                        setReviewing(item);
                      }}
                    >
                      Mark as reviewed
                      <span className="nhsuk-u-visually-hidden">
                        : {item.entry.displayName}, <When at={item.entry.at} />
                      </span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {reviewing ? (
        <ReviewDialog
          item={reviewing}
          onCancel={() => setReviewing(null)}
          onDone={(message) => {
            setReviewing(null);
            setDone(message);
            void load().then(() => status.current?.focus());
          }}
        />
      ) : null}
    </section>
  );
}
