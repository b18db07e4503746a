// The Summary Care Record as read (product.md section 1.2; issues 7 and 11): the record heading
// takes focus when it opens; how the record was obtained (provenance) and any notes about what was
// removed come first, then an index of the sections with their counts, then allergies and current
// medication, then the GP's own heading material, then Additional Information (collapsible). Every
// section has its own error boundary, so one part that cannot be drawn never hides the rest.
import { useEffect, useState, type ReactNode } from 'react';
import type { ScrEntry, ScrSection, SummaryCareRecordView } from '../../../preload/contract';
import { formatDate, formatDateTime, notKnown } from '../../lib/cui';
import { PlainPresentation, PresentationText, textOfNode } from './presentation';
import { recordRendered } from './progress';
import { SectionBoundary } from './section-boundary';
import { recordSections, type RecordSection } from './sections';

const medication = (section: ScrSection) =>
  section.category !== 'allergies' && section.category !== 'additional';

function EntryTable({ section }: { readonly section: ScrSection }) {
  if (section.entries.length === 0) {
    return (
      <p className="nhsuk-body app-none">
        {section.category === 'allergies' ? 'No allergy information recorded' : 'None recorded'}
      </p>
    );
  }
  return (
    <div className="app-table-scroll" role="region" aria-label={section.title} tabIndex={0}>
      <table className="nhsuk-table app-scr-table">
        <caption className="nhsuk-u-visually-hidden">{section.title}</caption>
        <thead className="nhsuk-table__head">
          <tr>
            <th scope="col">
              {medication(section)
                ? 'Medication'
                : section.category === 'allergies'
                  ? 'Allergy or reaction'
                  : 'Item'}
            </th>
            <th scope="col">Date</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {section.entries.map((entry: ScrEntry, index) => (
            <tr key={index}>
              <td>
                {/* Each value isolated: right-to-left text cannot reorder its neighbours (HAZ-004). */}
                <bdi>{entry.text}</bdi>
                {entry.prescribedElsewhere ? (
                  <>
                    {' '}
                    <strong className="app-tag app-tag--elsewhere">Prescribed elsewhere</strong>
                  </>
                ) : null}
                {entry.directionMarksRemoved ? (
                  <span className="app-direction-note">
                    {' '}
                    Text direction marks were removed from this entry
                  </span>
                ) : null}
              </td>
              <td className="app-nowrap">{entry.date ? formatDate(entry.date) : notKnown}</td>
              <td>
                {entry.details.map((detail, i) => (
                  <span key={i}>
                    {i > 0 ? '; ' : ''}
                    <bdi>{detail}</bdi>
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function sectionText(section: RecordSection): string {
  if (section.nodes) return section.nodes.map(textOfNode).join('\n');
  return (section.coded?.entries ?? [])
    .map((entry) => [entry.text, entry.date ?? '', ...entry.details].join(' '))
    .join('\n');
}

function SectionBody({ section }: { readonly section: RecordSection }) {
  return (
    <SectionBoundary title={section.title} plainText={() => sectionText(section)}>
      {section.nodes ? <PresentationText nodes={section.nodes} /> : null}
      {section.coded ? <EntryTable section={section.coded} /> : null}
    </SectionBoundary>
  );
}

function Section({ section }: { readonly section: RecordSection }) {
  // A plain block, not a named region: the two regions (core, additional) are the landmarks.
  return (
    <div className={`app-scr__section app-scr__section--${section.category ?? 'text'}`}>
      <h3 id={section.id} dir="auto">
        {section.title}
      </h3>
      <SectionBody section={section} />
    </div>
  );
}

/** "14:32 today", or the CUI date and time when it was not today. */
export function retrievedWhen(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return notKnown;
  const full = formatDateTime(at);
  return at.toDateString() === now.toDateString() ? `${full.slice(-5)} today` : full;
}

/** The access basis in words ("Viewed with the patient's permission", "Emergency access: …"). */
export function accessWords(access: SummaryCareRecordView['access']): string | null {
  if (!access) return null;
  if (access.kind === 'permission') return 'Viewed with the patient’s permission';
  const label = access.kind === 'emergency' ? 'Emergency access' : 'Legal access';
  return access.reason ? `${label}: ${access.reason}` : label;
}

export interface ScrRecordProps {
  readonly record: SummaryCareRecordView;
  /** Only these section ids (print); all when absent. */
  readonly only?: ReadonlySet<string>;
  /** Actions shown beside the heading (copy, print). */
  readonly actions?: ReactNode;
}

// The screen moves focus to #scr-heading when the record opens (patient/index.tsx, lib/focus.ts).
export function ScrRecord({ record, only, actions }: ScrRecordProps) {
  const [sections] = useState(() => recordSections(record));
  const [showAdditional, setShowAdditional] = useState(true);
  useEffect(() => {
    recordRendered();
  }, []);
  const chosen = only ? sections.filter((section) => only.has(section.id)) : sections;
  const core = chosen.filter((section) => section.place === 'core');
  const about = chosen.filter((section) => section.place === 'about');
  const additional = chosen.filter((section) => section.place === 'additional');
  const ods = record.practiceOdsCode ?? null;
  const org = record.author.organisation;
  const practice = org && ods ? `${org} (${ods})` : (org ?? (ods ? `practice ${ods}` : ''));
  const access = accessWords(record.access);
  const notes = record.notes;
  return (
    <article className="app-scr" aria-labelledby="scr-heading">
      <div className="app-scr__head">
        <h2 id="scr-heading" tabIndex={-1}>
          Summary Care Record
        </h2>
        {actions ? <div className="app-scr__actions">{actions}</div> : null}
      </div>
      <p className="nhsuk-body-s app-scr__provenance">
        {record.retrievedAt ? <span>Retrieved from Spine at {retrievedWhen(record.retrievedAt)}</span> : null}
        {access ? (
          <span>
            {' · '}
            <bdi>{access}</bdi>
          </span>
        ) : null}
        {practice ? (
          <span>
            {' · '}From <bdi>{practice}</bdi>
          </span>
        ) : null}
        <span>
          {' · '}Last updated by the GP practice on{' '}
          <span className="app-nowrap">{formatDateTime(record.lastUpdated)}</span>
          {record.author.name ? (
            <>
              {' '}
              by <bdi>{record.author.name}</bdi>
            </>
          ) : null}
        </span>
      </p>
      {record.status && record.status !== 'current' ? (
        <div className="nhsuk-warning-callout app-scr__status" role="note">
          <h3 className="nhsuk-warning-callout__label">
            {record.status === 'withdrawn' ? 'Withdrawn document' : 'Replaced document'}
          </h3>
          <p>
            {record.status === 'withdrawn'
              ? 'This summary has been withdrawn by the GP practice. Do not rely on it.'
              : 'This summary has been replaced by a newer one. Do not rely on it.'}
          </p>
        </div>
      ) : null}
      {notes?.formattingRemoved ? (
        <p className="app-scr__note" role="note">
          Some formatting from the GP record was removed
        </p>
      ) : null}
      {notes?.directionMarksRemoved ? (
        <p className="app-scr__note" role="note">
          Text direction marks were removed from this entry
        </p>
      ) : null}
      {record.recentPracticeChange ? (
        <div className="nhsuk-warning-callout" role="note" aria-label="Recent change of GP practice">
          <h3 className="nhsuk-warning-callout__label">Recent change of GP practice</h3>
          <p>
            This patient recently changed GP practice. Their record may not yet show everything from the new
            practice.
          </p>
        </div>
      ) : null}
      <nav className="app-scr__index" aria-label="Sections of this record">
        <ul>
          {chosen.map((section) => (
            <li key={section.id}>
              <a href={`#${section.id}`}>
                {section.title}
                {section.count !== null ? ` (${section.count})` : ''}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <section aria-labelledby="scr-core" className="app-scr__core">
        <h2 id="scr-core" className="nhsuk-heading-s app-scr__region-heading">
          Core information
        </h2>
        {core.map((section) => (
          <Section key={section.id} section={section} />
        ))}
        {record.presentationPlain ? (
          <div className="app-scr__section">
            <h3 id="scr-plain">The GP’s summary (shown as plain text: it is very large)</h3>
            <SectionBoundary title="The GP’s summary" plainText={() => record.presentationPlain ?? ''}>
              <PlainPresentation text={record.presentationPlain} />
            </SectionBoundary>
          </div>
        ) : null}
      </section>
      {about.map((section) => (
        <div key={section.id} className="app-scr__about">
          <h3 id={section.id}>{section.title}</h3>
          <SectionBody section={section} />
        </div>
      ))}
      {additional.length > 0 ? (
        <section aria-labelledby="scr-additional" className="app-scr__additional">
          <div className="app-scr__head">
            <h2 id="scr-additional" className="nhsuk-heading-m">
              Additional Information
            </h2>
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary app-button--small app-no-print"
              aria-expanded={showAdditional}
              aria-controls="scr-additional-body"
              onClick={() => setShowAdditional((value) => !value)}
            >
              {showAdditional ? 'Hide Additional Information' : 'Show Additional Information'}
            </button>
          </div>
          <div id="scr-additional-body" hidden={!showAdditional}>
            {additional.map((section) => (
              <Section key={section.id} section={section} />
            ))}
          </div>
        </section>
      ) : null}
    </article>
  );
}
