// The NHS error pattern for every form (issue 13): on submit with errors, focus moves to an error
// summary at the top whose items link to their fields; each field shows its own message and error
// styling (FormField's `error`). Problem is the same summary for an answer from main that belongs
// to no one field ("No patient found", Spine unavailable).
import { useEffect, useRef } from 'react';
import type { ContractError } from '../../preload/contract';

/** One message about one control: `field` is the id of the control it links to and describes. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** The errors keyed by field id, for FormField's `error` prop. */
export const errorFor = (errors: readonly FieldError[], field: string): string | undefined =>
  errors.find((error) => error.field === field)?.message;

/** Moves focus (and the page) to the summary each time `show` changes to a new truthy value. */
function useFocusOn<T>(show: T) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (show) ref.current?.focus();
  }, [show]);
  return ref;
}

export interface ErrorSummaryProps {
  readonly title?: string;
  /** A new array on each failed submit: every new one takes focus. */
  readonly errors: readonly FieldError[];
}

export function ErrorSummary({ title = 'There is a problem', errors }: ErrorSummaryProps) {
  const ref = useFocusOn(errors.length > 0 ? errors : null);
  if (errors.length === 0) return null;
  return (
    <div
      className="nhsuk-error-summary"
      role="alert"
      aria-labelledby="error-summary-title"
      tabIndex={-1}
      ref={ref}
    >
      <h2 className="nhsuk-error-summary__title" id="error-summary-title">
        {title}
      </h2>
      <div className="nhsuk-error-summary__body">
        <ul className="nhsuk-list nhsuk-error-summary__list">
          {errors.map((error) => (
            <li key={`${error.field}:${error.message}`}>
              <a
                href={`#${error.field}`}
                onClick={(event) => {
                  // The hash would move the page but not the focus; the field needs both.
                  event.preventDefault();
                  const field = document.getElementById(error.field);
                  field?.focus();
                  field?.scrollIntoView({ block: 'center' });
                }}
              >
                {error.message}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

export interface ProblemProps {
  readonly title: string;
  readonly error: Pick<ContractError, 'message'> | null;
  /** Take focus when shown: the answer to something the user just did. */
  readonly autoFocus?: boolean;
}

export function Problem({ title, error, autoFocus = false }: ProblemProps) {
  const ref = useFocusOn(autoFocus ? error : null);
  if (!error) return null;
  return (
    <div className="nhsuk-error-summary" role="alert" tabIndex={-1} ref={ref}>
      <h2 className="nhsuk-error-summary__title">{title}</h2>
      <div className="nhsuk-error-summary__body">
        <p>{error.message}</p>
      </div>
    </div>
  );
}
