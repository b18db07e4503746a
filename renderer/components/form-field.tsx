// Labelled NHS.UK form groups shared by the clinical screens. FormField: the label names the
// control by id (its accessible name), and an optional hint gets the id `${id}-hint` for the
// control's aria-describedby; the control itself is the caller's, so each keeps its own
// attributes. With an `error`, the group takes the NHS error styling and shows the message above
// the control (id `${id}-error`); `describedBy` gives the control the matching aria attributes.
// CheckboxField: one checkbox in its own form group, named by its label.
import type { ReactNode } from 'react';

export interface FormFieldProps {
  /** The id of the control this label names. */
  readonly id: string;
  readonly label: ReactNode;
  readonly hint?: ReactNode;
  /** The group's classes; grid layouts add a column class to `nhsuk-form-group`. */
  readonly className?: string;
  /** This field's own error message (NHS error pattern), or nothing. */
  readonly error?: string | undefined;
  readonly children: ReactNode;
}

/** The id a field's hint carries, for the control's aria-describedby. */
export const hintId = (id: string): string => `${id}-hint`;
/** The id a field's error message carries. */
export const errorId = (id: string): string => `${id}-error`;

/** aria-describedby / aria-invalid for a control with an optional hint and error. */
export function describedBy(
  id: string,
  hint: boolean,
  error: string | undefined,
): { 'aria-describedby'?: string; 'aria-invalid'?: true } {
  const ids = [hint ? hintId(id) : null, error ? errorId(id) : null].filter(Boolean).join(' ');
  return { ...(ids ? { 'aria-describedby': ids } : {}), ...(error ? { 'aria-invalid': true as const } : {}) };
}

/** The message above a control in error, with "Error:" for screen readers (NHS pattern). */
export function ErrorMessage({ id, message }: { readonly id: string; readonly message: string | undefined }) {
  if (!message) return null;
  return (
    <span className="nhsuk-error-message" id={errorId(id)}>
      <span className="nhsuk-u-visually-hidden">Error:</span> {message}
    </span>
  );
}

/** The group's classes, with the error modifier when the field is in error. */
export const groupClass = (base: string | undefined, error: string | undefined): string => {
  const classes = base ?? 'nhsuk-form-group';
  return error ? `${classes} nhsuk-form-group--error` : classes;
};

export function FormField({ id, label, hint, className, error, children }: FormFieldProps) {
  return (
    <div className={groupClass(className, error)}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div className="nhsuk-hint" id={hintId(id)}>
          {hint}
        </div>
      ) : null}
      <ErrorMessage id={id} message={error} />
      {children}
    </div>
  );
}

export interface CheckboxFieldProps {
  readonly id: string;
  readonly label: ReactNode;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly error?: string | undefined;
}

/** A single NHS.UK checkbox in its own form group, named by its label. */
export function CheckboxField({ id, label, checked, onChange, error }: CheckboxFieldProps) {
  return (
    <div className={groupClass('nhsuk-checkboxes nhsuk-form-group', error)}>
      <ErrorMessage id={id} message={error} />
      <div className="nhsuk-checkboxes__item">
        <input
          className="nhsuk-checkboxes__input"
          id={id}
          type="checkbox"
          checked={checked}
          {...describedBy(id, false, error)}
          onChange={(event) => onChange(event.target.checked)}
        />
        <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={id}>
          {label}
        </label>
      </div>
    </div>
  );
}
