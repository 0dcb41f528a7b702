/**
 * Proof verification exactly as RFC 9162 sections 2.1.3.2 and 2.1.4.2 give it: this is
 * what an independent verifier of our bundles will run. The inputs come from files that
 * anyone can write, so nothing here throws: every malformed input is a `false` (or
 * `null`), and a proof longer than the tree could need is refused before any hashing.
 */
import { equalBytes } from '../bytes';
import { HASH_LENGTH, emptyRoot, nodeHasher, type HashFn } from './hash';
import { half, isOdd, isPowerOfTwo, isTreeIndex, proofLengthBound } from './tree-math';

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_LENGTH;
}

function isProof(value: unknown, size: number): value is Uint8Array[] {
  if (!Array.isArray(value) || value.length > proofLengthBound(size)) return false;
  for (let i = 0; i < value.length; i++) if (!isHash(value[i])) return false;
  return true;
}

/**
 * The root that `proof` leads to from the leaf at `index` of a tree of `size` leaves
 * (RFC 9162 2.1.3.2, steps 1 to 4 and the check on sn), or null if the proof does not
 * have the shape that index and size call for.
 */
export function rootFromInclusionProof(
  hash: HashFn,
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array | null {
  if (!isTreeIndex(index) || !isTreeIndex(size) || index >= size) return null;
  if (!isHash(leafHash) || !isProof(proof, size)) return null;
  const node = nodeHasher(hash);
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return null;
    if (isOdd(fn) || fn === sn) {
      r = node(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = node(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

/** RFC 9162 2.1.3.2: does `proof` show the leaf `leafHash` at `index` in the tree of `size` leaves with `root`? */
export function verifyInclusion(
  hash: HashFn,
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isHash(root)) return false;
  const computed = rootFromInclusionProof(hash, index, size, leafHash, proof);
  return computed !== null && equalBytes(computed, root);
}

/**
 * RFC 9162 2.1.4.2: does `proof` show that the tree of `newSize` leaves with `newRoot`
 * extends the tree of `oldSize` leaves with `oldRoot`? The RFC's algorithm covers
 * 0 < oldSize < newSize; at the edges the proof must be empty, and equal sizes need
 * equal roots, and an empty old tree needs the empty tree's root H("") (it is a prefix
 * of every tree, so the new root cannot be checked).
 */
export function verifyConsistency(
  hash: HashFn,
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isTreeIndex(oldSize) || !isTreeIndex(newSize) || oldSize > newSize) return false;
  if (!isHash(oldRoot) || !isHash(newRoot) || !isProof(proof, newSize)) return false;
  if (oldSize === 0) {
    const empty = emptyRoot(hash);
    return proof.length === 0 && equalBytes(oldRoot, empty) && (newSize > 0 || equalBytes(newRoot, empty));
  }
  if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot);

  // Step 1: a proof between different sizes is never empty.
  if (proof.length === 0) return false;
  // Step 2: when the old tree is a complete subtree, its root is the proof's first node.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  const node = nodeHasher(hash);
  // Steps 3 and 4.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // Step 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = node(c, fr);
      sr = node(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = node(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  return equalBytes(fr, oldRoot) && equalBytes(sr, newRoot) && sn === 0;
}
