/**
 * Verification of one ENTRY record (docs/bundle-format.md, section 8, steps 8 and 9), in
 * the order the format gives: position, leaf and inclusion proof over the raw header
 * bytes, then the header's JSON, then each disclosed field's commitment over its raw value
 * bytes, then the values' JSON, then the body's schema. Nothing is parsed until the bytes
 * it comes from have been tied to the signed root.
 */
import { toHex, utf8 } from '../bytes';
import { TearlineError, type ErrorCode } from '../errors';
import { EntryHeaderSchema, type EntryHeader } from '../entry';
import type { HashFn } from '../merkle';
import { getPolicy, isEntryKind, isSystemKind, refersToCase, validateBody } from '../domain';
import type { RawEntry } from './framing';
import type { InclusionVerifier } from './inclusion';
import { parseCanonical } from './jcs';
import type { Problem } from './verdict';

/** The same domain string as shared/entry/commitments.ts (a test keeps the two equal). */
const FIELD_DOMAIN = utf8('tearline/field/v1\u0000');

export interface CheckedEntry {
  index: number;
  leaf: Uint8Array;
  header: EntryHeader;
  /** The disclosed fields, parsed. */
  body: Record<string, unknown>;
  /** Field name → the salt of its commitment, for the disclosed fields (views into the bundle). */
  salts: Record<string, Uint8Array>;
  /** Fields named in the header and not disclosed, in header order (sorted). */
  withheld: string[];
}

export interface EntryCheckContext {
  hash: HashFn;
  size: number;
  inclusion: InclusionVerifier;
  /** The index of the previous entry of the bundle, or -1. */
  previousIndex: number;
}

const nameBytesCache = new Map<string, Uint8Array>();

function nameBytesOf(name: string): Uint8Array {
  let bytes = nameBytesCache.get(name);
  if (!bytes) {
    bytes = utf8(name);
    if (nameBytesCache.size < 1024) nameBytesCache.set(name, bytes);
  }
  return bytes;
}

/** The commitment of a field over the value's bytes as they stand in the bundle. */
export function commitRawField(hash: HashFn, name: string, salt: Uint8Array, valueBytes: Uint8Array): Uint8Array {
  // One buffer and no intermediate copies: this runs for every disclosed field.
  const nameBytes = nameBytesOf(name);
  const input = new Uint8Array(FIELD_DOMAIN.length + salt.length + 4 + nameBytes.length + valueBytes.length);
  let at = 0;
  input.set(FIELD_DOMAIN, at);
  at += FIELD_DOMAIN.length;
  input.set(salt, at);
  at += salt.length;
  input[at++] = (nameBytes.length >>> 24) & 255;
  input[at++] = (nameBytes.length >>> 16) & 255;
  input[at++] = (nameBytes.length >>> 8) & 255;
  input[at++] = nameBytes.length & 255;
  input.set(nameBytes, at);
  at += nameBytes.length;
  input.set(valueBytes, at);
  return hash(input);
}

export function rawLeafHash(hash: HashFn, headerBytes: Uint8Array): Uint8Array {
  const input = new Uint8Array(headerBytes.length + 1);
  input.set(headerBytes, 1);
  return hash(input);
}

/**
 * Checks one entry. Returns the entry when every check holds, and the problems found
 * (the first failing step ends the checks of this entry: later steps would read what an
 * earlier one could not vouch for).
 */
export function checkEntry(raw: RawEntry, ctx: EntryCheckContext): { entry?: CheckedEntry; problems: Problem[] } {
  const where = `entry #${raw.index}`;
  const fail = (code: ErrorCode, message: string, at: string = `entry ${raw.index}`): { problems: Problem[] } => ({
    problems: [{ code, message: `${where}: ${message}`, at }],
  });

  if (raw.index <= ctx.previousIndex) return fail('E_MALFORMED', `indexes must be strictly increasing (after #${ctx.previousIndex})`);
  if (raw.index >= ctx.size) return fail('E_MALFORMED', `index is not below the checkpoint size ${ctx.size}`);

  const leaf = rawLeafHash(ctx.hash, raw.header);
  if (!ctx.inclusion.verify(raw.index, leaf, raw.proof)) {
    return fail('E_BAD_PROOF', 'the inclusion proof does not lead to the signed root');
  }

  const parsedHeader = parseCanonical(raw.header);
  if (!parsedHeader) return fail('E_INVALID_ENTRY', 'the header is not canonical UTF-8 JSON');
  const headerResult = EntryHeaderSchema.safeParse(parsedHeader.value);
  if (!headerResult.success) {
    const issue = headerResult.error.issues[0]!;
    return fail('E_INVALID_ENTRY', `header.${issue.path.join('.')}: ${issue.message}`);
  }
  // The parsed object itself (validated, and in canonical key order) rather than zod's
  // copy in schema order: it is written again as canonical JSON when it is stored.
  const header = parsedHeader.value as EntryHeader;
  if (!isEntryKind(header.kind)) return fail('E_INVALID_ENTRY', `unknown entry kind "${header.kind}"`);

  let previousName = '';
  for (const f of raw.fields) {
    if (f.name <= previousName) return fail('E_MALFORMED', `field ${f.name} is out of order or repeated`);
    previousName = f.name;
    if (!Object.prototype.hasOwnProperty.call(header.fields, f.name)) {
      return fail('E_MALFORMED', `field ${f.name} is not committed in the header`);
    }
  }
  for (const f of raw.fields) {
    if (toHex(commitRawField(ctx.hash, f.name, f.salt, f.value)) !== header.fields[f.name]) {
      return fail('E_BAD_PROOF', `field ${f.name} does not match its commitment`, `entry ${raw.index}.${f.name}`);
    }
  }

  const body: Record<string, unknown> = {};
  const salts: Record<string, Uint8Array> = {};
  for (const f of raw.fields) {
    const parsed = parseCanonical(f.value);
    if (!parsed) return fail('E_INVALID_ENTRY', `field ${f.name} is not canonical UTF-8 JSON`, `entry ${raw.index}.${f.name}`);
    body[f.name] = parsed.value;
    salts[f.name] = f.salt;
  }
  const disclosed = new Set(raw.fields.map((f) => f.name));
  const withheld = Object.keys(header.fields)
    .filter((name) => !disclosed.has(name))
    .sort();

  try {
    validateBody(header.kind, body, getPolicy(header.policy), { withheld });
  } catch (error) {
    if (error instanceof TearlineError) {
      return fail('E_INVALID_ENTRY', `${header.id}: ${error.message}`, `entry ${raw.index}${error.at ? '.' + error.at : ''}`);
    }
    throw error;
  }
  const caseProblem = caseIdProblem(header, body, withheld);
  if (caseProblem) return fail('E_INVALID_ENTRY', `${header.id}: ${caseProblem}`);

  return { entry: { index: raw.index, leaf, header, body, salts, withheld }, problems: [] };
}

function caseIdProblem(header: EntryHeader, body: Record<string, unknown>, withheld: readonly string[]): string | undefined {
  const kind = header.kind;
  if (kind === 'case.opened') return header.caseId === header.id ? undefined : 'header.caseId must be the entry’s own id';
  if (isSystemKind(kind)) return header.caseId === null ? undefined : 'header.caseId must be null for a system entry';
  if (isEntryKind(kind) && refersToCase(kind)) {
    if (header.caseId === null) return 'header.caseId is missing';
    if (!withheld.includes('caseId') && body.caseId !== header.caseId) return 'header.caseId differs from the body’s caseId';
  }
  return undefined;
}
