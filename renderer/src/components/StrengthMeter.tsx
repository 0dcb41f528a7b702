import { useId } from 'react';
import { passphraseStrength } from '../lib/passphrase-strength';

/** The strength meter under a new passphrase: a bar in five steps, a word, and advice. */
export function StrengthMeter({ passphrase }: { passphrase: string }) {
  const id = useId();
  const strength = passphraseStrength(passphrase);
  return (
    <div className="strength" data-score={strength.score}>
      <div className="strength-row">
        <meter
          id={id}
          aria-label="Passphrase strength"
          aria-valuetext={strength.label}
          min={0}
          max={4}
          low={2}
          high={3}
          optimum={4}
          value={strength.score}
        />
        <span className="strength-label" aria-live="polite">
          Strength: {passphrase ? strength.label : '—'}
        </span>
      </div>
      {passphrase && strength.advice.length > 0 ? (
        <ul className="hint-list">
          {strength.advice.map((a) => (
            <li key={a}>{a}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
