/**
 * Per-field commitments and the leaf encoding. Pure: the hash function is passed in,
 * so the core (with libsodium) and an independent verifier compute the same bytes.
 *
 *   commitment = SHA-256("tearline/field/v1" ‖ 0x00 ‖ salt[32] ‖ u32be(len(name)) ‖ name ‖ JCS(value))
 *   leaf data  = JCS(header)          leaf hash = SHA-256(0x00 ‖ leaf data)   (RFC 6962)
 *
 * The 32-byte random salt makes a withheld field's commitment useless for guessing its
 * value (a "usPerson: no" could otherwise be confirmed by hashing the three choices).
 */
import { canonicalJson, canonicalJsonBytes } from '../canonical-json';
import { equalBytes, fromBase64, fromHex, toHex, utf8 } from '../bytes';
import type { HashFn } from '../merkle';
import type { DisclosedField, EntryHeader } from './entry-header';

export const FIELD_SALT_BYTES = 32;
export const FIELD_DOMAIN = utf8('tearline/field/v1\u0000');

export function commitField(hash: HashFn, name: string, salt: Uint8Array, value: unknown): Uint8Array {
  return commitFieldJson(hash, name, salt, canonicalJson(value));
}

/** The same commitment, from the value's canonical JSON text (when the caller already has it). */
export function commitFieldJson(hash: HashFn, name: string, salt: Uint8Array, valueJson: string): Uint8Array {
  if (salt.length !== FIELD_SALT_BYTES) throw new Error('field salt must be 32 bytes');
  // One buffer, written in place: this runs for every field of every entry appended.
  const text = name + valueJson;
  const prefix = FIELD_DOMAIN.length + FIELD_SALT_BYTES + 4;
  const buffer = new Uint8Array(prefix + text.length * 3);
  buffer.set(FIELD_DOMAIN, 0);
  buffer.set(salt, FIELD_DOMAIN.length);
  const written = encoder.encodeInto(text, buffer.subarray(prefix)).written;
  const nameBytes = encoder.encodeInto(name, new Uint8Array(name.length * 3)).written;
  new DataView(buffer.buffer).setUint32(FIELD_DOMAIN.length + FIELD_SALT_BYTES, nameBytes, false);
  return hash(buffer.subarray(0, prefix + written));
}

const encoder = new TextEncoder();

const namePrefixes = new Map<string, Uint8Array>();

/**
 * The input of `commitFieldJson` as parts to be written back to back (texts as UTF-8), for
 * a hash that takes its message in parts: `u32be(len(name)) ‖ name` comes memoised, since
 * a body's field names recur in every entry.
 */
export function fieldCommitmentParts(name: string, salt: Uint8Array, valueJson: string): [Uint8Array, Uint8Array, Uint8Array, string] {
  if (salt.length !== FIELD_SALT_BYTES) throw new Error('field salt must be 32 bytes');
  let prefix = namePrefixes.get(name);
  if (!prefix) {
    const bytes = utf8(name);
    prefix = new Uint8Array(4 + bytes.length);
    new DataView(prefix.buffer).setUint32(0, bytes.length, false);
    prefix.set(bytes, 4);
    // Names are those of the body schemas; the bound only matters to a caller that is not.
    if (namePrefixes.size < 1024) namePrefixes.set(name, prefix);
  }
  return [FIELD_DOMAIN, salt, prefix, valueJson];
}

/** The leaf hash's input as parts: 0x00, then the header's canonical JSON as UTF-8. */
export function leafParts(headerJson: string): [Uint8Array, string] {
  return [LEAF_PREFIX, headerJson];
}

const LEAF_PREFIX = new Uint8Array([0x00]);

export function leafData(header: EntryHeader): Uint8Array {
  return canonicalJsonBytes(header);
}

export function entryLeafHash(hash: HashFn, header: EntryHeader): Uint8Array {
  return leafHashOfJson(hash, canonicalJson(header));
}

/** SHA-256(0x00 ‖ header JSON), from the header's canonical JSON text. */
export function leafHashOfJson(hash: HashFn, headerJson: string): Uint8Array {
  const data = utf8(headerJson);
  const input = new Uint8Array(data.length + 1);
  input.set(data, 1);
  return hash(input);
}

/**
 * Checks disclosed fields against the header's commitments. Returns the names of the
 * fields that do not open (empty when all do); names not in the header are reported too.
 */
export function checkDisclosure(
  hash: HashFn,
  header: EntryHeader,
  disclosed: Record<string, DisclosedField>,
): string[] {
  const bad: string[] = [];
  for (const [name, field] of Object.entries(disclosed)) {
    const committed = header.fields[name];
    let salt: Uint8Array;
    try {
      salt = fromBase64(field.salt);
    } catch {
      bad.push(name);
      continue;
    }
    if (committed === undefined || salt.length !== FIELD_SALT_BYTES) {
      bad.push(name);
      continue;
    }
    if (!equalBytes(commitField(hash, name, salt, field.value), fromHex(committed))) bad.push(name);
  }
  return bad;
}


export function commitmentHex(hash: HashFn, name: string, salt: Uint8Array, value: unknown): string {
  return toHex(commitField(hash, name, salt, value));
}
