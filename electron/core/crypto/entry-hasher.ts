/**
 * The SHA-256 leaves and field commitments of a batch of bundle entries, on the thread that
 * checks a bundle's entries beside the main one (workers/bundle-worker.ts).
 *
 * An entry is hashed as four or five short messages made of its pieces (a leaf: 0x00 and
 * the header; a commitment: the domain, the salt, the name's length and the name, the
 * value). Per message, the calls, the copies of the pieces into one message and the views
 * over them cost more than the hashing itself (on the 2-core build machine about 27 µs an
 * entry, against 10 µs of SHA-256). So the batch is copied once into libsodium's
 * WebAssembly memory, and each message is hashed there by libsodium's streaming SHA-256 over
 * its pieces where they lie, addressed by offsets: no allocation and no copy per message.
 * The native build cannot be given offsets (each piece would need a view of its own), and
 * per block its SHA-256 is barely faster.
 *
 * The layout (`desc`), per entry: the header's start and length, the number of fields,
 * then per field the salt's start, the name's start and length, the value's start and
 * length, all offsets into `bytes`. Out: per entry the leaf, then each field's commitment,
 * 32 bytes each.
 */
import { FIELD_DOMAIN } from '../../../shared/entry/commitments';
import { sodium } from './sodium';

type RawSha256 = {
  _malloc(n: number): number;
  _free(p: number): void;
  _crypto_hash_sha256_statebytes(): number;
  _crypto_hash_sha256_init(state: number): number;
  _crypto_hash_sha256_update(state: number, input: number, lenLo: number, lenHi: number): number;
  _crypto_hash_sha256_final(state: number, out: number): number;
  HEAPU8: Uint8Array;
};

export type EntryHasher = (bytes: Uint8Array, desc: Int32Array) => Uint8Array;

/** How many hashes `desc` asks for. */
export function hashCount(desc: Int32Array): number {
  let count = 0;
  for (let d = 0; d < desc.length; ) {
    const fields = desc[d + 2];
    if (fields === undefined || fields < 0 || d + 3 + 5 * fields > desc.length) throw new Error('entry layout malformed');
    count += 1 + fields;
    d += 3 + 5 * fields;
  }
  return count;
}

/** Offsets are the framing's, checked before; out of range they would read other memory. */
function inRange(at: number, length: number, size: number): boolean {
  return at >= 0 && length >= 0 && at + length <= size;
}

/** A hasher with its own memory in libsodium's WebAssembly instance (one per thread). */
export function createEntryHasher(): EntryHasher {
  const lib = (sodium() as unknown as { libsodium?: RawSha256 }).libsodium;
  if (!lib || typeof lib._crypto_hash_sha256_update !== 'function' || typeof lib._malloc !== 'function') {
    throw new Error('libsodium’s raw SHA-256 exports are missing');
  }
  const stateBytes = lib._crypto_hash_sha256_statebytes();
  const state = lib._malloc(stateBytes + FIELD_DOMAIN.length + 1 + 4);
  if (!state) throw new Error('out of WebAssembly memory');
  const domainAt = state + stateBytes;
  const zeroAt = domainAt + FIELD_DOMAIN.length;
  const lengthAt = zeroAt + 1;
  lib.HEAPU8.set(FIELD_DOMAIN, domainAt);
  lib.HEAPU8[zeroAt] = 0;
  let capacity = 0;
  let base = 0;

  return (bytes, desc) => {
    const count = hashCount(desc);
    const need = bytes.length + count * 32;
    if (need > capacity) {
      if (capacity) lib._free(base);
      capacity = Math.max(need, 2 * capacity);
      base = lib._malloc(capacity);
      if (!base) {
        capacity = 0;
        throw new Error('out of WebAssembly memory');
      }
    }
    // Read after the allocation: a grown memory replaces the buffer under HEAPU8.
    const heap = lib.HEAPU8;
    heap.set(bytes, base);
    const out = base + bytes.length;
    let failed = 0;
    const size = bytes.length;
    // (The calls are written out rather than made through closures built per batch: each
    // new closure was a new call target, and the engine threw away the loop's optimised code.)
    let r = out;
    for (let d = 0; d < desc.length; ) {
      const headerStart = desc[d]!;
      const headerLength = desc[d + 1]!;
      const fields = desc[d + 2]!;
      d += 3;
      if (!inRange(headerStart, headerLength, size)) throw new Error('entry layout out of range');
      failed |= lib._crypto_hash_sha256_init(state);
      failed |= lib._crypto_hash_sha256_update(state, zeroAt, 1, 0);
      failed |= lib._crypto_hash_sha256_update(state, base + headerStart, headerLength, 0);
      failed |= lib._crypto_hash_sha256_final(state, r);
      r += 32;
      for (let f = 0; f < fields; f++, d += 5) {
        const saltAt = desc[d]!;
        const nameAt = desc[d + 1]!;
        const nameLength = desc[d + 2]!;
        const valueAt = desc[d + 3]!;
        const valueLength = desc[d + 4]!;
        if (!inRange(saltAt, 32, size) || !inRange(nameAt, nameLength, size) || !inRange(valueAt, valueLength, size)) throw new Error('entry layout out of range');
        heap[lengthAt] = nameLength >>> 24;
        heap[lengthAt + 1] = (nameLength >>> 16) & 255;
        heap[lengthAt + 2] = (nameLength >>> 8) & 255;
        heap[lengthAt + 3] = nameLength & 255;
        failed |= lib._crypto_hash_sha256_init(state);
        failed |= lib._crypto_hash_sha256_update(state, domainAt, FIELD_DOMAIN.length, 0);
        failed |= lib._crypto_hash_sha256_update(state, base + saltAt, 32, 0);
        failed |= lib._crypto_hash_sha256_update(state, lengthAt, 4, 0);
        failed |= lib._crypto_hash_sha256_update(state, base + nameAt, nameLength, 0);
        failed |= lib._crypto_hash_sha256_update(state, base + valueAt, valueLength, 0);
        failed |= lib._crypto_hash_sha256_final(state, r);
        r += 32;
      }
      // Checked in the loop, not after it: the loop is compiled while it runs, before the
      // code after it has ever run, and a check there with no history threw the compiled
      // loop away at the end of each batch.
      if (failed !== 0) throw new Error('SHA-256 failed');
    }
    return heap.slice(out, out + count * 32);
  };
}
