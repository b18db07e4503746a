// The passcode field, shared by sign-in and unlock: labelled "Passcode", masked, digits only,
// 6–8 long (NHS smartcard rule since July 2023, product.md 3a step 2). The value is cleared as
// soon as it is sent, so it does not linger in the page.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ContractError } from '../../../preload/contract';

export interface PasscodeFormProps {
  readonly submitLabel: string;
  readonly busy: boolean;
  readonly problem: ContractError | null;
  readonly problemTitle: string;
  readonly onSubmit: (pin: string) => void | Promise<void>;
}

export function PasscodeForm({ submitLabel, busy, problem, problemTitle, onSubmit }: PasscodeFormProps) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState('');
  const [formatError, setFormatError] = useState<string | null>(null);
  // After a wrong passcode the cursor is back in the field, ready for the next try.
  useEffect(() => {
    if (problem) input.current?.focus();
  }, [problem]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!/^\d{6,8}$/.test(value)) {
      setFormatError('Enter your passcode: 6 to 8 digits.');
      input.current?.focus();
      return;
    }
    setFormatError(null);
    const pin = value;
    setValue('');
    void onSubmit(pin);
  };

  const message = formatError ?? problem?.message ?? null;
  return (
    <form onSubmit={submit} noValidate>
      {problem && !formatError ? (
        <div className="nhsuk-error-summary" role="alert" aria-labelledby={`${id}-title`} tabIndex={-1}>
          <h2 className="nhsuk-error-summary__title" id={`${id}-title`}>
            {problemTitle}
          </h2>
          <div className="nhsuk-error-summary__body">
            <p id={`${id}-problem`}>{problem.message}</p>
          </div>
        </div>
      ) : null}
      <div className={message ? 'nhsuk-form-group nhsuk-form-group--error' : 'nhsuk-form-group'}>
        <label className="nhsuk-label" htmlFor={`${id}-pin`}>
          Passcode
        </label>
        <div className="nhsuk-hint" id={`${id}-hint`}>
          The 6 to 8 digit passcode for your smartcard
        </div>
        {formatError ? (
          <span className="nhsuk-error-message" id={`${id}-error`} role="alert">
            <span className="nhsuk-u-visually-hidden">Error:</span> {formatError}
          </span>
        ) : null}
        <input
          ref={input}
          className={
            formatError
              ? 'nhsuk-input nhsuk-input--width-10 nhsuk-input--error'
              : 'nhsuk-input nhsuk-input--width-10'
          }
          id={`${id}-pin`}
          name="passcode"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={8}
          value={value}
          // Focus stays in the field after a wrong passcode, so the user can type again at once;
          // the card's answer (tries left) is announced and read as the field's description.
          aria-describedby={
            formatError ? `${id}-hint ${id}-error` : problem ? `${id}-hint ${id}-problem` : `${id}-hint`
          }
          aria-invalid={message ? true : undefined}
          autoFocus
          // Digits only: anything else never reaches the field.
          onChange={(event) => setValue(event.target.value.replace(/\D/g, '').slice(0, 8))}
        />
      </div>
      <button className="nhsuk-button" type="submit" disabled={busy} aria-disabled={busy}>
        {submitLabel}
      </button>
      {busy ? (
        <p className="nhsuk-body-s" role="status">
          Checking your smartcard…
        </p>
      ) : null}
    </form>
  );
}
