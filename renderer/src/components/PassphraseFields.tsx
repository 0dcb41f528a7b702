import { useId } from 'react';
import { StrengthMeter } from './StrengthMeter';

interface Props {
  value: string;
  confirm: string;
  onChange: (value: string) => void;
  onConfirmChange: (value: string) => void;
  /** Problems to show, by input. */
  errors: { value?: string; confirm?: string };
  label?: string;
}

/** A new passphrase, typed twice, with the strength meter. */
export function PassphraseFields({ value, confirm, onChange, onConfirmChange, errors, label = 'New passphrase' }: Props) {
  const id = useId();
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-p`}>{label}</label>
        <p className="help" id={`${id}-p-help`}>
          At least 8 characters. Several unrelated words are strong and easy to remember. It cannot be recovered if forgotten.
        </p>
        <input
          id={`${id}-p`}
          type="password"
          autoComplete="new-password"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={errors.value ? true : undefined}
          aria-describedby={`${id}-p-help${errors.value ? ` ${id}-p-err` : ''}`}
        />
        {errors.value ? (
          <p className="field-error" id={`${id}-p-err`}>
            {errors.value}
          </p>
        ) : null}
        <StrengthMeter passphrase={value} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-c`}>Type the passphrase again</label>
        <input
          id={`${id}-c`}
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => onConfirmChange(e.target.value)}
          aria-invalid={errors.confirm ? true : undefined}
          aria-describedby={errors.confirm ? `${id}-c-err` : undefined}
        />
        {errors.confirm ? (
          <p className="field-error" id={`${id}-c-err`}>
            {errors.confirm}
          </p>
        ) : null}
      </div>
    </>
  );
}

/** The problems of a new passphrase pair, or none. */
export function newPassphraseErrors(value: string, confirm: string): { value?: string; confirm?: string } {
  const errors: { value?: string; confirm?: string } = {};
  if ([...value].length < 8) errors.value = 'Use at least 8 characters.';
  else if (value.length > 1024) errors.value = 'Use at most 1024 characters.';
  if (!errors.value && confirm !== value) errors.confirm = 'The two passphrases are not the same.';
  return errors;
}
