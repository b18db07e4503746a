// Find a patient (product.md section 1.2; issue 7): by NHS number (one box, 3-3-4 while typing,
// modulus 11 before anything is sent), basic details, or advanced details. Postcode appears only
// for roles with B0098 — and main refuses it for anyone else anyway.
import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type {
  ContractError,
  Gender,
  PatientSearchInput,
  PatientSearchResult,
} from '../../../preload/contract';
import { invoke } from '../../lib/api';
import { formatNhsNumberInput } from '../../lib/cui';
import { nhsNumberProblem } from '../../../preload/contract/nhs-number';
import { ErrorSummary, Problem, errorFor, type FieldError } from '../../components/error-summary';
import {
  CheckboxField,
  ErrorMessage,
  FormField,
  describedBy,
  groupClass,
  hintId,
} from '../../components/form-field';
import { RadioGroup } from '../../components/radio-group';
import type { SearchedDetails } from './searched';

export interface SearchScreenProps {
  readonly canUsePostcode: boolean;
  /** `searched`: what the user typed, for a restricted record PDS returns without details. */
  readonly onResult: (result: PatientSearchResult, searched: SearchedDetails) => void;
}

type Mode = 'nhs-number' | 'basic' | 'advanced';

const modes = [
  ['nhs-number', 'NHS number search'],
  ['basic', 'Basic search'],
  ['advanced', 'Advanced search'],
] as const satisfies readonly (readonly [Mode, string])[];

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
  error,
}: {
  id: string;
  legend: string;
  value: DateParts;
  onChange: (next: DateParts) => void;
  hint?: string;
  error?: string | undefined;
}) {
  // The error summary links to the day box, so the message belongs to `${id}-day`.
  const first = `${id}-day`;
  return (
    <div className={groupClass('nhsuk-form-group app-date', error)}>
      <fieldset className="nhsuk-fieldset" role="group" aria-label={legend}>
        <legend className="nhsuk-fieldset__legend nhsuk-label">{legend}</legend>
        {hint ? (
          <div className="nhsuk-hint" id={hintId(first)}>
            {hint}
          </div>
        ) : null}
        <ErrorMessage id={first} message={error} />
        <div className="nhsuk-date-input">
          {(['day', 'month', 'year'] as const).map((part) => (
            <div className="nhsuk-date-input__item" key={part}>
              <label className="nhsuk-label nhsuk-date-input__label" htmlFor={`${id}-${part}`}>
                {part === 'day' ? 'Day' : part === 'month' ? 'Month' : 'Year'}
              </label>
              <input
                className={`nhsuk-input nhsuk-date-input__input nhsuk-input--width-${part === 'year' ? 4 : 2}${error ? ' nhsuk-input--error' : ''}`}
                id={`${id}-${part}`}
                inputMode="numeric"
                {...describedBy(first, Boolean(hint), error)}
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
    </div>
  );
}

function GenderField({
  value,
  onChange,
  allowAll,
  error,
}: {
  value: string;
  onChange: (v: string) => void;
  allowAll: boolean;
  error?: string | undefined;
}) {
  return (
    <FormField id="search-gender" label="Gender" error={error}>
      <select
        className={error ? 'nhsuk-select nhsuk-select--error' : 'nhsuk-select'}
        id="search-gender"
        {...describedBy('search-gender', false, error)}
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
  error,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  hint?: string;
  error?: string | undefined;
}) {
  return (
    <FormField id={id} label={label} hint={hint} error={error}>
      <input
        className={`nhsuk-input nhsuk-u-width-one-half${error ? ' nhsuk-input--error' : ''}`}
        id={id}
        value={value}
        autoComplete="off"
        onChange={(event) => onChange(event.target.value)}
        {...describedBy(id, Boolean(hint), error)}
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
  const [fieldErrors, setFieldErrors] = useState<readonly FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  const searchedWith = (): SearchedDetails => ({
    family: mode === 'nhs-number' ? null : family.trim() || null,
    given: mode === 'nhs-number' ? null : given.trim() || null,
    gender: gender && gender !== 'any' && mode !== 'nhs-number' ? (gender as Gender) : null,
    birthDate:
      mode === 'nhs-number' || (mode === 'advanced' && birthKind !== 'date')
        ? null
        : dateFrom(birth.day, birth.month, birth.year),
  });

  const run = async (input: PatientSearchInput) => {
    setBusy(true);
    setError(null);
    setFieldErrors([]);
    performance.mark('smsp:search-start');
    const searched = searchedWith();
    const result = await invoke('patients.search', input);
    setBusy(false);
    if (result.ok) onResult(result.value, searched);
    else if (mode === 'nhs-number' && result.error.code === 'INVALID_NHS_NUMBER')
      setFieldErrors([{ field: 'search-nhs-number', message: result.error.message }]);
    else setError(result.error);
  };

  /** The NHS error pattern: every problem at once, in the summary and at its field. */
  const refuse = (problems: FieldError[]) => {
    setError(null);
    setFieldErrors(problems);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (mode === 'nhs-number') {
      // Checked here for a fast answer; main checks again before anything is sent.
      const problem = nhsNumberProblem(nhsNumber);
      if (problem) return refuse([{ field: 'search-nhs-number', message: problem }]);
      return void run({ mode: 'nhs-number', nhsNumber: nhsNumber.replace(/\s/g, '') });
    }
    const problems: FieldError[] = [];
    if (!family.trim()) problems.push({ field: 'search-family', message: 'Enter the last name' });
    if (!gender) problems.push({ field: 'search-gender', message: 'Choose a gender' });
    const postcodeValue = canUsePostcode && postcode.trim() ? postcode.trim() : undefined;
    const givenValue = given.trim() || undefined;
    if (mode === 'basic') {
      const birthDate = dateFrom(birth.day, birth.month, birth.year);
      if (!birthDate)
        problems.push({
          field: 'search-dob-day',
          message: 'Enter a real date of birth, for example 15 3 1984',
        });
      if (problems.length > 0 || !birthDate || gender === 'any') return refuse(problems);
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
    let birthField = 'search-dob-day';
    let birthMessage = 'Enter a real date of birth, for example 15 3 1984';
    if (birthKind === 'date') {
      const date = dateFrom(birth.day, birth.month, birth.year);
      birthCriterion = date ? { kind: 'date', date } : null;
    } else if (birthKind === 'range') {
      const from = dateFrom(birth.day, birth.month, birth.year);
      const to = dateFrom(birthTo.day, birthTo.month, birthTo.year);
      birthCriterion = from && to && from <= to ? { kind: 'range', from, to } : null;
      [birthField, birthMessage] = !from
        ? ['search-dob-from-day', 'Enter a real "born on or after" date, for example 1 1 1980']
        : !to
          ? ['search-dob-to-day', 'Enter a real "born on or before" date, for example 31 12 1989']
          : ['search-dob-to-day', 'The "born on or before" date must be the same as or after the first date'];
    } else {
      if (/^\d{4}$/.test(birthYear)) birthCriterion = { kind: 'year', year: Number(birthYear) };
      [birthField, birthMessage] = [
        'search-birth-year',
        'Enter the year of birth as 4 digits, for example 1984',
      ];
    }
    if (!birthCriterion) problems.push({ field: birthField, message: birthMessage });
    const anyDeath = death.day || death.month || death.year;
    const deathDate = anyDeath ? dateFrom(death.day, death.month, death.year) : null;
    if (anyDeath && !deathDate)
      problems.push({ field: 'search-dod-day', message: 'Enter a real date of death, or leave it empty' });
    if (problems.length > 0 || !birthCriterion) return refuse(problems);
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

  const choose = (next: Mode) => {
    setMode(next);
    setError(null);
    setFieldErrors([]);
  };

  // WAI-ARIA tabs: arrows, Home and End move between the tabs and select (automatic activation);
  // only the selected tab is in the Tab order.
  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const last = modes.length - 1;
    const target =
      event.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : event.key === 'ArrowLeft'
          ? index === 0
            ? last
            : index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (target === null) return;
    event.preventDefault();
    const next = modes[target];
    if (!next) return;
    choose(next[0]);
    tabs.current[target]?.focus();
  };

  const fieldError = (field: string) => errorFor(fieldErrors, field);

  return (
    <section aria-labelledby="search-heading" className="app-search">
      <h1 id="search-heading" tabIndex={-1}>
        Find a patient
      </h1>
      <ErrorSummary errors={fieldErrors} />
      <Problem title="There is a problem" error={error} autoFocus />
      <div className="app-mode-switch" role="tablist" aria-label="Search by">
        {modes.map(([value, label], index) => (
          <button
            key={value}
            ref={(element) => {
              tabs.current[index] = element;
            }}
            type="button"
            role="tab"
            id={`search-tab-${value}`}
            aria-controls="search-panel"
            className={`app-mode-switch__button${mode === value ? ' app-mode-switch__button--active' : ''}`}
            aria-selected={mode === value}
            tabIndex={mode === value ? 0 : -1}
            onKeyDown={(event) => onTabKey(event, index)}
            onClick={() => choose(value)}
          >
            {label}
          </button>
        ))}
      </div>
      <form
        onSubmit={submit}
        noValidate
        id="search-panel"
        role="tabpanel"
        aria-labelledby={`search-tab-${mode}`}
      >
        {mode === 'nhs-number' ? (
          <FormField
            id="search-nhs-number"
            label="NHS number"
            hint="10 digits, for example 485 777 3456"
            error={fieldError('search-nhs-number')}
          >
            <input
              className={`nhsuk-input nhsuk-input--width-10 app-nhs-input${fieldError('search-nhs-number') ? ' nhsuk-input--error' : ''}`}
              id="search-nhs-number"
              inputMode="numeric"
              autoComplete="off"
              {...describedBy('search-nhs-number', true, fieldError('search-nhs-number'))}
              value={nhsNumber}
              onChange={(event) => setNhsNumber(formatNhsNumberInput(event.target.value))}
            />
          </FormField>
        ) : (
          <>
            <TextField
              id="search-family"
              label="Last name"
              value={family}
              onChange={setFamily}
              error={fieldError('search-family')}
            />
            <TextField
              id="search-given"
              label="First name"
              value={given}
              onChange={setGiven}
              hint="Optional"
            />
            <GenderField
              value={gender}
              onChange={setGender}
              allowAll={mode === 'advanced'}
              error={fieldError('search-gender')}
            />
            {mode === 'basic' ? (
              <DateField
                id="search-dob"
                legend="Date of birth"
                value={birth}
                onChange={setBirth}
                hint="For example, 15 3 1984"
                error={fieldError('search-dob-day')}
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
                  <DateField
                    id="search-dob"
                    legend="Date of birth"
                    value={birth}
                    onChange={setBirth}
                    error={fieldError('search-dob-day')}
                  />
                ) : null}
                {birthKind === 'range' ? (
                  <div className="app-date-range">
                    <DateField
                      id="search-dob-from"
                      legend="Born on or after"
                      value={birth}
                      onChange={setBirth}
                      error={fieldError('search-dob-from-day')}
                    />
                    <DateField
                      id="search-dob-to"
                      legend="Born on or before"
                      value={birthTo}
                      onChange={setBirthTo}
                      error={fieldError('search-dob-to-day')}
                    />
                  </div>
                ) : null}
                {birthKind === 'year' ? (
                  <FormField
                    id="search-birth-year"
                    label="Year of birth"
                    error={fieldError('search-birth-year')}
                  >
                    <input
                      className={`nhsuk-input nhsuk-input--width-4${fieldError('search-birth-year') ? ' nhsuk-input--error' : ''}`}
                      id="search-birth-year"
                      inputMode="numeric"
                      {...describedBy('search-birth-year', false, fieldError('search-birth-year'))}
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
                  error={fieldError('search-dod-day')}
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
