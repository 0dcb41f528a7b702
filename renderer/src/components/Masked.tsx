import { useId, useState, type ReactNode } from 'react';

interface Props {
  /** What is hidden, for the button: "Source protection". */
  what: string;
  children: ReactNode;
}

/**
 * A sensitive value, hidden until the officer asks to see it: what is above the tearline
 * never shows on screen by accident (over a shoulder, in a screenshot).
 */
export function Masked({ what, children }: Props) {
  const [shown, setShown] = useState(false);
  const id = useId();
  return (
    <div className="masked">
      <button type="button" className="link-button" aria-expanded={shown} aria-controls={id} onClick={() => setShown((s) => !s)}>
        {shown ? `Hide ${what.toLowerCase()}` : `Reveal ${what.toLowerCase()}`}
      </button>
      <div id={id} className="masked-body">
        {shown ? children : <span className="masked-placeholder" aria-label={`${what} hidden`}>•••••••• sensitive: hidden</span>}
      </div>
    </div>
  );
}
