// The "Estate" view (issue 16), for the privacy officer only (R0001 with B0011): every
// workstation's verified audit entries in the estate store, searched by patient, user,
// workstation, organisation (ODS), event and dates; the "Access to review" queue across all
// workstations; and each workstation's series health. Main audits every search and review.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type {
  ContractError,
  EstateHealth,
  EstatePage,
  EstateReviewItem,
  EstateReviewOutcome,
  EstateSearchInput,
  ReviewReason,
} from '../../../preload/contract';
import { reviewReasonNames } from '../../../preload/contract/audit-events';
import { invoke } from '../../lib/api';
import { formatDateTime, formatNhsNumber, formatNhsNumberInput, isValidNhsNumber } from '../../lib/cui';
import { Problem } from '../../components/error-summary';
import { FormField } from '../../components/form-field';

const PAGE_SIZE = 25;
/** The oldest waiting accesses are reviewed next time: ten at once keeps the page workable. */
const QUEUE_SHOWN = 10;

interface Criteria {
  nhsNumber: string;
  user: string;
  workstation: string;
  ods: string;
  eventType: string;
  from: string;
  to: string;
}
const empty: Criteria = {
  nhsNumber: '',
  user: '',
  workstation: '',
  ods: '',
  eventType: '',
  from: '',
  to: '',
};

type Query = Omit<EstateSearchInput, 'page' | 'pageSize'>;

/** `YYYY-MM-DD` from a date input → local midnight ISO; `to` is inclusive of its whole day. */
function dayBound(text: string, endOfDay: boolean): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + (endOfDay ? 1 : 0));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

function build(c: Criteria): { ok: true; query: Query } | { ok: false; message: string } {
  const query: { -readonly [K in keyof Query]: Query[K] } = {};
  if (c.nhsNumber.trim()) {
    if (!isValidNhsNumber(c.nhsNumber))
      return { ok: false, message: 'This is not a valid NHS number — check the digits' };
    query.nhsNumber = c.nhsNumber.replace(/\s/g, '');
  }
  if (c.user.trim()) query.user = c.user.trim();
  if (c.workstation.trim()) query.workstation = c.workstation.trim();
  if (c.ods.trim()) query.ods = c.ods.trim().toUpperCase();
  if (c.eventType.trim()) query.eventType = c.eventType.trim();
  if (c.from.trim()) {
    const from = dayBound(c.from, false);
    if (!from) return { ok: false, message: 'Enter the "From" date as a date' };
    query.from = from;
  }
  if (c.to.trim()) {
    const to = dayBound(c.to, true);
    if (!to) return { ok: false, message: 'Enter the "To" date as a date' };
    query.to = to;
  }
  return { ok: true, query };
}

function who(entry: { displayName: string | null; userUuid: string | null }): string {
  return entry.displayName ?? entry.userUuid ?? '—';
}

function EstateSearch() {
  const [criteria, setCriteria] = useState<Criteria>(empty);
  const [result, setResult] = useState<EstatePage | null>(null);
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);
  const [applied, setApplied] = useState<Query | null>(null);
  const [page, setPage] = useState(1);

  useEffect(() => {
    if (!applied) return;
    void (async () => {
      const response = await invoke('estate.search', { ...applied, page, pageSize: PAGE_SIZE });
      if (response.ok) {
        setResult(response.value);
        setError(null);
      } else {
        setResult(null);
        setError(response.error);
      }
    })();
  }, [applied, page]);

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    const built = build(criteria);
    if (!built.ok) {
      setError({ message: built.message });
      return;
    }
    setPage(1);
    setApplied(built.query);
  };
  const set = (key: keyof Criteria) => (event: { target: { value: string } }) =>
    setCriteria({
      ...criteria,
      [key]: key === 'nhsNumber' ? formatNhsNumberInput(event.target.value) : event.target.value,
    });
  const field = (key: keyof Criteria, label: string, type = 'text') => (
    <FormField id={`estate-${key}`} label={label} className="nhsuk-grid-column-one-quarter nhsuk-form-group">
      <input
        className="nhsuk-input"
        id={`estate-${key}`}
        type={type}
        value={criteria[key]}
        onChange={set(key)}
      />
    </FormField>
  );
  const pages = result ? Math.max(1, Math.ceil(Math.min(result.total, 10_000) / result.pageSize)) : 1;

  return (
    <section aria-labelledby="estate-search-heading">
      <h2 id="estate-search-heading">Search all workstations</h2>
      <Problem title="There is a problem" error={error} />
      <form onSubmit={onSearch} noValidate aria-label="Search the estate audit store">
        <div className="nhsuk-grid-row">
          {field('nhsNumber', 'NHS number')}
          {field('user', 'User (SDS UUID)')}
          {field('workstation', 'Workstation')}
          {field('ods', 'Organisation (ODS code)')}
        </div>
        <div className="nhsuk-grid-row">
          {field('eventType', 'Event type (e.g. scr.)')}
          {field('from', 'From', 'date')}
          {field('to', 'To', 'date')}
        </div>
        <button className="nhsuk-button" type="submit">
          Search estate
        </button>
      </form>
      {result ? (
        <>
          <p className="nhsuk-body" role="status">
            {result.total > 10_000 ? 'More than 10,000' : result.total} matching entries
          </p>
          <table className="nhsuk-table" aria-label="Estate audit entries">
            <thead className="nhsuk-table__head">
              <tr>
                <th scope="col">When</th>
                <th scope="col">Workstation</th>
                <th scope="col">Organisation</th>
                <th scope="col">Event</th>
                <th scope="col">User</th>
                <th scope="col">NHS number</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody className="nhsuk-table__body">
              {result.entries.map(({ workstation, keyFingerprint, entry }) => (
                <tr key={`${workstation}:${keyFingerprint}:${entry.sequence}`} className="nhsuk-table__row">
                  <td className="nhsuk-table__cell">
                    <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                  </td>
                  <td className="nhsuk-table__cell">{workstation}</td>
                  <td className="nhsuk-table__cell">{entry.odsCode ?? '—'}</td>
                  <td className="nhsuk-table__cell">{entry.type}</td>
                  <td className="nhsuk-table__cell">{who(entry)}</td>
                  <td className="nhsuk-table__cell">
                    {entry.nhsNumber ? formatNhsNumber(entry.nhsNumber) : '—'}
                  </td>
                  <td className="nhsuk-table__cell">{entry.accessReason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {pages > 1 ? (
            <nav aria-label="Estate results pages">
              <button
                className="nhsuk-button nhsuk-button--secondary"
                type="button"
                disabled={page <= 1}
                onClick={() => setPage(page - 1)}
              >
                Previous
              </button>{' '}
              <span>
                Page {page} of {pages}
              </span>{' '}
              <button
                className="nhsuk-button nhsuk-button--secondary"
                type="button"
                disabled={page >= pages}
                onClick={() => setPage(page + 1)}
              >
                Next
              </button>
            </nav>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

function ReviewForm({ item, onDone }: { item: EstateReviewItem; onDone: () => void }) {
  const [outcome, setOutcome] = useState<EstateReviewOutcome>('appropriate');
  const [note, setNote] = useState('');
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);
  const id = `review-${item.workstation}-${item.entry.sequence}`.replace(/[^A-Za-z0-9_-]/g, '-');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const response = await invoke('estate.review', {
      workstation: item.workstation,
      keyFingerprint: item.keyFingerprint,
      sequence: item.entry.sequence,
      outcome,
      note,
    });
    if (response.ok) onDone();
    else setError(response.error);
  };
  if (item.ownAccess)
    return <p className="nhsuk-body-s">Your own access: another privacy officer must review it.</p>;
  return (
    <form onSubmit={submit} aria-label={`Review access at ${item.workstation}`} noValidate>
      <Problem title="There is a problem" error={error} />
      <FormField id={`${id}-outcome`} label="Outcome" className="nhsuk-form-group">
        <select
          className="nhsuk-select"
          id={`${id}-outcome`}
          value={outcome}
          onChange={(e) => setOutcome(e.target.value as EstateReviewOutcome)}
        >
          <option value="appropriate">Appropriate</option>
          <option value="inappropriate">Inappropriate</option>
          <option value="needs-follow-up">Needs follow-up</option>
        </select>
      </FormField>
      <FormField id={`${id}-note`} label="Review note" className="nhsuk-form-group">
        <textarea
          className="nhsuk-textarea"
          id={`${id}-note`}
          rows={2}
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </FormField>
      <button className="nhsuk-button nhsuk-button--secondary" type="submit">
        Mark reviewed
      </button>
    </form>
  );
}

const reasonChoices = Object.entries(reviewReasonNames) as [ReviewReason, string][];

function ReviewQueue() {
  const [queue, setQueue] = useState<{ items: readonly EstateReviewItem[]; total: number } | null>(null);
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);
  const [reason, setReason] = useState<ReviewReason | ''>('');
  const load = useCallback(async () => {
    const response = await invoke('estate.reviewQueue', reason ? { reason } : {});
    if (response.ok) {
      setQueue(response.value);
      setError(null);
    } else setError(response.error);
  }, [reason]);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section aria-labelledby="estate-review-heading">
      <h2 id="estate-review-heading">Access to review (all workstations)</h2>
      <Problem title="There is a problem" error={error} />
      <FormField id="estate-review-reason" label="Reason" className="nhsuk-form-group">
        <select
          className="nhsuk-select"
          id="estate-review-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value as ReviewReason | '')}
        >
          <option value="">Any reason</option>
          {reasonChoices.map(([value, words]) => (
            <option key={value} value={value}>
              {words}
            </option>
          ))}
        </select>
      </FormField>
      {queue ? (
        <p className="nhsuk-body" role="status">
          {queue.total} {queue.total === 1 ? 'access' : 'accesses'} waiting for review
        </p>
      ) : null}
      <ul className="nhsuk-list" aria-label="Accesses waiting for review">
        {queue?.items.slice(0, QUEUE_SHOWN).map((item) => (
          <li
            key={`${item.workstation}:${item.keyFingerprint}:${item.entry.sequence}`}
            className="nhsuk-card"
          >
            <div className="nhsuk-card__content">
              <ul className="nhsuk-list nhsuk-body-s" aria-label="Why it is waiting">
                {item.reasons.map((r) => (
                  <li key={r}>
                    <strong>{reviewReasonNames[r]}</strong>
                  </li>
                ))}
              </ul>
              <p className="nhsuk-body">
                Access by {who(item.entry)} at {item.workstation} ({item.entry.odsCode ?? '—'}),{' '}
                <time dateTime={item.entry.at}>{formatDateTime(item.entry.at)}</time>
                {item.entry.nhsNumber ? `, patient ${formatNhsNumber(item.entry.nhsNumber)}` : ''}
              </p>
              {item.entry.accessReasonText ? (
                <p className="nhsuk-body-s">“{item.entry.accessReasonText}”</p>
              ) : null}
              <ReviewForm item={item} onDone={() => void load()} />
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Health() {
  const [health, setHealth] = useState<EstateHealth | null>(null);
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);
  useEffect(() => {
    void (async () => {
      const response = await invoke('estate.health', {});
      if (response.ok) setHealth(response.value);
      else setError(response.error);
    })();
  }, []);
  return (
    <section aria-labelledby="estate-health-heading">
      <h2 id="estate-health-heading">Workstation health</h2>
      <Problem title="There is a problem" error={error} />
      {health ? (
        <>
          <table className="nhsuk-table" aria-label="Workstation health">
            <thead className="nhsuk-table__head">
              <tr>
                <th scope="col">Workstation</th>
                <th scope="col">Key</th>
                <th scope="col">Bundles</th>
                <th scope="col">Entries</th>
                <th scope="col">Last bundle received</th>
                <th scope="col">Gaps</th>
              </tr>
            </thead>
            <tbody className="nhsuk-table__body">
              {health.sources.map((s) => (
                <tr key={`${s.workstation}:${s.keyFingerprint}`} className="nhsuk-table__row">
                  <td className="nhsuk-table__cell">{s.workstation}</td>
                  <td className="nhsuk-table__cell">{s.keyFingerprint.slice(0, 16)}</td>
                  <td className="nhsuk-table__cell">{s.bundles}</td>
                  <td className="nhsuk-table__cell">{s.entries}</td>
                  <td className="nhsuk-table__cell">
                    {s.lastBundleAt ? formatDateTime(s.lastBundleAt) : '—'}
                  </td>
                  <td className="nhsuk-table__cell">
                    {s.gaps.length === 0
                      ? 'None'
                      : s.gaps.map((g) => `missing seq ${g.from}–${g.to}`).join('; ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Refused bundles</h3>
          {health.refused.length === 0 ? (
            <p className="nhsuk-body">None</p>
          ) : (
            <ul className="nhsuk-list nhsuk-list--bullet" aria-label="Refused bundles">
              {health.refused.map((r) => (
                <li key={`${r.at}:${r.bundle}`}>
                  {formatDateTime(r.at)} {r.workstation ?? 'unknown workstation'}: {r.reason}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </section>
  );
}

export function EstateScreen() {
  return (
    <section aria-labelledby="estate-heading" className="app-estate">
      <h1 id="estate-heading">Estate audit review</h1>
      <EstateSearch />
      <ReviewQueue />
      <Health />
    </section>
  );
}
