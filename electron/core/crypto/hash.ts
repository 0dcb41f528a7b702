/**
 * Hash functions of the core. SHA-256 is the Merkle tree's hash (RFC 6962) and the
 * field-commitment hash; BLAKE2b is minisign's and the fingerprint's.
 */
import { sodium } from './sodium';

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

let scratch: { lib: RawModule; input: number; capacity: number; out: number } | undefined;

/**
 * SHA-256 of the concatenation of `parts`, each written straight into libsodium's memory:
 * a bundle's leaves and field commitments are hashed from several pieces each, and
 * building the concatenation in JavaScript first cost as much as the hashing itself.
 */
export function sha256Parts(...parts: Uint8Array[]): Uint8Array {
  if (!scratch) {
    const lib = (sodium() as unknown as { libsodium?: RawModule }).libsodium;
    if (!lib || typeof lib._crypto_hash_sha256 !== 'function' || typeof lib._malloc !== 'function') {
      let length = 0;
      for (const p of parts) length += p.length;
      const joined = new Uint8Array(length);
      let at = 0;
      for (const p of parts) {
        joined.set(p, at);
        at += p.length;
      }
      return sha256(joined);
    }
    scratch = { lib, capacity: 64 * 1024, input: lib._malloc(64 * 1024), out: lib._malloc(32) };
  }
  const s = scratch;
  let length = 0;
  for (const p of parts) length += p.length;
  if (length > s.capacity) {
    s.lib._free(s.input);
    s.capacity = Math.max(length, s.capacity * 2);
    s.input = s.lib._malloc(s.capacity);
  }
  // Read after any allocation: growing the WebAssembly memory replaces HEAPU8's buffer.
  const heap = s.lib.HEAPU8;
  let at = s.input;
  for (const p of parts) {
    heap.set(p, at);
    at += p.length;
  }
  if (s.lib._crypto_hash_sha256(s.out, s.input, length, 0) !== 0) throw new Error('sha256 failed');
  return s.lib.HEAPU8.slice(s.out, s.out + 32);
}
