// Compose or import a GP Summary for the patient on screen, check it against the Spine rules,
// then send it through the outbox (spine-hl7v3.md section 8; B0380, B8028 or B8029).
import { useState } from 'react';
import type {
  AdditionalSectionKind,
  ContractError,
  GpSummaryDraft,
  GpSummarySource,
  ValidationProblem,
} from '../../../preload/contract';
import { invoke } from '../../lib/api';
import { ErrorSummary, Problem, errorFor, type FieldError } from '../../components/error-summary';
import { CheckboxField, FormField, describedBy } from '../../components/form-field';
import { RadioGroup } from '../../components/radio-group';
import { UploadsList } from './uploads';

export interface GpSummaryScreenProps {
  readonly nhsNumber: string;
  readonly patientName: string;
}

interface Row {
  text: string;
  detail: string;
}
interface AdditionalRow {
  kind: AdditionalSectionKind;
  text: string;
}

const additionalKinds: readonly [AdditionalSectionKind, string][] = [
  ['diagnoses', 'Diagnoses'],
  ['problems', 'Problems and issues'],
  ['risks', 'Risks to patient'],
  ['treatments', 'Treatments'],
  ['investigations', 'Investigations'],
  ['personal-preferences', 'Personal preferences'],
  ['advice', 'Advice and information given'],
  ['care-events', 'Care events'],
  ['social-circumstances', 'Social and personal circumstances'],
];

function RowsEditor({
  id,
  title,
  itemLabel,
  detailLabel,
  rows,
  onChange,
  errors,
}: {
  id: string;
  title: string;
  itemLabel: string;
  detailLabel: string;
  rows: Row[];
  onChange: (rows: Row[]) => void;
  errors: readonly FieldError[];
}) {
  return (
    <fieldset className="nhsuk-fieldset nhsuk-form-group app-rows">
      <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{title}</legend>
      {rows.map((row, index) => (
        <div className="app-rows__row" key={index}>
          <FormField
            id={`${id}-${index}-text`}
            label={
              <>
                {itemLabel} {index + 1}
              </>
            }
            error={errorFor(errors, `${id}-${index}-text`)}
          >
            <input
              className="nhsuk-input"
              id={`${id}-${index}-text`}
              {...describedBy(`${id}-${index}-text`, false, errorFor(errors, `${id}-${index}-text`))}
              value={row.text}
              onChange={(event) =>
                onChange(rows.map((r, i) => (i === index ? { ...r, text: event.target.value } : r)))
              }
            />
          </FormField>
          <FormField
            id={`${id}-${index}-detail`}
            label={
              <>
                {detailLabel} {index + 1}
              </>
            }
            error={errorFor(errors, `${id}-${index}-detail`)}
          >
            <input
              className="nhsuk-input"
              id={`${id}-${index}-detail`}
              {...describedBy(`${id}-${index}-detail`, false, errorFor(errors, `${id}-${index}-detail`))}
              value={row.detail}
              onChange={(event) =>
                onChange(rows.map((r, i) => (i === index ? { ...r, detail: event.target.value } : r)))
              }
            />
          </FormField>
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary app-button--small"
            onClick={() => onChange(rows.filter((_, i) => i !== index))}
          >
            Remove {itemLabel.toLowerCase()} {index + 1}
          </button>
        </div>
      ))}
      <button
        type="button"
        className="nhsuk-button nhsuk-button--secondary app-button--small"
        onClick={() => onChange([...rows, { text: '', detail: '' }])}
      >
        Add {itemLabel.toLowerCase()}
      </button>
    </fieldset>
  );
}

/** The on-screen rows a draft list was made from: blank rows are left out of the draft. */
const keptRows = (rows: readonly { text: string }[]): number[] =>
  rows.flatMap((row, index) => (row.text.trim() ? [index] : []));

/**
 * The control a problem from main's Spine rules belongs to (its `field` names the draft, e.g.
 * `acuteMedication.1.dosage`), so the error summary links to it and the field shows the message.
 */
function controlFor(
  field: string,
  how: 'compose' | 'import',
  rows: { allergies: Row[]; acute: Row[]; repeat: Row[]; additional: AdditionalRow[] },
): string {
  if (how === 'import') return 'gps-xml';
  const [list, at, part] = field.split('.');
  const lists: Record<string, [string, readonly { text: string }[]]> = {
    allergies: ['gps-allergy', rows.allergies],
    acuteMedication: ['gps-acute', rows.acute],
    repeatMedication: ['gps-repeat', rows.repeat],
    additional: ['gps-ai', rows.additional],
  };
  const found = list ? lists[list] : undefined;
  const row = found && at !== undefined ? keptRows(found[1])[Number(at)] : undefined;
  if (found && row !== undefined) return `${found[0]}-${row}-${part ? 'detail' : 'text'}`;
  // "Both allergies and no known allergies", an empty summary, no author: the first control.
  return 'gps-nka';
}

const howOptions = [
  ['compose', 'Compose a summary'],
  ['import', 'Import a GP Summary document'],
] as const;

export function GpSummaryScreen({ nhsNumber, patientName }: GpSummaryScreenProps) {
  const [how, setHow] = useState<'compose' | 'import'>('compose');
  const [allergies, setAllergies] = useState<Row[]>([]);
  const [noKnownAllergies, setNoKnownAllergies] = useState(false);
  const [acute, setAcute] = useState<Row[]>([]);
  const [repeat, setRepeat] = useState<Row[]>([]);
  const [additional, setAdditional] = useState<AdditionalRow[]>([]);
  const [xml, setXml] = useState('');
  const [problems, setProblems] = useState<ValidationProblem[] | null>(null);
  // Set once per check (a new array focuses the summary), not on every keystroke.
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [busy, setBusy] = useState(false);

  const source = (): GpSummarySource => {
    if (how === 'import') return { kind: 'import', xml };
    const filled = (rows: Row[]) => rows.filter((row) => row.text.trim());
    const draft: GpSummaryDraft = {
      allergies: filled(allergies).map((row) => ({
        text: row.text.trim(),
        ...(row.detail.trim() ? { reaction: row.detail.trim() } : {}),
      })),
      noKnownAllergies,
      acuteMedication: filled(acute).map((row) => ({
        text: row.text.trim(),
        ...(row.detail.trim() ? { dosage: row.detail.trim() } : {}),
      })),
      repeatMedication: filled(repeat).map((row) => ({
        text: row.text.trim(),
        ...(row.detail.trim() ? { dosage: row.detail.trim() } : {}),
      })),
      additional: additional
        .filter((row) => row.text.trim())
        .map((row) => ({ kind: row.kind, text: row.text.trim() })),
    };
    return { kind: 'compose', draft };
  };

  const check = async (): Promise<boolean> => {
    setError(null);
    setDone(null);
    const result = await invoke('gpSummary.validate', { nhsNumber, source: source() });
    if (!result.ok) {
      setError(result.error);
      return false;
    }
    setProblems(result.value.problems);
    setFieldErrors(
      result.value.problems.map((problem) => ({
        field: controlFor(problem.field, how, { allergies, acute, repeat, additional }),
        message: problem.message,
      })),
    );
    return result.value.valid;
  };

  const upload = async () => {
    if (busy) return;
    setBusy(true);
    try {
      if (!(await check())) return;
      const result = await invoke('gpSummary.upload', { nhsNumber, source: source() });
      if (result.ok) {
        setDone(
          `The GP Summary for ${patientName} is queued for Spine. Its progress is shown under Uploads.`,
        );
        setRefresh((n) => n + 1);
      } else setError(result.error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="gp-summary-heading" className="app-gp-summary">
      <h2 id="gp-summary-heading">Upload a GP Summary</h2>
      <ErrorSummary title="Fix these before sending" errors={fieldErrors} />
      <RadioGroup
        className="nhsuk-fieldset nhsuk-form-group"
        legend="How do you want to provide the summary?"
        idPrefix="gps"
        name="gps-how"
        variant="nhsuk-radios--inline"
        options={howOptions}
        value={how}
        onChange={setHow}
      />
      {how === 'compose' ? (
        <>
          <CheckboxField
            id="gps-nka"
            label="No known allergies"
            checked={noKnownAllergies}
            onChange={setNoKnownAllergies}
            error={errorFor(fieldErrors, 'gps-nka')}
          />
          <RowsEditor
            id="gps-allergy"
            errors={fieldErrors}
            title="Allergies and adverse reactions"
            itemLabel="Allergy"
            detailLabel="Reaction"
            rows={allergies}
            onChange={setAllergies}
          />
          <RowsEditor
            id="gps-acute"
            errors={fieldErrors}
            title="Acute medication"
            itemLabel="Acute medicine"
            detailLabel="Acute dosage"
            rows={acute}
            onChange={setAcute}
          />
          <RowsEditor
            id="gps-repeat"
            errors={fieldErrors}
            title="Repeat medication"
            itemLabel="Repeat medicine"
            detailLabel="Repeat dosage"
            rows={repeat}
            onChange={setRepeat}
          />
          <fieldset className="nhsuk-fieldset nhsuk-form-group app-rows">
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
              Additional information
            </legend>
            {additional.map((row, index) => (
              <div className="app-rows__row" key={index}>
                <FormField id={`gps-ai-${index}-kind`} label={<>Section {index + 1}</>}>
                  <select
                    className="nhsuk-select"
                    id={`gps-ai-${index}-kind`}
                    value={row.kind}
                    onChange={(event) =>
                      setAdditional(
                        additional.map((r, i) =>
                          i === index ? { ...r, kind: event.target.value as AdditionalSectionKind } : r,
                        ),
                      )
                    }
                  >
                    {additionalKinds.map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </select>
                </FormField>
                <FormField
                  id={`gps-ai-${index}-text`}
                  label={<>Information {index + 1}</>}
                  error={errorFor(fieldErrors, `gps-ai-${index}-text`)}
                >
                  <textarea
                    className="nhsuk-textarea"
                    rows={2}
                    id={`gps-ai-${index}-text`}
                    {...describedBy(
                      `gps-ai-${index}-text`,
                      false,
                      errorFor(fieldErrors, `gps-ai-${index}-text`),
                    )}
                    value={row.text}
                    onChange={(event) =>
                      setAdditional(
                        additional.map((r, i) => (i === index ? { ...r, text: event.target.value } : r)),
                      )
                    }
                  />
                </FormField>
              </div>
            ))}
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary app-button--small"
              onClick={() => setAdditional([...additional, { kind: 'diagnoses', text: '' }])}
            >
              Add additional information
            </button>
          </fieldset>
        </>
      ) : (
        <FormField
          id="gps-xml"
          label="GP Summary document"
          hint="Paste the GP Summary (XML) exported by the practice system, or choose the file."
          error={errorFor(fieldErrors, 'gps-xml')}
        >
          <input
            className="app-file"
            type="file"
            accept=".xml,text/xml,application/xml"
            aria-label="Choose a GP Summary file"
            onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void file.text().then(setXml);
            }}
          />
          <textarea
            className="nhsuk-textarea app-xml"
            id="gps-xml"
            rows={8}
            {...describedBy('gps-xml', true, errorFor(fieldErrors, 'gps-xml'))}
            value={xml}
            onChange={(event) => setXml(event.target.value)}
          />
        </FormField>
      )}
      <Problem title="The GP Summary was not sent" error={error} />
      {problems && problems.length === 0 && !done ? (
        <p className="nhsuk-body app-ok" role="status">
          The summary meets the Spine rules.
        </p>
      ) : null}
      {done ? (
        <div className="nhsuk-inset-text" role="status">
          <p>{done}</p>
        </div>
      ) : null}
      <div className="nhsuk-button-group app-button-group">
        <button
          type="button"
          className="nhsuk-button nhsuk-button--secondary"
          disabled={busy}
          onClick={() => void check()}
        >
          Check summary
        </button>
        <button type="button" className="nhsuk-button" disabled={busy} onClick={() => void upload()}>
          Upload GP Summary
        </button>
      </div>
      <UploadsList refreshKey={refresh} />
    </section>
  );
}
