// One error or problem summary for the clinical screens: a heading, what happened, what to do.
import type { ContractError } from '../../preload/contract';

export interface ProblemProps {
  readonly title: string;
  readonly error: Pick<ContractError, 'message'> | null;
}

export function Problem({ title, error }: ProblemProps) {
  if (!error) return null;
  return (
    <div className="nhsuk-error-summary" role="alert" tabIndex={-1}>
      <h2 className="nhsuk-error-summary__title">{title}</h2>
      <div className="nhsuk-error-summary__body">
        <p>{error.message}</p>
      </div>
    </div>
  );
}
