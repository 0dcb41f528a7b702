import { describeFields, isEntryKind, type FieldInfo } from '../../../shared/domain';
import { formatDateTime } from '../lib/format';
import { Masked } from './Masked';

/** A body value in words: labels for codes, Yes/No, lists, groups, local times. */
export function FieldValue({ field, value }: { field: FieldInfo; value: unknown }) {
  if (value === undefined || value === null) return <span className="muted">—</span>;
  switch (field.type) {
    case 'boolean':
      return <span>{value === true ? 'Yes' : value === false ? 'No' : String(value)}</span>;
    case 'choice': {
      const option = field.options?.find((o) => o.value === value);
      return <span>{option ? option.label : String(value)}</span>;
    }
    case 'choices': {
      const list = Array.isArray(value) ? value : [value];
      return (
        <ul className="value-list">
          {list.map((v) => {
            const option = field.options?.find((o) => o.value === v);
            return (
              <li key={String(v)}>
                <strong>{option?.label ?? String(v)}</strong>
                {option?.text ? <span className="option-text"> — {option.text}</span> : null}
              </li>
            );
          })}
        </ul>
      );
    }
    case 'list':
      return Array.isArray(value) ? (
        <ul className="value-list">
          {value.map((v, i) => (
            <li key={i}>{String(v)}</li>
          ))}
        </ul>
      ) : (
        <span>{String(value)}</span>
      );
    case 'datetime':
      return <time dateTime={String(value)}>{formatDateTime(String(value))}</time>;
    case 'group': {
      const obj = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
      return (
        <dl className="fields nested">
          {(field.fields ?? [])
            .filter((f) => obj[lastName(f.path)] !== undefined)
            .map((f) => (
              <div key={f.path} className="field-row">
                <dt>{f.title}</dt>
                <dd>
                  <FieldValue field={f} value={obj[lastName(f.path)]} />
                </dd>
              </div>
            ))}
        </dl>
      );
    }
    case 'text':
      return <span className="pre">{String(value)}</span>;
    case 'map':
      return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
    default:
      return <span className="break">{typeof value === 'string' ? value : JSON.stringify(value)}</span>;
  }
}

export function lastName(path: string): string {
  const i = path.lastIndexOf('.');
  return i < 0 ? path : path.slice(i + 1);
}

interface RecordFieldsProps {
  kind: string;
  body: Readonly<Record<string, unknown>>;
  withheld?: readonly string[];
  amendedFields?: readonly string[];
  /** Fields not to show (caseId, which the page already says). */
  hide?: readonly string[];
}

/** Every field of an entry, sensitive ones masked until revealed, withheld ones said to be. */
export function RecordFields({ kind, body, withheld = [], amendedFields = [], hide = ['caseId'] }: RecordFieldsProps) {
  if (!isEntryKind(kind)) return null;
  const fields = describeFields(kind).filter((f) => !hide.includes(f.path));
  const shown = fields.filter((f) => body[f.path] !== undefined || withheld.includes(f.path));
  if (shown.length === 0) return <p className="muted">No fields.</p>;
  return (
    <dl className="fields">
      {shown.map((f) => (
        <div key={f.path} className={`field-row${f.sensitive ? ' sensitive' : ''}`}>
          <dt>
            {f.title}
            {f.sensitive ? <span className="tag sensitive-tag">Sensitive</span> : null}
            {amendedFields.includes(f.path) ? <span className="tag">Amended</span> : null}
          </dt>
          <dd>
            {withheld.includes(f.path) ? (
              <span className="withheld">Withheld by the sender (it verifies, but its value was not sent)</span>
            ) : f.sensitive ? (
              <Masked what={f.title}>
                <FieldValue field={f} value={body[f.path]} />
              </Masked>
            ) : (
              <FieldValue field={f} value={body[f.path]} />
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
