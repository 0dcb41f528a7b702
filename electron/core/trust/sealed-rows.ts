/**
 * Sealed rows for the records that are not log entries: trusted keys, peers' checkpoints,
 * fork evidence, imported entries, export state. Each row is
 *
 *   ref   = BLAKE2b-256(lookup key, table ‖ 0x00 ‖ identity)     (the primary key)
 *   value = XChaCha20-Poly1305(seal key, JCS(record), AD = "tearline/<table>/v1" ‖ 0x00 ‖ vault id ‖ ref)
 *
 * so that nothing about the trust list or what came in from whom is in the clear on disk,
 * a row can be found by what it is about without decrypting the table, and a sealed value
 * moved to another row, table or vault no longer opens. Both keys are derived from the
 * vault's record key, apart from every other use of it, and wiped after each operation.
 */
import { canonicalBytes } from '../../../shared/bundle/jcs';
import { concatBytes, fromHex, fromUtf8, utf8 } from '../../../shared/bytes';
import { TearlineError } from '../../../shared/errors';
import { open, seal, wipe } from '../crypto/aead';
import { sodium } from '../crypto/sodium';
import type { Vault } from '../vault/vault';

const KDF_CONTEXT = 'tlrecord';
const SEAL_KEY_ID = 1;
const LOOKUP_KEY_ID = 2;

export interface RowKeys {
  vaultId: Uint8Array;
  seal: Uint8Array;
  lookup: Uint8Array;
}

function deriveRowKeys(vault: Vault): RowKeys {
  const recordKey = vault.recordKey();
  const s = sodium();
  return {
    vaultId: fromHex(vault.header.vaultId.replace(/-/g, '')),
    seal: s.crypto_kdf_derive_from_key(32, SEAL_KEY_ID, KDF_CONTEXT, recordKey),
    lookup: s.crypto_kdf_derive_from_key(32, LOOKUP_KEY_ID, KDF_CONTEXT, recordKey),
  };
}

/** Runs `fn` with the row keys of an unlocked vault, and wipes them afterwards. */
export function withRowKeys<T>(vault: Vault, fn: (keys: RowKeys) => T): T {
  const keys = deriveRowKeys(vault);
  try {
    return fn(keys);
  } finally {
    wipe(keys.seal, keys.lookup);
  }
}

export async function withRowKeysAsync<T>(vault: Vault, fn: (keys: RowKeys) => Promise<T>): Promise<T> {
  const keys = deriveRowKeys(vault);
  try {
    return await fn(keys);
  } finally {
    wipe(keys.seal, keys.lookup);
  }
}

export function rowRef(keys: RowKeys, table: string, identity: string): Uint8Array {
  return sodium().crypto_generichash(32, concatBytes(utf8(table), new Uint8Array([0]), utf8(identity)), keys.lookup);
}

function rowAd(keys: RowKeys, table: string, ref: Uint8Array): Uint8Array {
  return concatBytes(utf8(`tearline/${table}/v1\u0000`), keys.vaultId, ref);
}

export interface SealedValue {
  nonce: Uint8Array;
  ct: Uint8Array;
}

export function sealRow(keys: RowKeys, table: string, ref: Uint8Array, record: unknown): SealedValue {
  const sealed = seal(keys.seal, canonicalBytes(record), rowAd(keys, table, ref));
  return { nonce: sealed.nonce, ct: sealed.ciphertext };
}

/** Opens a row; a row that does not open in its place is E_INTEGRITY (the file was altered). */
export function openRow(keys: RowKeys, table: string, ref: Uint8Array, value: SealedValue): unknown {
  const plain = open(keys.seal, { nonce: value.nonce, ciphertext: value.ct }, rowAd(keys, table, ref));
  if (!plain) throw new TearlineError('E_INTEGRITY', `a ${table} row does not decrypt in its place: the vault file was altered`);
  return JSON.parse(fromUtf8(plain));
}
