/**
 * One input for one described field, chosen by its type: radios for the policy's short
 * lists (with their full wording), checkboxes for waiver reasons, a fieldset for a group.
 * Every input has its label, its help text and its error tied to it for screen readers.
 */
import type { FieldInfo } from '../../../shared/domain';
import { nameOf, type FormValue, type FormValues } from './body-form';

export interface EntryChoice {
  value: string;
  label: string;
}

export interface FieldInputContext {
  idPrefix: string;
  errors: Record<string, string>;
  onChange: (path: string, value: FormValue) => void;
  /** Choices for entry-id fields (the waiver to approve, the follow-up to complete...). */
  entryChoices?: Record<string, EntryChoice[]>;
  /** Paths not shown. */
  hidden?: ReadonlySet<string>;
}

export function inputId(prefix: string, path: string): string {
  // Two dashes keep field ids apart from the ids of headings and notes on the same page.
  return `${prefix}--${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

const RADIO_LIMIT = 8;

function Label({ field, htmlFor, id }: { field: FieldInfo; htmlFor?: string; id?: string }) {
  const optional = field.required ? null : <span className="optional"> (optional)</span>;
  return htmlFor ? (
    <label htmlFor={htmlFor} id={id}>
      {field.title}
      {optional}
    </label>
  ) : (
    <>
      {field.title}
      {optional}
    </>
  );
}

export function FieldInput({ field, value, ctx }: { field: FieldInfo; value: FormValue | undefined; ctx: FieldInputContext }) {
  if (ctx.hidden?.has(field.path) || field.type === 'map') return null;
  const id = inputId(ctx.idPrefix, field.path);
  const error = ctx.errors[field.path];
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [field.description ? helpId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const help = field.description ? (
    <p className="help" id={helpId}>
      {field.description}
    </p>
  ) : null;
  const errorLine = error ? (
    <p className="field-error" id={errorId}>
      {field.title}: {error}
    </p>
  ) : null;
  const text = typeof value === 'string' ? value : '';
  const set = (v: FormValue) => ctx.onChange(field.path, v);
  const common = {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': field.required ? true : undefined,
  } as const;
  const className = `field${field.sensitive ? ' sensitive' : ''}${error ? ' has-error' : ''}`;

  if (field.type === 'group') {
    const group = (typeof value === 'object' && !Array.isArray(value) ? value : {}) as FormValues;
    return (
      <fieldset className={`group${field.sensitive ? ' sensitive above-tearline' : ''}${error ? ' has-error' : ''}`} data-field-path={field.path} aria-describedby={describedBy}>
        <legend>
          <Label field={field} />
          {field.sensitive ? <span className="tag sensitive-tag">Above the tearline</span> : null}
        </legend>
        {help}
        {field.sensitive ? (
          <p className="note">Kept on this workstation: masked on screen, never searched, and left out of exports unless you include it explicitly.</p>
        ) : null}
        {errorLine}
        {(field.fields ?? []).map((f) => (
          <FieldInput key={f.path} field={f} value={group[nameOf(f)]} ctx={ctx} />
        ))}
      </fieldset>
    );
  }

  if (field.type === 'boolean' || (field.type === 'choice' && (field.options?.length ?? 0) <= RADIO_LIMIT)) {
    const options =
      field.type === 'boolean'
        ? [
            { value: 'yes', label: 'Yes' },
            { value: 'no', label: 'No' },
          ]
        : (field.options ?? []).map((o) => ({ value: o.value, label: o.label, text: o.text }));
    return (
      <fieldset className={`${className} radios`} data-field-path={field.path} aria-describedby={describedBy}>
        <legend>
          <Label field={field} />
        </legend>
        {help}
        {options.map((o, i) => {
          const oid = i === 0 ? id : `${id}-${i}`;
          const detail = 'text' in o ? o.text : undefined;
          return (
            <div key={o.value} className="choice">
              <input
                type="radio"
                id={oid}
                name={id}
                value={o.value}
                checked={text === o.value}
                onChange={() => set(o.value)}
                aria-invalid={error ? true : undefined}
              />
              <label htmlFor={oid}>
                {o.label}
                {detail && detail !== o.label ? <span className="option-text">{detail}</span> : null}
              </label>
            </div>
          );
        })}
        {!field.required && text !== '' ? (
          <button type="button" className="link-button" onClick={() => set('')}>
            Clear {field.title.toLowerCase()}
          </button>
        ) : null}
        {errorLine}
      </fieldset>
    );
  }

  if (field.type === 'choices') {
    const list = Array.isArray(value) ? value : [];
    return (
      <fieldset className={`${className} checkboxes`} data-field-path={field.path} aria-describedby={describedBy}>
        <legend>
          <Label field={field} />
        </legend>
        {help}
        {(field.options ?? []).map((o, i) => {
          const oid = i === 0 ? id : `${id}-${i}`;
          return (
            <div key={o.value} className="choice">
              <input
                type="checkbox"
                id={oid}
                value={o.value}
                checked={list.includes(o.value)}
                onChange={(e) => set(e.target.checked ? [...list, o.value] : list.filter((v) => v !== o.value))}
                aria-invalid={error ? true : undefined}
              />
              <label htmlFor={oid}>
                <strong>{o.label}</strong>
                {o.text ? <span className="option-text">{o.text}</span> : null}
              </label>
            </div>
          );
        })}
        {errorLine}
      </fieldset>
    );
  }

  let input: React.ReactNode;
  switch (field.type) {
    case 'choice':
      input = (
        <select {...common} value={text} onChange={(e) => set(e.target.value)}>
          <option value="">Choose…</option>
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'entry-id': {
      const choices = ctx.entryChoices?.[field.path];
      input = choices ? (
        <select {...common} value={text} onChange={(e) => set(e.target.value)}>
          <option value="">{choices.length === 0 ? 'Nothing to choose from' : 'Choose…'}</option>
          {choices.map((c) => (
            <option key={c.value} value={c.value}>
              {c.label}
            </option>
          ))}
        </select>
      ) : (
        <input {...common} type="text" className="mono" spellCheck={false} value={text} onChange={(e) => set(e.target.value)} />
      );
      break;
    }
    case 'text':
      input = <textarea {...common} rows={4} value={text} onChange={(e) => set(e.target.value)} />;
      break;
    case 'list':
      input = <textarea {...common} rows={3} value={text} onChange={(e) => set(e.target.value)} placeholder="One per line" />;
      break;
    case 'number':
      input = <input {...common} type="text" inputMode="numeric" className="short" value={text} onChange={(e) => set(e.target.value)} />;
      break;
    case 'date':
      input = <input {...common} type="date" className="short" value={text} onChange={(e) => set(e.target.value)} />;
      break;
    case 'datetime':
      input = <input {...common} type="datetime-local" className="short" value={text} onChange={(e) => set(e.target.value)} />;
      break;
    case 'hash':
      input = <input {...common} type="text" className="mono" spellCheck={false} value={text} onChange={(e) => set(e.target.value)} />;
      break;
    default:
      input = <input {...common} type="text" value={text} onChange={(e) => set(e.target.value)} />;
  }
  return (
    <div className={className} data-field-path={field.path}>
      <Label field={field} htmlFor={id} />
      {help}
      {field.type === 'datetime' ? <p className="help">In this workstation’s time zone; it is recorded with the offset.</p> : null}
      {input}
      {errorLine}
    </div>
  );
}
