/**
 * The part of sodium-native 5.1.0 (libsodium's native N-API binding; the package ships no
 * types) that the core uses, loaded only through native-sodium.ts. Every function writes
 * into buffers the caller supplies, checks their lengths (throwing on a wrong one) and
 * throws when libsodium reports failure: a tag that does not verify, for one.
 * Arrays backed by a SharedArrayBuffer are refused by the generichash family.
 */
declare module 'sodium-native' {
  export const crypto_aead_xchacha20poly1305_ietf_ABYTES: number;
  export const crypto_aead_xchacha20poly1305_ietf_KEYBYTES: number;
  export const crypto_aead_xchacha20poly1305_ietf_NPUBBYTES: number;
  export const crypto_aead_chacha20poly1305_ietf_ABYTES: number;
  export const crypto_hash_sha256_BYTES: number;
  export const crypto_hash_sha256_STATEBYTES: number;
  export const crypto_generichash_STATEBYTES: number;
  export const crypto_pwhash_ALG_ARGON2ID13: number;

  /** Writes `m.length + ABYTES` bytes to `c` (exactly that long); returns that length. */
  export function crypto_aead_xchacha20poly1305_ietf_encrypt(
    c: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array,
  ): number;
  /** Writes `c.length - ABYTES` bytes to `m` (exactly that long); throws if `c` does not verify. */
  export function crypto_aead_xchacha20poly1305_ietf_decrypt(
    m: Uint8Array, nsec: null, c: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array,
  ): number;
  export function crypto_aead_chacha20poly1305_ietf_encrypt(
    c: Uint8Array, m: Uint8Array, ad: Uint8Array | null, nsec: null, npub: Uint8Array, k: Uint8Array,
  ): number;
  export function crypto_aead_chacha20poly1305_ietf_decrypt(
    m: Uint8Array, nsec: null, c: Uint8Array, ad: Uint8Array | null, npub: Uint8Array, k: Uint8Array,
  ): number;

  /** ChaCha20 (IETF, 96-bit nonce) keystream from block `ic`, XORed with `m` into `c` (as long as `m`). */
  export function crypto_stream_chacha20_ietf_xor_ic(c: Uint8Array, m: Uint8Array, n: Uint8Array, ic: number, k: Uint8Array): void;

  export function crypto_hash_sha256(out: Uint8Array, input: Uint8Array): void;
  export function crypto_hash_sha256_init(state: Uint8Array): void;
  export function crypto_hash_sha256_update(state: Uint8Array, input: Uint8Array): void;
  export function crypto_hash_sha256_final(state: Uint8Array, out: Uint8Array): void;

  /** BLAKE2b with an output of `out.length` bytes (16 to 64), keyed when `key` is given. */
  export function crypto_generichash(out: Uint8Array, input: Uint8Array, key?: Uint8Array | null): void;
  export function crypto_generichash_init(state: Uint8Array, key: Uint8Array | null, outputLength: number): void;
  export function crypto_generichash_update(state: Uint8Array, input: Uint8Array): void;
  export function crypto_generichash_final(state: Uint8Array, out: Uint8Array): void;

  export const crypto_onetimeauth_STATEBYTES: number;
  export const crypto_onetimeauth_KEYBYTES: number;
  export const crypto_onetimeauth_BYTES: number;
  export function crypto_onetimeauth(out: Uint8Array, input: Uint8Array, key: Uint8Array): void;
  export function crypto_onetimeauth_init(state: Uint8Array, key: Uint8Array): void;
  export function crypto_onetimeauth_update(state: Uint8Array, input: Uint8Array): void;
  export function crypto_onetimeauth_final(state: Uint8Array, out: Uint8Array): void;

  export function crypto_pwhash(
    out: Uint8Array, passwd: Uint8Array, salt: Uint8Array, opslimit: number, memlimit: number, alg: number,
  ): void;

  export function sodium_memzero(buffer: Uint8Array): void;
}
