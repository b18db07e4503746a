// NHS.UK radio buttons shared by the clinical screens: one radio item (input wired to its label
// by id, optional hint) and a group of items whose ids are `${idPrefix}-${value}`. The markup and
// classes are the nhsuk ones each screen used before, so accessible names stay the label text.
import type { ReactNode } from 'react';

export interface RadioItemProps {
  readonly id: string;
  readonly name: string;
  readonly checked: boolean;
  readonly onSelect: () => void;
  readonly label: ReactNode;
  readonly hint?: ReactNode;
}

export function RadioItem({ id, name, checked, onSelect, label, hint }: RadioItemProps) {
  return (
    <div className="nhsuk-radios__item">
      <input
        className="nhsuk-radios__input"
        id={id}
        type="radio"
        name={name}
        checked={checked}
        onChange={onSelect}
      />
      <label className="nhsuk-label nhsuk-radios__label" htmlFor={id}>
        {label}
      </label>
      {hint ? <div className="nhsuk-hint nhsuk-radios__hint">{hint}</div> : null}
    </div>
  );
}

export interface RadioOptionsProps<T extends string> {
  /** Each item's id is `${idPrefix}-${value}`. */
  readonly idPrefix: string;
  readonly name: string;
  readonly options: readonly (readonly [T, string])[];
  readonly value: T;
  readonly onChange: (value: T) => void;
  /** Extra nhsuk modifier classes for the radios container, e.g. `nhsuk-radios--inline`. */
  readonly variant?: string;
}

/** The radios container and its items, without a fieldset (for nesting in one the caller owns). */
export function RadioOptions<T extends string>({
  idPrefix,
  name,
  options,
  value,
  onChange,
  variant,
}: RadioOptionsProps<T>) {
  return (
    <div className={variant ? `nhsuk-radios ${variant}` : 'nhsuk-radios'}>
      {options.map(([option, label]) => (
        <RadioItem
          key={option}
          id={`${idPrefix}-${option}`}
          name={name}
          checked={value === option}
          onSelect={() => onChange(option)}
          label={label}
        />
      ))}
    </div>
  );
}

export interface RadioGroupProps<T extends string> extends RadioOptionsProps<T> {
  readonly legend: ReactNode;
  /** The fieldset's classes; nhsuk screens differ in whether it is also a form group. */
  readonly className?: string;
}

/** A fieldset whose legend names the group, around its radio items. */
export function RadioGroup<T extends string>({ legend, className, ...options }: RadioGroupProps<T>) {
  return (
    <fieldset className={className ?? 'nhsuk-fieldset'}>
      <legend className="nhsuk-fieldset__legend nhsuk-label">{legend}</legend>
      <RadioOptions {...options} />
    </fieldset>
  );
}
