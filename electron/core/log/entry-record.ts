/**
 * An entry as the vault keeps it: header, body and the field salts, sealed as one
 * ciphertext per row. The associated data binds the ciphertext to its place (vault,
 * index, leaf hash), so a row copied to another index, another vault, or paired with
 * another leaf no longer decrypts.
 */
import { z } from 'zod';
import { canonicalJson } from '../../../shared/canonical-json';
import { concatBytes, fromHex, fromUtf8, u64be, utf8 } from '../../../shared/bytes';
import { fieldCommitmentParts, leafParts, FIELD_SALT_BYTES, EntryHeaderSchema, type EntryHeader } from '../../../shared/entry';
import { open, type BulkOpener } from '../crypto/aead';
import { sha256Each, sha256Parts, type BulkSealer, type Output, type Part } from '../crypto/bulk-seal';
import { randomFill } from '../crypto/random';

export interface EntryRecord {
  header: EntryHeader;
  body: Record<string, unknown>;
  /** Field name → base64 salt of its commitment. */
  salts: Record<string, string>;
}

const EntryRecordSchema = z
  .object({ h: EntryHeaderSchema, b: z.record(z.string(), z.unknown()), s: z.record(z.string(), z.string()) })
  .strict();

export interface SealedRow {
  idx: number;
  leaf: Uint8Array;
  nonce: Uint8Array;
  ct: Uint8Array;
}

const AD_DOMAIN = utf8('tearline/entry/v1\u0000');

let lastVault: { id: string; bytes: Uint8Array } | undefined;

/** The vault id's 16 bytes; remembered, because every row of an unlock asks for the same ones. */
function uuidBytes(uuid: string): Uint8Array {
  if (lastVault?.id !== uuid) lastVault = { id: uuid, bytes: fromHex(uuid.replace(/-/g, '')) };
  return lastVault.bytes;
}

export function entryAd(vaultId: string, idx: number, leaf: Uint8Array): Uint8Array {
  return concatBytes(AD_DOMAIN, uuidBytes(vaultId), u64be(idx), leaf);
}

/**
 * Commits every top-level body field with a fresh salt, and returns the complete record
 * with its leaf hash and the plaintext to seal. Each field's canonical JSON is written
 * once and reused for its commitment and for the sealed body, and none of the texts is
 * encoded to bytes here: the hashing and the sealing write them into libsodium's memory
 * directly. The parts are shared/entry's, so the commitments and the leaf are those of
 * `commitFieldJson` and `leafHashOfJson`, byte for byte.
 */
export function buildRecord(head: Omit<EntryHeader, 'fields'>, body: Record<string, unknown>): BuiltRecord {
  const names: string[] = [];
  for (const name of Object.keys(body).sort()) if (body[name] !== undefined) names.push(name);
  const n = names.length;
  // Scratch reused from entry to entry (an entry's salts are drawn from the pool at once),
  // wiped once the salts and commitments are text.
  if (saltScratch.length < FIELD_SALT_BYTES * n) {
    saltScratch = new Uint8Array(FIELD_SALT_BYTES * n * 2);
    digestScratch = new Uint8Array(HASH_BYTES * n * 2);
  }
  const random = saltScratch.subarray(0, FIELD_SALT_BYTES * n);
  const digests = digestScratch.subarray(0, HASH_BYTES * n);
  randomFill(random);
  const inputs: Part[][] = [];
  let bodyJson = '';
  for (let i = 0; i < n; i++) {
    const name = names[i]!;
    const json = canonicalJson(body[name]);
    inputs.push(fieldCommitmentParts(name, random.subarray(i * FIELD_SALT_BYTES, (i + 1) * FIELD_SALT_BYTES), json));
    bodyJson += (i === 0 ? '' : ',') + jsonKey(name) + ':' + json;
  }
  sha256Each(inputs, digests);
  const text = hexAndBase64(digests, random);
  random.fill(0);
  digests.fill(0);
  const fields: Record<string, string> = {};
  const salts: Record<string, string> = {};
  // The two maps' canonical JSON is written here as they are filled: the names are sorted,
  // and hex and base64 need no escaping. A unit test holds this to canonicalJson.
  let fieldsJson = '';
  let saltsJson = '';
  for (let i = 0; i < n; i++) {
    const name = names[i]!;
    const commitment = text.substring(i * HEX_CHARS, (i + 1) * HEX_CHARS);
    const salt = text.substring(n * HEX_CHARS + i * BASE64_CHARS, n * HEX_CHARS + (i + 1) * BASE64_CHARS);
    fields[name] = commitment;
    salts[name] = salt;
    const key = (i === 0 ? '' : ',') + jsonKey(name) + ':"';
    fieldsJson += key + commitment + '"';
    saltsJson += key + salt + '"';
  }
  const header: EntryHeader = { author: head.author, caseId: head.caseId, fields, id: head.id, kind: head.kind, policy: head.policy, ts: head.ts, v: head.v };
  // Canonical: the header's keys in sorted order, and its other values are strings, null
  // and the format version, whose canonical JSON is what JSON.stringify writes.
  const headerJson =
    `{"author":${JSON.stringify(head.author)},"caseId":${JSON.stringify(head.caseId)},"fields":{${fieldsJson}},` +
    `"id":${JSON.stringify(head.id)},"kind":${JSON.stringify(head.kind)},"policy":${JSON.stringify(head.policy)},"ts":${JSON.stringify(head.ts)},"v":${JSON.stringify(head.v)}}`;
  const plaintext = `{"b":{${bodyJson}},"h":${headerJson},"s":{${saltsJson}}}`;
  return { record: { header, body, salts }, leaf: sha256Parts(leafParts(headerJson)), plaintext };
}

const jsonKeys = new Map<string, string>();

/** A field name as a JSON string; the same few names recur in every entry. */
function jsonKey(name: string): string {
  let key = jsonKeys.get(name);
  if (key === undefined) {
    key = JSON.stringify(name);
    if (jsonKeys.size < 1024) jsonKeys.set(name, key);
  }
  return key;
}

const HASH_BYTES = 32;
let saltScratch = new Uint8Array(FIELD_SALT_BYTES * 16);
let digestScratch = new Uint8Array(HASH_BYTES * 16);
const HEX_CHARS = 2 * HASH_BYTES;
const BASE64_CHARS = 4 * Math.ceil(FIELD_SALT_BYTES / 3);
const HEX_DIGITS = utf8('0123456789abcdef');
const BASE64_DIGITS = utf8('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');
const latin1 = new TextDecoder('latin1');
let textScratch = new Uint8Array(0);

/**
 * Every commitment as lowercase hex, then every salt as padded base64 (what shared/bytes's
 * toHex and toBase64 give), decoded as one string that the header and the salts take
 * substrings of. Built a character pair at a time, as shared/bytes builds them, each was a
 * deep chain of strings that JSON.stringify had to flatten, which cost more than
 * serialising the whole body.
 */
function hexAndBase64(digests: Uint8Array, salts: Uint8Array): string {
  const length = (digests.length / HASH_BYTES) * HEX_CHARS + (salts.length / FIELD_SALT_BYTES) * BASE64_CHARS;
  if (textScratch.length < length) textScratch = new Uint8Array(Math.max(length, 2048));
  const out = textScratch;
  let at = 0;
  for (let i = 0; i < digests.length; i++) {
    out[at++] = HEX_DIGITS[digests[i]! >> 4]!;
    out[at++] = HEX_DIGITS[digests[i]! & 15]!;
  }
  for (let s = 0; s < salts.length; s += FIELD_SALT_BYTES) {
    const end = s + FIELD_SALT_BYTES;
    let i = s;
    for (; i + 2 < end; i += 3) {
      const v = (salts[i]! << 16) | (salts[i + 1]! << 8) | salts[i + 2]!;
      out[at++] = BASE64_DIGITS[v >> 18]!;
      out[at++] = BASE64_DIGITS[(v >> 12) & 63]!;
      out[at++] = BASE64_DIGITS[(v >> 6) & 63]!;
      out[at++] = BASE64_DIGITS[v & 63]!;
    }
    const rest = end - i;
    if (rest > 0) {
      const v = (salts[i]! << 16) | (rest === 2 ? salts[i + 1]! << 8 : 0);
      out[at++] = BASE64_DIGITS[v >> 18]!;
      out[at++] = BASE64_DIGITS[(v >> 12) & 63]!;
      out[at++] = rest === 2 ? BASE64_DIGITS[(v >> 6) & 63]! : 0x3d;
      out[at++] = 0x3d;
    }
  }
  const text = latin1.decode(out.subarray(0, at));
  // The salts are secret until their fields are disclosed.
  out.fill(0, 0, at);
  return text;
}

export interface BuiltRecord {
  record: EntryRecord;
  leaf: Uint8Array;
  /** The canonical JSON of `{h, b, s}`, as sealed (UTF-8). */
  plaintext: string;
}

/** u64be(idx) of the associated data, rewritten for every row sealed (it is copied at once). */
const adIndexBytes = new Uint8Array(8);
const adIndex = new DataView(adIndexBytes.buffer);

/** Seals a built record in its place; `sealer` holds the vault's entries key for a whole batch. */
export function sealRecord(sealer: BulkSealer, vaultId: string, idx: number, built: BuiltRecord, into?: Output): SealedRow {
  if (!Number.isSafeInteger(idx) || idx < 0) throw new Error('an entry index must be a safe non-negative integer');
  adIndex.setUint32(0, Math.floor(idx / 2 ** 32), false);
  adIndex.setUint32(4, idx >>> 0, false);
  const sealed = sealer.seal([built.plaintext], [AD_DOMAIN, uuidBytes(vaultId), adIndexBytes, built.leaf], into);
  return { idx, leaf: built.leaf, nonce: sealed.nonce, ct: sealed.ciphertext };
}

/**
 * Returns the record, or undefined if the row does not decrypt in its place or does not
 * parse. `full` checks the record against its schema: the integrity check and single
 * reads do; the unlock, which opens every row and only builds an index, relies on the
 * authenticated decryption (only a holder of this vault's key can have written the row)
 * and checks the shape it uses, which keeps a 100k-entry unlock within its budget.
 */
export function openRow(key: Uint8Array | BulkOpener, vaultId: string, row: SealedRow, full = true): EntryRecord | undefined {
  const sealed = { nonce: row.nonce, ciphertext: row.ct };
  const ad = entryAd(vaultId, row.idx, row.leaf);
  const plain = key instanceof Uint8Array ? open(key, sealed, ad) : key.open(sealed, ad);
  if (!plain) return undefined;
  try {
    const parsed: unknown = JSON.parse(fromUtf8(plain));
    if (full) {
      const r = EntryRecordSchema.parse(parsed);
      return { header: r.h, body: r.b, salts: r.s };
    }
    const r = parsed as { h?: EntryHeader; b?: Record<string, unknown>; s?: Record<string, string> };
    if (!isObject(r.h) || !isObject(r.b) || !isObject(r.s) || typeof r.h.id !== 'string' || typeof r.h.kind !== 'string') return undefined;
    return { header: r.h, body: r.b, salts: r.s };
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
