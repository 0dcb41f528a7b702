/**
 * The state of an entry form, and its translation to and from an entry body. Forms are
 * built from the domain's field descriptions (`describeFields`), and what they produce is
 * checked by the domain's own validator (`bodyProblems`), so that the form refuses exactly
 * what the core would refuse and names the field at fault in the officer's words.
 *
 * Inputs hold text; the translation is where text becomes the body's types: "yes"/"no" to
 * booleans, digits to numbers, one line per item to lists, a local date and time to ISO
 * 8601 with the offset. An empty optional input leaves its field out.
 */
import { bodyProblems, type FieldInfo, type FieldProblem } from '../../../shared/domain';
import { isoToLocalInput, localInputToIso } from '../lib/format';

export type FormValue = string | string[] | FormValues;
export interface FormValues {
  [name: string]: FormValue;
}

/** Fields that are set by the context (the case), never typed. */
export const CONTEXT_FIELDS = new Set(['caseId']);

function leafDefault(field: FieldInfo): FormValue {
  if (field.type === 'group') return emptyValues(field.fields ?? []);
  if (field.type === 'choices') return [];
  return '';
}

/** Values for an empty form. */
export function emptyValues(fields: readonly FieldInfo[]): FormValues {
  const out: FormValues = {};
  for (const f of fields) out[nameOf(f)] = leafDefault(f);
  return out;
}

/** A field's own name (the last segment of its path). */
export function nameOf(field: FieldInfo): string {
  const i = field.path.lastIndexOf('.');
  return i < 0 ? field.path : field.path.slice(i + 1);
}

function isBlank(value: FormValue | undefined): boolean {
  if (value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  return Object.values(value).every(isBlank);
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** One field's value as the body holds it; undefined to leave the field out. */
export function fieldToBody(field: FieldInfo, value: FormValue | undefined): unknown {
  switch (field.type) {
    case 'group': {
      const group = (typeof value === 'object' && !Array.isArray(value) ? value : {}) as FormValues;
      if (!field.required && isBlank(group)) return undefined;
      return valuesToBody(field.fields ?? [], group);
    }
    case 'choices': {
      const list = Array.isArray(value) ? value : [];
      // A required list is sent even when empty, so that the schema says what it needs.
      if (list.length === 0) return field.required ? [] : undefined;
      return [...list];
    }
    case 'list': {
      const items = typeof value === 'string' ? lines(value) : Array.isArray(value) ? value : [];
      if (items.length === 0) return field.required ? [] : undefined;
      return items;
    }
    case 'map':
      return undefined;
    default:
      break;
  }
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  switch (field.type) {
    case 'boolean':
      return text === 'yes' ? true : text === 'no' ? false : text;
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
    case 'datetime':
      return localInputToIso(text);
    case 'hash':
      return text.toLowerCase();
    case 'text':
      // Paragraphs keep their inner line breaks; only the ends are trimmed.
      return value.replace(/^\s*\n/, '').trimEnd();
    default:
      return text;
  }
}

/** The body the form's values describe (fixed context fields are added by the caller). */
export function valuesToBody(fields: readonly FieldInfo[], values: FormValues): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of fields) {
    const v = fieldToBody(field, values[nameOf(field)]);
    if (v !== undefined) body[nameOf(field)] = v;
  }
  return body;
}

/** One body value as a form input holds it. */
export function bodyToField(field: FieldInfo, value: unknown): FormValue {
  if (value === undefined || value === null) return leafDefault(field);
  switch (field.type) {
    case 'group':
      return bodyToValues(field.fields ?? [], typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
    case 'choices':
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    case 'list':
      return Array.isArray(value) ? value.map(String).join('\n') : String(value);
    case 'boolean':
      return value === true ? 'yes' : value === false ? 'no' : '';
    case 'datetime':
      return typeof value === 'string' ? isoToLocalInput(value) || value : '';
    case 'map':
      return '';
    default:
      return typeof value === 'string' ? value : JSON.stringify(value);
  }
}

/** Form values holding a body's fields (to amend an entry, or to start from an example). */
export function bodyToValues(fields: readonly FieldInfo[], body: Readonly<Record<string, unknown>>): FormValues {
  const out: FormValues = {};
  for (const f of fields) out[nameOf(f)] = bodyToField(f, body[nameOf(f)]);
  return out;
}

/** The value at a dot path of the values. */
export function getAt(values: FormValues, path: string): FormValue | undefined {
  let current: FormValue | undefined = values;
  for (const seg of path.split('.')) {
    if (current === undefined || typeof current === 'string' || Array.isArray(current)) return undefined;
    current = current[seg];
  }
  return current;
}

/** A copy of the values with the value at a dot path replaced. */
export function setAt(values: FormValues, path: string, value: FormValue): FormValues {
  const [head, ...rest] = path.split('.');
  const key = head!;
  if (rest.length === 0) return { ...values, [key]: value };
  const child = values[key];
  const inner: FormValues = typeof child === 'object' && !Array.isArray(child) ? child : {};
  return { ...values, [key]: setAt(inner, rest.join('.'), value) };
}

/** Every field of a tree, depth first, groups included. */
export function flattenFields(fields: readonly FieldInfo[]): FieldInfo[] {
  const out: FieldInfo[] = [];
  for (const f of fields) {
    out.push(f);
    if (f.fields) out.push(...flattenFields(f.fields));
  }
  return out;
}

/**
 * The field a problem belongs to: the deepest described field on its path, so that
 * `reasons.1` lands on the reasons and `intendedVictim.usPerson` on its own input.
 */
export function fieldForProblem(fields: readonly FieldInfo[], at: string): FieldInfo | undefined {
  if (!at) return undefined;
  const segments = at.split('.');
  let level: readonly FieldInfo[] | undefined = fields;
  let found: FieldInfo | undefined;
  for (const seg of segments) {
    const next: FieldInfo | undefined = level?.find((f) => nameOf(f) === seg);
    if (!next) break;
    found = next;
    level = next.fields;
  }
  return found;
}

/** "Intended victim › U.S. person". */
export function fieldTitle(fields: readonly FieldInfo[], path: string): string {
  const parts: string[] = [];
  let level: readonly FieldInfo[] | undefined = fields;
  for (const seg of path.split('.')) {
    const f: FieldInfo | undefined = level?.find((x) => nameOf(x) === seg);
    if (!f) break;
    parts.push(f.title);
    level = f.fields;
  }
  return parts.join(' › ');
}

export interface PlacedProblem {
  /** The path of the field it is shown at, or '' for the form as a whole. */
  path: string;
  /** The field's title, or '' for the form as a whole. */
  title: string;
  message: string;
  /** "Justification: required": the line for the summary at the top of the form. */
  line: string;
}

/** Problems placed on the form's fields, in the domain validator's order. */
export function placeProblems(fields: readonly FieldInfo[], problems: readonly FieldProblem[]): PlacedProblem[] {
  return problems.map((p) => {
    const field = fieldForProblem(fields, p.at);
    if (!field) return { path: '', title: '', message: p.message, line: p.at ? `${p.at}: ${p.message}` : p.message };
    const title = fieldTitle(fields, field.path);
    // An item of a list is named by its position, which the officer can count.
    const rest = p.at.slice(field.path.length).replace(/^\./, '');
    const item = /^\d+$/.test(rest.split('.')[0] ?? '') ? ` (item ${Number(rest.split('.')[0]) + 1})` : '';
    return { path: field.path, title, message: p.message, line: `${title}${item}: ${p.message}` };
  });
}

/** The first message for each field path. */
export function errorsByPath(placed: readonly PlacedProblem[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of placed) if (p.path && out[p.path] === undefined) out[p.path] = p.message;
  return out;
}

export interface CheckedForm {
  body: Record<string, unknown>;
  problems: PlacedProblem[];
}

/**
 * The body a form describes, with every problem the domain finds in it. `fixed` holds the
 * fields the context sets (caseId); `extra` is merged last (fields a screen sets itself).
 */
export function checkForm(kind: string, fields: readonly FieldInfo[], values: FormValues, fixed: Record<string, unknown> = {}): CheckedForm {
  const body = { ...valuesToBody(fields, values), ...fixed };
  return { body, problems: placeProblems(fields, bodyProblems(kind, body)) };
}
