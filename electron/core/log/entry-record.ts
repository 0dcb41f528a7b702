/**
 * An entry as the vault keeps it: header, body and the field salts, sealed as one
 * ciphertext per row. The associated data binds the ciphertext to its place (vault,
 * index, leaf hash), so a row copied to another index, another vault, or paired with
 * another leaf no longer decrypts.
 */
import { z } from 'zod';
import { canonicalJson } from '../../../shared/canonical-json';
import { concatBytes, fromHex, fromUtf8, toBase64, toHex, u64be, utf8 } from '../../../shared/bytes';
import { commitFieldJson, leafHashOfJson, FIELD_SALT_BYTES, EntryHeaderSchema, type EntryHeader } from '../../../shared/entry';
import { open, seal, type BulkOpener } from '../crypto/aead';
import { sha256 } from '../crypto/hash';
import { randomBytes } from '../crypto/random';

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
 * once and reused for its commitment and for the sealed body: appends are bounded by
 * this serialisation, not by the cryptography.
 */
export function buildRecord(head: Omit<EntryHeader, 'fields'>, body: Record<string, unknown>): BuiltRecord {
  const fields: Record<string, string> = {};
  const salts: Record<string, string> = {};
  const parts: string[] = [];
  for (const name of Object.keys(body).sort()) {
    const value = body[name];
    if (value === undefined) continue;
    const json = canonicalJson(value);
    const salt = randomBytes(FIELD_SALT_BYTES);
    fields[name] = toHex(commitFieldJson(sha256, name, salt, json));
    salts[name] = toBase64(salt);
    parts.push(JSON.stringify(name) + ':' + json);
  }
  // Built with its keys in canonical order, so canonicalJson takes its native path.
  const header: EntryHeader = { author: head.author, caseId: head.caseId, fields, id: head.id, kind: head.kind, policy: head.policy, ts: head.ts, v: head.v };
  const headerJson = canonicalJson(header);
  const plaintext = `{"b":{${parts.join(',')}},"h":${headerJson},"s":${canonicalJson(salts)}}`;
  return { record: { header, body, salts }, leaf: leafHashOfJson(sha256, headerJson), plaintext: utf8(plaintext) };
}

export interface BuiltRecord {
  record: EntryRecord;
  leaf: Uint8Array;
  /** The canonical JSON of `{h, b, s}`, as sealed. */
  plaintext: Uint8Array;
}

export function sealRecord(key: Uint8Array, vaultId: string, idx: number, built: BuiltRecord): SealedRow {
  const sealed = seal(key, built.plaintext, entryAd(vaultId, idx, built.leaf));
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
