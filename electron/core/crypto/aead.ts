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

type RawAead = {
  _malloc(n: number): number;
  _free(p: number): void;
  _crypto_aead_xchacha20poly1305_ietf_decrypt(
    m: number, mlen: number, nsec: number, c: number, clenLo: number, clenHi: number, ad: number, adlenLo: number, adlenHi: number, npub: number, k: number,
  ): number;
  HEAPU8: Uint8Array;
};

export interface BulkOpener {
  open(sealed: Sealed, associatedData: Uint8Array): Uint8Array | undefined;
  /**
   * Opens in place and hands `use` a view of the plaintext inside libsodium's memory,
   * wiped as soon as `use` returns: for plaintext that is decoded at once and never kept
   * (an unlock's 100 MB of index blocks), this spares a copy of every byte and the
   * garbage collections that so much short-lived memory sets off.
   */
  openWith<T>(sealed: Sealed, associatedData: Uint8Array, use: (plain: Uint8Array) => T): T | undefined;
  /** Wipes the key copy in libsodium's memory and frees the buffers. */
  dispose(): void;
}

/**
 * Opens many ciphertexts under one key (the unlock and the integrity check open every
 * entry). It calls libsodium's own decryption on buffers allocated once in its memory,
 * instead of the wrapper's allocate-copy-free on every argument of every call, which was
 * a third of the cost of an unlock.
 */
export function bulkOpener(key: Uint8Array): BulkOpener {
  const lib = (sodium() as unknown as { libsodium?: RawAead }).libsodium;
  if (!lib || typeof lib._crypto_aead_xchacha20poly1305_ietf_decrypt !== 'function') {
    const openCopy = (sealed: Sealed, ad: Uint8Array) => open(key, sealed, ad);
    return {
      open: openCopy,
      openWith: (sealed, ad, use) => {
        const plain = openCopy(sealed, ad);
        return plain && use(plain);
      },
      dispose: () => undefined,
    };
  }
  const keyPtr = lib._malloc(KEY_BYTES);
  const noncePtr = lib._malloc(NONCE_BYTES);
  const lenPtr = lib._malloc(8);
  let capacity = 0;
  let inPtr = 0;
  let outPtr = 0;
  let adCapacity = 0;
  let adPtr = 0;
  lib.HEAPU8.set(key, keyPtr);
  const grow = (need: number): void => {
    if (need <= capacity) return;
    if (capacity) {
      lib.HEAPU8.fill(0, outPtr, outPtr + capacity);
      lib._free(inPtr);
      lib._free(outPtr);
    }
    capacity = Math.max(need, 16 * 1024, capacity * 2);
    inPtr = lib._malloc(capacity);
    outPtr = lib._malloc(capacity);
  };
  /** The plaintext's length at outPtr, or -1 if the ciphertext does not open. */
  const openAt = (sealed: Sealed, associatedData: Uint8Array): number => {
    const c = sealed.ciphertext;
    if (sealed.nonce.length !== NONCE_BYTES || c.length < 16) return -1;
    grow(c.length);
    if (associatedData.length > adCapacity) {
      if (adCapacity) lib._free(adPtr);
      adCapacity = Math.max(associatedData.length, 256);
      adPtr = lib._malloc(adCapacity);
    }
    // HEAPU8 is re-read for each call: libsodium's memory may grow and move.
    const heap = lib.HEAPU8;
    heap.set(c, inPtr);
    heap.set(associatedData, adPtr);
    heap.set(sealed.nonce, noncePtr);
    const rc = lib._crypto_aead_xchacha20poly1305_ietf_decrypt(outPtr, lenPtr, 0, inPtr, c.length, 0, adPtr, associatedData.length, 0, noncePtr, keyPtr);
    return rc === 0 ? c.length - 16 : -1;
  };
  return {
    open(sealed, associatedData) {
      const length = openAt(sealed, associatedData);
      if (length < 0) return undefined;
      const plain = lib.HEAPU8.slice(outPtr, outPtr + length);
      lib.HEAPU8.fill(0, outPtr, outPtr + length);
      return plain;
    },
    openWith(sealed, associatedData, use) {
      const length = openAt(sealed, associatedData);
      if (length < 0) return undefined;
      try {
        return use(lib.HEAPU8.subarray(outPtr, outPtr + length));
      } finally {
        lib.HEAPU8.fill(0, outPtr, outPtr + length);
      }
    },
    dispose() {
      lib.HEAPU8.fill(0, keyPtr, keyPtr + KEY_BYTES);
      for (const p of [keyPtr, noncePtr, lenPtr, inPtr, outPtr, adPtr]) if (p) lib._free(p);
      capacity = adCapacity = 0;
    },
  };
}
