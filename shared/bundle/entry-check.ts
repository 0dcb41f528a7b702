/**
 * Verification of one ENTRY record (docs/bundle-format.md, section 8, steps 8 and 9), in
 * the order the format gives: position, leaf and inclusion proof over the raw header
 * bytes, then the header's JSON, then each disclosed field's commitment over its raw value
 * bytes, then the values' JSON, then the body's schema. Nothing is parsed until the bytes
 * it comes from have been tied to the signed root.
 */
import { concatBytes, fromUtf8, utf8 } from '../bytes';
import { TearlineError, type ErrorCode } from '../errors';
import { EntryHeaderSchema, FIELD_DOMAIN, isHex32, isPlainHeaderShape, type EntryHeader } from '../entry';
import { HASH_LENGTH, type HashFn } from '../merkle';
import { getPolicy, isEntryKind, isSystemKind, refersToCase, validateBody } from '../domain';
import type { RawEntry } from './framing';
import type { InclusionVerifier } from './inclusion';
import { parseCanonical } from './jcs';
import { MAX_JSON_DEPTH, MAX_JSON_ITEMS } from '../canonical-json';
import type { Problem } from './verdict';

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
  /**
   * SHA-256 of the concatenation of its arguments, for hashing the pieces of a leaf or a
   * commitment without joining them first; by default, joined and hashed with `hash`.
   */
  hashParts?: (...parts: Uint8Array[]) => Uint8Array;
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

function joinedParts(hash: HashFn): (...parts: Uint8Array[]) => Uint8Array {
  return (...parts) => hash(concatBytes(...parts));
}

/** u32(len(name)) ‖ name, for the names of fields (a handful, cached). */
const lengthAndNameCache = new Map<string, Uint8Array>();

function lengthAndName(name: string): Uint8Array {
  let bytes = lengthAndNameCache.get(name);
  if (!bytes) {
    const nameBytes = nameBytesOf(name);
    bytes = new Uint8Array(4 + nameBytes.length);
    const n = nameBytes.length;
    bytes[0] = (n >>> 24) & 255;
    bytes[1] = (n >>> 16) & 255;
    bytes[2] = (n >>> 8) & 255;
    bytes[3] = n & 255;
    bytes.set(nameBytes, 4);
    if (lengthAndNameCache.size < 1024) lengthAndNameCache.set(name, bytes);
  }
  return bytes;
}

function fieldCommitment(parts: (...parts: Uint8Array[]) => Uint8Array, name: string, salt: Uint8Array, valueBytes: Uint8Array): Uint8Array {
  return parts(FIELD_DOMAIN, salt, lengthAndName(name), valueBytes);
}

/** The commitment of a field over the value's bytes as they stand in the bundle. */
export function commitRawField(hash: HashFn, name: string, salt: Uint8Array, valueBytes: Uint8Array): Uint8Array {
  return fieldCommitment(joinedParts(hash), name, salt, valueBytes);
}

const LEAF_PREFIX = new Uint8Array([0]);

export function rawLeafHash(hash: HashFn, headerBytes: Uint8Array): Uint8Array {
  return joinedParts(hash)(LEAF_PREFIX, headerBytes);
}

const HEX_CODES = new TextEncoder().encode('0123456789abcdef');

/** Whether `hex` is exactly the lowercase hex of `bytes` (the header's form of a commitment). */
function isHexOf(bytes: Uint8Array, hex: string | undefined): boolean {
  if (typeof hex !== 'string' || hex.length !== bytes.length * 2) return false;
  let diff = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    diff |= (hex.charCodeAt(2 * i) ^ HEX_CODES[b >>> 4]!) | (hex.charCodeAt(2 * i + 1) ^ HEX_CODES[b & 15]!);
  }
  return diff === 0;
}

function failure(index: number, code: ErrorCode, message: string, at: string = `entry ${index}`): { problems: Problem[] } {
  return { problems: [{ code, message: `entry #${index}: ${message}`, at }] };
}

/** The schema's refusal of a header, if it refuses it. */
function headerFailure(index: number, value: unknown): { problems: Problem[] } | undefined {
  const result = EntryHeaderSchema.safeParse(value);
  if (result.success) return undefined;
  const issue = result.error.issues[0]!;
  return failure(index, 'E_INVALID_ENTRY', `header.${issue.path.join('.')}: ${issue.message}`);
}

/** A later step's failure, unless the header the quick check let through (`plain`) is refused by the schema. */
function unlessBadHeader(plain: boolean, index: number, header: unknown, then: { problems: Problem[] }): { problems: Problem[] } {
  return plain ? (headerFailure(index, header) ?? then) : then;
}

/** An entry's leaf and field commitments, computed elsewhere (another thread) over the same bytes. */
export interface EntryHashes {
  leaf: Uint8Array;
  /** One per field of the record, in record order. */
  commitments: readonly Uint8Array[];
}

/**
 * Checks one entry. Returns the entry when every check holds, and the problems found
 * (the first failing step ends the checks of this entry: later steps would read what an
 * earlier one could not vouch for).
 */
export function checkEntry(raw: RawEntry, ctx: EntryCheckContext, hashes?: EntryHashes): { entry?: CheckedEntry; problems: Problem[] } {
  if (raw.index <= ctx.previousIndex) return failure(raw.index, 'E_MALFORMED', `indexes must be strictly increasing (after #${ctx.previousIndex})`);
  if (raw.index >= ctx.size) return failure(raw.index, 'E_MALFORMED', `index is not below the checkpoint size ${ctx.size}`);

  const parts = ctx.hashParts ?? joinedParts(ctx.hash);
  const leaf = hashes ? hashes.leaf : parts(LEAF_PREFIX, raw.header);
  if (!ctx.inclusion.verifyFlat(raw.index, leaf, raw.proofBytes, 0, raw.proofBytes.length / HASH_LENGTH)) {
    return failure(raw.index, 'E_BAD_PROOF', 'the inclusion proof does not lead to the signed root');
  }

  const parsedHeader = parseCanonical(raw.header);
  if (!parsedHeader) return failure(raw.index, 'E_INVALID_ENTRY', 'the header is not canonical UTF-8 JSON');
  // A header of the plain shape is checked without the schema (isPlainHeaderShape), and
  // its commitments below: a disclosed field's by comparing it with the computed one, a
  // withheld one's as hex. Until then a later step's failure is reported only once the
  // schema has passed the header, so that a bad header is told as such on either path.
  const plain = isPlainHeaderShape(parsedHeader.value);
  if (!plain) {
    const invalid = headerFailure(raw.index, parsedHeader.value);
    if (invalid) return invalid;
  }
  // The parsed object itself (validated, and in canonical key order) rather than zod's
  // copy in schema order: it is written again as canonical JSON when it is stored.
  const header = parsedHeader.value as EntryHeader;
  if (!isEntryKind(header.kind)) return unlessBadHeader(plain, raw.index, header, failure(raw.index, 'E_INVALID_ENTRY', `unknown entry kind "${header.kind}"`));

  let previousName = '';
  for (const f of raw.fields) {
    if (f.name <= previousName) return unlessBadHeader(plain, raw.index, header, failure(raw.index, 'E_MALFORMED', `field ${f.name} is out of order or repeated`));
    previousName = f.name;
    if (!Object.prototype.hasOwnProperty.call(header.fields, f.name)) {
      return unlessBadHeader(plain, raw.index, header, failure(raw.index, 'E_MALFORMED', `field ${f.name} is not committed in the header`));
    }
  }
  for (let i = 0; i < raw.fields.length; i++) {
    const f = raw.fields[i]!;
    const commitment = hashes?.commitments[i] ?? fieldCommitment(parts, f.name, f.salt, f.value);
    if (!isHexOf(commitment, header.fields[f.name])) {
      return unlessBadHeader(plain, raw.index, header, failure(raw.index, 'E_BAD_PROOF', `field ${f.name} does not match its commitment`, `entry ${raw.index}.${f.name}`));
    }
  }
  // The fields committed and not disclosed, sorted. Both lists are in canonical order (the
  // header's keys as its canonical text gave them, the fields checked increasing above), so
  // one walk through both finds them.
  let withheld: string[] = [];
  let disclosed = 0;
  for (const name in header.fields) {
    if (raw.fields[disclosed]?.name === name) disclosed++;
    else withheld.push(name);
  }
  if (disclosed !== raw.fields.length) withheld = Object.keys(header.fields).filter((name) => !raw.fields.some((f) => f.name === name));
  withheld.sort();
  if (plain) {
    for (const name of withheld) {
      if (!isHex32(header.fields[name]!)) {
        const invalid = headerFailure(raw.index, header);
        if (invalid) return invalid;
      }
    }
  }

  const body: Record<string, unknown> = {};
  const salts: Record<string, Uint8Array> = {};
  for (const f of raw.fields) {
    const parsed = parseCanonical(f.value);
    if (!parsed) return failure(raw.index, 'E_INVALID_ENTRY', `field ${f.name} is not canonical UTF-8 JSON within the limits (${MAX_JSON_DEPTH} deep, ${MAX_JSON_ITEMS} items)`, `entry ${raw.index}.${f.name}`);
    body[f.name] = parsed.value;
    salts[f.name] = f.salt;
  }

  try {
    validateBody(header.kind, body, getPolicy(header.policy), { withheld });
  } catch (error) {
    if (error instanceof TearlineError) {
      return failure(raw.index, 'E_INVALID_ENTRY', `${header.id}: ${error.message}`, `entry ${raw.index}${error.at ? '.' + error.at : ''}`);
    }
    throw error;
  }
  const caseProblem = caseIdProblem(header, body, withheld);
  if (caseProblem) return failure(raw.index, 'E_INVALID_ENTRY', `${header.id}: ${caseProblem}`);

  return { entry: { index: raw.index, leaf, header, body, salts, withheld }, problems: [] };
}

/**
 * The entry `checkEntry` returned for these bytes on another thread, read again here (a
 * worker's answer carries no objects): the header and the disclosed values are the JSON of
 * bytes that passed every check, including being canonical, so plain parsing gives the
 * same values.
 */
export function checkedEntryOf(raw: RawEntry, leaf: Uint8Array, withheld: string[]): CheckedEntry {
  const body: Record<string, unknown> = {};
  const salts: Record<string, Uint8Array> = {};
  for (const f of raw.fields) {
    body[f.name] = JSON.parse(fromUtf8(f.value));
    salts[f.name] = f.salt;
  }
  return { index: raw.index, leaf, header: JSON.parse(fromUtf8(raw.header)) as EntryHeader, body, salts, withheld };
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
