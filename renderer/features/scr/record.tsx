// The Summary Care Record as read (product.md section 1.2; issue 7): core information first —
// allergies and adverse reactions, then acute, repeat and discontinued-repeat medication — then the
// GP's own summary text, then Additional Information, visibly separate. Coded entries are shown
// when the GP's text does not already cover a section.
import type { ScrEntry, ScrSection, SummaryCareRecordView } from '../../../preload/contract';
import { formatDate, formatDateTime, notKnown } from '../../lib/cui';
import { PresentationText, headingText, splitPresentation } from './presentation';

const coveredBy: Readonly<Record<ScrSection['category'], RegExp>> = {
  allergies: /allerg/,
  'acute-medication': /acute/,
  'repeat-medication': /(^|[^d]\w*\s)repeat|^repeat/,
  'discontinued-repeat-medication': /discontinued/,
  additional: /$^/,
};

function EntryTable({ section }: { readonly section: ScrSection }) {
  if (section.entries.length === 0) {
    return (
      <p className="nhsuk-body app-none">
        {section.category === 'allergies' ? 'No allergies recorded' : 'None recorded'}
      </p>
    );
  }
  const medication = section.category !== 'allergies' && section.category !== 'additional';
  return (
    // In its own block so the browser can skip drawing it while it is scrolled away (see presentation.tsx).
    <div className="app-offscreen-block">
      <table className="nhsuk-table app-scr-table">
        <caption className="nhsuk-u-visually-hidden">{section.title}</caption>
        <thead className="nhsuk-table__head">
          <tr>
            <th scope="col">
              {medication ? 'Medication' : section.category === 'allergies' ? 'Allergy or reaction' : 'Item'}
            </th>
            <th scope="col">Date</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {section.entries.map((entry: ScrEntry, index) => (
            <tr key={index}>
              <td>
                {entry.text}
                {entry.prescribedElsewhere ? (
                  <>
                    {' '}
                    <strong className="app-tag app-tag--elsewhere">Prescribed elsewhere</strong>
                  </>
                ) : null}
              </td>
              <td className="app-nowrap">{entry.date ? formatDate(entry.date) : notKnown}</td>
              <td>{entry.details.length > 0 ? entry.details.join('; ') : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ScrRecord({ record }: { readonly record: SummaryCareRecordView }) {
  const text = record.presentation ? splitPresentation(record.presentation) : null;
  const covered = record.presentation ? headingText(record.presentation) : '';
  // Coded entries are shown for the sections the GP's text lacks (spine-hl7v3.md section 8.3).
  const core = record.core.filter(
    (section) => record.presentation === null || !coveredBy[section.category].test(covered),
  );
  const additional = record.presentation === null ? record.additional : [];
  const hasAdditional = additional.length > 0 || (text?.additional.length ?? 0) > 0;
  return (
    <article className="app-scr" aria-labelledby="scr-heading">
      <h2 id="scr-heading">Summary Care Record</h2>
      <p className="nhsuk-body app-scr__updated">
        Last updated by the GP practice on {formatDateTime(record.lastUpdated)}
        {record.author.name || record.author.organisation
          ? ` by ${[record.author.name, record.author.organisation].filter(Boolean).join(', ')}`
          : ''}
      </p>
      {record.recentPracticeChange ? (
        <div className="nhsuk-warning-callout" role="note" aria-label="Recent change of GP practice">
          <h3 className="nhsuk-warning-callout__label">Recent change of GP practice</h3>
          <p>
            This patient recently changed GP practice. Their record may not yet show everything from the new
            practice.
          </p>
        </div>
      ) : null}
      <section aria-labelledby="scr-core" className="app-scr__core">
        <h2 id="scr-core" className="nhsuk-heading-m">
          Core information
        </h2>
        {text && text.core.length > 0 ? <PresentationText nodes={text.core} /> : null}
        {core.map((section) => (
          <section key={section.category} aria-labelledby={`scr-${section.category}`}>
            <h3 id={`scr-${section.category}`}>{section.title}</h3>
            <EntryTable section={section} />
          </section>
        ))}
      </section>
      {hasAdditional ? (
        <section aria-labelledby="scr-additional" className="app-scr__additional">
          <h2 id="scr-additional" className="nhsuk-heading-m">
            Additional Information
          </h2>
          {text && text.additional.length > 0 ? <PresentationText nodes={text.additional} /> : null}
          {additional.map((section, index) => (
            <section key={index} aria-labelledby={`scr-additional-${index}`}>
              <h3 id={`scr-additional-${index}`}>{section.title}</h3>
              <EntryTable section={section} />
            </section>
          ))}
        </section>
      ) : null}
    </article>
  );
}
