/**
 * XChaCha20-Poly1305 (IETF) sealing with a random 24-byte nonce, libsodium's AEAD; and
 * ChaCha20-Poly1305-IETF with a caller's nonce, for age's payload. Each runs on libsodium's
 * native build where it loaded and the input is large enough for it to be the faster
 * (native-sodium.ts), else on its WebAssembly build, with the same results.
 */
import { sodium } from './sodium';
import { nativeFor, nativeSodium, NATIVE_FROM_BYTES, ScratchBuffer, type NativeSodium } from './native-sodium';
import { randomBytes } from './random';

export const NONCE_BYTES = 24;
export const KEY_BYTES = 32;
const TAG_BYTES = 16;

export interface Sealed {
  nonce: Uint8Array;
  ciphertext: Uint8Array;
}

export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Sealed {
  // Random nonces are safe at XChaCha20's 192 bits: no counter state to lose or repeat
  // when a vault is copied, restored from backup, or written by a crashed process.
  const nonce = randomBytes(NONCE_BYTES);
  const native = nativeFor('aead', plaintext.length);
  if (native) {
    const ciphertext = new Uint8Array(plaintext.length + TAG_BYTES);
    native.crypto_aead_xchacha20poly1305_ietf_encrypt(ciphertext, plaintext, associatedData, null, nonce, key);
    return { nonce, ciphertext };
  }
  const ciphertext = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, associatedData, null, nonce, key);
  return { nonce, ciphertext };
}

/** Returns the plaintext, or undefined if the key, the nonce, the data or its place is wrong. */
export function open(
  key: Uint8Array,
  sealed: Sealed,
  associatedData: Uint8Array,
): Uint8Array | undefined {
  if (sealed.nonce.length !== NONCE_BYTES) return undefined;
  const native = nativeFor('aead', sealed.ciphertext.length);
  if (native) return nativeOpen(native, key, sealed, associatedData);
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

function nativeOpen(native: NativeSodium, key: Uint8Array, sealed: Sealed, associatedData: Uint8Array): Uint8Array | undefined {
  if (sealed.ciphertext.length < TAG_BYTES) return undefined;
  const plain = new Uint8Array(sealed.ciphertext.length - TAG_BYTES);
  try {
    native.crypto_aead_xchacha20poly1305_ietf_decrypt(plain, null, sealed.ciphertext, associatedData, sealed.nonce, key);
    return plain;
  } catch {
    // A tag that does not verify, or a key of the wrong length, as the WebAssembly build.
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
 * entry). Where the native build loaded, a ciphertext of NATIVE_FROM_BYTES.aead or more
 * is opened by it, a shorter one by the WebAssembly build. The WebAssembly opener calls
 * libsodium's own decryption on buffers allocated once in its memory, instead of the
 * wrapper's allocate-copy-free on every argument of every call, which was a third of the
 * cost of an unlock.
 */
export function bulkOpener(key: Uint8Array): BulkOpener {
  const native = nativeSodium();
  if (!native) return wasmBulkOpener(key);
  // Both hold their own copy of the key from the start: the caller may wipe its own.
  const large = nativeBulkOpener(native, key);
  const small = wasmBulkOpener(key);
  const pick = (sealed: Sealed): BulkOpener => (sealed.ciphertext.length >= NATIVE_FROM_BYTES.aead ? large : small);
  return {
    open: (sealed, associatedData) => pick(sealed).open(sealed, associatedData),
    openWith: (sealed, associatedData, use) => pick(sealed).openWith(sealed, associatedData, use),
    dispose() {
      large.dispose();
      small.dispose();
    },
  };
}

function wasmBulkOpener(key: Uint8Array): BulkOpener {
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

/**
 * The native build's opener: libsodium reads the caller's buffers where they are, so
 * nothing is copied in; `open` decrypts straight into the plaintext it returns and
 * `openWith` into one reused buffer, wiped after each use.
 */
function nativeBulkOpener(native: NativeSodium, key: Uint8Array): BulkOpener {
  const keyCopy = new Uint8Array(key);
  const scratch = new ScratchBuffer(16 * 1024);
  const valid = (sealed: Sealed): boolean => sealed.nonce.length === NONCE_BYTES && sealed.ciphertext.length >= TAG_BYTES;
  return {
    open(sealed, associatedData) {
      return valid(sealed) ? nativeOpen(native, keyCopy, sealed, associatedData) : undefined;
    },
    openWith(sealed, associatedData, use) {
      if (!valid(sealed)) return undefined;
      const plain = scratch.reserve(sealed.ciphertext.length - TAG_BYTES).subarray(0, sealed.ciphertext.length - TAG_BYTES);
      try {
        native.crypto_aead_xchacha20poly1305_ietf_decrypt(plain, null, sealed.ciphertext, associatedData, sealed.nonce, keyCopy);
      } catch {
        return undefined;
      }
      try {
        return use(plain);
      } finally {
        plain.fill(0);
        scratch.trim();
      }
    },
    dispose() {
      native.sodium_memzero(keyCopy);
      scratch.release();
    },
  };
}

/** ChaCha20-Poly1305-IETF's nonce: 12 bytes. */
export const IETF_NONCE_BYTES = 12;

/**
 * ChaCha20-Poly1305-IETF (RFC 8439) of `plaintext` with no associated data, written to
 * `out` (exactly `plaintext.length + 16` bytes): age's payload chunks, sealed into the
 * output buffer directly.
 */
export function chachaIetfSealInto(out: Uint8Array, plaintext: Uint8Array, nonce: Uint8Array, key: Uint8Array): void {
  if (out.length !== plaintext.length + TAG_BYTES) throw new Error('chachaIetfSealInto: the output must be 16 bytes longer than the plaintext');
  const native = nativeFor('aead', plaintext.length);
  if (native) {
    native.crypto_aead_chacha20poly1305_ietf_encrypt(out, plaintext, null, null, nonce, key);
    return;
  }
  out.set(sodium().crypto_aead_chacha20poly1305_ietf_encrypt(plaintext, null, null, nonce, key));
}

/**
 * Opens ChaCha20-Poly1305-IETF `sealed` (no associated data) into `out` (exactly
 * `sealed.length - 16` bytes); false, with `out` zeroed, if it does not verify.
 */
export function chachaIetfOpenInto(out: Uint8Array, sealed: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean {
  if (sealed.length < TAG_BYTES || out.length !== sealed.length - TAG_BYTES) return false;
  const native = nativeFor('aead', sealed.length);
  try {
    if (native) {
      native.crypto_aead_chacha20poly1305_ietf_decrypt(out, null, sealed, null, nonce, key);
    } else {
      const plain = sodium().crypto_aead_chacha20poly1305_ietf_decrypt(null, sealed, null, nonce, key);
      out.set(plain);
      plain.fill(0);
    }
    return true;
  } catch {
    out.fill(0);
    return false;
  }
}

/**
 * What `chachaIetfOpenInto` writes for a sealed chunk (its ciphertext, `sealed` without the
 * tag's 16 bytes), without checking the tag: ChaCha20 from block 1, as the AEAD encrypts
 * (block 0 keys its Poly1305). Only for bytes that are shown by other means to be bytes
 * whose tags were already checked (a bundle's second reading of an age file in segments,
 * each of which must give its first reading's tag under a key of this process's, or be
 * refused: bundle/segments.ts).
 */
export function chachaIetfDecryptUncheckedInto(out: Uint8Array, ciphertext: Uint8Array, nonce: Uint8Array, key: Uint8Array): void {
  if (out.length !== ciphertext.length) throw new Error('chachaIetfDecryptUncheckedInto: the output must be as long as the ciphertext');
  const native = nativeFor('aead', ciphertext.length);
  if (native) {
    native.crypto_stream_chacha20_ietf_xor_ic(out, ciphertext, nonce, 1, key);
  } else {
    const plain = sodium().crypto_stream_chacha20_ietf_xor_ic(ciphertext, nonce, 1, key);
    out.set(plain);
    plain.fill(0);
  }
}
