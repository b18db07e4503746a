// "Recently viewed": the patients opened in THIS session, newest first, on the search screen
// (issue 13). Held only in the workspace's memory: it is gone when the session ends or another
// card takes over (the workspace is unmounted and keyed by user), hidden with the workspace while
// locked, and costs no Spine call to show. Reopening goes through patients.open and a fresh access
// decision, exactly like choosing the patient from a search.
import type { Patient } from '../../../preload/contract';
import { formatDate, formatName, formatNhsNumber } from '../../lib/cui';
import type { SearchedDetails } from '../search/searched';

export interface RecentPatient {
  readonly nhsNumber: string;
  /** As the banner would name them; a restricted record's name may be "as searched". */
  readonly name: string;
  readonly asSearched: boolean;
  readonly birthDate: string | null;
  readonly searched: SearchedDetails | undefined;
}

const MAX_RECENT = 10;

/** Adds (or moves to the top) the patient just opened. */
export function remember(
  list: readonly RecentPatient[],
  patient: Patient,
  given: SearchedDetails | undefined,
): RecentPatient[] {
  // Reopened by NHS number alone: keep the details an earlier search gave for this patient.
  const previous = list.find((p) => p.nhsNumber === patient.nhsNumber)?.searched;
  const searched = given && (given.family || given.given || given.birthDate) ? given : (previous ?? given);
  const pdsName = patient.name.family !== null || patient.name.given.length > 0;
  const fallback = patient.restricted && !pdsName && searched && (searched.family || searched.given);
  const entry: RecentPatient = {
    nhsNumber: patient.nhsNumber,
    name: fallback
      ? formatName({
          family: searched.family,
          given: searched.given ? [searched.given] : [],
          title: null,
          preferred: null,
        })
      : pdsName || !patient.restricted
        ? formatName(patient.name)
        : 'Name not given by PDS',
    asSearched: Boolean(fallback),
    birthDate: patient.birthDate ?? (patient.restricted ? (searched?.birthDate ?? null) : null),
    searched,
  };
  return [entry, ...list.filter((p) => p.nhsNumber !== patient.nhsNumber)].slice(0, MAX_RECENT);
}

export interface RecentlyViewedProps {
  readonly patients: readonly RecentPatient[];
  readonly onOpen: (patient: RecentPatient) => void;
}

export function RecentlyViewed({ patients, onOpen }: RecentlyViewedProps) {
  if (patients.length === 0) return null;
  return (
    <section className="app-recent" aria-labelledby="recent-heading">
      <h2 id="recent-heading" className="nhsuk-heading-s">
        Recently viewed
      </h2>
      <p className="nhsuk-body-s">Patients you opened in this session. Opening one asks for access again.</p>
      <ul className="nhsuk-list app-recent__list">
        {patients.map((patient) => (
          <li key={patient.nhsNumber}>
            <button type="button" className="app-link-button" onClick={() => onOpen(patient)}>
              {patient.name}
              {patient.asSearched ? ' (as searched)' : ''}
            </button>{' '}
            <span className="app-nowrap nhsuk-body-s">
              NHS No. {formatNhsNumber(patient.nhsNumber)}
              {patient.birthDate ? ` · Born ${formatDate(patient.birthDate)}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
