import { formatFingerprint } from '../../../shared/keys/fingerprint';
import { wordsOf } from '../lib/fingerprint-compare';

export { wordsOf };

/** A fingerprint in hex groups and as words, to read aloud or compare side by side. */
export function Fingerprint({ hex, words, label = 'Fingerprint' }: { hex: string; words?: readonly string[]; label?: string }) {
  const list = words && words.length > 0 ? words : wordsOf(hex);
  return (
    <div className="fingerprint">
      <p>
        <span className="label">{label}: </span>
        <code className="fingerprint-hex">{formatFingerprint(hex)}</code>
      </p>
      {list.length > 0 ? (
        <ol className="fingerprint-words" aria-label={`${label} as words`}>
          {list.map((w, i) => (
            <li key={`${i}-${w}`}>{w}</li>
          ))}
        </ol>
      ) : null}
    </div>
  );
}
