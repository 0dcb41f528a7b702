/**
 * Building blocks for the body schemas. Every field carries a title and a description
 * written for officers (the UI shows them as help text, `tearline schema` prints them), and
 * a hint of the input it needs, kept out of the JSON Schema in a side table.
 *
 * No field has a default and no field transforms its input: the body that is validated is
 * the body that is committed and signed, byte for byte.
 */
import { z } from 'zod';
import { itemLabel, type Policy, type PolicyItem, type PolicyList } from './policy';

export type FieldType =
  | 'text'
  | 'line'
  | 'number'
  | 'boolean'
  | 'choice'
  | 'choices'
  | 'date'
  | 'datetime'
  | 'entry-id'
  | 'hash'
  | 'group'
  | 'list'
  | 'map';

export interface ChoiceOption {
  value: string;
  label: string;
  /** The full wording, where the policy gives one (waiver reasons). */
  text?: string;
}

export interface FieldHint {
  type: FieldType;
  options?: ChoiceOption[];
  /** The options come from the policy (and so are listed in the JSON Schema's description). */
  fromPolicy?: boolean;
}

const hints = new WeakMap<object, FieldHint>();

function hinted<T extends z.ZodType>(schema: T, hint: FieldHint): T {
  hints.set(schema, hint);
  return schema;
}

export function hintOf(schema: object): FieldHint | undefined {
  return hints.get(schema);
}

export interface FieldOptions {
  optional?: boolean;
  /** Withheld from search and masked in the UI; an export leaves it out unless asked. */
  sensitive?: boolean;
}

/** Attaches the officer-facing title and description (and the input hint) to a field. */
export function field<T extends z.ZodType>(title: string, description: string, base: T): T;
export function field<T extends z.ZodType>(
  title: string,
  description: string,
  base: T,
  options: FieldOptions & { optional: true },
): z.ZodOptional<T>;
export function field<T extends z.ZodType>(title: string, description: string, base: T, options: FieldOptions): T;
export function field(title: string, description: string, base: z.ZodType, options: FieldOptions = {}): z.ZodType {
  const wrapped = options.optional ? base.optional() : base;
  const meta = options.sensitive ? { title, description, sensitive: true } : { title, description };
  const final = wrapped.meta(meta);
  const hint = hints.get(base);
  if (hint) hints.set(final, hint);
  return final;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const NOT_BLANK = /\S/;

/** A schema-level message that still says "required" when the field is missing. */
function orRequired(message: string) {
  return (iss: { input?: unknown }) => (iss.input === undefined ? 'required' : message);
}

/** Free text, possibly several paragraphs. */
export function text(max = 20_000) {
  return hinted(
    z.string().max(max, { error: `must be at most ${max} characters` }).regex(NOT_BLANK, { error: 'must not be blank' }),
    { type: 'text' },
  );
}

/** One line: a name, a reference, a short label. */
export function line(max = 200) {
  return hinted(
    z
      .string()
      .max(max, { error: `must be at most ${max} characters` })
      .regex(NOT_BLANK, { error: 'must not be blank' })
      .regex(/^[^\r\n]*$/, { error: 'must be one line' }),
    { type: 'line' },
  );
}

export function entryId() {
  return hinted(
    z.string().regex(UUID_RE, { error: 'expected an entry id: a lowercase UUID such as 0190a5c2-7b1e-7d3a-9f00-2c4b6d8e0a1f' }),
    { type: 'entry-id' },
  );
}

export function isoDate() {
  return hinted(z.iso.date({ error: orRequired('expected a date as YYYY-MM-DD, e.g. 2025-03-31') }), { type: 'date' });
}

export function isoDateTime() {
  return hinted(
    z.iso.datetime({ offset: true, error: orRequired('expected a date and time with its time zone, e.g. 2025-03-01T14:30:00Z') }),
    { type: 'datetime' },
  );
}

export function sha256Hex() {
  return hinted(z.string().regex(/^[0-9a-f]{64}$/, { error: 'expected 64 lowercase hexadecimal digits' }), { type: 'hash' });
}

export function bool() {
  return hinted(z.boolean(), { type: 'boolean' });
}

export function integer(min: number, max: number) {
  return hinted(
    z
      .int({ error: orRequired('expected a whole number') })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` }),
    { type: 'number' },
  );
}

export function group<S extends z.ZodRawShape>(shape: S) {
  return hinted(z.strictObject(shape), { type: 'group' });
}

export function list<T extends z.ZodType>(item: T, min: number, max: number, emptyMessage = 'needs at least one item') {
  const itemHint = hints.get(item);
  const hint: FieldHint =
    itemHint?.type === 'choice' && itemHint.options ? { ...itemHint, type: 'choices' } : { type: 'list' };
  return hinted(
    z
      .array(item)
      .min(min, { error: min === 1 ? emptyMessage : `needs at least ${min} items` })
      .max(max, { error: `may hold at most ${max} items` }),
    hint,
  );
}

/** A fixed choice that is not policy (warn or waive, approved or rejected). */
export function choice<const T extends readonly [string, ...string[]]>(values: T, labels: Record<T[number], string>) {
  return hinted(
    z.enum(values, {
      error: (iss) => (iss.input === undefined ? 'required' : `"${String(iss.input)}" is not one of: ${values.join(', ')}`),
    }),
    { type: 'choice', options: values.map((v: T[number]) => ({ value: v, label: labels[v] })) },
  );
}

const LIST_NOUN: Record<PolicyList, string> = {
  waiverReasons: 'waiver reason',
  threatTypes: 'threat type',
  targetKinds: 'target kind',
  usPerson: 'U.S. person value',
  deliveryChannels: 'delivery channel',
  tlpMarkings: 'marking',
  closureReasons: 'closure reason',
};

/**
 * A code from one of the policy's lists. The allowed values come from the policy object
 * passed in, never from a constant, so that another policy accepts other codes.
 */
export function policyCode(policy: Policy, list: PolicyList) {
  const items = policy[list] as readonly PolicyItem[];
  const codes = items.map((x) => x.code) as [string, ...string[]];
  const noun = LIST_NOUN[list];
  return hinted(
    z.enum(codes, {
      error: (iss) =>
        iss.input === undefined
          ? 'required'
          : `"${String(iss.input)}" is not a ${noun} of policy ${policy.id} (expected one of: ${codes.join(', ')})`,
    }),
    {
      type: 'choice',
      options: items.map((x) => (x.text === undefined ? { value: x.code, label: itemLabel(x) } : { value: x.code, label: itemLabel(x), text: x.text })),
      fromPolicy: true,
    },
  );
}

/** Appends the allowed codes and their meaning to a description, for `tearline schema`. */
export function withCodes(description: string, options: readonly ChoiceOption[]): string {
  return `${description} Codes: ${options.map((x) => `${x.value}: ${x.text ?? x.label}`).join(' | ')}`;
}

/** Field names in a change map: the top-level field names of a body. */
export function fieldMap(valueSchema: z.ZodType) {
  return hinted(
    z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/, { error: 'expected a field name' }), valueSchema),
    { type: 'map' },
  );
}
