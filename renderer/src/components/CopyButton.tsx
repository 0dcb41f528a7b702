import { useState } from 'react';
import { call } from '../api/client';
import { errorText } from '../lib/error-text';

interface Props {
  text: string;
  /** The button's words, e.g. "Copy the armored text". */
  label: string;
  className?: string;
}

/**
 * Copies through the main process, which clears the clipboard after the configured delay
 * if it still holds the text.
 */
export function CopyButton({ text, label, className = 'secondary' }: Props) {
  const [state, setState] = useState<string | null>(null);
  return (
    <span className="copy">
      <button
        type="button"
        className={className}
        onClick={async () => {
          try {
            const { clearsAfterSeconds } = await call('copyToClipboard', { text });
            setState(`Copied. The clipboard clears itself in ${clearsAfterSeconds} seconds.`);
          } catch (error) {
            const t = errorText(error);
            setState(`Not copied: ${t.plain ?? t.detail}`);
          }
        }}
      >
        {label}
      </button>
      <span className="copy-status" role="status">
        {state ?? ''}
      </span>
    </span>
  );
}
