/**
 * Corrects one field of an earlier entry, with the reason. The current value is shown in
 * the same input the entry was written with; the amended entry is checked by the domain
 * before anything is written.
 */
import { useMemo, useState } from 'react';
import { describeFields, isEntryKind, KIND_INFO, type CaseRecord } from '../../../shared/domain';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatDateTime } from '../lib/format';
import { buildAmendment } from './amend';
import { bodyToField, fieldToBody, type FormValue } from './body-form';
import { FieldInput } from './FieldInput';

interface Props {
  caseId: string;
  record: CaseRecord;
  onSave: (body: Record<string, unknown>) => Promise<void>;
  onCancel: () => void;
}

export function AmendForm({ caseId, record, onSave, onCancel }: Props) {
  const fields = useMemo(() => (isEntryKind(record.kind) ? describeFields(record.kind).filter((f) => f.path !== 'caseId' && f.type !== 'map') : []), [record.kind]);
  const [fieldName, setFieldName] = useState(fields[0]?.path ?? '');
  const field = fields.find((f) => f.path === fieldName);
  const current = (record.body as Record<string, unknown>)[fieldName];
  const [value, setValue] = useState<FormValue>(() => (field ? bodyToField(field, current) : ''));
  const [remove, setRemove] = useState(false);
  const [reason, setReason] = useState('');
  const [amendedBy, setAmendedBy] = useState('');
  const [problems, setProblems] = useState<{ at: string; message: string }[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const idPrefix = `amend-${record.id.slice(0, 8)}`;
  const headingId = `${idPrefix}-heading`;

  const choose = (name: string) => {
    setFieldName(name);
    const f = fields.find((x) => x.path === name);
    setValue(f ? bodyToField(f, (record.body as Record<string, unknown>)[name]) : '');
    setRemove(false);
    setProblems([]);
  };

  const titleFor = (at: string) => {
    const path = at.replace(/^(changes|sensitiveChanges)\./, '');
    const top = path.split('.')[0] ?? '';
    if (at === 'reason') return 'Reason';
    return fields.find((f) => f.path === top)?.title ?? (at || 'Amendment');
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!field) return;
    setFailure(null);
    const newValue = remove ? null : fieldToBody(field, value);
    const built = buildAmendment(
      { id: record.id, kind: record.kind, caseId, body: record.body as Record<string, unknown>, withheld: record.withheld },
      { changes: { [fieldName]: newValue === undefined ? null : newValue }, reason, amendedBy },
    );
    setProblems(built.problems);
    if (built.problems.length > 0) return;
    setBusy(true);
    try {
      await onSave(built.body);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  const errors: Record<string, string> = {};
  for (const p of problems) {
    const path = p.at.replace(/^(changes|sensitiveChanges)\./, '').split('.')[0] ?? '';
    if (path === fieldName && errors[fieldName] === undefined) errors[fieldName] = p.message;
  }

  return (
    <form className="card amend-form" aria-labelledby={headingId} noValidate onSubmit={submit}>
      <h3 id={headingId}>
        Amend the {isEntryKind(record.kind) ? KIND_INFO[record.kind].title.toLowerCase() : record.kind} of {formatDateTime(record.ts)}
      </h3>
      <p className="help">The entry itself is never changed: the amendment is recorded after it, with your reason, and the case shows the corrected value.</p>
      {problems.length > 0 ? (
        <div className="message error" role="alert">
          <p className="message-title">The amendment cannot be saved yet:</p>
          <ul>
            {problems.map((p, i) => (
              <li key={i}>
                {titleFor(p.at)}: {p.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${idPrefix}-field`}>Field to correct</label>
        <select id={`${idPrefix}-field`} value={fieldName} onChange={(e) => choose(e.target.value)}>
          {fields.map((f) => (
            <option key={f.path} value={f.path}>
              {f.title}
              {f.sensitive ? ' (sensitive)' : ''}
            </option>
          ))}
        </select>
      </div>
      {field ? (
        <>
          {!remove ? (
            <FieldInput
              field={{ ...field, title: `New value: ${field.title}` }}
              value={value}
              ctx={{ idPrefix, errors: errors[fieldName] ? { [field.path]: errors[fieldName]! } : {}, onChange: (path, v) => setValue(path === field.path ? v : setNested(value, path.slice(field.path.length + 1), v)) }}
            />
          ) : null}
          {!field.required && current !== undefined ? (
            <div className="choice">
              <input id={`${idPrefix}-remove`} type="checkbox" checked={remove} onChange={(e) => setRemove(e.target.checked)} />
              <label htmlFor={`${idPrefix}-remove`}>Remove this field from the entry</label>
            </div>
          ) : null}
        </>
      ) : null}
      <div className={`field${problems.some((p) => p.at === 'reason') ? ' has-error' : ''}`}>
        <label htmlFor={`${idPrefix}-reason`}>Reason for the correction</label>
        <textarea
          id={`${idPrefix}-reason`}
          rows={2}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          aria-required
          aria-invalid={problems.some((p) => p.at === 'reason') ? true : undefined}
        />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-by`}>
          Amended by <span className="optional">(optional)</span>
        </label>
        <input id={`${idPrefix}-by`} type="text" value={amendedBy} onChange={(e) => setAmendedBy(e.target.value)} />
      </div>
      <ErrorMessage error={failure} title="The amendment was not saved." />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save the amendment'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** A group's value with one of its inner fields replaced. */
function setNested(value: FormValue, path: string, v: FormValue): FormValue {
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  const [head, ...rest] = path.split('.');
  if (!head) return v;
  return { ...value, [head]: rest.length === 0 ? v : setNested(value[head] ?? {}, rest.join('.'), v) };
}
