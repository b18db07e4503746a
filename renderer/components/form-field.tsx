// One labelled NHS.UK form group shared by the clinical screens: the label names the control by
// id (its accessible name), and an optional hint gets the id `${id}-hint` for the control's
// aria-describedby. The control itself is the caller's, so each keeps its own attributes.
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
