// The patient's SCR consent state from ACS, on every patient screen: "Yes", "No" or "Ask" (an
// absent assertion is Ask). Roles with consent.set (B0020 with B0380/B8028/B8029) can change it,
// after a confirmation that names the patient, and are told afterwards what changed; everyone
// else sees it read-only. A deceased patient cannot be asked anything: the panel says when they died.
import { useEffect, useState } from 'react';
import type { ConsentState, ConsentView, ContractError } from '../../../preload/contract';
import { invoke } from '../../lib/api';
import { Modal } from '../../components/modal';
import { Problem } from '../../components/error-summary';
import { formatDate, formatNhsNumber } from '../../lib/cui';

export interface ConsentPanelProps {
  readonly nhsNumber: string;
  readonly patientName: string;
  /** PDS date of death; never "ask the patient" about someone who has died. */
  readonly deathDate?: string | null;
}

const meaning: Readonly<Record<ConsentState, string>> = {
  Yes: 'The patient has agreed to have a Summary Care Record. Ask their permission before you view it.',
  No: 'The patient has chosen not to have a Summary Care Record.',
  Ask: 'Ask the patient’s permission before you view their Summary Care Record.',
};

/** What a consent state means for the user, or when the patient died where "ask" would be wrong. */
export function consentMeaning(state: ConsentState, deathDate: string | null | undefined): string {
  if (deathDate && state !== 'No') return `This patient died on ${formatDate(deathDate)}.`;
  return meaning[state];
}

export function ConsentPanel({ nhsNumber, patientName, deathDate }: ConsentPanelProps) {
  const [changed, setChanged] = useState<string | null>(null);
  const [consent, setConsent] = useState<ConsentView | null>(null);
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);
  const [changing, setChanging] = useState(false);
  const [choice, setChoice] = useState<ConsentState>('Ask');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void invoke('consent.get', { nhsNumber }).then((result) => {
      if (!live) return;
      if (result.ok) setConsent(result.value);
      else setError(result.error);
    });
    return () => {
      live = false;
    };
  }, [nhsNumber]);

  const confirm = async () => {
    setBusy(true);
    const result = await invoke('consent.set', { nhsNumber, state: choice, confirmed: true });
    setBusy(false);
    if (result.ok) {
      setConsent(result.value);
      setChanging(false);
      setError(null);
      setChanged(`Consent changed to ${result.value.state} for ${patientName}`);
    } else setError(result.error);
  };

  return (
    <section className="app-consent" aria-labelledby="consent-heading">
      <h2 id="consent-heading" className="nhsuk-heading-s">
        SCR consent
      </h2>
      {consent ? (
        <>
          <p className="nhsuk-body app-consent__state">
            <strong className={`app-consent__value app-consent__value--${consent.state.toLowerCase()}`}>
              {consent.state}
            </strong>{' '}
            <span>{consentMeaning(consent.state, deathDate)}</span>
          </p>
          {consent.canChange ? (
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary app-button--small"
              onClick={() => {
                setChoice(consent.state);
                setChanged(null);
                setChanging(true);
              }}
            >
              Change consent
            </button>
          ) : null}
        </>
      ) : error ? null : (
        <p className="nhsuk-body" role="status">
          Checking consent…
        </p>
      )}
      <p className="nhsuk-body app-consent__changed" role="status">
        {changed}
      </p>
      {!changing ? <Problem title="Consent could not be checked" error={error} /> : null}
      {changing ? (
        <Modal title="Change SCR consent" onClose={() => setChanging(false)}>
          <Problem title="Consent was not changed" error={error} />
          <fieldset className="nhsuk-fieldset nhsuk-form-group">
            <legend className="nhsuk-fieldset__legend nhsuk-label">New consent state</legend>
            <div className="nhsuk-radios">
              {(['Yes', 'No', 'Ask'] as const).map((value) => (
                <div className="nhsuk-radios__item" key={value}>
                  <input
                    className="nhsuk-radios__input"
                    id={`consent-${value}`}
                    type="radio"
                    name="consent"
                    checked={choice === value}
                    onChange={() => setChoice(value)}
                  />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={`consent-${value}`}>
                    {value}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
          <p className="nhsuk-body">
            Change SCR consent for <strong>{patientName}</strong> (NHS No. {formatNhsNumber(nhsNumber)}) to{' '}
            <strong>{choice}</strong>?
          </p>
          <div className="nhsuk-button-group app-button-group">
            <button type="button" className="nhsuk-button" disabled={busy} onClick={() => void confirm()}>
              Confirm change for {patientName}
            </button>
            <button
              type="button"
              className="nhsuk-button nhsuk-button--secondary"
              onClick={() => setChanging(false)}
            >
              Cancel
            </button>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}
