/**
 * The hashing of RFC 6962 / RFC 9162 section 2.1: leaves and interior nodes are hashed
 * with different one-byte prefixes, so that no leaf can be passed off as a node (the
 * second-preimage attack on plain Merkle trees).
 */

/**
 * SHA-256, injected: shared/ cannot reach node:crypto. It must return a new array of
 * HASH_LENGTH bytes on every call and must not keep a reference to its input (callers
 * reuse their input buffers).
 */
export type HashFn = (data: Uint8Array) => Uint8Array;

/** Every leaf hash, node hash, root and proof element is a SHA-256 digest. */
export const HASH_LENGTH = 32;

const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** MTH({d}) = H(0x00 ‖ d). */
export function leafHash(hash: HashFn, leafData: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + leafData.length);
  input[0] = LEAF_PREFIX;
  input.set(leafData, 1);
  return hash(input);
}

/** H(0x01 ‖ left ‖ right). */
export function nodeHash(hash: HashFn, left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(1 + left.length + right.length);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return hash(input);
}

/** MTH({}) = H(""): the root of the empty tree. */
export function emptyRoot(hash: HashFn): Uint8Array {
  return hash(new Uint8Array(0));
}

/**
 * Node hashing with one reusable input buffer, for the loops that hash many nodes in a
 * row (appends, proof checks). Only for HASH_LENGTH-byte children.
 */
export function nodeHasher(hash: HashFn): (left: Uint8Array, right: Uint8Array) => Uint8Array {
  const input = new Uint8Array(1 + 2 * HASH_LENGTH);
  input[0] = NODE_PREFIX;
  return (left, right) => {
    input.set(left, 1);
    input.set(right, 1 + HASH_LENGTH);
    return hash(input);
  };
}
