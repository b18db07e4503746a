// The single-patient screen: the CUI banner fixed at the top, data-quality warnings (shown on
// every access, MSCA-DQ-03/04), consent, then the access decision and the SCR — nothing clinical
// is requested before the user has answered "Access this patient's record".
import { useEffect, useMemo, useRef, useState } from 'react';
import type {
  AccessDecision,
  AuthState,
  ContractError,
  Patient,
  SummaryCareRecordView,
} from '../../../preload/contract';
import { invoke } from '../../lib/api';
import { formatDate, formatName } from '../../lib/cui';
import { focusElement } from '../../lib/focus';
import { PatientBanner } from '../../components/patient-banner';
import type { SearchedDetails } from '../search/searched';
import { ConsentPanel } from '../consent';
import { AccessDialog } from '../scr/access-dialog';
import { ScrRecord } from '../scr/record';
import { allergyCue, recordSections } from '../scr/sections';
import { copyToClipboard, medicationListText } from '../scr/copy-medication';
import { PrintView } from '../print';
import { GpSummaryScreen } from '../gp-summary';

export interface PatientScreenProps {
  readonly patient: Patient;
  readonly state: AuthState;
  readonly onFindAnother: () => void;
  /** Main learnt something new about the patient (e.g. Spine said the record was merged). */
  readonly onPatientUpdated?: (patient: Patient) => void;
  /** What the user searched with, for a restricted record PDS returned without details. */
  readonly searched?: SearchedDetails | undefined;
  /** Opened at another system's request: ask "Access this patient's record" straight away. */
  readonly askAccessFirst?: boolean;
}

type RecordState =
  | { kind: 'none' }
  | { kind: 'loading' }
  | { kind: 'shown'; record: SummaryCareRecordView }
  | { kind: 'absent'; title: string; error: ContractError }
  | { kind: 'failed'; error: ContractError };

export function PatientScreen({
  patient,
  state,
  onFindAnother,
  onPatientUpdated,
  searched,
  askAccessFirst = false,
}: PatientScreenProps) {
  const can = (feature: string) => state.features.includes(feature);
  const name = formatName(patient.name);
  const [asking, setAsking] = useState(askAccessFirst && state.features.includes('scr.view'));
  const [decision, setDecision] = useState<AccessDecision | null>(null);
  const [record, setRecord] = useState<RecordState>({ kind: 'none' });
  const [printing, setPrinting] = useState(false);
  const [copyError, setCopyError] = useState<ContractError | null>(null);
  const [copied, setCopied] = useState(false);
  const [uploading, setUploading] = useState(false);

  useEffect(() => {
    performance.mark('smsp:patient-shown');
  }, [patient.nhsNumber]);

  useEffect(() => {
    if (record.kind === 'shown') performance.mark('smsp:scr-rendered');
  }, [record]);

  // Focus follows the answer: the record's heading, or what stands in its place (issue 13).
  const outcome = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (record.kind === 'shown') focusElement(document.getElementById('scr-heading'), true);
    else if (record.kind === 'absent' || record.kind === 'failed')
      focusElement(outcome.current?.querySelector('h2') ?? null, true);
  }, [record.kind]);

  const load = async () => {
    setRecord({ kind: 'loading' });
    const result = await invoke('scr.get', { nhsNumber: patient.nhsNumber });
    if (result.ok) return setRecord({ kind: 'shown', record: result.value });
    const { code } = result.error;
    if (code === 'NO_SCR' || code === 'CONSENT_WITHHELD') {
      return setRecord({ kind: 'absent', title: result.error.message, error: result.error });
    }
    setRecord({ kind: 'failed', error: result.error });
    // A refusal may carry news about the record itself (merged): show the warning from now on.
    if (code === 'SPINE_REJECTED') {
      const current = await invoke('patients.current', {});
      if (current.ok && current.value && current.value.nhsNumber === patient.nhsNumber)
        onPatientUpdated?.(current.value);
    }
  };

  // Copy medication list (HAZ-001, HAZ-013): audited like a print BEFORE the text leaves the app.
  const copyMedication = async (view: SummaryCareRecordView) => {
    setCopyError(null);
    setCopied(false);
    const sections = recordSections(view).filter(
      (section) => section.category === 'acute-medication' || section.category === 'repeat-medication',
    );
    const result = await invoke('scr.print', {
      nhsNumber: patient.nhsNumber,
      purpose: 'copy',
      sections: sections.map((section) => section.title),
    });
    if (!result.ok) return setCopyError(result.error);
    try {
      await copyToClipboard(medicationListText(patient, sections));
      setCopied(true);
    } catch {
      setCopyError({ code: 'INTERNAL_ERROR', message: 'The clipboard could not be used. Try again.' });
    }
  };

  // The allergy cue beside the banner once the record is open, in words (HAZ-011).
  const cue = useMemo(
    () => (record.kind === 'shown' ? allergyCue(recordSections(record.record)) : null),
    [record],
  );

  if (printing && record.kind === 'shown') {
    return <PrintView patient={patient} record={record.record} onBack={() => setPrinting(false)} />;
  }

  return (
    <div className="app-patient">
      <PatientBanner patient={patient} searched={searched} allergyCue={cue} />
      <div className="app-patient__body">
        {patient.warnings.map((warning) => (
          <div
            className="nhsuk-warning-callout app-warning"
            role="note"
            aria-label={`Warning: ${warning.kind}`}
            key={warning.kind}
          >
            <h2 className="nhsuk-warning-callout__label">
              {warning.kind === 'superseded'
                ? 'NHS number replaced'
                : warning.kind === 'invalid'
                  ? 'Invalid record'
                  : warning.kind === 'merged'
                    ? 'Merged record'
                    : warning.kind === 'direction-marks'
                      ? 'Text direction marks removed'
                      : 'Restricted record'}
            </h2>
            <p>{warning.message}</p>
          </div>
        ))}
        <ConsentPanel nhsNumber={patient.nhsNumber} patientName={name} deathDate={patient.deathDate} />
        <div className="nhsuk-button-group app-button-group app-patient__actions">
          {can('scr.view') && !decision ? (
            <button
              type="button"
              className="nhsuk-button"
              onClick={() => {
                performance.mark('smsp:access-start');
                setAsking(true);
              }}
            >
              View Summary Care Record
            </button>
          ) : null}
          {can('gpSummary.upload') ? (
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary"
              aria-expanded={uploading}
              onClick={() => setUploading((v) => !v)}
            >
              {uploading ? 'Close GP Summary upload' : 'Upload a GP Summary'}
            </button>
          ) : null}
          <button
            type="button"
            className="nhsuk-button nhsuk-button--secondary"
            onClick={() => void invoke('patients.close', {}).then(onFindAnother)}
          >
            Find another patient
          </button>
        </div>
        {asking ? (
          <AccessDialog
            nhsNumber={patient.nhsNumber}
            patientName={name}
            canEmergency={can('scr.emergencyAccess')}
            canLegal={can('scr.legalAccess')}
            onCancel={() => setAsking(false)}
            onDecided={(next) => {
              setAsking(false);
              setDecision(next);
              void load();
            }}
          />
        ) : null}
        {record.kind === 'loading' ? (
          <p className="nhsuk-body" role="status">
            Getting the Summary Care Record from Spine…
          </p>
        ) : null}
        {record.kind === 'absent' ? (
          <div className="nhsuk-inset-text app-scr-absent" role="status" ref={outcome}>
            <h2 className="nhsuk-heading-m">{record.title}</h2>
            <p>
              {patient.deathDate
                ? `This patient died on ${formatDate(patient.deathDate)}. Contact their GP practice.`
                : record.error.code === 'NO_SCR'
                  ? 'Ask the patient about their medicines and allergies, or contact their GP practice.'
                  : 'Nothing from their GP record is shared. Ask the patient, or contact their GP practice.'}
            </p>
          </div>
        ) : null}
        {record.kind === 'failed' ? (
          <div className="nhsuk-error-summary" role="alert" ref={outcome}>
            <h2 className="nhsuk-error-summary__title">The Summary Care Record could not be shown</h2>
            <div className="nhsuk-error-summary__body">
              <p>{record.error.message}</p>
              <button
                type="button"
                className="nhsuk-button nhsuk-button--secondary app-button--small"
                onClick={() => void load()}
              >
                Try again
              </button>
            </div>
          </div>
        ) : null}
        {record.kind === 'shown' ? (
          <>
            {copyError ? (
              <div className="nhsuk-error-summary" role="alert">
                <h2 className="nhsuk-error-summary__title">The medication list was not copied</h2>
                <p>{copyError.message}</p>
              </div>
            ) : null}
            <ScrRecord
              record={record.record}
              actions={
                <>
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary app-button--small"
                    onClick={() => void copyMedication(record.record)}
                  >
                    Copy medication list
                  </button>
                  <button
                    type="button"
                    className="nhsuk-button nhsuk-button--secondary app-button--small"
                    onClick={() => setPrinting(true)}
                  >
                    Print
                  </button>
                  <span role="status" className="app-scr__copied">
                    {copied
                      ? 'Medication list copied, headed by the patient’s name, date of birth and NHS number'
                      : ''}
                  </span>
                </>
              }
            />
          </>
        ) : null}
        {uploading ? <GpSummaryScreen nhsNumber={patient.nhsNumber} patientName={name} /> : null}
      </div>
    </div>
  );
}
