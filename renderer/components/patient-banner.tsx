// The CUI patient banner (product.md section 6, Patient Banner v4): fixed at the top of every
// single-patient screen, never on a list. Zone 1: name, born (age), gender, NHS No.; zone 2
// (collapsed, expands as a unit): addresses and contacts. Deceased patients get a distinct colour
// AND pattern; restricted records show a marker and no location data (main never sends it).
// PDS may return a restricted record with no name, birth date or gender at all (spine-hl7v3.md
// section 6.3): the banner then shows the details the user searched with, each labelled "as
// searched — not confirmed by PDS", so the person at the counter can still check who is there.
import { useId, useState, type ReactNode } from 'react';
import type { Contact, Patient } from '../../preload/contract';
import { cuiAge, formatDate, formatGender, formatName, formatNhsNumber, notKnown } from '../lib/cui';
import type { SearchedDetails } from '../features/search/searched';

export interface PatientBannerProps {
  readonly patient: Patient;
  /** Fixed "now" for tests and print; defaults to the current time. */
  readonly now?: Date;
  /** What the user searched with, shown (labelled) where a restricted record came back empty. */
  readonly searched?: SearchedDetails | undefined;
  /** Once the record is open: "Allergies: Penicillin" or "No known allergies" (issue 11), in words. */
  readonly allergyCue?: string | null;
}

/** Said where PDS returned nothing for a restricted record and the search gave nothing either. */
export const notGivenByPds = 'Not given by PDS';

function AsSearched({ children }: { readonly children: ReactNode }) {
  return (
    <>
      {children} <span className="app-banner__as-searched">(as searched — not confirmed by PDS)</span>
    </>
  );
}

const contactOrder: readonly Contact['kind'][] = ['home', 'work', 'mobile', 'email', 'other'];
const contactLabel: Readonly<Record<Contact['kind'], string>> = {
  home: 'Home',
  work: 'Work',
  mobile: 'Mobile',
  email: 'Email',
  other: 'Other',
};
const addressLabel = {
  usual: 'Usual address',
  temporary: 'Temporary address',
  postal: 'Postal address',
  other: 'Address',
};

export function PatientBanner({ patient, now, searched, allergyCue }: PatientBannerProps) {
  const [open, setOpen] = useState(false);
  // Only a restricted record falls back to what was searched; any other gap is "Not known".
  const fallback = patient.restricted ? searched : undefined;
  const pdsName = patient.name.family !== null || patient.name.given.length > 0;
  const searchedName =
    fallback && (fallback.family || fallback.given)
      ? formatName({
          family: fallback.family,
          given: fallback.given ? [fallback.given] : [],
          title: null,
          preferred: null,
        })
      : null;
  const nameShown: ReactNode = pdsName ? (
    formatName(patient.name)
  ) : searchedName ? (
    <AsSearched>{searchedName}</AsSearched>
  ) : patient.restricted ? (
    `Name ${notGivenByPds.toLowerCase()}`
  ) : (
    formatName(patient.name)
  );
  const birthShown: ReactNode =
    patient.birthDate === null && fallback?.birthDate ? (
      <AsSearched>{formatDate(fallback.birthDate)}</AsSearched>
    ) : patient.birthDate === null && patient.restricted ? (
      notGivenByPds
    ) : null;
  const genderShown: ReactNode =
    patient.gender === 'not-known' && fallback?.gender ? (
      <AsSearched>{formatGender(fallback.gender)}</AsSearched>
    ) : patient.gender === 'not-known' && patient.restricted ? (
      notGivenByPds
    ) : (
      formatGender(patient.gender)
    );
  const zoneId = useId();
  const deceased = patient.deathDate !== null;
  const age = deceased ? null : cuiAge(patient.birthDate, now ?? new Date());
  const ageAtDeath = deceased ? cuiAge(patient.birthDate, patient.deathDate ?? undefined) : null;
  const classes = [
    'app-banner',
    deceased ? 'app-banner--deceased' : '',
    patient.restricted ? 'app-banner--restricted' : '',
  ]
    .filter(Boolean)
    .join(' ');
  const contacts = patient.contacts
    ? [...patient.contacts].sort((a, b) => contactOrder.indexOf(a.kind) - contactOrder.indexOf(b.kind))
    : null;
  return (
    <section className={classes} role="region" aria-label="Patient banner">
      <div className="app-banner__zone1">
        <h1 className="app-banner__name" dir="auto" title="Patient name (family name, given name, title)">
          {nameShown}
        </h1>
        <span className="app-banner__item">
          <span className="app-banner__label" title="Date of birth">
            Born
          </span>{' '}
          <span className="app-banner__value">
            {birthShown ?? (
              <>
                {formatDate(patient.birthDate)}
                {age ? ` (${age})` : ''}
              </>
            )}
          </span>
        </span>
        {deceased ? (
          <>
            <span className="app-banner__item">
              <span className="app-banner__label" title="Date of death">
                Died
              </span>{' '}
              <span className="app-banner__value">{formatDate(patient.deathDate)}</span>
            </span>
            <span className="app-banner__item">
              <span className="app-banner__label">Age at Death</span>{' '}
              <span className="app-banner__value">{ageAtDeath ?? notKnown}</span>
            </span>
          </>
        ) : null}
        <span className="app-banner__item">
          <span className="app-banner__label" title="Current gender">
            Gender
          </span>{' '}
          <span className="app-banner__value">{genderShown}</span>
        </span>
        <span className="app-banner__item">
          <span className="app-banner__label" title="NHS number">
            NHS No.
          </span>{' '}
          <span className="app-banner__value app-banner__nhs">{formatNhsNumber(patient.nhsNumber)}</span>
        </span>
        {patient.restricted ? <strong className="app-banner__restricted">Restricted record</strong> : null}
        {deceased ? <strong className="app-banner__deceased-marker">Deceased</strong> : null}
        {allergyCue ? (
          <strong className="app-banner__allergies" dir="auto">
            {allergyCue}
          </strong>
        ) : null}
        <button
          type="button"
          className="app-banner__toggle"
          aria-expanded={open}
          aria-controls={zoneId}
          onClick={() => setOpen((value) => !value)}
          title="Address and contact details"
        >
          {open ? 'Hide address and contact details' : 'Show address and contact details'}
        </button>
      </div>
      <div className="app-banner__zone2" id={zoneId} hidden={!open}>
        {patient.addresses === null ? (
          <p className="app-banner__withheld">
            Address, contact details and GP are not shown: this is a restricted record.
          </p>
        ) : (
          <dl className="app-banner__details">
            {patient.addresses.length === 0 ? (
              <div>
                <dt>Address</dt>
                <dd>{notKnown}</dd>
              </div>
            ) : (
              patient.addresses.map((address, index) => (
                <div key={index}>
                  <dt>{addressLabel[address.use]}</dt>
                  <dd>{[...address.lines, address.postcode ?? ''].filter(Boolean).join(', ') || notKnown}</dd>
                </div>
              ))
            )}
            {contacts && contacts.length > 0 ? (
              contacts.map((contact, index) => (
                <div key={`c${index}`}>
                  <dt>{contactLabel[contact.kind]}</dt>
                  <dd>{contact.value}</dd>
                </div>
              ))
            ) : (
              <div>
                <dt>Contact details</dt>
                <dd>{notKnown}</dd>
              </div>
            )}
            <div>
              <dt>GP practice</dt>
              <dd>{patient.gp ? `${patient.gp.name ?? notKnown} (${patient.gp.odsCode})` : notKnown}</dd>
            </div>
          </dl>
        )}
      </div>
    </section>
  );
}
