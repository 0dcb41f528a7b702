/**
 * An entry as the vault keeps it: header, body and the field salts, sealed as one
 * ciphertext per row. The associated data binds the ciphertext to its place (vault,
 * index, leaf hash), so a row copied to another index, another vault, or paired with
 * another leaf no longer decrypts.
 */
import { z } from 'zod';
import { canonicalJsonBytes } from '../../../shared/canonical-json';
import { concatBytes, fromHex, fromUtf8, toBase64, u64be, utf8 } from '../../../shared/bytes';
import { commitmentHex, entryLeafHash, FIELD_SALT_BYTES, EntryHeaderSchema, type EntryHeader } from '../../../shared/entry';
import { open, seal } from '../crypto/aead';
import { sha256 } from '../crypto/hash';
import { sodium } from '../crypto/sodium';

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

function uuidBytes(uuid: string): Uint8Array {
  return fromHex(uuid.replace(/-/g, ''));
}

export function entryAd(vaultId: string, idx: number, leaf: Uint8Array): Uint8Array {
  return concatBytes(AD_DOMAIN, uuidBytes(vaultId), u64be(idx), leaf);
}

/** Commits every top-level body field with a fresh salt and returns the complete record. */
export function buildRecord(head: Omit<EntryHeader, 'fields'>, body: Record<string, unknown>): EntryRecord {
  const s = sodium();
  const fields: Record<string, string> = {};
  const salts: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (value === undefined) continue;
    const salt = s.randombytes_buf(FIELD_SALT_BYTES);
    fields[name] = commitmentHex(sha256, name, salt, value);
    salts[name] = toBase64(salt);
  }
  return { header: { ...head, fields }, body, salts };
}

export function leafOf(record: EntryRecord): Uint8Array {
  return entryLeafHash(sha256, record.header);
}

export function sealRecord(key: Uint8Array, vaultId: string, idx: number, record: EntryRecord, leaf: Uint8Array): SealedRow {
  const plain = canonicalJsonBytes({ h: record.header, b: record.body, s: record.salts });
  const sealed = seal(key, plain, entryAd(vaultId, idx, leaf));
  return { idx, leaf, nonce: sealed.nonce, ct: sealed.ciphertext };
}

/** Returns the record, or undefined if the row does not decrypt in its place or does not parse. */
export function openRow(key: Uint8Array, vaultId: string, row: SealedRow): EntryRecord | undefined {
  const plain = open(key, { nonce: row.nonce, ciphertext: row.ct }, entryAd(vaultId, row.idx, row.leaf));
  if (!plain) return undefined;
  try {
    const parsed = EntryRecordSchema.parse(JSON.parse(fromUtf8(plain)));
    return { header: parsed.h, body: parsed.b, salts: parsed.s };
  } catch {
    return undefined;
  }
}
