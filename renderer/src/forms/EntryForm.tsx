/**
 * A form for one entry kind, built from the domain's field descriptions and checked with
 * the domain's validator. On submit it lists every problem at the top, each naming its
 * field, marks each field, and moves the focus to the first; the entry is written only
 * when the validator finds nothing. Unfinished forms are kept as encrypted drafts.
 */
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { describeFields, type UserEntryKind } from '../../../shared/domain';
import { ErrorMessage, Notice } from '../components/ErrorMessage';
import { formatDateTime } from '../lib/format';
import { checkForm, emptyValues, errorsByPath, type FormValue, type FormValues, type PlacedProblem, setAt } from './body-form';
import { FieldInput, inputId, type EntryChoice } from './FieldInput';
import { useDraft } from './useDraft';

export interface EntryFormProps {
  kind: UserEntryKind;
  /** Unique on the page: prefixes the inputs' ids. */
  formId: string;
  /** The form's accessible name: the id of its heading. */
  labelledBy: string;
  /** Fields the context sets (caseId). */
  fixed?: Record<string, unknown>;
  /** Field paths not shown (besides caseId). */
  hidden?: readonly string[];
  initial?: FormValues;
  entryChoices?: Record<string, EntryChoice[]>;
  /** Keep the unfinished form as an encrypted draft under this key. */
  draftKey?: string;
  submitLabel: string;
  /** Writes the entry; a thrown error is shown and the form stays as it is. */
  onSubmit: (body: Record<string, unknown>) => Promise<void>;
  onCancel?: () => void;
  cancelLabel?: string;
  /** Shown above the buttons. */
  children?: ReactNode;
}

export function EntryForm(props: EntryFormProps) {
  const { kind, formId, fixed, initial, draftKey } = props;
  const fields = useMemo(() => describeFields(kind), [kind]);
  const hidden = useMemo(() => new Set(['caseId', ...(props.hidden ?? [])]), [props.hidden]);
  const [values, setValues] = useState<FormValues>(() => ({ ...emptyValues(fields), ...(initial ?? {}) }));
  const [problems, setProblems] = useState<PlacedProblem[] | null>(null);
  const [submitError, setSubmitError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);
  const formRef = useRef<HTMLFormElement>(null);

  const draft = useDraft<FormValues>(draftKey, (restored) => setValues({ ...emptyValues(fields), ...restored }));

  const valuesRef = useRef(values);
  valuesRef.current = values;

  const check = useCallback(
    (next: FormValues) => {
      const checked = checkForm(kind, fields, next, fixed);
      // A problem on a field the context sets has no input to point at.
      return { ...checked, problems: checked.problems.map((p) => (hidden.has(p.path) ? { ...p, path: '' } : p)) };
    },
    [kind, fields, fixed, hidden],
  );

  const onChange = useCallback(
    (path: string, value: FormValue) => {
      const next = setAt(valuesRef.current, path, value);
      valuesRef.current = next;
      setValues(next);
      draft.changed(next);
      // After a first failed submit, the problems follow the corrections as they are typed.
      setProblems((shown) => (shown === null ? null : check(next).problems));
    },
    [draft, check],
  );

  const focusField = (path: string) => {
    const root = formRef.current;
    if (!root) return;
    // Ids are letters, digits and dashes (inputId), so they need no escaping in a selector.
    const el = root.querySelector<HTMLElement>(`#${inputId(formId, path)}`) ?? root.querySelector<HTMLElement>(`[data-field-path="${path}"]`);
    const target = el && el.matches('input, select, textarea') ? el : el?.querySelector<HTMLElement>('input, select, textarea');
    target?.focus();
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setSubmitError(null);
    const checked = check(values);
    if (checked.problems.length > 0) {
      setProblems(checked.problems);
      // The summary first, so that a screen reader hears every problem; then the first field.
      requestAnimationFrame(() => {
        summaryRef.current?.focus();
      });
      return;
    }
    setProblems(null);
    setBusy(true);
    try {
      await props.onSubmit(checked.body);
      await draft.discard();
    } catch (error) {
      setSubmitError(error);
    } finally {
      setBusy(false);
    }
  };

  const errors = problems ? errorsByPath(problems) : {};
  const ctx = { idPrefix: formId, errors, onChange, entryChoices: props.entryChoices, hidden };
  const headingProblems = problems?.length ?? 0;

  return (
    <form ref={formRef} className="entry-form" aria-labelledby={props.labelledBy} noValidate onSubmit={submit}>
      {draft.restoredFrom ? (
        <Notice>
          <p>
            Your unsaved draft from {formatDateTime(draft.restoredFrom)} was restored.{' '}
            <button
              type="button"
              className="link-button"
              onClick={async () => {
                await draft.discard();
                setValues({ ...emptyValues(fields), ...(initial ?? {}) });
                setProblems(null);
              }}
            >
              Discard the draft
            </button>
          </p>
        </Notice>
      ) : null}
      {problems && headingProblems > 0 ? (
        <div className="message error summary" role="alert" tabIndex={-1} ref={summaryRef}>
          <p className="message-title">
            This cannot be saved yet: {headingProblems} problem{headingProblems === 1 ? '' : 's'} to fix.
          </p>
          <ul>
            {problems.map((p, i) => (
              <li key={`${p.path}-${i}`}>
                {p.path ? (
                  <a
                    href={`#${inputId(formId, p.path)}`}
                    onClick={(e) => {
                      e.preventDefault();
                      focusField(p.path);
                    }}
                  >
                    {p.line}
                  </a>
                ) : (
                  p.line
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {fields.map((f) => (
        <FieldInput key={f.path} field={f} value={values[f.path]} ctx={ctx} />
      ))}
      {props.children}
      <ErrorMessage error={submitError} title="Nothing was saved." />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : props.submitLabel}
        </button>
        {props.onCancel ? (
          <button type="button" className="secondary" onClick={props.onCancel} disabled={busy}>
            {props.cancelLabel ?? 'Cancel'}
          </button>
        ) : null}
        {draftKey ? (
          <span className="draft-status" role="status">
            {draft.saveError ? `The draft could not be kept: ${draft.saveError}` : draft.savedAt ? `Draft kept (encrypted) at ${formatDateTime(draft.savedAt)}` : ''}
          </span>
        ) : null}
      </div>
    </form>
  );
}
