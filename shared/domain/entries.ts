/**
 * One runtime schema per entry kind, shared by the core, the IPC layer, the command line and
 * the UI. The schemas are built from a policy (the codes it lists are what a body may use)
 * and memoised per policy object.
 */
import { z } from 'zod';
import { canonicalJson, hasMoreJsonItemsThan, MAX_JSON_DEPTH, MAX_JSON_ITEMS, nestsDeeperThan } from '../canonical-json';
import { TearlineError } from '../errors';
import { caseBodyDefs, isRecord, type KindDef } from './case-bodies';
import { hintOf, withCodes, type ChoiceOption, type FieldType } from './fields';
import {
  assertEntryKind,
  ENTRY_KINDS,
  isSystemKind,
  isUserKind,
  KIND_INFO,
  type EntryKind,
  type UserEntryKind,
} from './kinds';
import { DEFAULT_POLICY, type Policy } from './policy';
import { genericMessage, problemLine, toProblems, type FieldProblem } from './problems';
import { systemBodyDefs } from './system-bodies';

type CaseDefs = ReturnType<typeof caseBodyDefs>;
type SystemDefs = ReturnType<typeof systemBodyDefs>;
type Defs = CaseDefs & SystemDefs;

/** The zod schema of each kind's body, cross-field rules included. */
export type BodySchemas = { readonly [K in EntryKind]: Defs[K]['object'] };

/** The body of an entry of kind K, as validated. */
export type EntryBody<K extends EntryKind = EntryKind> = z.output<Defs[K]['object']>;


interface Compiled {
  defs: Defs;
  schemas: BodySchemas;
  redacted: Map<string, z.ZodObject>;
  json: Map<EntryKind, Record<string, unknown>>;
}

const NOTHING_WITHHELD: ReadonlySet<string> = new Set();
let systemDefs: SystemDefs | undefined;
const compiledByPolicy = new WeakMap<Policy, Compiled>();

function compiled(policy: Policy): Compiled {
  let c = compiledByPolicy.get(policy);
  if (!c) {
    systemDefs ??= systemBodyDefs();
    const defs: Defs = { ...caseBodyDefs(policy), ...systemDefs };
    const schemas = {} as Record<EntryKind, z.ZodObject>;
    for (const kind of ENTRY_KINDS) schemas[kind] = withChecks(defs[kind]);
    c = { defs, schemas: schemas as unknown as BodySchemas, redacted: new Map(), json: new Map() };
    compiledByPolicy.set(policy, c);
  }
  return c;
}

function withChecks(d: KindDef): z.ZodObject {
  const check = d.check;
  if (!check) return d.object;
  return d.object.superRefine((body, ctx) =>
    check(body, (path, message) => ctx.addIssue({ code: 'custom', path, message }), NOTHING_WITHHELD),
  );
}

/** The schemas of every kind under a policy. The same object is returned for the same policy. */
export function bodySchemas(policy: Policy = DEFAULT_POLICY): BodySchemas {
  return compiled(policy).schemas;
}

export interface ValidateOptions {
  /**
   * Top-level fields withheld from a redacted (imported) entry: they must be absent, and
   * every other field must be valid.
   */
  withheld?: readonly string[];
}

/**
 * Every problem with a body, in an order fit for display (unknown fields first, then the
 * fields in schema order, then rules across fields). Empty when the body is valid.
 */
export function bodyProblems(kind: string, body: unknown, policy: Policy = DEFAULT_POLICY, options: ValidateOptions = {}): FieldProblem[] {
  const k = assertEntryKind(kind);
  const c = compiled(policy);
  const d: KindDef = c.defs[k];
  if (!isRecord(body)) return [{ at: '', message: `expected an object (a group of fields), got ${body === null ? 'null' : Array.isArray(body) ? 'a list' : typeof body}` }];

  // Each field's value is committed and carried as canonical JSON, which has a depth
  // limit and a limit on its number of values (a bundle could not carry it otherwise).
  for (const name of Object.keys(body)) {
    if (nestsDeeperThan(body[name])) return [{ at: name, message: `nests lists and groups more than ${MAX_JSON_DEPTH} levels deep` }];
    if (hasMoreJsonItemsThan(body[name])) return [{ at: name, message: `holds more than ${MAX_JSON_ITEMS} values` }];
  }

  const withheld = new Set(options.withheld ?? []);
  const problems: FieldProblem[] = [];
  let object = d.object;
  if (withheld.size > 0) {
    for (const name of withheld) {
      if (!(name in d.object.shape)) problems.push({ at: name, message: `is withheld but is not a field of ${k}` });
      else if (name in body) problems.push({ at: name, message: 'is marked withheld but is present' });
    }
    if (problems.length > 0) return problems;
    object = redactedObject(c, k, d.object, withheld);
  }

  // The error map only words the issues of a failed parse, yet passing it doubles the cost
  // of every parse (zod's compiled object parser is slower with it): a valid body, which
  // is nearly every body appended, is parsed once without it, and an invalid one again with it.
  const plain = object.safeParse(body);
  const result = plain.success ? plain : object.safeParse(body, { error: genericMessage });
  if (!result.success) return toProblems(result.error.issues, (path) => objectAt(d.object, path));
  d.check?.(result.data, (path, message) => problems.push({ at: path.join('.'), message }), withheld);
  return problems;
}

function redactedObject(c: Compiled, kind: EntryKind, object: z.ZodObject, withheld: ReadonlySet<string>): z.ZodObject {
  const key = kind + '\u0000' + [...withheld].sort().join('\u0000');
  let schema = c.redacted.get(key);
  if (!schema) {
    const mask: Record<string, true> = {};
    for (const name of withheld) mask[name] = true;
    schema = object.omit(mask as never) as z.ZodObject;
    c.redacted.set(key, schema);
  }
  return schema;
}

/**
 * Returns the body if it is valid for its kind under the policy; otherwise throws
 * E_INVALID_ENTRY with a one-line message naming the kind and the first field at fault
 * (`waiver.approvedBy: required (and 1 more problem)`), and that field's path in `at`.
 */
export function validateBody<K extends EntryKind>(kind: K, body: unknown, policy?: Policy, options?: ValidateOptions): EntryBody<K>;
export function validateBody(kind: string, body: unknown, policy?: Policy, options?: ValidateOptions): EntryBody;
export function validateBody(kind: string, body: unknown, policy: Policy = DEFAULT_POLICY, options: ValidateOptions = {}): EntryBody {
  const problems = bodyProblems(kind, body, policy, options);
  if (problems.length > 0) {
    throw new TearlineError('E_INVALID_ENTRY', problemLine(kind, problems), { at: problems[0]!.at });
  }
  // The parse neither adds nor transforms anything, so the checked body is the body given.
  return body as EntryBody;
}

/** The JSON Schema (draft 2020-12) of a kind's body, with every field's title and description. */
export function jsonSchemaFor(kind: string, policy: Policy = DEFAULT_POLICY): Record<string, unknown> {
  const k = assertEntryKind(kind);
  const c = compiled(policy);
  let schema = c.json.get(k);
  if (!schema) {
    const generated = z.toJSONSchema(c.defs[k].object, {
      io: 'input',
      unrepresentable: 'any',
      // A choice's description also lists its codes with their meaning: someone writing a
      // body by hand from `tearline schema` sees what each code stands for.
      override: ({ zodSchema, jsonSchema }) => {
        const hint = hintOf(zodSchema);
        const options = hint?.fromPolicy ? hint.options : undefined;
        if (options && typeof jsonSchema.description === 'string') jsonSchema.description = withCodes(jsonSchema.description, options);
      },
    }) as Record<string, unknown>;
    schema = deepFreeze({
      ...generated,
      $id: `urn:tearline:entry:${k}:${policy.id}`,
      title: KIND_INFO[k].title,
      description: KIND_INFO[k].description,
      'x-tearline-kind': k,
      'x-tearline-policy': policy.id,
      'x-tearline-system': isSystemKind(k),
    });
    c.json.set(k, schema);
  }
  return schema;
}

const sensitiveCache = new Map<EntryKind, ReadonlySet<string>>();

/** The sensitive top-level fields of a kind, as a shared read-only set (hot paths: search, export). */
export function sensitiveFieldSet(kind: EntryKind): ReadonlySet<string> {
  let fields = sensitiveCache.get(kind);
  if (!fields) {
    const shape = compiled(DEFAULT_POLICY).defs[kind].object.shape as Record<string, z.ZodType>;
    fields = new Set(Object.keys(shape).filter((name) => shape[name]!.meta()?.sensitive === true));
    sensitiveCache.set(kind, fields);
  }
  return fields;
}

/**
 * The top-level fields of a kind that are sensitive: masked on screen, never searched, and
 * withheld from exports unless explicitly included. Sensitivity is a property of the kind,
 * not of the policy.
 */
export function sensitiveFields(kind: string): string[] {
  return [...sensitiveFieldSet(assertEntryKind(kind))];
}

export interface FieldInfo {
  /** The dot path of the field, as in problems' `at`. */
  path: string;
  title: string;
  description: string;
  required: boolean;
  sensitive: boolean;
  type: FieldType;
  /** For a choice (or a list of choices): the allowed codes, with the policy's labels and wording. */
  options?: ChoiceOption[];
  /** The options are the policy's (waiver reasons, channels, markings...). */
  fromPolicy?: boolean;
  /** For a group: its fields. */
  fields?: FieldInfo[];
}

/** The fields of a kind, in form order, for building forms and help text. */
export function describeFields(kind: string, policy: Policy = DEFAULT_POLICY): FieldInfo[] {
  const k = assertEntryKind(kind);
  return describeShape(compiled(policy).defs[k].object, '');
}

function describeShape(object: z.ZodObject, prefix: string): FieldInfo[] {
  return Object.entries(object.shape as Record<string, z.ZodType>).map(([name, schema]) => {
    const required = !(schema instanceof z.ZodOptional);
    const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema;
    const meta = schema.meta() ?? inner.meta() ?? {};
    const hint = hintOf(schema) ?? hintOf(inner);
    const path = prefix + name;
    const info: FieldInfo = {
      path,
      title: typeof meta.title === 'string' ? meta.title : name,
      description: typeof meta.description === 'string' ? meta.description : '',
      required,
      sensitive: meta.sensitive === true,
      type: hint?.type ?? (inner instanceof z.ZodObject ? 'group' : 'text'),
    };
    if (hint?.options) info.options = hint.options;
    if (hint?.fromPolicy) info.fromPolicy = true;
    if (inner instanceof z.ZodObject) info.fields = describeShape(inner, path + '.');
    return info;
  });
}

/** The object schema at a path inside a body schema (for naming the fields it allows). */
function objectAt(root: z.ZodObject, path: readonly PropertyKey[]): z.ZodObject | undefined {
  let current: z.ZodType = root;
  for (const segment of path) {
    if (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(segment)]!;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else return undefined;
    if (!current) return undefined;
  }
  if (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  return current instanceof z.ZodObject ? current : undefined;
}

/** Whether the entry with this header opens case `caseId` (a case's id is its opening's). */
export function opensCase(header: { kind: string; id: string }, caseId: string): boolean {
  return header.kind === 'case.opened' && header.id === caseId;
}

/** The case an entry belongs to: its own id for `case.opened`, the body's `caseId` for the other user kinds, none for system kinds. */
export function caseIdOf(kind: EntryKind, id: string, body: unknown): string | null {
  if (kind === 'case.opened') return id;
  if (isUserKind(kind) && isRecord(body) && typeof body.caseId === 'string') return body.caseId;
  return null;
}

// ---------------------------------------------------------------------------------------
// Amendments

/** Kinds whose entries may be amended. Approvals are acts of a named officer and are superseded by a new approval, never corrected. */
export const AMENDABLE_KINDS: readonly UserEntryKind[] = [
  'case.opened',
  'case.assessed',
  'decision',
  'waiver',
  'delivery',
  'note',
  'follow-up',
  'escalation',
  'resolution',
  'closure',
];

export function isAmendable(kind: string): boolean {
  return (AMENDABLE_KINDS as readonly string[]).includes(kind);
}

/** Fields an amendment may never change: they tie an entry to its case and to what it refers to. */
const FROZEN_FIELDS = new Set(['caseId']);

/**
 * The body with the changes applied: each key replaces the top-level field of the same name,
 * `null` removes it. The input is not modified.
 */
export function applyChanges(body: Readonly<Record<string, unknown>>, changes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

export interface AmendmentTargetOptions {
  /** Fields of the target withheld by redaction (an imported entry). */
  withheld?: readonly string[];
  /** Changes to sensitive fields, kept apart in the amendment's `sensitiveChanges`. */
  sensitiveChanges?: Readonly<Record<string, unknown>>;
}

function refuse(at: string, message: string): never {
  throw new TearlineError('E_INVALID_ENTRY', `amendment${at ? '.' + at : ''}: ${message}`, { at });
}

/**
 * Checks that changes to an entry of `targetKind` leave it valid, and returns the amended
 * body. `targetBody` must be the target's current body (with earlier amendments applied:
 * `findRecord(foldCase(...), id).body`); `changes` is the amendment's `changes` (absent is
 * allowed when `options.sensitiveChanges` carries the change).
 * Refused: amending a system entry, an amendment or an approval; changing `caseId`; putting
 * a sensitive field in `changes` (it belongs in `sensitiveChanges`) or the reverse; a change
 * that changes nothing; any change after which the target would not validate.
 */
export function validateAmendment(
  targetKind: string,
  targetBody: Readonly<Record<string, unknown>>,
  changesGiven: unknown,
  policy: Policy = DEFAULT_POLICY,
  options: AmendmentTargetOptions = {},
): Record<string, unknown> {
  const kind = assertEntryKind(targetKind);
  if (changesGiven !== undefined && !isRecord(changesGiven)) refuse('changes', 'expected an object of field names and new values');
  const changes: Readonly<Record<string, unknown>> = changesGiven ?? {};
  if (isSystemKind(kind)) refuse('target', `a ${kind} entry is written by Tearline itself and cannot be amended`);
  if (kind === 'amendment') refuse('target', 'an amendment cannot be amended: amend the original entry again');
  if (kind === 'approval') refuse('target', 'an approval cannot be amended: record a new approval');

  const sensitiveChanges = options.sensitiveChanges ?? {};
  const shape = compiled(policy).defs[kind].object.shape as Record<string, unknown>;
  const sensitive = sensitiveFieldSet(kind);
  const groups = [
    ['changes', changes],
    ['sensitiveChanges', sensitiveChanges],
  ] as const;
  for (const [group, map] of groups) {
    for (const [field, value] of Object.entries(map)) {
      const at = `${group}.${field}`;
      if (FROZEN_FIELDS.has(field)) refuse(at, 'an entry cannot be moved to another case');
      if (!(field in shape)) refuse(at, `"${field}" is not a field of ${kind}`);
      if (group === 'changes' && sensitive.has(field)) refuse(at, 'is a sensitive field: give its new value in sensitiveChanges');
      if (group === 'sensitiveChanges' && !sensitive.has(field)) refuse(at, 'is not a sensitive field: give its new value in changes');
      if (group === 'sensitiveChanges' && field in changes) refuse(at, 'is also in changes: give each field once');
      const current = targetBody[field];
      if (value === null ? current === undefined : current !== undefined && canonicalJson(current) === canonicalJson(value)) {
        refuse(at, `changes nothing: the ${kind} already has this value`);
      }
    }
  }
  const all = { ...changes, ...sensitiveChanges };
  if (Object.keys(all).length === 0) refuse('changes', 'required: name at least one field to correct');

  const amended = applyChanges(targetBody, all);
  const withheld = (options.withheld ?? []).filter((name) => !(name in all));
  const problems = bodyProblems(kind, amended, policy, { withheld });
  if (problems.length > 0) {
    const first = problems[0]!;
    const top = first.at.split('.')[0] ?? '';
    const group = sensitive.has(top) ? 'sensitiveChanges' : 'changes';
    const at = first.at ? `${group}.${first.at}` : group;
    const more = problems.length - 1;
    throw new TearlineError(
      'E_INVALID_ENTRY',
      `amendment.${at}: ${first.message} (the amended ${kind} would be invalid${more > 0 ? `; ${more} more problem${more > 1 ? 's' : ''}` : ''})`,
      { at },
    );
  }
  return amended;
}

export interface AmendmentTarget {
  id: string;
  kind: EntryKind;
  /** The case the target belongs to (its header's caseId). */
  caseId: string | null;
  /** The target's current body: earlier amendments applied. */
  body: Readonly<Record<string, unknown>>;
  withheld?: readonly string[];
}

/**
 * Everything the core checks before it writes an amendment: the amendment's own body, that
 * it names this target and the target's case, and that the amended target stays valid.
 * Returns the target's body as amended.
 */
export function checkAmendment(amendmentBody: unknown, target: AmendmentTarget, policy: Policy = DEFAULT_POLICY): Record<string, unknown> {
  const body = validateBody('amendment', amendmentBody, policy);
  if (body.target !== target.id) refuse('target', `names ${body.target}, not the entry ${target.id}`);
  if (target.caseId !== body.caseId) refuse('caseId', `the amended entry belongs to case ${target.caseId ?? '(none)'}, not ${body.caseId}`);
  const options: AmendmentTargetOptions = {};
  if (target.withheld) options.withheld = target.withheld;
  if (body.sensitiveChanges) options.sensitiveChanges = body.sensitiveChanges;
  return validateAmendment(target.kind, target.body, body.changes ?? {}, policy, options);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
