// The audit trail screen for governance roles (B0011 or R0001): search by user, NHS number,
// message id, event type and date range; a paginated table with CUI dates; export (issue 6,
// MSCA-AUD-05). Main refuses these calls for every other role; this screen is only linked for them.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type {
  AuditEntryView,
  AuditExportResult,
  AuditPage,
  AuditSearchInput,
  ContractError,
} from '../../../preload/contract';
import { invoke } from '../../lib/api';
import { formatDateTime, formatNhsNumber, formatNhsNumberInput } from '../../lib/cui';
import { nhsNumberProblem } from '../../../preload/contract/nhs-number';
import { Problem } from '../../components/error-summary';
import { FormField } from '../../components/form-field';

const PAGE_SIZE = 25;

const eventTypes = [
  ['', 'Any event'],
  ['session.', 'Sign-in, role, lock and sign-out'],
  ['scr.', 'Summary Care Record'],
  ['patient.', 'Patient searches'],
  ['spine.', 'Exchanges with Spine'],
  ['consent.', 'Consent'],
  ['gp-summary.', 'Uploads'],
  ['lr.', 'Legitimate relationship claims'],
  ['access.refused', 'Refused by role'],
  ['bridge.refused', 'Refused application requests'],
  ['audit.', 'Audit searches and exports'],
] as const;

interface Criteria {
  user: string;
  nhsNumber: string;
  messageId: string;
  eventType: string;
  from: string;
  to: string;
}
const emptyCriteria: Criteria = { user: '', nhsNumber: '', messageId: '', eventType: '', from: '', to: '' };

/** `DD/MM/YYYY` or `YYYY-MM-DD` typed by a person → local midnight, or null. */
function parseDay(text: string): Date | null {
  const t = text.trim();
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const [y, m, d] = uk ? [uk[3], uk[2], uk[1]] : iso ? [iso[1], iso[2], iso[3]] : [];
  if (!y || !m || !d) return null;
  const date = new Date(Number(y), Number(m) - 1, Number(d));
  return date.getFullYear() === Number(y) && date.getMonth() === Number(m) - 1 && date.getDate() === Number(d)
    ? date
    : null;
}

type Built =
  { ok: true; query: Omit<AuditSearchInput, 'page' | 'pageSize'> } | { ok: false; message: string };

function buildQuery(c: Criteria): Built {
  const query: { -readonly [K in keyof AuditSearchInput]: AuditSearchInput[K] } = {};
  if (c.user.trim()) query.user = c.user.trim();
  if (c.nhsNumber.trim()) {
    const problem = nhsNumberProblem(c.nhsNumber);
    if (problem) return { ok: false, message: problem };
    query.nhsNumber = c.nhsNumber.replace(/\s/g, '');
  }
  if (c.messageId.trim()) query.messageId = c.messageId.trim();
  if (c.eventType) query.eventType = c.eventType;
  if (c.from.trim()) {
    const from = parseDay(c.from);
    if (!from) return { ok: false, message: 'Enter the "From" date as DD/MM/YYYY' };
    query.from = from.toISOString();
  }
  if (c.to.trim()) {
    const to = parseDay(c.to);
    if (!to) return { ok: false, message: 'Enter the "To" date as DD/MM/YYYY' };
    // Inclusive of the whole "to" day.
    to.setDate(to.getDate() + 1);
    query.to = to.toISOString();
  }
  if (query.from && query.to && query.from >= query.to) {
    return { ok: false, message: 'The "From" date must be on or before the "To" date' };
  }
  return { ok: true, query };
}

function Row({ entry }: { entry: AuditEntryView }) {
  const who = entry.displayName ?? entry.userUuid ?? '—';
  return (
    <tr className="nhsuk-table__row">
      <td className="nhsuk-table__cell">{entry.sequence}</td>
      <td className="nhsuk-table__cell">
        <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
      </td>
      <td className="nhsuk-table__cell">{entry.type}</td>
      <td className="nhsuk-table__cell">{entry.outcome}</td>
      <td className="nhsuk-table__cell">
        {who}
        {entry.roleProfileId ? <div className="nhsuk-body-s">Role {entry.roleProfileId}</div> : null}
      </td>
      <td className="nhsuk-table__cell">{entry.nhsNumber ? formatNhsNumber(entry.nhsNumber) : '—'}</td>
      <td className="nhsuk-table__cell">
        {entry.messageId ?? '—'}
        {entry.accessReason ? (
          <div className="nhsuk-body-s">
            {entry.accessReason}
            {entry.accessReasonText ? `: ${entry.accessReasonText}` : ''}
          </div>
        ) : null}
      </td>
    </tr>
  );
}

export function AuditScreen() {
  const [criteria, setCriteria] = useState<Criteria>(emptyCriteria);
  const [applied, setApplied] = useState<Omit<AuditSearchInput, 'page' | 'pageSize'>>({});
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<AuditPage | null>(null);
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);
  const [busy, setBusy] = useState(false);
  const [exported, setExported] = useState<AuditExportResult | null>(null);
  const [exportError, setExportError] = useState<Pick<ContractError, 'message'> | null>(null);

  const load = useCallback(async (query: Omit<AuditSearchInput, 'page' | 'pageSize'>, pageNo: number) => {
    setBusy(true);
    const response = await invoke('audit.search', { ...query, page: pageNo, pageSize: PAGE_SIZE });
    setBusy(false);
    if (response.ok) {
      setResult(response.value);
      setError(null);
    } else {
      setResult(null);
      setError(response.error);
    }
  }, []);

  useEffect(() => {
    void load(applied, page);
  }, [applied, page, load]);

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    const built = buildQuery(criteria);
    if (!built.ok) {
      setError({ message: built.message });
      return;
    }
    setPage(1);
    setApplied(built.query);
  };

  const onExport = async () => {
    setExported(null);
    setExportError(null);
    const response = await invoke('audit.export', {
      ...(applied.from ? { from: applied.from } : {}),
      ...(applied.to ? { to: applied.to } : {}),
    });
    if (response.ok) setExported(response.value);
    else setExportError(response.error);
  };

  const set = (key: keyof Criteria) => (event: { target: { value: string } }) =>
    setCriteria({
      ...criteria,
      [key]: key === 'nhsNumber' ? formatNhsNumberInput(event.target.value) : event.target.value,
    });

  const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;

  return (
    <section aria-labelledby="audit-heading" className="app-audit">
      <h1 id="audit-heading">Audit trail</h1>
      <Problem title="There is a problem" error={error} />
      <form onSubmit={onSearch} noValidate aria-label="Search the audit trail">
        <div className="nhsuk-grid-row">
          <FormField
            id="audit-user"
            label="User (name or UUID)"
            className="nhsuk-grid-column-one-third nhsuk-form-group"
          >
            <input className="nhsuk-input" id="audit-user" value={criteria.user} onChange={set('user')} />
          </FormField>
          <FormField
            id="audit-nhs"
            label="NHS number"
            className="nhsuk-grid-column-one-third nhsuk-form-group"
          >
            <input
              className="nhsuk-input"
              id="audit-nhs"
              inputMode="numeric"
              value={criteria.nhsNumber}
              onChange={set('nhsNumber')}
            />
          </FormField>
          <FormField
            id="audit-message"
            label="Message id"
            className="nhsuk-grid-column-one-third nhsuk-form-group"
          >
            <input
              className="nhsuk-input"
              id="audit-message"
              value={criteria.messageId}
              onChange={set('messageId')}
            />
          </FormField>
        </div>
        <div className="nhsuk-grid-row">
          <FormField
            id="audit-type"
            label="Event type"
            className="nhsuk-grid-column-one-third nhsuk-form-group"
          >
            <select
              className="nhsuk-select"
              id="audit-type"
              value={criteria.eventType}
              onChange={set('eventType')}
            >
              {eventTypes.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </FormField>
          <FormField
            id="audit-from"
            label="From (DD/MM/YYYY)"
            className="nhsuk-grid-column-one-third nhsuk-form-group"
          >
            <input className="nhsuk-input" id="audit-from" value={criteria.from} onChange={set('from')} />
          </FormField>
          <FormField
            id="audit-to"
            label="To (DD/MM/YYYY)"
            className="nhsuk-grid-column-one-third nhsuk-form-group"
          >
            <input className="nhsuk-input" id="audit-to" value={criteria.to} onChange={set('to')} />
          </FormField>
        </div>
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit" disabled={busy}>
            Search
          </button>
          <button
            className="nhsuk-button nhsuk-button--secondary"
            type="button"
            onClick={() => void onExport()}
          >
            Export
          </button>
        </div>
      </form>

      <Problem title="The export did not complete" error={exportError} />
      {exported ? (
        <div className="nhsuk-inset-text" role="status">
          <p>
            Exported {exported.entries} {exported.entries === 1 ? 'entry' : 'entries'}
            {exported.firstSequence !== null
              ? ` (seq ${exported.firstSequence}..${exported.lastSequence})`
              : ''}{' '}
            to <code>{exported.folder}</code>.
          </p>
          <p>
            Signing key fingerprint: <code>{exported.keyFingerprint}</code>
          </p>
        </div>
      ) : null}

      {result ? (
        <>
          <p role="status" aria-live="polite">
            {result.total === 0
              ? 'No entries match.'
              : `${result.total} ${result.total === 1 ? 'entry' : 'entries'} — page ${result.page} of ${pages}`}
          </p>
          {result.entries.length > 0 ? (
            <table className="nhsuk-table app-audit-table">
              <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">
                Audit entries, newest first
              </caption>
              <thead className="nhsuk-table__head">
                <tr className="nhsuk-table__row">
                  <th className="nhsuk-table__header" scope="col">
                    Seq
                  </th>
                  <th className="nhsuk-table__header" scope="col">
                    Date and time
                  </th>
                  <th className="nhsuk-table__header" scope="col">
                    Event
                  </th>
                  <th className="nhsuk-table__header" scope="col">
                    Outcome
                  </th>
                  <th className="nhsuk-table__header" scope="col">
                    User
                  </th>
                  <th className="nhsuk-table__header" scope="col">
                    NHS number
                  </th>
                  <th className="nhsuk-table__header" scope="col">
                    Message / reason
                  </th>
                </tr>
              </thead>
              <tbody className="nhsuk-table__body">
                {result.entries.map((entry) => (
                  <Row key={entry.sequence} entry={entry} />
                ))}
              </tbody>
            </table>
          ) : null}
          {pages > 1 ? (
            <nav className="nhsuk-pagination" role="navigation" aria-label="Audit pages">
              <ul className="nhsuk-list nhsuk-pagination__list">
                <li className="nhsuk-pagination-item--previous">
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary"
                    disabled={page <= 1 || busy}
                    onClick={() => setPage(page - 1)}
                  >
                    Previous page
                  </button>
                </li>
                <li className="nhsuk-pagination-item--next">
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary"
                    disabled={page >= pages || busy}
                    onClick={() => setPage(page + 1)}
                  >
                    Next page
                  </button>
                </li>
              </ul>
            </nav>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
