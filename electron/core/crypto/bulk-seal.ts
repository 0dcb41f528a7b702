/**
 * SHA-256 and XChaCha20-Poly1305 for appends: on libsodium's native build where it loaded
 * and the message is long enough for it to be the faster (native-sodium.ts: a kilobyte of
 * entry is sealed natively, a field commitment is hashed in WebAssembly), else on the raw
 * exports of its WebAssembly build.
 *
 * Native: the parts are written as UTF-8 into one reused buffer, libsodium reads it where
 * it is and writes each digest or ciphertext straight to its destination; the buffer is
 * wiped after each call. WebAssembly, as follows.
 *
 * An append hashes every field commitment and the leaf, then seals the record. Through the
 * wrapper, each call allocates in libsodium's memory, copies every argument in, copies the
 * result out and frees; and the caller first had to concatenate its inputs into one buffer
 * and encode its strings to bytes. Here the inputs are given as parts (bytes, or text to be
 * written as UTF-8) that are written straight into a buffer allocated once in libsodium's
 * memory, so a record's text is encoded once, where libsodium reads it, and only the results
 * are copied out. The cryptography is libsodium's own; only the marshalling is ours.
 */
import { concatBytes, utf8 } from '../../../shared/bytes';
import { KEY_BYTES, NONCE_BYTES, type Sealed } from './aead';
import { nativeFor, nativeSodium, NATIVE_FROM_BYTES, ScratchBuffer, type NativeSodium } from './native-sodium';
import { randomBytes } from './random';
import { sodium } from './sodium';

/** A piece of a hashed or sealed message: bytes as they are, or text written as UTF-8. */
export type Part = string | Uint8Array;

const HASH_BYTES = 32;
const TAG_BYTES = 16;
const CHUNK_BYTES = 256 * 1024;

type Raw = {
  _malloc(n: number): number;
  _free(p: number): void;
  _crypto_hash_sha256(out: number, input: number, lenLo: number, lenHi: number): number;
  _crypto_aead_xchacha20poly1305_ietf_encrypt(
    c: number, clenP: number, m: number, mlenLo: number, mlenHi: number, ad: number, adlenLo: number, adlenHi: number, nsec: number, npub: number, k: number,
  ): number;
  HEAPU8: Uint8Array;
};

const encoder = new TextEncoder();

function rawLib(): Raw | undefined {
  const lib = (sodium() as unknown as { libsodium?: Raw }).libsodium;
  const usable =
    lib &&
    typeof lib._malloc === 'function' &&
    typeof lib._crypto_hash_sha256 === 'function' &&
    typeof lib._crypto_aead_xchacha20poly1305_ietf_encrypt === 'function';
  return usable ? lib : undefined;
}

/** The most bytes `parts` can take as UTF-8 (a UTF-16 code unit is at most three bytes). */
function maxBytes(parts: readonly Part[]): number {
  let n = 0;
  // A long string is measured exactly (an export's audit entry lists 100k ids): reserving
  // three bytes a character for it would grow libsodium's memory, which never shrinks.
  for (const p of parts) n += typeof p !== 'string' ? p.length : p.length > 65_536 ? Buffer.byteLength(p, 'utf8') : p.length * 3;
  return n;
}

/** Writes the parts back to back from `at`; returns the number of bytes written. */
function writeParts(heap: Uint8Array, at: number, parts: readonly Part[]): number {
  let end = at;
  for (const p of parts) {
    if (typeof p === 'string') {
      end += encoder.encodeInto(p, heap.subarray(end, end + p.length * 3)).written;
    } else {
      heap.set(p, end);
      end += p.length;
    }
  }
  return end - at;
}

/** About the bytes `parts` take (a string's UTF-16 length): enough to choose a build by. */
function roughBytes(parts: readonly Part[]): number {
  let n = 0;
  for (const p of parts) n += p.length;
  return n;
}

function joinParts(parts: readonly Part[]): Uint8Array {
  return concatBytes(...parts.map((p) => (typeof p === 'string' ? utf8(p) : p)));
}

/** A buffer in libsodium's memory that grows (never shrinks) to the largest request. */
/** Above this, a reusable buffer is given back after use instead of kept. */
const LARGE_BUFFER = 1024 * 1024;

class HeapBuffer {
  ptr = 0;
  capacity = 0;
  constructor(private readonly lib: Raw, private readonly minimum: number) {}

  reserve(bytes: number): number {
    if (bytes > this.capacity) {
      if (this.ptr) {
        this.lib.HEAPU8.fill(0, this.ptr, this.ptr + this.capacity);
        this.lib._free(this.ptr);
      }
      this.capacity = Math.max(bytes, this.minimum, this.capacity * 2);
      this.ptr = this.lib._malloc(this.capacity);
      if (!this.ptr) throw new Error('libsodium could not allocate memory');
    }
    return this.ptr;
  }

  /** Gives back a buffer that one unusually large input grew, so it is not held for good. */
  trim(): void {
    if (this.capacity > LARGE_BUFFER) this.release();
  }

  release(): void {
    if (!this.ptr) return;
    this.lib.HEAPU8.fill(0, this.ptr, this.ptr + this.capacity);
    this.lib._free(this.ptr);
    this.ptr = this.capacity = 0;
  }
}

/** The native build's hash input: every message written here is wiped after hashing. */
const nativeInput = new ScratchBuffer(16 * 1024);

let hashing: { lib: Raw; input: HeapBuffer; outputs: HeapBuffer } | undefined | null;

function hashState(): { lib: Raw; input: HeapBuffer; outputs: HeapBuffer } | null {
  if (hashing === undefined) {
    const lib = rawLib();
    hashing = lib ? { lib, input: new HeapBuffer(lib, 16 * 1024), outputs: new HeapBuffer(lib, 1024) } : null;
  }
  return hashing;
}

/**
 * SHA-256 of the parts, concatenated. The message is wiped from libsodium's memory after
 * hashing: a field commitment's input is the field's value in the clear.
 */
export function sha256Parts(parts: readonly Part[]): Uint8Array {
  const out = new Uint8Array(HASH_BYTES);
  sha256Each([parts], out);
  return out;
}

/**
 * SHA-256 of each message (each the concatenation of its parts) into `out`, 32 bytes
 * apiece: an entry's field commitments, written to libsodium's memory in one pass and
 * wiped from it at once.
 */
export function sha256Each(messages: readonly (readonly Part[])[], out: Uint8Array): void {
  if (out.length < messages.length * HASH_BYTES) throw new Error('sha256Each: output too small');
  if (messages.length === 0) return;
  // One build for the whole call, by the messages' average length.
  let rough = 0;
  for (const parts of messages) rough += roughBytes(parts);
  const native = nativeFor('sha256', rough / messages.length);
  if (native) {
    let capacity = 0;
    for (const parts of messages) capacity += maxBytes(parts);
    const input = nativeInput.reserve(capacity);
    let at = 0;
    try {
      for (let i = 0; i < messages.length; i++) {
        const length = writeParts(input, at, messages[i]!);
        native.crypto_hash_sha256(out.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES), input.subarray(at, at + length));
        at += length;
      }
    } finally {
      input.fill(0, 0, at);
      nativeInput.trim();
    }
    return;
  }
  const h = hashState();
  if (!h) {
    messages.forEach((parts, i) => out.set(sodium().crypto_hash_sha256(joinParts(parts)), i * HASH_BYTES));
    return;
  }
  let capacity = 0;
  for (const parts of messages) capacity += maxBytes(parts);
  const ptr = h.input.reserve(capacity);
  const digests = h.outputs.reserve(messages.length * HASH_BYTES);
  const heap = h.lib.HEAPU8;
  let at = ptr;
  let failed = false;
  for (let i = 0; i < messages.length; i++) {
    const length = writeParts(heap, at, messages[i]!);
    if (h.lib._crypto_hash_sha256(digests + i * HASH_BYTES, at, length, 0) !== 0) failed = true;
    at += length;
  }
  heap.fill(0, ptr, at);
  if (failed) throw new Error('sha256 failed');
  out.set(heap.subarray(digests, digests + messages.length * HASH_BYTES));
  h.input.trim();
  h.outputs.trim();
}

/**
 * Where a ciphertext of `length` bytes is to be written, if not in the sealer's own shared
 * buffers: an append's chunk packs its ciphertexts into one buffer it reuses.
 */
export type Output = (length: number) => Uint8Array;

export interface BulkSealer {
  /**
   * XChaCha20-Poly1305 with a fresh random nonce, exactly as aead.ts `seal` of the joined
   * parts. The ciphertext may be a view into a buffer shared with other ciphertexts.
   */
  seal(plaintext: readonly Part[], associatedData: readonly Part[], into?: Output): Sealed;
  /** Wipes the key copy and every buffer in libsodium's memory, and frees them. */
  dispose(): void;
}

/**
 * Seals many messages under one key (an append seals every entry of its batch). Where the
 * native build loaded, a message of NATIVE_FROM_BYTES.aead or more is sealed by it, a
 * shorter one by the WebAssembly build, each with its own copy of the key, taken here.
 */
export function bulkSealer(key: Uint8Array): BulkSealer {
  if (key.length !== KEY_BYTES) throw new Error(`an entry key must be ${KEY_BYTES} bytes`);
  const native = nativeSodium();
  if (!native) return wasmSealer(key);
  const large = nativeSealer(native, key);
  const small = wasmSealer(key);
  return {
    seal: (plaintext, associatedData, into) => (roughBytes(plaintext) >= NATIVE_FROM_BYTES.aead ? large : small).seal(plaintext, associatedData, into),
    dispose() {
      large.dispose();
      small.dispose();
    },
  };
}

/**
 * The WebAssembly sealer. The key is copied into libsodium's memory once; plaintexts are
 * written there from their parts and wiped after each call.
 */
function wasmSealer(key: Uint8Array): BulkSealer {
  const lib = rawLib();
  if (!lib) {
    // Its own copy, as the other sealers take: the caller may wipe its key once it has a sealer.
    const keyCopy = new Uint8Array(key);
    return {
      seal(plaintext, associatedData, into) {
        const nonce = randomBytes(NONCE_BYTES);
        const message = joinParts(plaintext);
        const sealed = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(message, joinParts(associatedData), null, nonce, keyCopy);
        message.fill(0);
        if (!into) return { nonce, ciphertext: sealed };
        const ciphertext = into(sealed.length);
        ciphertext.set(sealed);
        return { nonce, ciphertext };
      },
      dispose: () => keyCopy.fill(0),
    };
  }
  const fixed = lib._malloc(KEY_BYTES + NONCE_BYTES);
  if (!fixed) throw new Error('libsodium could not allocate memory');
  const keyPtr = fixed;
  const noncePtr = fixed + KEY_BYTES;
  const message = new HeapBuffer(lib, 16 * 1024);
  const output = new HeapBuffer(lib, 16 * 1024);
  const ad = new HeapBuffer(lib, 256);
  lib.HEAPU8.set(key, keyPtr);
  let disposed = false;
  const take = chunkedOutput();
  return {
    seal(plaintext, associatedData, into) {
      if (disposed) throw new Error('sealer used after dispose()');
      const nonce = randomBytes(NONCE_BYTES);
      const capacity = maxBytes(plaintext);
      const mPtr = message.reserve(capacity);
      const cPtr = output.reserve(capacity + TAG_BYTES);
      const adPtr = ad.reserve(maxBytes(associatedData));
      const heap = lib.HEAPU8;
      const mLen = writeParts(heap, mPtr, plaintext);
      const adLen = writeParts(heap, adPtr, associatedData);
      heap.set(nonce, noncePtr);
      const rc = lib._crypto_aead_xchacha20poly1305_ietf_encrypt(cPtr, 0, mPtr, mLen, 0, adPtr, adLen, 0, 0, noncePtr, keyPtr);
      heap.fill(0, mPtr, mPtr + mLen);
      if (rc !== 0) throw new Error('encryption failed');
      const ciphertext = (into ?? take)(mLen + TAG_BYTES);
      ciphertext.set(heap.subarray(cPtr, cPtr + mLen + TAG_BYTES));
      message.trim();
      output.trim();
      return { nonce, ciphertext };
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      lib.HEAPU8.fill(0, fixed, fixed + KEY_BYTES + NONCE_BYTES);
      lib._free(fixed);
      message.release();
      output.release();
      ad.release();
    },
  };
}

/**
 * Ciphertexts are views into shared chunks: a batch's rows live and die together, and one
 * allocation per chunk costs less than one ArrayBuffer per entry, which was most of what
 * copying a ciphertext out cost.
 */
function chunkedOutput(): (length: number) => Uint8Array {
  let chunk = new Uint8Array(0);
  let used = 0;
  return (length) => {
    if (used + length > chunk.length) {
      chunk = new Uint8Array(Math.max(length, CHUNK_BYTES));
      used = 0;
    }
    const view = chunk.subarray(used, used + length);
    used += length;
    return view;
  };
}

/**
 * The native build's sealer: the plaintext is written from its parts into one reused
 * buffer (wiped after each call) and libsodium seals it straight into the ciphertext's
 * place in the shared chunk.
 */
function nativeSealer(native: NativeSodium, key: Uint8Array): BulkSealer {
  const keyCopy = new Uint8Array(key);
  const message = new ScratchBuffer(16 * 1024);
  const ad = new ScratchBuffer(256);
  const take = chunkedOutput();
  let disposed = false;
  return {
    seal(plaintext, associatedData, into) {
      if (disposed) throw new Error('sealer used after dispose()');
      const nonce = randomBytes(NONCE_BYTES);
      const m = message.reserve(maxBytes(plaintext));
      const mLen = writeParts(m, 0, plaintext);
      try {
        const a = ad.reserve(maxBytes(associatedData));
        const adLen = writeParts(a, 0, associatedData);
        const ciphertext = (into ?? take)(mLen + TAG_BYTES);
        native.crypto_aead_xchacha20poly1305_ietf_encrypt(ciphertext, m.subarray(0, mLen), a.subarray(0, adLen), null, nonce, keyCopy);
        return { nonce, ciphertext };
      } finally {
        m.fill(0, 0, mLen);
        message.trim();
        ad.trim();
      }
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      native.sodium_memzero(keyCopy);
      message.release();
      ad.release();
    },
  };
}
