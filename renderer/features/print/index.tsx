// The print view (MSCA-IG-04, MSCA-PDS-06; issue 11, HAZ-001, HAZ-014). Only the record prints:
// the app's navigation, buttons and the training reader are hidden by the print styles. The user
// chooses what to print — allergies and current medication by default, the whole record, or
// chosen sections — and sees the page count of that choice at A4 before printing. Every page
// carries the protective marking and the patient's identifiers (a table header the browser repeats
// on each page), and its foot says who printed it, in which role, when, and "Page X of Y" (an
// @page margin box). The print is audited in main, with the sections chosen, before the page is
// produced.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ContractError, Patient, PrintStamp, SummaryCareRecordView } from '../../../preload/contract';
import { invoke } from '../../lib/api';
import { formatDate, formatDateTime, formatGender, formatName, formatNhsNumber } from '../../lib/cui';
import { DrawAllAtOnce } from '../scr/presentation';
import { ScrRecord } from '../scr/record';
import { recordSections, type RecordSection } from '../scr/sections';

export interface PrintViewProps {
  readonly patient: Patient;
  readonly record: SummaryCareRecordView;
  readonly onBack: () => void;
}

/** The default choice: allergies and current medication (acute and repeat). */
export const defaultPrintSections = (sections: readonly RecordSection[]): Set<string> =>
  new Set(
    sections
      .filter(
        (section) =>
          section.category === 'allergies' ||
          section.category === 'acute-medication' ||
          section.category === 'repeat-medication',
      )
      .map((section) => section.id),
  );

// A4 portrait at the print margins in clinical.css (@page: 12 mm), in CSS pixels (96 per inch).
const MM = 96 / 25.4;
const PAGE_CONTENT_HEIGHT = (297 - 2 * 12) * MM;

export function PrintView({ patient, record, onBack }: PrintViewProps) {
  const sections = useMemo(() => recordSections(record), [record]);
  const [chosen, setChosen] = useState<Set<string>>(() => defaultPrintSections(sections));
  const [stamp, setStamp] = useState<PrintStamp | null>(null);
  const [error, setError] = useState<ContractError | null>(null);
  const [pages, setPages] = useState<number | null>(null);
  const page = useRef<HTMLTableElement>(null);
  // Each identifier on one line: a name, date of birth or NHS number is never split across lines.
  const identifiers = [
    formatName(patient.name),
    `Born ${formatDate(patient.birthDate)}`,
    `Gender ${formatGender(patient.gender)}`,
    `NHS No. ${formatNhsNumber(patient.nhsNumber)}`,
  ];

  // The page count of this choice, from the layout at A4 width (the preview is laid out at it).
  useLayoutEffect(() => {
    const height = page.current?.getBoundingClientRect().height ?? 0;
    setPages(height > 0 ? Math.max(1, Math.ceil(height / PAGE_CONTENT_HEIGHT)) : null);
  }, [chosen, stamp]);

  useEffect(() => {
    if (!stamp) return;
    // The stamp is on every page now; print once React has drawn it.
    const timer = setTimeout(() => window.print(), 0);
    return () => clearTimeout(timer);
  }, [stamp]);

  const titles = sections.filter((section) => chosen.has(section.id)).map((section) => section.title);
  const print = async () => {
    setError(null);
    const result = await invoke('scr.print', {
      nhsNumber: patient.nhsNumber,
      purpose: 'print',
      sections: titles,
      ...(pages !== null ? { pages } : {}),
    });
    if (result.ok) setStamp(result.value);
    else setError(result.error);
  };
  const toggle = (id: string) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const footer = stamp
    ? `Printed by ${stamp.printedBy}, ${stamp.role}, ${stamp.organisation}, on ${formatDateTime(stamp.printedAt)}`
    : 'Printed by (filled in when you print)';
  return (
    <section className="app-print" aria-labelledby="print-heading">
      <div className="app-print__controls">
        <h1 id="print-heading">Print preview</h1>
        <fieldset className="nhsuk-fieldset">
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">What to print</legend>
          <div className="nhsuk-button-group app-button-group">
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary app-button--small"
              onClick={() => setChosen(defaultPrintSections(sections))}
            >
              Allergies and current medication
            </button>
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary app-button--small"
              onClick={() => setChosen(new Set(sections.map((section) => section.id)))}
            >
              Whole record
            </button>
          </div>
          <div className="nhsuk-checkboxes nhsuk-checkboxes--small app-print__choices">
            {sections.map((section) => (
              <div className="nhsuk-checkboxes__item" key={section.id}>
                <input
                  className="nhsuk-checkboxes__input"
                  id={`print-${section.id}`}
                  type="checkbox"
                  checked={chosen.has(section.id)}
                  onChange={() => toggle(section.id)}
                />
                <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={`print-${section.id}`}>
                  {section.title}
                  {section.count !== null ? ` (${section.count})` : ''}
                </label>
              </div>
            ))}
          </div>
        </fieldset>
        <p className="nhsuk-body app-print__pages" role="status">
          {pages === null
            ? 'Working out the number of pages…'
            : `This print is ${pages} ${pages === 1 ? 'page' : 'pages'} (A4).`}
        </p>
        {error ? (
          <div className="nhsuk-error-summary" role="alert">
            <h2 className="nhsuk-error-summary__title">The record was not printed</h2>
            <p>{error.message}</p>
          </div>
        ) : null}
        <div className="nhsuk-button-group app-button-group">
          <button
            type="button"
            className="nhsuk-button"
            disabled={chosen.size === 0}
            onClick={() => void print()}
          >
            {pages === null ? 'Print' : `Print ${pages} ${pages === 1 ? 'page' : 'pages'}`}
          </button>
          <button type="button" className="nhsuk-button nhsuk-button--secondary" onClick={onBack}>
            Back to the record
          </button>
        </div>
      </div>
      <table className="app-print__page" role="presentation" ref={page}>
        <thead>
          <tr>
            <td>
              <p className="app-print__marking">{'OFFICIAL-SENSITIVE: PERSONAL'}</p>
              <p className="app-print__identifiers">
                {identifiers.map((item, index) => (
                  <span key={index}>
                    {index > 0 ? ' · ' : ''}
                    {item}
                  </span>
                ))}
              </p>
              {/* Who printed it, in which role and when, in the header that repeats on every page. */}
              <p className="app-print__printed-by">{footer}</p>
            </td>
          </tr>
        </thead>
        <tfoot>
          <tr>
            <td>
              <p className="app-print__footer">
                OFFICIAL-SENSITIVE: PERSONAL — {footer} — NHS No. {formatNhsNumber(patient.nhsNumber)}
              </p>
            </td>
          </tr>
        </tfoot>
        <tbody>
          <tr>
            <td>
              {/* Everything drawn at once: no page may print before its rows are drawn. */}
              <DrawAllAtOnce.Provider value={true}>
                <ScrRecord key={[...chosen].join('|')} record={record} only={chosen} />
              </DrawAllAtOnce.Provider>
            </td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}
