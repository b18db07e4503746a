// Find a patient (product.md section 1.2; issue 7): by NHS number (one box, 3-3-4 while typing,
// modulus 11 before anything is sent), basic details, or advanced details. Postcode appears only
// for roles with B0098 — and main refuses it for anyone else anyway.
import { useState, type FormEvent } from 'react';
import type {
  ContractError,
  Gender,
  PatientSearchInput,
  PatientSearchResult,
} from '../../../preload/contract';
import { invoke } from '../../lib/api';
import { formatNhsNumberInput, isValidNhsNumber } from '../../lib/cui';
import { invalidNhsNumberMessage } from '../../../preload/contract/nhs-number';
import { Problem } from '../../components/error-summary';
import { CheckboxField, FormField, hintId } from '../../components/form-field';
import { RadioGroup } from '../../components/radio-group';

export interface SearchScreenProps {
  readonly canUsePostcode: boolean;
  readonly onResult: (result: PatientSearchResult) => void;
}

type Mode = 'nhs-number' | 'basic' | 'advanced';

function dateFrom(day: string, month: string, year: string): string | null {
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) return null;
  const d = Number(day);
  const m = Number(month);
  const y = Number(year);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

interface DateParts {
  day: string;
  month: string;
  year: string;
}
const emptyDate: DateParts = { day: '', month: '', year: '' };

function DateField({
  id,
  legend,
  value,
  onChange,
  hint,
}: {
  id: string;
  legend: string;
  value: DateParts;
  onChange: (next: DateParts) => void;
  hint?: string;
}) {
  return (
    <fieldset className="nhsuk-fieldset app-date" role="group" aria-label={legend}>
      <legend className="nhsuk-fieldset__legend nhsuk-label">{legend}</legend>
      {hint ? <div className="nhsuk-hint">{hint}</div> : null}
      <div className="nhsuk-date-input">
        {(['day', 'month', 'year'] as const).map((part) => (
          <div className="nhsuk-date-input__item" key={part}>
            <label className="nhsuk-label nhsuk-date-input__label" htmlFor={`${id}-${part}`}>
              {part === 'day' ? 'Day' : part === 'month' ? 'Month' : 'Year'}
            </label>
            <input
              className={`nhsuk-input nhsuk-date-input__input nhsuk-input--width-${part === 'year' ? 4 : 2}`}
              id={`${id}-${part}`}
              inputMode="numeric"
              value={value[part]}
              onChange={(event) =>
                onChange({
                  ...value,
                  [part]: event.target.value.replace(/\D/g, '').slice(0, part === 'year' ? 4 : 2),
                })
              }
            />
          </div>
        ))}
      </div>
    </fieldset>
  );
}

function GenderField({
  value,
  onChange,
  allowAll,
}: {
  value: string;
  onChange: (v: string) => void;
  allowAll: boolean;
}) {
  return (
    <FormField id="search-gender" label="Gender">
      <select
        className="nhsuk-select"
        id="search-gender"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">Choose a gender</option>
        <option value="female">Female</option>
        <option value="male">Male</option>
        <option value="not-known">Not known</option>
        <option value="not-specified">Not specified</option>
        {allowAll ? <option value="any">Search all</option> : null}
      </select>
    </FormField>
  );
}

function TextField({
  id,
  label,
  value,
  onChange,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
}) {
  return (
    <FormField id={id} label={label} hint={hint}>
      <input
        className="nhsuk-input nhsuk-u-width-one-half"
        id={id}
        value={value}
        autoComplete="off"
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={hint ? hintId(id) : undefined}
      />
    </FormField>
  );
}

export function SearchScreen({ canUsePostcode, onResult }: SearchScreenProps) {
  const [mode, setMode] = useState<Mode>('nhs-number');
  const [nhsNumber, setNhsNumber] = useState('');
  const [family, setFamily] = useState('');
  const [given, setGiven] = useState('');
  const [gender, setGender] = useState('');
  const [birth, setBirth] = useState<DateParts>(emptyDate);
  const [birthKind, setBirthKind] = useState<'date' | 'range' | 'year'>('date');
  const [birthTo, setBirthTo] = useState<DateParts>(emptyDate);
  const [birthYear, setBirthYear] = useState('');
  const [death, setDeath] = useState<DateParts>(emptyDate);
  const [similar, setSimilar] = useState(false);
  const [postcode, setPostcode] = useState('');
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (input: PatientSearchInput) => {
    setBusy(true);
    setError(null);
    performance.mark('smsp:search-start');
    const result = await invoke('patients.search', input);
    setBusy(false);
    if (result.ok) onResult(result.value);
    else setError(result.error);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (mode === 'nhs-number') {
      // Checked here for a fast answer; main checks again before anything is sent.
      if (!isValidNhsNumber(nhsNumber)) return setError({ message: invalidNhsNumberMessage });
      return void run({ mode: 'nhs-number', nhsNumber: nhsNumber.replace(/\s/g, '') });
    }
    const problems: string[] = [];
    if (!family.trim()) problems.push('Enter the last name.');
    if (!gender) problems.push('Choose a gender.');
    const postcodeValue = canUsePostcode && postcode.trim() ? postcode.trim() : undefined;
    const givenValue = given.trim() || undefined;
    if (mode === 'basic') {
      const birthDate = dateFrom(birth.day, birth.month, birth.year);
      if (!birthDate) problems.push('Enter a real date of birth, for example 15 3 1984.');
      if (problems.length > 0 || !birthDate || gender === 'any')
        return setError({ message: problems.join(' ') });
      return void run({
        mode: 'basic',
        family: family.trim(),
        given: givenValue,
        gender: gender as Gender,
        birthDate,
        postcode: postcodeValue,
      });
    }
    let birthCriterion: Extract<PatientSearchInput, { mode: 'advanced' }>['birth'] | null = null;
    if (birthKind === 'date') {
      const date = dateFrom(birth.day, birth.month, birth.year);
      birthCriterion = date ? { kind: 'date', date } : null;
    } else if (birthKind === 'range') {
      const from = dateFrom(birth.day, birth.month, birth.year);
      const to = dateFrom(birthTo.day, birthTo.month, birthTo.year);
      birthCriterion = from && to && from <= to ? { kind: 'range', from, to } : null;
    } else if (/^\d{4}$/.test(birthYear)) {
      birthCriterion = { kind: 'year', year: Number(birthYear) };
    }
    if (!birthCriterion) problems.push('Enter a real date of birth, date range or year of birth.');
    const anyDeath = death.day || death.month || death.year;
    const deathDate = anyDeath ? dateFrom(death.day, death.month, death.year) : null;
    if (anyDeath && !deathDate) problems.push('Enter a real date of death, or leave it empty.');
    if (problems.length > 0 || !birthCriterion) return setError({ message: problems.join(' ') });
    return void run({
      mode: 'advanced',
      family: family.trim(),
      given: givenValue,
      gender: gender as Gender | 'any',
      birth: birthCriterion,
      similarNames: similar,
      deathDate: deathDate ?? undefined,
      postcode: postcodeValue,
    });
  };

  return (
    <section aria-labelledby="search-heading" className="app-search">
      <h1 id="search-heading">Find a patient</h1>
      <Problem title="There is a problem" error={error} />
      <div className="app-mode-switch" role="tablist" aria-label="Search by">
        {(
          [
            ['nhs-number', 'NHS number search'],
            ['basic', 'Basic search'],
            ['advanced', 'Advanced search'],
          ] as const
        ).map(([value, label]) => (
          <button
            key={value}
            type="button"
            role="tab"
            id={`search-tab-${value}`}
            aria-controls="search-panel"
            className={`app-mode-switch__button${mode === value ? ' app-mode-switch__button--active' : ''}`}
            aria-selected={mode === value}
            onClick={() => {
              setMode(value);
              setError(null);
            }}
          >
            {label}
          </button>
        ))}
      </div>
      <form onSubmit={submit} noValidate id="search-panel">
        {mode === 'nhs-number' ? (
          <FormField id="search-nhs-number" label="NHS number" hint="10 digits, for example 485 777 3456">
            <input
              className="nhsuk-input nhsuk-input--width-10 app-nhs-input"
              id="search-nhs-number"
              inputMode="numeric"
              autoComplete="off"
              aria-describedby={hintId('search-nhs-number')}
              value={nhsNumber}
              onChange={(event) => setNhsNumber(formatNhsNumberInput(event.target.value))}
              autoFocus
            />
          </FormField>
        ) : (
          <>
            <TextField id="search-family" label="Last name" value={family} onChange={setFamily} />
            <TextField
              id="search-given"
              label="First name"
              value={given}
              onChange={setGiven}
              hint="Optional"
            />
            <GenderField value={gender} onChange={setGender} allowAll={mode === 'advanced'} />
            {mode === 'basic' ? (
              <DateField
                id="search-dob"
                legend="Date of birth"
                value={birth}
                onChange={setBirth}
                hint="For example, 15 3 1984"
              />
            ) : (
              <>
                <RadioGroup
                  legend="Date of birth as"
                  idPrefix="birth"
                  name="birth-kind"
                  variant="nhsuk-radios--inline"
                  options={
                    [
                      ['date', 'Exact date'],
                      ['range', 'Date range'],
                      ['year', 'Year only'],
                    ] as const
                  }
                  value={birthKind}
                  onChange={setBirthKind}
                />
                {birthKind === 'date' ? (
                  <DateField id="search-dob" legend="Date of birth" value={birth} onChange={setBirth} />
                ) : null}
                {birthKind === 'range' ? (
                  <>
                    <DateField
                      id="search-dob-from"
                      legend="Born on or after"
                      value={birth}
                      onChange={setBirth}
                    />
                    <DateField
                      id="search-dob-to"
                      legend="Born on or before"
                      value={birthTo}
                      onChange={setBirthTo}
                    />
                  </>
                ) : null}
                {birthKind === 'year' ? (
                  <FormField id="search-birth-year" label="Year of birth">
                    <input
                      className="nhsuk-input nhsuk-input--width-4"
                      id="search-birth-year"
                      inputMode="numeric"
                      value={birthYear}
                      onChange={(event) => setBirthYear(event.target.value.replace(/\D/g, '').slice(0, 4))}
                    />
                  </FormField>
                ) : null}
                <DateField
                  id="search-dod"
                  legend="Date of death"
                  value={death}
                  onChange={setDeath}
                  hint="Optional"
                />
                <CheckboxField
                  id="search-similar"
                  label="Include similar names and misspellings"
                  checked={similar}
                  onChange={setSimilar}
                />
              </>
            )}
            {canUsePostcode ? (
              <TextField
                id="search-postcode"
                label="Postcode"
                value={postcode}
                onChange={setPostcode}
                hint="Optional. The full postcode, for example LS1 4HY"
              />
            ) : null}
          </>
        )}
        <button className="nhsuk-button" type="submit" disabled={busy} aria-busy={busy}>
          Search
        </button>
      </form>
    </section>
  );
}
