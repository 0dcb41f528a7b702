/**
 * An append-only RFC 6962 / RFC 9162 Merkle tree over leaf hashes (the vault stores leaf
 * hashes, not leaf data), able to give the root and proofs for any earlier size.
 */
import { TearlineError } from '../errors';
import { HASH_LENGTH, emptyRoot, type HashFn } from './hash';
import { bitLength, isPowerOfTwo, isTreeIndex, splitPoint } from './tree-math';

/** Hashes a level's buffer starts with room for; it doubles when full. */
const INITIAL_CAPACITY = 256;

export class MerkleTree {
  readonly #hash: HashFn;
  readonly #emptyRoot: Uint8Array;
  /** 0x01 ‖ left ‖ right, rewritten for every interior node hashed. */
  readonly #nodeInput = new Uint8Array(1 + 2 * HASH_LENGTH);
  /**
   * levels[k] holds the hashes of the complete, aligned subtrees of 2^k leaves, in order,
   * back to back (level 0: the leaf hashes). Every tree size's root and proofs are built
   * from these, so any earlier size is served in O(log n) hashes. Only the first
   * ⌊size / 2^k⌋ slots of a level are live: a truncate leaves the rest stale, and an
   * append overwrites a slot before it is read again.
   */
  #levels: Uint8Array[] = [];
  #size = 0;

  constructor(hash: HashFn, leafHashes?: Iterable<Uint8Array>) {
    this.#hash = hash;
    this.#emptyRoot = emptyRoot(hash);
    if (!(this.#emptyRoot instanceof Uint8Array) || this.#emptyRoot.length !== HASH_LENGTH) {
      throw new TearlineError('E_INTERNAL', `the Merkle tree's hash must give ${HASH_LENGTH} bytes`);
    }
    this.#nodeInput[0] = 0x01;
    if (leafHashes) for (const leaf of leafHashes) this.append(leaf);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds a leaf hash (H(0x00 ‖ entry)) and returns its index. Amortised O(1) hashes. */
  append(leafHash: Uint8Array): number {
    if (!(leafHash instanceof Uint8Array) || leafHash.length !== HASH_LENGTH) {
      throw new TearlineError('E_INTERNAL', `a Merkle leaf hash must be ${HASH_LENGTH} bytes`);
    }
    const added = this.#size;
    this.#store(0, added, leafHash);
    // Each odd index completes a pair: its parent is a new complete subtree one level up.
    let index = added;
    let level = 0;
    while (index % 2 === 1) {
      const pair = (index - 1) * HASH_LENGTH;
      this.#nodeInput.set(this.#levels[level]!.subarray(pair, pair + 2 * HASH_LENGTH), 1);
      const parent = this.#hash(this.#nodeInput);
      index = (index - 1) / 2;
      level++;
      this.#store(level, index, parent);
    }
    this.#size = added + 1;
    return added;
  }

  /**
   * Forgets every leaf from `size` on, as if they had never been appended: for rolling
   * back appends whose transaction aborted. O(1); the memory is kept for the next appends.
   */
  truncate(size: number): void {
    this.#checkSize(size);
    this.#size = size;
  }

  /** The leaf hashes [start, end), back to back, as a fresh array. */
  leafHashes(start: number, end: number): Uint8Array {
    this.#checkSize(end);
    if (!isTreeIndex(start) || start > end) throw new TearlineError('E_USAGE', `no leaves from ${String(start)} to ${end}`);
    return this.#levels[0]!.slice(start * HASH_LENGTH, end * HASH_LENGTH);
  }

  leafHash(index: number): Uint8Array {
    this.#checkIndex(index, this.#size);
    return this.#levels[0]!.slice(index * HASH_LENGTH, (index + 1) * HASH_LENGTH);
  }

  /** MTH(D[0:size]), the root the tree had when it held `size` leaves. */
  root(size: number = this.#size): Uint8Array {
    this.#checkSize(size);
    // Copied with new Uint8Array: the hash may have returned a Buffer, whose slice() is a view.
    return size === 0 ? new Uint8Array(this.#emptyRoot) : this.#subtreeHash(0, size);
  }

  /**
   * MTH(D[start:start+width]) of a complete, aligned subtree (`width` a power of two,
   * `start` a multiple of it): one stored hash, no hashing. The vault binds each sealed
   * index block to the subtree of the entries it summarises.
   */
  alignedRoot(start: number, width: number): Uint8Array {
    if (!isPowerOfTwo(width) || !isTreeIndex(start) || start % width !== 0 || start + width > this.#size) {
      throw new TearlineError('E_USAGE', `no complete subtree of ${String(width)} leaves at ${String(start)} in a log of ${this.#size}`);
    }
    return this.#subtreeHash(start, start + width);
  }

  /** PATH(index, D[0:size]) of RFC 9162 2.1.3.1, from the leaf's sibling up to the root's child. */
  inclusionProof(index: number, size: number = this.#size): Uint8Array[] {
    this.#checkSize(size);
    this.#checkIndex(index, size);
    // Walk down from the root, noting the sibling of each subtree that holds the leaf.
    const path: Uint8Array[] = [];
    let start = 0;
    let m = index;
    let n = size;
    while (n > 1) {
      const k = splitPoint(n);
      if (m < k) {
        path.push(this.#subtreeHash(start + k, start + n));
        n = k;
      } else {
        path.push(this.#subtreeHash(start, start + k));
        start += k;
        m -= k;
        n -= k;
      }
    }
    return path.reverse();
  }

  /**
   * PROOF(oldSize, D[0:newSize]) of RFC 9162 2.1.4.1. Empty when the sizes are equal or
   * the old tree is empty, which is what verifyConsistency expects for those cases.
   */
  consistencyProof(oldSize: number, newSize: number = this.#size): Uint8Array[] {
    this.#checkSize(newSize);
    if (!isTreeIndex(oldSize) || oldSize > newSize) {
      throw new TearlineError('E_USAGE', `a consistency proof goes from a smaller tree to a larger one, not from ${String(oldSize)} to ${newSize}`);
    }
    if (oldSize === 0) return [];
    // SUBPROOF(m, D[start:start+n], isOldRoot), unrolled: each step adds the hash of the
    // part of D[start:start+n] that the recursion does not descend into.
    const proof: Uint8Array[] = [];
    let start = 0;
    let m = oldSize;
    let n = newSize;
    let isOldRoot = true;
    while (m !== n) {
      const k = splitPoint(n);
      if (m <= k) {
        proof.push(this.#subtreeHash(start + k, start + n));
        n = k;
      } else {
        proof.push(this.#subtreeHash(start, start + k));
        start += k;
        m -= k;
        n -= k;
        isOldRoot = false;
      }
    }
    if (!isOldRoot) proof.push(this.#subtreeHash(start, start + n));
    return proof.reverse();
  }

  /**
   * MTH(D[start:end]) for the ranges the RFC's recursion produces: `start` is a multiple
   * of a power of two at least end − start, so the range is a run of complete subtrees of
   * decreasing size, whose hashes are stored. O(log n) hashes; a fresh array.
   */
  #subtreeHash(start: number, end: number): Uint8Array {
    const parts: Uint8Array[] = [];
    let at = start;
    for (let level = bitLength(end - start) - 1; level >= 0; level--) {
      const width = 2 ** level;
      if (at + width > end) continue;
      const offset = (at / width) * HASH_LENGTH;
      parts.push(this.#levels[level]!.subarray(offset, offset + HASH_LENGTH));
      at += width;
    }
    // MTH splits off the largest complete subtree on the left, so the runs fold right to left.
    let acc: Uint8Array = parts[parts.length - 1]!.slice();
    for (let i = parts.length - 2; i >= 0; i--) {
      this.#nodeInput.set(parts[i]!, 1);
      this.#nodeInput.set(acc, 1 + HASH_LENGTH);
      acc = this.#hash(this.#nodeInput);
    }
    return acc;
  }

  #store(level: number, index: number, hash: Uint8Array): void {
    let buffer: Uint8Array | undefined = this.#levels[level];
    const end = (index + 1) * HASH_LENGTH;
    if (buffer === undefined || buffer.length < end) {
      const capacity = Math.max(INITIAL_CAPACITY * HASH_LENGTH, (buffer?.length ?? 0) * 2, end);
      const grown = new Uint8Array(capacity);
      if (buffer !== undefined) grown.set(buffer);
      buffer = grown;
      this.#levels[level] = buffer;
    }
    buffer.set(hash, index * HASH_LENGTH);
  }

  #checkSize(size: number): void {
    if (!isTreeIndex(size)) throw new TearlineError('E_USAGE', `a tree size is a whole number, not ${String(size)}`);
    if (size > this.#size) throw new TearlineError('E_NOT_FOUND', `the log has ${this.#size} entries, not ${size}`);
  }

  #checkIndex(index: number, size: number): void {
    if (!isTreeIndex(index)) throw new TearlineError('E_USAGE', `an entry index is a whole number, not ${String(index)}`);
    if (index >= size) throw new TearlineError('E_NOT_FOUND', `no entry ${index} in a log of ${size} entries`);
  }
}
