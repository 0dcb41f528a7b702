import { errorText } from '../lib/error-text';

interface Props {
  error: unknown;
  /** A lead-in, e.g. "The case could not be saved." */
  title?: string;
}

/** A failure in plain words, announced to screen readers. */
export function ErrorMessage({ error, title }: Props) {
  if (error === null || error === undefined) return null;
  const text = errorText(error);
  return (
    <div className="message error" role="alert">
      {title ? <p className="message-title">{title}</p> : null}
      {text.plain ? <p>{text.plain}</p> : null}
      {text.detail ? <p>{text.detail}</p> : null}
      {text.code ? <p className="code">Code: {text.code}</p> : null}
    </div>
  );
}

/** A success or information note. */
export function Notice({ children, tone = 'info' }: { children: React.ReactNode; tone?: 'info' | 'success' | 'warning' }) {
  return (
    <div className={`message ${tone}`} role="status">
      {children}
    </div>
  );
}
