/**
 * Hash functions of the core. SHA-256 is the Merkle tree's hash (RFC 6962) and the
 * field-commitment hash; BLAKE2b is minisign's and the fingerprint's. On libsodium's
 * native build where it loaded and the input is long enough for it to be the faster
 * (native-sodium.ts), else on its WebAssembly build; streaming BLAKE2b is native
 * throughout where it loaded.
 */
import { sodium } from './sodium';
import { sha256Parts as sha256PartsOf } from './bulk-seal';
import { nativeFor, nativeSodium, unshared, type NativeSodium } from './native-sodium';

/**
 * SHA-256. Native: libsodium reads `data` where it is. WebAssembly (a Merkle node's 65
 * bytes): through libsodium's raw exports with one reusable heap buffer (the wrapper's
 * `crypto_hash_sha256` allocates and copies on every call, which made hashing the largest
 * cost of an append, about ten hashes an entry), paying for one copy in and one out.
 */
export function sha256(data: Uint8Array): Uint8Array {
  const native = nativeFor('sha256', data.length);
  if (native) {
    const out = new Uint8Array(32);
    native.crypto_hash_sha256(out, data);
    return out;
  }
  return rawSha256()(data);
}

/** BLAKE2b with an output of `outLength` bytes (16 to 64), keyed when `key` is given. */
export function blake2b(data: Uint8Array, outLength = 32, key?: Uint8Array): Uint8Array {
  const native = nativeFor('blake2b', data.length);
  if (native) {
    const out = new Uint8Array(outLength);
    native.crypto_generichash(out, unshared(data), key ? unshared(key) : null);
    return out;
  }
  return sodium().crypto_generichash(outLength, data, key ?? null);
}

/** A streaming hash. */
export interface StreamHasher {
  update(chunk: Uint8Array): StreamHasher;
  /** The digest; the hasher cannot be used after it. */
  digest(): Uint8Array;
}

export type Blake2bHasher = StreamHasher;

/**
 * A hasher from its steps, refusing to be used after its digest, or after its state was
 * carried away (`carry`, where it can be): the state is gone by then.
 */
function streamHasher(name: string, update: (chunk: Uint8Array) => void, final: () => Uint8Array): StreamHasher;
function streamHasher(name: string, update: (chunk: Uint8Array) => void, final: () => Uint8Array, carry: () => Uint8Array): MovableBlake2b;
function streamHasher(name: string, update: (chunk: Uint8Array) => void, final: () => Uint8Array, carry?: () => Uint8Array): StreamHasher | MovableBlake2b {
  let ended: 'digest()' | 'carry()' | undefined;
  const check = (): void => {
    if (ended) throw new Error(`${name} hasher used after ${ended}`);
  };
  const hasher: StreamHasher & { carry?(): Uint8Array } = {
    update(chunk) {
      check();
      update(chunk);
      return hasher;
    },
    digest() {
      check();
      ended = 'digest()';
      return final();
    },
  };
  if (carry) {
    hasher.carry = () => {
      if (ended) throw new Error(`${name} hasher carried after its end`);
      ended = 'carry()';
      return carry();
    };
  }
  return hasher;
}

/** Streaming BLAKE2b (minisign's prehash of a large file), the same as `blake2b` of the whole. */
export function createBlake2b(outLength: number, key?: Uint8Array): StreamHasher {
  const native = nativeSodium();
  if (native) return nativeBlake2b(native, outLength, key ? unshared(key) : null);
  const s = sodium();
  const state = s.crypto_generichash_init(key ?? null, outLength);
  return streamHasher(
    'BLAKE2b',
    (chunk) => s.crypto_generichash_update(state, chunk),
    () => s.crypto_generichash_final(state, outLength),
  );
}

/** A streaming BLAKE2b that can be stopped and carried on from where it was, in another thread. */
export interface MovableBlake2b extends StreamHasher {
  /** The state so far (for `resumeBlake2b`); this hasher cannot be used after it. */
  carry(): Uint8Array;
}

/**
 * A streaming BLAKE2b whose state can move to another thread: libsodium's native build
 * keeps it in memory the caller owns, a plain structure without pointers, which the same
 * library in the other thread takes up as it is. Undefined without the native build (the
 * WebAssembly one keeps it in its own memory).
 */
export function createMovableBlake2b(outLength: number): MovableBlake2b | undefined {
  const native = nativeSodium();
  return native ? nativeBlake2b(native, outLength, null) : undefined;
}

/** Takes up a BLAKE2b that `carry()` stopped (the same output length; native build only). */
export function resumeBlake2b(outLength: number, state: Uint8Array): StreamHasher {
  const native = nativeSodium();
  if (!native) throw new Error('a carried BLAKE2b needs libsodium’s native build');
  if (state.length !== native.crypto_generichash_STATEBYTES) throw new Error('not a BLAKE2b state');
  return nativeBlake2b(native, outLength, null, new Uint8Array(state));
}

/** A native BLAKE2b, begun here or from a carried `given` state; its own state can be carried away. */
function nativeBlake2b(native: NativeSodium, outLength: number, key: Uint8Array | null, given?: Uint8Array): MovableBlake2b {
  let state = given;
  if (!state) {
    state = new Uint8Array(native.crypto_generichash_STATEBYTES);
    native.crypto_generichash_init(state, key, outLength);
  }
  const own = state;
  return streamHasher(
    'BLAKE2b',
    (chunk) => native.crypto_generichash_update(own, unshared(chunk)),
    () => {
      const out = new Uint8Array(outLength);
      native.crypto_generichash_final(own, out);
      own.fill(0);
      return out;
    },
    () => {
      const copy = own.slice();
      own.fill(0);
      return copy;
    },
  );
}

/** Streaming SHA-256 (a bundle's hash for the import's record), the same as `sha256` of the whole. */
export function createSha256(): StreamHasher {
  const native = nativeSodium();
  if (native) {
    const state = new Uint8Array(native.crypto_hash_sha256_STATEBYTES);
    native.crypto_hash_sha256_init(state);
    return streamHasher(
      'SHA-256',
      (chunk) => native.crypto_hash_sha256_update(state, chunk),
      () => {
        const out = new Uint8Array(32);
        native.crypto_hash_sha256_final(state, out);
        return out;
      },
    );
  }
  const s = sodium();
  const state = s.crypto_hash_sha256_init();
  return streamHasher(
    'SHA-256',
    (chunk) => s.crypto_hash_sha256_update(state, chunk),
    () => s.crypto_hash_sha256_final(state),
  );
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
