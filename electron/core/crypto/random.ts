/**
 * Random bytes for nonces and salts.
 *
 * In Node, libsodium.js takes its entropy from `crypto.randomBytes(4)`, one call per
 * 32-bit word, which made `randombytes_buf` cost about a millisecond per nonce and put a
 * ceiling of a few hundred entries a second on appends. This asks the same source (the
 * operating system's CSPRNG through Node) for bytes in blocks, and hands them out once
 * each: a byte given out is never given out again.
 */
import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 64 * 1024;
let pool = new Uint8Array(0);
let used = 0;

export function randomBytes(length: number): Uint8Array {
  if (length > POOL_BYTES / 4) return randomFillSync(new Uint8Array(length));
  if (used + length > pool.length) {
    pool = randomFillSync(new Uint8Array(POOL_BYTES));
    used = 0;
  }
  const out = pool.slice(used, used + length);
  // Zero what was handed out, so the pool never holds a copy of a secret salt or key.
  pool.fill(0, used, used + length);
  used += length;
  return out;
}

/** Fills `out` with fresh random bytes from the pool, without allocating (an entry's salts). */
export function randomFill(out: Uint8Array): void {
  const length = out.length;
  if (length > POOL_BYTES / 4) {
    randomFillSync(out);
    return;
  }
  if (used + length > pool.length) {
    pool = randomFillSync(new Uint8Array(POOL_BYTES));
    used = 0;
  }
  out.set(pool.subarray(used, used + length));
  pool.fill(0, used, used + length);
  used += length;
}
