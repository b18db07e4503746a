// The audit entries as a privacy officer reads them (issue 13): when (one line), what in plain
// English, who (name, role name, organisation name), which patient (name and NHS number, with one
// click to "all access to this patient"), and why. Codes stay in the export, not on screen.
import type { AuditEntryView } from '../../../preload/contract';
import { eventName } from '../../../preload/contract/audit-events';
import { formatDateTime, formatNhsNumber } from '../../lib/cui';

const outcomeWords: Readonly<Record<string, string>> = {
  failure: 'Failed',
  refused: 'Refused',
};

/** Who acted, in names recorded with the entry: `PHARMACIST, Test` / `Pharmacist, Riverside Pharmacy`. */
export function Who({ entry }: { readonly entry: AuditEntryView }) {
  const role = entry.names?.role ?? null;
  const organisation = entry.names?.organisation ?? null;
  return (
    <>
      {entry.displayName ?? (entry.userUuid ? `User ${entry.userUuid}` : 'This workstation')}
      {role || organisation || entry.odsCode ? (
        <div className="nhsuk-body-s app-audit__sub">
          {[role, organisation ?? (entry.odsCode ? `ODS ${entry.odsCode}` : null)].filter(Boolean).join(', ')}
        </div>
      ) : null}
    </>
  );
}

export function Patient({
  entry,
  onAllAccess,
}: {
  readonly entry: AuditEntryView;
  readonly onAllAccess?: ((nhsNumber: string) => void) | undefined;
}) {
  if (!entry.nhsNumber) return <span className="app-audit__none">None</span>;
  const nhsNumber = entry.nhsNumber;
  return (
    <>
      {entry.names?.patient ?? 'Name not recorded'}
      <div className="nhsuk-body-s app-nowrap">NHS No. {formatNhsNumber(nhsNumber)}</div>
      {onAllAccess ? (
        <button type="button" className="app-link-button nhsuk-body-s" onClick={() => onAllAccess(nhsNumber)}>
          All access to this patient
          <span className="nhsuk-u-visually-hidden"> ({formatNhsNumber(nhsNumber)})</span>
        </button>
      ) : null}
    </>
  );
}

export function When({ at }: { readonly at: string }) {
  return (
    <time dateTime={at} className="app-nowrap">
      {formatDateTime(at)}
    </time>
  );
}

export interface EntriesTableProps {
  readonly entries: readonly AuditEntryView[];
  readonly onAllAccess: (nhsNumber: string) => void;
}

export function EntriesTable({ entries, onAllAccess }: EntriesTableProps) {
  return (
    <table className="nhsuk-table app-audit-table">
      <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Audit entries, newest first</caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            Date and time
          </th>
          <th className="nhsuk-table__header" scope="col">
            Event
          </th>
          <th className="nhsuk-table__header" scope="col">
            User
          </th>
          <th className="nhsuk-table__header" scope="col">
            Patient
          </th>
          <th className="nhsuk-table__header" scope="col">
            Reason or details
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {entries.map((entry) => (
          <tr className="nhsuk-table__row" key={entry.sequence}>
            <td className="nhsuk-table__cell">
              <When at={entry.at} />
            </td>
            <td className="nhsuk-table__cell">
              {eventName(entry.type, entry.accessReason)}
              {outcomeWords[entry.outcome] ? (
                <div className="nhsuk-body-s app-audit__sub">{outcomeWords[entry.outcome]}</div>
              ) : null}
            </td>
            <td className="nhsuk-table__cell">
              <Who entry={entry} />
            </td>
            <td className="nhsuk-table__cell">
              <Patient entry={entry} onAllAccess={onAllAccess} />
            </td>
            <td className="nhsuk-table__cell">{entry.accessReasonText ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
