// The print view (MSCA-IG-04, MSCA-PDS-06): the protective marking and the patient's identifiers
// head every printed page (a table header repeats on each page), and every page's foot says who
// printed it, in which role, and when. The print was audited in main before this view was shown.
import type { Patient, PrintStamp, SummaryCareRecordView } from '../../../preload/contract';
import { formatDate, formatDateTime, formatGender, formatName, formatNhsNumber } from '../../lib/cui';
import { ScrRecord } from '../scr/record';

export interface PrintViewProps {
  readonly patient: Patient;
  readonly record: SummaryCareRecordView;
  readonly stamp: PrintStamp;
  readonly onBack: () => void;
}

export function PrintView({ patient, record, stamp, onBack }: PrintViewProps) {
  const identifiers = `${formatName(patient.name)} · Born ${formatDate(patient.birthDate)} · Gender ${formatGender(patient.gender)} · NHS No. ${formatNhsNumber(patient.nhsNumber)}`;
  const footer = `Printed by ${stamp.printedBy}, ${stamp.role}, ${stamp.organisation}, on ${formatDateTime(stamp.printedAt)}`;
  return (
    <section className="app-print" aria-labelledby="print-heading">
      <div className="app-print__controls">
        <h1 id="print-heading">Print preview</h1>
        <div className="nhsuk-button-group app-button-group">
          <button type="button" className="nhsuk-button" onClick={() => window.print()}>
            Print this page
          </button>
          <button type="button" className="nhsuk-button nhsuk-button--secondary" onClick={onBack}>
            Back to the record
          </button>
        </div>
      </div>
      <table className="app-print__page" role="presentation">
        <thead>
          <tr>
            <td>
              <p className="app-print__marking">{stamp.marking}</p>
              <p className="app-print__identifiers">{identifiers}</p>
            </td>
          </tr>
        </thead>
        <tfoot>
          <tr>
            <td>
              <p className="app-print__footer">
                {stamp.marking} — {footer}
              </p>
            </td>
          </tr>
        </tfoot>
        <tbody>
          <tr>
            <td>
              <ScrRecord record={record} />
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
