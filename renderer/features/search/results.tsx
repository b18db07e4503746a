// Several candidates from a trace: enough to tell them apart (name, born, gender, NHS number,
// postcode unless restricted) and no patient banner on the list (CUI PAB-0015).
import type { PatientCandidate } from '../../../preload/contract';
import { formatDate, formatGender, formatName, formatNhsNumber, notKnown } from '../../lib/cui';

export interface ResultsProps {
  readonly candidates: readonly PatientCandidate[];
  readonly onSelect: (nhsNumber: string) => void;
  readonly onBack: () => void;
}

export function SearchResults({ candidates, onSelect, onBack }: ResultsProps) {
  return (
    <section aria-labelledby="results-heading">
      <h1 id="results-heading">{candidates.length} patients found</h1>
      <p className="nhsuk-body">Check the details with the patient and choose the right person.</p>
      <table className="nhsuk-table app-results">
        <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Search results</caption>
        <thead className="nhsuk-table__head">
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Born</th>
            <th scope="col">Gender</th>
            <th scope="col">NHS No.</th>
            <th scope="col">Postcode</th>
            <th scope="col">
              <span className="nhsuk-u-visually-hidden">Action</span>
            </th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {candidates.map((candidate) => {
            const name = formatName(candidate.name);
            return (
              <tr key={candidate.nhsNumber}>
                <td>
                  {name}
                  {candidate.restricted ? (
                    <span className="app-tag app-tag--restricted"> Restricted record</span>
                  ) : null}
                  {candidate.deathDate ? (
                    <span className="app-tag"> Died {formatDate(candidate.deathDate)}</span>
                  ) : null}
                </td>
                <td>{formatDate(candidate.birthDate)}</td>
                <td>{formatGender(candidate.gender)}</td>
                <td className="app-nowrap">{formatNhsNumber(candidate.nhsNumber)}</td>
                <td>{candidate.restricted ? 'Not shown' : (candidate.postcode ?? notKnown)}</td>
                <td>
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary app-button--small"
                    onClick={() => onSelect(candidate.nhsNumber)}
                  >
                    Select {name}
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" className="nhsuk-button nhsuk-button--secondary" onClick={onBack}>
        Change search
      </button>
    </section>
  );
}
