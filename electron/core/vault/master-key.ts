/**
 * The vault master key: random, wrapped by the passphrase's key-encryption key, and the
 * root from which every other vault key is derived. Changing the passphrase re-wraps
 * this one key; no record is ever re-encrypted.
 */
import { TearlineError } from '../../../shared/errors';
import { concatBytes } from '../../../shared/bytes';
import { open, seal, wipe } from '../crypto/aead';
import { deriveKek, type KdfParams } from '../crypto/kdf';
import { sodium } from '../crypto/sodium';
import { fromBase64 } from '../../../shared/bytes';

export const MASTER_KEY_BYTES = 32;

/** Sub-keys of the master key (crypto_kdf_derive_from_key ids). Never renumber: if an id changes we can no longer decrypt what it encrypted. */
export const SUBKEY = {
  entries: 1,
  secrets: 2,
  records: 3,
  /** Sealed index blocks (log/index-block.ts). */
  index: 4,
} as const;
const KDF_CONTEXT = 'tlvault1';

export function newMasterKey(): Uint8Array {
  return sodium().crypto_kdf_keygen();
}

export function deriveSubkey(master: Uint8Array, purpose: keyof typeof SUBKEY): Uint8Array {
  return sodium().crypto_kdf_derive_from_key(32, SUBKEY[purpose], KDF_CONTEXT, master);
}

/** nonce ‖ ciphertext, bound to the exact header bytes. */
export async function wrapMasterKey(master: Uint8Array, passphrase: Uint8Array, kdf: KdfParams, headerBytes: Uint8Array): Promise<Uint8Array> {
  const kek = await deriveKek(passphrase, kdf, fromBase64(kdf.salt));
  try {
    const sealed = seal(kek, master, headerBytes);
    return concatBytes(sealed.nonce, sealed.ciphertext);
  } finally {
    wipe(kek);
  }
}

export async function unwrapMasterKey(wrapped: Uint8Array, passphrase: Uint8Array, kdf: KdfParams, headerBytes: Uint8Array): Promise<Uint8Array> {
  const kek = await deriveKek(passphrase, kdf, fromBase64(kdf.salt));
  try {
    const master = open(kek, { nonce: wrapped.subarray(0, 24), ciphertext: wrapped.subarray(24) }, headerBytes);
    if (!master || master.length !== MASTER_KEY_BYTES) {
      throw new TearlineError('E_BAD_PASSPHRASE', 'the passphrase is wrong (or the vault header was altered)');
    }
    return master;
  } finally {
    wipe(kek);
  }
}

/** NFC, so the same passphrase typed on another keyboard or OS gives the same bytes. */
export function passphraseBytes(passphrase: string | Uint8Array): Uint8Array {
  const bytes = typeof passphrase === 'string' ? new TextEncoder().encode(passphrase.normalize('NFC')) : passphrase;
  if (bytes.length === 0) throw new TearlineError('E_USAGE', 'the passphrase is empty');
  return bytes;
}
