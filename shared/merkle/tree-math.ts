/**
 * Index arithmetic on tree sizes and leaf indexes. They may be any safe integer
 * (< 2^53), well past what 32-bit bitwise operators handle, so halving and parity are
 * done with division and remainder, which are exact on safe integers.
 */

export function isTreeIndex(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

export function half(n: number): number {
  return Math.floor(n / 2);
}

export function isOdd(n: number): boolean {
  return n % 2 === 1;
}

/** The largest power of two that is at most n (n ≥ 1). */
export function powerOfTwoAtMost(n: number): number {
  // log2 may round across a power of two for large n: correct it by one step either way.
  let p = 2 ** Math.floor(Math.log2(n));
  if (p > n) p /= 2;
  else if (p * 2 <= n) p *= 2;
  return p;
}

/** RFC 6962's k: the largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  return powerOfTwoAtMost(n - 1);
}

export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && powerOfTwoAtMost(n) === n;
}

/** The number of bits of n: 0 for 0, 1 for 1, 53 for 2^53 − 1. */
export function bitLength(n: number): number {
  let bits = 0;
  for (let rest = n; rest >= 1; rest = half(rest)) bits++;
  return bits;
}

/**
 * An upper bound on the length of any inclusion or consistency proof in a tree of this
 * size (for a consistency proof, the newer size). An inclusion path has at most one
 * element per level above the leaves, ⌈log2 size⌉; a consistency proof at most one more.
 * A parser can refuse a longer proof before hashing anything.
 */
export function proofLengthBound(size: number): number {
  if (!isTreeIndex(size) || size === 0) return 0;
  return bitLength(size - 1) + 1;
}

/** The bound for the largest tree an index can describe (2^53 − 1 leaves). */
export const MAX_PROOF_LENGTH = proofLengthBound(Number.MAX_SAFE_INTEGER);

/**
 * The exact length of the inclusion proof of leaf `index` in a tree of `size` leaves
 * (RFC 9162 2.1.3.1), or -1 if there is no such leaf.
 */
export function inclusionProofLength(index: number, size: number): number {
  if (!isTreeIndex(index) || !isTreeIndex(size) || index >= size) return -1;
  let length = 0;
  let m = index;
  let n = size;
  while (n > 1) {
    const k = splitPoint(n);
    if (m < k) {
      n = k;
    } else {
      m -= k;
      n -= k;
    }
    length++;
  }
  return length;
}

/**
 * The exact length of the consistency proof from `oldSize` to `newSize` (RFC 9162
 * 2.1.4.1; empty when the sizes are equal or the old tree is empty), or -1 if
 * oldSize > newSize.
 */
export function consistencyProofLength(oldSize: number, newSize: number): number {
  if (!isTreeIndex(oldSize) || !isTreeIndex(newSize) || oldSize > newSize) return -1;
  if (oldSize === 0 || oldSize === newSize) return 0;
  let length = 0;
  let m = oldSize;
  let n = newSize;
  let isOldRoot = true;
  while (m !== n) {
    const k = splitPoint(n);
    if (m <= k) {
      n = k;
    } else {
      m -= k;
      n -= k;
      isOldRoot = false;
    }
    length++;
  }
  return isOldRoot ? length : length + 1;
}
