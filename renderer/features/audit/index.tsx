// The audit trail screen for the privacy officer (B0011 or R0001; issues 6 and 13): "Access to
// review" first, then a search in plain English (who, which patient, what kind of event, when —
// with presets and dates as people type them), technical events hidden unless asked for, and an
// export of exactly what is on screen that the app verifies before saying so. Opening and every
// search are audited by main. Main refuses these calls for every other role.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type {
  AuditExportFilter,
  AuditExportResult,
  AuditPage,
  AuditSearchInput,
  ContractError,
} from '../../../preload/contract';
import { eventCategories } from '../../../preload/contract/audit-events';
import { nhsNumberProblem } from '../../../preload/contract/nhs-number';
import { invoke } from '../../lib/api';
import { formatNhsNumberInput } from '../../lib/cui';
import { focusElement } from '../../lib/focus';
import { formatDayInput, parseHumanDate, presetRange } from '../../lib/human-date';
import { ErrorSummary, Problem, errorFor, type FieldError } from '../../components/error-summary';
import { CheckboxField, FormField, describedBy } from '../../components/form-field';
import { EntriesTable } from './entries-table';
import { IntegrityAlert } from './integrity-alert';
import { ReviewQueue } from './review-queue';

const PAGE_SIZE = 25;

interface Criteria {
  user: string;
  nhsNumber: string;
  eventType: string;
  from: string;
  to: string;
  technical: boolean;
}
const emptyCriteria: Criteria = {
  user: '',
  nhsNumber: '',
  eventType: '',
  from: '',
  to: '',
  technical: false,
};

type Query = Omit<AuditSearchInput, 'page' | 'pageSize'>;
type Built = { ok: true; query: Query } | { ok: false; errors: FieldError[] };

const dateHint = 'For example, 2 Dec 2026 or 02/12/2026';

/** The criteria typed → the query main runs, or every problem at its field (NHS error pattern). */
export function buildQuery(c: Criteria): Built {
  const query: { -readonly [K in keyof Query]: Query[K] } = {};
  const errors: FieldError[] = [];
  if (c.user.trim()) query.user = c.user.trim();
  if (c.nhsNumber.trim()) {
    const problem = nhsNumberProblem(c.nhsNumber);
    if (problem) errors.push({ field: 'audit-nhs', message: problem });
    else query.nhsNumber = c.nhsNumber.replace(/\s/g, '');
  }
  if (c.eventType) query.eventType = c.eventType;
  if (!c.technical) query.hideTechnical = true;
  if (c.from.trim()) {
    const from = parseHumanDate(c.from);
    if (!from)
      errors.push({ field: 'audit-from', message: `Enter the "From" date as a real date. ${dateHint}` });
    else query.from = from.toISOString();
  }
  if (c.to.trim()) {
    const to = parseHumanDate(c.to);
    if (!to) errors.push({ field: 'audit-to', message: `Enter the "To" date as a real date. ${dateHint}` });
    else {
      // Inclusive of the whole "to" day.
      to.setDate(to.getDate() + 1);
      query.to = to.toISOString();
    }
  }
  if (query.from && query.to && query.from >= query.to) {
    errors.push({ field: 'audit-to', message: 'The "To" date must be the same as or after the "From" date' });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, query };
}

/** The filter part of a query, for an export of exactly what is on screen. */
function filterOf(query: Query): AuditExportFilter | undefined {
  const filter = {
    ...(query.user ? { user: query.user } : {}),
    ...(query.nhsNumber ? { nhsNumber: query.nhsNumber } : {}),
    ...(query.messageId ? { messageId: query.messageId } : {}),
    ...(query.eventType ? { eventType: query.eventType } : {}),
    ...(query.hideTechnical ? { hideTechnical: true } : {}),
  };
  return Object.keys(filter).length > 0 ? filter : undefined;
}

function ExportOutcome({
  result,
  canOpenFolder,
}: {
  readonly result: AuditExportResult;
  /** Electron: the file manager can be opened at the folder the user chose. */
  readonly canOpenFolder: boolean;
}) {
  const [openError, setOpenError] = useState<Pick<ContractError, 'message'> | null>(null);
  const { verification } = result;
  const ok = verification.intact && verification.trusted;
  const workstation = verification.signer?.workstation ?? 'unknown';
  return (
    <div className={ok ? 'nhsuk-inset-text app-export' : 'nhsuk-error-summary app-export'} role="status">
      <h2 className="nhsuk-heading-s" tabIndex={-1} id="export-outcome">
        {ok
          ? `Export verified: ${verification.entries} ${verification.entries === 1 ? 'entry' : 'entries'}, signed by workstation ${workstation}`
          : verification.intact
            ? `Export written, but its signer is not trusted: workstation ${workstation}`
            : 'The export did not verify'}
      </h2>
      {verification.problems.length > 0 ? (
        <ul className="nhsuk-list nhsuk-list--bullet">
          {verification.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
      <p className="nhsuk-body-s">
        Saved in <code className="app-export__path">{result.folder}</code>
      </p>
      <p className="nhsuk-body-s">
        Signing key fingerprint: <code>{result.keyFingerprint}</code>
      </p>
      {canOpenFolder ? (
        <button
          type="button"
          className="nhsuk-button nhsuk-button--secondary app-button--small"
          onClick={() =>
            void invoke('audit.showExport', { folder: result.folder }).then((shown) =>
              setOpenError(shown.ok ? null : shown.error),
            )
          }
        >
          Open folder
        </button>
      ) : null}
      <Problem title="The folder could not be opened" error={openError} />
    </div>
  );
}

export function AuditScreen({ canAcknowledge = false }: { readonly canAcknowledge?: boolean }) {
  const [criteria, setCriteria] = useState<Criteria>(emptyCriteria);
  const [applied, setApplied] = useState<Query>({ hideTechnical: true });
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<AuditPage | null>(null);
  /** When the page on screen was read: the export stops there, so it holds exactly what was shown. */
  const [shownAt, setShownAt] = useState<string | null>(null);
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);
  const [fieldErrors, setFieldErrors] = useState<readonly FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [exported, setExported] = useState<AuditExportResult | null>(null);
  const [exportError, setExportError] = useState<Pick<ContractError, 'message'> | null>(null);
  const [refreshKey, setRefreshKey] = useState(0);
  const [electron, setElectron] = useState(false);
  const results = useRef<HTMLHeadingElement>(null);
  const moveToResults = useRef(false);

  // Opening the screen is itself audited (issue 13) — before the first search, so that entry is
  // already in the trail the screen shows (and exports).
  const opened = useRef<Promise<unknown> | null>(null);
  useEffect(() => {
    void invoke('app.info', {}).then((info) => setElectron(info.ok && info.value.host === 'electron'));
  }, []);

  const load = useCallback(async (query: Query, pageNo: number) => {
    setBusy(true);
    opened.current ??= invoke('audit.open', {});
    await opened.current;
    const response = await invoke('audit.search', { ...query, page: pageNo, pageSize: PAGE_SIZE });
    setBusy(false);
    if (response.ok) {
      setResult(response.value);
      setShownAt(new Date().toISOString());
      setError(null);
    } else {
      setResult(null);
      setError(response.error);
    }
  }, []);

  useEffect(() => {
    void load(applied, page);
  }, [applied, page, load]);

  // A new page or search opens at the top of the results, with focus on their heading.
  useEffect(() => {
    if (moveToResults.current && result) {
      moveToResults.current = false;
      focusElement(results.current, true);
    }
  }, [result]);

  const apply = (next: Criteria) => {
    const built = buildQuery(next);
    if (!built.ok) {
      setError(null);
      setFieldErrors(built.errors);
      return;
    }
    setFieldErrors([]);
    setExported(null);
    moveToResults.current = true;
    setPage(1);
    setApplied(built.query);
    setRefreshKey((key) => key + 1);
  };

  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    apply(criteria);
  };

  const preset = (days: number) => {
    const range = presetRange(days);
    const next = { ...criteria, from: formatDayInput(range.from), to: formatDayInput(range.to) };
    setCriteria(next);
    apply(next);
  };

  const allAccess = (nhsNumber: string) => {
    const next = { ...emptyCriteria, nhsNumber: formatNhsNumberInput(nhsNumber) };
    setCriteria(next);
    apply(next);
  };

  const onExport = async () => {
    setExported(null);
    setExportError(null);
    // Exactly what is on screen: the same filter and range, ending when the screen was read.
    const to = applied.to && shownAt && applied.to < shownAt ? applied.to : (shownAt ?? applied.to);
    const filter = filterOf(applied);
    const response = await invoke('audit.export', {
      ...(applied.from ? { from: applied.from } : {}),
      ...(to ? { to } : {}),
      ...(filter ? { filter } : {}),
    });
    if (response.ok) {
      setExported(response.value);
      setRefreshKey((key) => key + 1);
    } else setExportError(response.error);
  };

  useEffect(() => {
    if (exported) focusElement(document.getElementById('export-outcome'), true);
  }, [exported]);

  const set =
    (key: 'user' | 'nhsNumber' | 'eventType' | 'from' | 'to') => (event: { target: { value: string } }) =>
      setCriteria({
        ...criteria,
        [key]: key === 'nhsNumber' ? formatNhsNumberInput(event.target.value) : event.target.value,
      });
  const fieldError = (field: string) => errorFor(fieldErrors, field);
  const inputClass = (field: string) =>
    fieldError(field) ? 'nhsuk-input nhsuk-input--error' : 'nhsuk-input';

  const pages = result ? Math.max(1, Math.ceil(result.total / result.pageSize)) : 1;

  return (
    <section aria-labelledby="audit-heading" className="app-audit">
      <h1 id="audit-heading">Audit trail</h1>
      <IntegrityAlert canAcknowledge={canAcknowledge} />
      <ErrorSummary errors={fieldErrors} />
      <Problem title="There is a problem" error={error} autoFocus />
      <ReviewQueue onAllAccess={allAccess} refreshKey={refreshKey} />

      <h2 className="nhsuk-heading-m">Find entries</h2>
      <form onSubmit={onSearch} noValidate aria-label="Search the audit trail">
        <div className="nhsuk-grid-row">
          <FormField
            id="audit-user"
            label="User name or smartcard ID"
            className="nhsuk-grid-column-one-third nhsuk-form-group"
          >
            <input className="nhsuk-input" id="audit-user" value={criteria.user} onChange={set('user')} />
          </FormField>
          <FormField
            id="audit-nhs"
            label="NHS number"
            className="nhsuk-grid-column-one-third nhsuk-form-group"
            error={fieldError('audit-nhs')}
          >
            <input
              className={inputClass('audit-nhs')}
              id="audit-nhs"
              inputMode="numeric"
              value={criteria.nhsNumber}
              {...describedBy('audit-nhs', false, fieldError('audit-nhs'))}
              onChange={set('nhsNumber')}
            />
          </FormField>
          <FormField id="audit-type" label="Event" className="nhsuk-grid-column-one-third nhsuk-form-group">
            <select
              className="nhsuk-select"
              id="audit-type"
              value={criteria.eventType}
              onChange={set('eventType')}
            >
              {eventCategories.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </FormField>
        </div>
        <div className="nhsuk-grid-row">
          <FormField
            id="audit-from"
            label="From"
            hint={dateHint}
            className="nhsuk-grid-column-one-third nhsuk-form-group"
            error={fieldError('audit-from')}
          >
            <input
              className={inputClass('audit-from')}
              id="audit-from"
              value={criteria.from}
              {...describedBy('audit-from', true, fieldError('audit-from'))}
              onChange={set('from')}
            />
          </FormField>
          <FormField
            id="audit-to"
            label="To"
            hint={dateHint}
            className="nhsuk-grid-column-one-third nhsuk-form-group"
            error={fieldError('audit-to')}
          >
            <input
              className={inputClass('audit-to')}
              id="audit-to"
              value={criteria.to}
              {...describedBy('audit-to', true, fieldError('audit-to'))}
              onChange={set('to')}
            />
          </FormField>
          <div className="nhsuk-grid-column-one-third nhsuk-form-group app-audit__presets">
            <span className="nhsuk-label" id="audit-presets">
              Or choose
            </span>
            <div className="app-button-row" role="group" aria-labelledby="audit-presets">
              <button type="button" className="app-link-button" onClick={() => preset(1)}>
                Today
              </button>
              <button type="button" className="app-link-button" onClick={() => preset(7)}>
                Last 7 days
              </button>
              <button type="button" className="app-link-button" onClick={() => preset(30)}>
                Last 30 days
              </button>
            </div>
          </div>
        </div>
        <CheckboxField
          id="audit-technical"
          label="Show technical events (messages to and from Spine, refused application requests)"
          checked={criteria.technical}
          onChange={(technical) => setCriteria({ ...criteria, technical })}
        />
        <div className="nhsuk-button-group app-button-group">
          <button className="nhsuk-button" type="submit" disabled={busy}>
            Search
          </button>
          <button
            className="nhsuk-button nhsuk-button--secondary"
            type="button"
            disabled={!result || busy}
            onClick={() => void onExport()}
          >
            Export what is shown
          </button>
        </div>
      </form>

      <Problem title="The export did not complete" error={exportError} autoFocus />
      {exported ? <ExportOutcome result={exported} canOpenFolder={electron} /> : null}

      {result ? (
        <>
          <h2 className="nhsuk-heading-m" ref={results} tabIndex={-1} id="audit-results">
            {result.total === 0
              ? 'No entries match'
              : `${result.total} ${result.total === 1 ? 'entry' : 'entries'} — page ${result.page} of ${pages}`}
          </h2>
          <p className="nhsuk-u-visually-hidden" role="status" aria-live="polite">
            {result.total === 0
              ? 'No entries match.'
              : `${result.total} ${result.total === 1 ? 'entry' : 'entries'}`}
          </p>
          {result.entries.length > 0 ? (
            <EntriesTable entries={result.entries} onAllAccess={allAccess} />
          ) : null}
          {pages > 1 ? (
            <nav className="nhsuk-pagination" role="navigation" aria-label="Audit pages">
              <ul className="nhsuk-list nhsuk-pagination__list">
                <li className="nhsuk-pagination-item--previous">
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary"
                    disabled={page <= 1 || busy}
                    onClick={() => {
                      moveToResults.current = true;
                      setPage(page - 1);
                    }}
                  >
                    Previous page
                  </button>
                </li>
                <li className="nhsuk-pagination-item--next">
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary"
                    disabled={page >= pages || busy}
                    onClick={() => {
                      moveToResults.current = true;
                      setPage(page + 1);
                    }}
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
