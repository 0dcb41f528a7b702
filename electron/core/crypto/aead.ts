/** XChaCha20-Poly1305 (IETF) sealing with a random 24-byte nonce, libsodium's AEAD. */
import { sodium } from './sodium';
import { randomBytes } from './random';

export const NONCE_BYTES = 24;
export const KEY_BYTES = 32;

export interface Sealed {
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Sealed {
  const s = sodium();
  // Random nonces are safe at XChaCha20's 192 bits: no counter state to lose or repeat
  // when a vault is copied, restored from backup, or written by a crashed process.
  const nonce = randomBytes(NONCE_BYTES);
  const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associatedData, null, nonce, key);
  return { nonce, ciphertext };
}

/** Returns the plaintext, or undefined if the key, the nonce, the data or its place is wrong. */
export function open(
  key: Uint8Array,
  sealed: Sealed,
  associatedData: Uint8Array,
): Uint8Array | undefined {
  if (sealed.nonce.length !== NONCE_BYTES) return undefined;
  try {
    return sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      sealed.ciphertext,
      associatedData,
      sealed.nonce,
      key,
    );
  } catch {
    return undefined;
  }
}

export function wipe(...buffers: (Uint8Array | undefined)[]): void {
  for (const b of buffers) if (b) sodium().memzero(b);
}
