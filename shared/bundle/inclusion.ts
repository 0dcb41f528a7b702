/**
 * Inclusion proofs of many leaves of one tree, checked with what the previous proof has
 * already established.
 *
 * A bundle carries one RFC 9162 inclusion proof per entry, up to one root. Checked one by
 * one, 100,000 proofs in a tree of that size cost some 1.7 million SHA-256 calls, nearly
 * all of them recomputing the same upper nodes. This verifier remembers the last path it
 * accepted: every node on it and every sibling hashed into it, at their (level, index)
 * coordinates. When a new proof reaches a node of that path with the same value, the rest
 * of its way to the root is that path, so instead of hashing it only compares the
 * remaining proof elements with the remembered siblings. For entries in increasing order
 * that is about one hash per entry.
 *
 * Acceptance is exactly RFC 9162's: a proof accepted here recomputes, hash for hash, the
 * root that the full algorithm would (the remembered nodes are what those hashes gave).
 * A proof is refused here where the full algorithm would accept it only if SHA-256 had a
 * collision on the path. The property tests compare the two on random trees and proofs.
 *
 * Coordinates: the RFC's loop keeps fn (the node's index at the current level) and sn
 * (the last index at that level). When fn == sn and fn is even, the node has no right
 * sibling and the RFC promotes it, shifting both until fn is odd; we apply that promotion
 * before naming the node, so that one subtree always has one coordinate.
 */
import { equalBytes } from '../bytes';
import { HASH_LENGTH, nodeHasher, type HashFn } from '../merkle/hash';
import { isTreeIndex } from '../merkle/tree-math';

const TWO_31 = 2 ** 31;
// Exact on every safe integer; bit operations where the value fits them (the usual case).
const half = (n: number): number => (n < TWO_31 ? n >>> 1 : Math.floor(n / 2));
const isOdd = (n: number): boolean => (n < TWO_31 ? (n & 1) === 1 : n % 2 === 1);

const MAX_LEVELS = 64;

export class InclusionVerifier {
  private readonly node: (left: Uint8Array, right: Uint8Array) => Uint8Array;
  private readonly size: number;
  private readonly root: Uint8Array;
  // The last accepted path, per level: the path node and its sibling, or nothing.
  private readonly valid = new Uint8Array(MAX_LEVELS);
  private readonly nodeAt = new Float64Array(MAX_LEVELS);
  private readonly nodeHash: (Uint8Array | undefined)[] = new Array(MAX_LEVELS);
  private readonly sibAt = new Float64Array(MAX_LEVELS);
  private readonly sibHash: (Uint8Array | undefined)[] = new Array(MAX_LEVELS);
  /** SHA-256 calls made, for tests and benchmarks. */
  hashes = 0;

  constructor(hash: HashFn, size: number, root: Uint8Array) {
    const node = nodeHasher(hash);
    this.node = (l, r) => {
      this.hashes++;
      return node(l, r);
    };
    this.size = size;
    this.root = root;
  }

  /** RFC 9162 2.1.3.2: does `proof` lead from `leaf` at `index` to the root? */
  verify(index: number, leaf: Uint8Array, proof: readonly Uint8Array[]): boolean {
    const size = this.size;
    if (!isTreeIndex(size) || size === 0 || !isHash(this.root)) return false;
    // The walk below ends exactly when the proof does only for a proof of the right length
    // (RFC 9162's check on sn), so the length needs no separate computation.
    if (!isTreeIndex(index) || index >= size || !isHash(leaf) || proof.length > MAX_LEVELS) return false;
    for (const p of proof) if (!isHash(p)) return false;

    const walked: { level: number; at: number; hash: Uint8Array; sibAt: number; sib: Uint8Array }[] = [];
    let fn = index;
    let sn = size - 1;
    let level = 0;
    let r = leaf;
    for (let k = 0; k < proof.length; k++) {
      if (sn === 0) return false;
      if (fn === sn) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
          level++;
        }
      }
      if (level >= MAX_LEVELS) return false;
      const p = proof[k]!;
      const sibling = isOdd(fn) ? fn - 1 : fn + 1;
      const known = this.known(level, fn);
      if (known !== undefined) {
        if (!equalBytes(known, r)) return false;
        if (!this.restMatches(k, fn, sn, level, proof)) return false;
        walked.push({ level, at: fn, hash: r, sibAt: sibling, sib: p });
        this.remember(walked, level);
        return true;
      }
      walked.push({ level, at: fn, hash: r, sibAt: sibling, sib: p });
      r = isOdd(fn) ? this.node(p, r) : this.node(r, p);
      fn = half(fn);
      sn = half(sn);
      level++;
    }
    if (sn !== 0 || !equalBytes(r, this.root)) return false;
    this.remember(walked, MAX_LEVELS);
    return true;
  }

  /** The remembered value at a coordinate, as a path node or as a sibling. */
  private known(level: number, at: number): Uint8Array | undefined {
    if (this.valid[level] !== 1) return undefined;
    if (this.nodeAt[level] === at) return this.nodeHash[level];
    if (this.sibAt[level] === at) return this.sibHash[level];
    return undefined;
  }

  /**
   * From a remembered node on, the way to the root is the remembered path: each remaining
   * proof element must be the sibling remembered at its coordinate.
   */
  private restMatches(k: number, fn: number, sn: number, level: number, proof: readonly Uint8Array[]): boolean {
    for (let j = k; j < proof.length; j++) {
      if (sn === 0) return false;
      if (fn === sn) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
          level++;
        }
      }
      if (level >= MAX_LEVELS) return false;
      const expected = this.known(level, isOdd(fn) ? fn - 1 : fn + 1);
      if (expected === undefined || !equalBytes(expected, proof[j]!)) return false;
      fn = half(fn);
      sn = half(sn);
      level++;
    }
    return sn === 0;
  }

  /**
   * Makes the cache exactly the path just accepted: levels up to `through` are replaced
   * (or cleared where the path skipped them by promotion); above it, the accepted path is
   * the remembered one.
   */
  private remember(walked: readonly { level: number; at: number; hash: Uint8Array; sibAt: number; sib: Uint8Array }[], through: number): void {
    const top = Math.min(through, MAX_LEVELS - 1);
    for (let l = 0; l <= top; l++) this.valid[l] = 0;
    for (const w of walked) {
      this.valid[w.level] = 1;
      this.nodeAt[w.level] = w.at;
      this.nodeHash[w.level] = w.hash.slice();
      this.sibAt[w.level] = w.sibAt;
      this.sibHash[w.level] = w.sib.slice();
    }
  }
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_LENGTH;
}
