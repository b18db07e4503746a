// "Access this patient's record" (product.md sections 1.2, 5 and 9): confirm a legitimate
// relationship, then permission to view (this visit / extended / by proxy), emergency access
// (B0168, reason required) or legal access (B0082, ground + reason required). Options the role
// does not hold are not offered; main refuses them anyway.
import { useState, type FormEvent } from 'react';
import type {
  AccessBasis,
  AccessDecision,
  ContractError,
  LegalGround,
  PermissionMode,
} from '../../../preload/contract';
import { invoke } from '../../lib/api';
import { Modal } from '../../components/modal';
import { ErrorSummary, Problem, errorFor, type FieldError } from '../../components/error-summary';
import { CheckboxField, ErrorMessage, FormField, describedBy, groupClass } from '../../components/form-field';
import { RadioGroup, RadioItem } from '../../components/radio-group';

export interface AccessDialogProps {
  readonly nhsNumber: string;
  readonly patientName: string;
  readonly canEmergency: boolean;
  readonly canLegal: boolean;
  readonly onDecided: (decision: AccessDecision) => void;
  readonly onCancel: () => void;
}

type Kind = AccessBasis['kind'];

export function AccessDialog({
  nhsNumber,
  patientName,
  canEmergency,
  canLegal,
  onDecided,
  onCancel,
}: AccessDialogProps) {
  const [relationship, setRelationship] = useState(false);
  const [kind, setKind] = useState<Kind | null>(null);
  const [mode, setMode] = useState<PermissionMode>('this-visit');
  const [ground, setGround] = useState<LegalGround | ''>('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<Pick<ContractError, 'message'> | null>(null);
  const [fieldErrors, setFieldErrors] = useState<readonly FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const fieldError = (field: string) => errorFor(fieldErrors, field);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    // The NHS error pattern: every problem in the summary, each linked to its own field.
    const problems: FieldError[] = [];
    if (!relationship)
      problems.push({
        field: 'access-lr',
        message: 'Confirm that you have a legitimate relationship with this patient',
      });
    if (!kind)
      problems.push({ field: 'access-permission', message: 'Choose why you are accessing the record' });
    if (kind === 'legal' && !ground)
      problems.push({ field: 'access-ground', message: 'Choose the legal basis' });
    if ((kind === 'emergency' || kind === 'legal') && !reason.trim())
      problems.push({ field: 'access-reason', message: 'Enter a reason' });
    setFieldErrors(problems);
    setError(null);
    if (problems.length > 0 || !kind) return;
    const basis: AccessBasis =
      kind === 'permission'
        ? { kind, mode }
        : kind === 'emergency'
          ? { kind, reason: reason.trim() }
          : { kind, ground: ground as LegalGround, reason: reason.trim() };
    setBusy(true);
    performance.mark('smsp:access-submit');
    const result = await invoke('scr.decideAccess', { nhsNumber, legitimateRelationship: true, basis });
    setBusy(false);
    if (result.ok) onDecided(result.value);
    else setError(result.error);
  };

  return (
    <Modal title="Access this patient's record" onClose={onCancel}>
      <p className="nhsuk-body">
        You are about to see the Summary Care Record of <strong>{patientName}</strong>. Your choice is
        recorded in the audit trail and raises an alert for your organisation’s SCR Governance Person.
      </p>
      <ErrorSummary title="Before you continue" errors={fieldErrors} />
      <Problem title="Before you continue" error={error} autoFocus />
      <form onSubmit={(event) => void submit(event)} noValidate>
        <CheckboxField
          id="access-lr"
          label="I have a legitimate relationship with this patient"
          checked={relationship}
          onChange={setRelationship}
          error={fieldError('access-lr')}
        />
        <fieldset className={groupClass('nhsuk-fieldset nhsuk-form-group', fieldError('access-permission'))}>
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
            Why are you accessing the record?
          </legend>
          <ErrorMessage id="access-permission" message={fieldError('access-permission')} />
          <div className="nhsuk-radios">
            <RadioItem
              id="access-permission"
              name="access-kind"
              checked={kind === 'permission'}
              onSelect={() => setKind('permission')}
              label="The patient has given permission to view"
            />
            {kind === 'permission' ? (
              <RadioGroup
                className="nhsuk-fieldset app-conditional"
                legend="Permission given"
                idPrefix="ptv"
                name="ptv-mode"
                variant="nhsuk-radios--small"
                options={
                  [
                    ['this-visit', 'For this visit'],
                    ['extended', 'Extended permission (regular patient)'],
                    ['proxy', 'By proxy (for example a care home)'],
                  ] as const
                }
                value={mode}
                onChange={setMode}
              />
            ) : null}
            {canEmergency ? (
              <RadioItem
                id="access-emergency"
                name="access-kind"
                checked={kind === 'emergency'}
                onSelect={() => setKind('emergency')}
                label="Emergency access"
                hint="The patient cannot give permission and it is in their best interest."
              />
            ) : null}
            {canLegal ? (
              <RadioItem
                id="access-legal"
                name="access-kind"
                checked={kind === 'legal'}
                onSelect={() => setKind('legal')}
                label="Legal access"
              />
            ) : null}
          </div>
        </fieldset>
        {kind === 'legal' ? (
          <FormField id="access-ground" label="Legal basis" error={fieldError('access-ground')}>
            <select
              className={fieldError('access-ground') ? 'nhsuk-select nhsuk-select--error' : 'nhsuk-select'}
              id="access-ground"
              {...describedBy('access-ground', false, fieldError('access-ground'))}
              value={ground}
              onChange={(event) => setGround(event.target.value as LegalGround | '')}
            >
              <option value="">Choose a legal basis</option>
              <option value="public-interest">Public interest</option>
              <option value="statute">Statute</option>
              <option value="court-order">Court order</option>
            </select>
          </FormField>
        ) : null}
        {kind === 'emergency' || kind === 'legal' ? (
          <FormField
            id="access-reason"
            label="Reason"
            hint="Say why you need the record. This is recorded and shown to your SCR Governance Person."
            error={fieldError('access-reason')}
          >
            <textarea
              className={
                fieldError('access-reason') ? 'nhsuk-textarea nhsuk-textarea--error' : 'nhsuk-textarea'
              }
              id="access-reason"
              rows={3}
              maxLength={500}
              {...describedBy('access-reason', true, fieldError('access-reason'))}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
            />
          </FormField>
        ) : null}
        <div className="nhsuk-button-group app-button-group">
          <button className="nhsuk-button" type="submit" disabled={busy}>
            View record
          </button>
          <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
