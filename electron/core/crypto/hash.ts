/**
 * Hash functions of the core. SHA-256 is the Merkle tree's hash (RFC 6962) and the
 * field-commitment hash; BLAKE2b is minisign's and the fingerprint's.
 */
import { sodium } from './sodium';
import { sha256Parts as sha256PartsOf } from './bulk-seal';

/**
 * SHA-256 through libsodium's raw WebAssembly exports with one reusable heap buffer.
 * The wrapper's `crypto_hash_sha256` allocates and copies on every call, which made
 * hashing the largest cost of an append (about ten hashes an entry); this keeps the
 * same libsodium code while paying for one copy in and one out.
 */
export function sha256(data: Uint8Array): Uint8Array {
  return rawSha256()(data);
}

export function blake2b(data: Uint8Array, outLength = 32, key?: Uint8Array): Uint8Array {
  return sodium().crypto_generichash(outLength, data, key ?? null);
}

type RawModule = {
  _malloc(n: number): number;
  _free(p: number): void;
  _crypto_hash_sha256(out: number, input: number, lenLow: number, lenHigh: number): number;
  HEAPU8: Uint8Array;
};

let raw: ((data: Uint8Array) => Uint8Array) | undefined;

function rawSha256(): (data: Uint8Array) => Uint8Array {
  if (raw) return raw;
  const lib = (sodium() as unknown as { libsodium?: RawModule }).libsodium;
  if (!lib || typeof lib._crypto_hash_sha256 !== 'function' || typeof lib._malloc !== 'function') {
    // A build without the raw exports still has the safe (slower) wrapper.
    raw = (data) => sodium().crypto_hash_sha256(data);
    return raw;
  }
  let capacity = 4096;
  let input = lib._malloc(capacity);
  const out = lib._malloc(32);
  raw = (data) => {
    if (data.length > capacity) {
      lib._free(input);
      capacity = Math.max(data.length, capacity * 2);
      input = lib._malloc(capacity);
    }
    // HEAPU8 is re-read on every call: the WebAssembly memory may have grown and
    // replaced the underlying buffer since the last one.
    lib.HEAPU8.set(data, input);
    if (lib._crypto_hash_sha256(out, input, data.length, 0) !== 0) throw new Error('sha256 failed');
    return lib.HEAPU8.slice(out, out + 32);
  };
  return raw;
}

/**
 * SHA-256 of the concatenation of `parts`, each written straight into libsodium's memory
 * (bulk-seal.ts): a bundle's leaves and field commitments are hashed from several pieces
 * each, and building the concatenation in JavaScript first cost as much as the hashing.
 */
export function sha256Parts(...parts: Uint8Array[]): Uint8Array {
  return sha256PartsOf(parts);
}
