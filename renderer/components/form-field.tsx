// Labelled NHS.UK form groups shared by the clinical screens. FormField: the label names the
// control by id (its accessible name), and an optional hint gets the id `${id}-hint` for the
// control's aria-describedby; the control itself is the caller's, so each keeps its own
// attributes. CheckboxField: one checkbox in its own form group, named by its label.
import type { ReactNode } from 'react';

export interface FormFieldProps {
  /** The id of the control this label names. */
  readonly id: string;
  readonly label: ReactNode;
  readonly hint?: ReactNode;
  /** The group's classes; grid layouts add a column class to `nhsuk-form-group`. */
  readonly className?: string;
  readonly children: ReactNode;
}

/** The id a field's hint carries, for the control's aria-describedby. */
export const hintId = (id: string): string => `${id}-hint`;

export function FormField({ id, label, hint, className, children }: FormFieldProps) {
  return (
    <div className={className ?? 'nhsuk-form-group'}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {hint ? (
        <div className="nhsuk-hint" id={hintId(id)}>
          {hint}
        </div>
      ) : null}
      {children}
    </div>
  );
}

export interface CheckboxFieldProps {
  readonly id: string;
  readonly label: ReactNode;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
}

/** A single NHS.UK checkbox in its own form group, named by its label. */
export function CheckboxField({ id, label, checked, onChange }: CheckboxFieldProps) {
  return (
    <div className="nhsuk-checkboxes nhsuk-form-group">
      <div className="nhsuk-checkboxes__item">
        <input
          className="nhsuk-checkboxes__input"
          id={id}
          type="checkbox"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
        />
        <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={id}>
          {label}
        </label>
      </div>
    </div>
  );
}
