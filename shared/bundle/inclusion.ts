/**
 * Inclusion proofs of many leaves of one tree, checked with what the previous proof has
 * already established.
 *
 * A bundle carries one RFC 9162 inclusion proof per entry, up to one root. Checked one by
 * one, 100,000 proofs in a tree of that size cost some 1.7 million SHA-256 calls, nearly
 * all of them recomputing the same upper nodes. This verifier remembers the last path it
 * accepted: every node on it at its (level, index) coordinates, and the proof itself, whose
 * elements are the siblings hashed into it. When a new proof reaches a node of that path
 * with the same value (or its sibling), the rest of its way to the root is that path, so
 * instead of hashing it only compares its remaining elements with the remembered proof's,
 * which lie in the same order: one run of bytes against another. For entries in
 * increasing order that is about one hash per entry.
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
import { HASH_LENGTH, type HashFn } from '../merkle/hash';
import { isTreeIndex } from '../merkle/tree-math';
import { MerkleTree } from '../merkle/tree';

const TWO_31 = 2 ** 31;
// Exact on every safe integer; bit operations where the value fits them (the usual case).
const half = (n: number): number => (n < TWO_31 ? n >>> 1 : Math.floor(n / 2));
const isOdd = (n: number): boolean => (n < TWO_31 ? (n & 1) === 1 : n % 2 === 1);

const MAX_LEVELS = 64;

export class InclusionVerifier {
  private readonly hash: HashFn;
  private readonly size: number;
  private readonly root: Uint8Array;
  private readonly rootOk: boolean;
  // The last accepted path, per level: whether it has a node there, the node's index and
  // hash (at level * 32), its sibling's index, and where in the remembered proof that
  // sibling is. Flat arrays: a proof is checked without allocating.
  private readonly valid = new Uint8Array(MAX_LEVELS);
  private readonly nodeAt = new Float64Array(MAX_LEVELS);
  private readonly nodeHash = new Uint8Array(MAX_LEVELS * HASH_LENGTH);
  private readonly sibAt = new Float64Array(MAX_LEVELS);
  private readonly sibPos = new Int32Array(MAX_LEVELS);
  // The last accepted proof, its elements end to end.
  private readonly proof = new Uint8Array(MAX_LEVELS * HASH_LENGTH);
  private proofCount = 0;
  // The path of the proof being checked, kept until it is accepted.
  private readonly walkLevel = new Int32Array(MAX_LEVELS);
  private readonly walkAt = new Float64Array(MAX_LEVELS);
  private readonly walkSibAt = new Float64Array(MAX_LEVELS);
  private readonly walkHash = new Uint8Array(MAX_LEVELS * HASH_LENGTH);
  private readonly nodeInput = new Uint8Array(1 + 2 * HASH_LENGTH);
  /** SHA-256 calls made, for tests and benchmarks. */
  hashes = 0;

  constructor(hash: HashFn, size: number, root: Uint8Array) {
    if (!primed) primeBranches(hash);
    this.hash = hash;
    this.size = size;
    this.root = root;
    this.rootOk = isTreeIndex(size) && size > 0 && isHash(root);
    this.nodeInput[0] = 0x01;
  }

  /** RFC 9162 2.1.3.2: does `proof` lead from `leaf` at `index` to the root? */
  verify(index: number, leaf: Uint8Array, proof: readonly Uint8Array[]): boolean {
    if (proof.length > MAX_LEVELS) return false;
    for (const p of proof) if (!isHash(p)) return false;
    const flat = new Uint8Array(proof.length * HASH_LENGTH);
    proof.forEach((p, k) => flat.set(p, k * HASH_LENGTH));
    return this.verifyFlat(index, leaf, flat, 0, proof.length);
  }

  /**
   * The same check with the proof as `count` hashes laid end to end in `bytes` from
   * `offset`, as an ENTRY record carries it.
   */
  verifyFlat(index: number, leaf: Uint8Array, bytes: Uint8Array, offset: number, count: number): boolean {
    const size = this.size;
    if (!this.rootOk) return false;
    // The walk below ends exactly when the proof does only for a proof of the right length
    // (RFC 9162's check on sn), so the length needs no separate computation.
    if (!isTreeIndex(index) || index >= size || !isHash(leaf) || count > MAX_LEVELS) return false;
    if (!Number.isInteger(offset) || offset < 0 || offset + count * HASH_LENGTH > bytes.length) return false;

    let walked = 0;
    let fn = index;
    let sn = size - 1;
    let level = 0;
    let r = leaf;
    for (let k = 0; k < count; k++) {
      if (sn === 0) return false;
      if (fn === sn) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
          level++;
        }
      }
      if (level >= MAX_LEVELS) return false;
      const at = offset + k * HASH_LENGTH;
      const sibling = isOdd(fn) ? fn - 1 : fn + 1;
      this.walkLevel[walked] = level;
      this.walkAt[walked] = fn;
      this.walkSibAt[walked] = sibling;
      this.walkHash.set(r, walked * HASH_LENGTH);
      walked++;
      if (this.valid[level] === 1 && (this.nodeAt[level] === fn || this.sibAt[level] === fn)) {
        // The remembered path has this coordinate: from here on up the two paths are one
        // (same indexes, same promotions), so the rest of this proof must be the rest of
        // the remembered one, element for element.
        const known = this.sibPos[level]!;
        const rest = count - k;
        if (this.proofCount - known !== rest) return false;
        const mine = level * HASH_LENGTH;
        const theirs = known * HASH_LENGTH;
        if (this.nodeAt[level] === fn) {
          // The same node: the same sibling, and the same above.
          if (!equal(this.nodeHash, mine, r, 0, HASH_LENGTH)) return false;
          if (!equal(this.proof, theirs, bytes, at, rest * HASH_LENGTH)) return false;
        } else {
          // The remembered node's sibling: each is the other's sibling, then the same above.
          if (!equal(this.proof, theirs, r, 0, HASH_LENGTH)) return false;
          if (!equal(this.nodeHash, mine, bytes, at, HASH_LENGTH)) return false;
          if (!equal(this.proof, theirs + HASH_LENGTH, bytes, at + HASH_LENGTH, (rest - 1) * HASH_LENGTH)) return false;
        }
        this.remember(walked, level, bytes, offset, count, known - k);
        return true;
      }
      r = isOdd(fn) ? this.node(bytes, at, r, 0) : this.node(r, 0, bytes, at);
      fn = half(fn);
      sn = half(sn);
      level++;
    }
    if (sn !== 0 || !equal(r, 0, this.root, 0, HASH_LENGTH)) return false;
    this.remember(walked, MAX_LEVELS, bytes, offset, count, 0);
    return true;
  }

  private node(left: Uint8Array, leftAt: number, right: Uint8Array, rightAt: number): Uint8Array {
    const input = this.nodeInput;
    for (let i = 0; i < HASH_LENGTH; i++) input[1 + i] = left[leftAt + i]!;
    for (let i = 0; i < HASH_LENGTH; i++) input[1 + HASH_LENGTH + i] = right[rightAt + i]!;
    this.hashes++;
    return this.hash(input);
  }

  /**
   * Makes the cache exactly the path just accepted: levels up to `through` are replaced
   * (or cleared where the path skipped them by promotion); above it, the accepted path is
   * the remembered one, whose siblings are now this proof's elements, `shift` places
   * earlier than in the proof remembered before. The k-th step of the walk used the k-th
   * proof element as its sibling.
   */
  private remember(walked: number, through: number, bytes: Uint8Array, offset: number, count: number, shift: number): void {
    const top = Math.min(through, MAX_LEVELS - 1);
    for (let l = 0; l <= top; l++) this.valid[l] = 0;
    if (shift !== 0) for (let l = top + 1; l < MAX_LEVELS; l++) this.sibPos[l] = this.sibPos[l]! - shift;
    for (let w = 0; w < walked; w++) {
      const level = this.walkLevel[w]!;
      this.valid[level] = 1;
      this.nodeAt[level] = this.walkAt[w]!;
      this.sibAt[level] = this.walkSibAt[w]!;
      this.sibPos[level] = w;
      this.nodeHash.set(this.walkHash.subarray(w * HASH_LENGTH, (w + 1) * HASH_LENGTH), level * HASH_LENGTH);
    }
    this.proof.set(bytes.subarray(offset, offset + count * HASH_LENGTH));
    this.proofCount = count;
  }
}

/** Below this, two views cost more than the loads they save. */
const WORDWISE_FROM = 96;

/**
 * Whether `length` bytes of `a` from `aAt` are those of `b` from `bAt`. A proof's rest is
 * compared with the remembered one for nearly every entry (some 500 bytes), and reading
 * four bytes at a time through views takes a quarter of the byte-by-byte loads.
 */
function equal(a: Uint8Array, aAt: number, b: Uint8Array, bAt: number, length: number): boolean {
  let diff = 0;
  let i = 0;
  if (length >= WORDWISE_FROM) {
    const av = new DataView(a.buffer, a.byteOffset, a.byteLength);
    const bv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (; i + 8 <= length; i += 8) diff |= (av.getInt32(aAt + i) ^ bv.getInt32(bAt + i)) | (av.getInt32(aAt + i + 4) ^ bv.getInt32(bAt + i + 4));
  }
  for (; i < length; i++) diff |= a[aAt + i]! ^ b[bAt + i]!;
  return diff === 0;
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_LENGTH;
}

/**
 * The engine optimises `verifyFlat` once it has run a few thousand times, and throws that
 * code away the first time a branch it has never run is taken, then compiles it again.
 * Some branches come late: the right edge of the tree (a node without a right sibling,
 * promoted) only with a log's last entries, a proof that shares less of the remembered
 * path only where a thread skips entries. On the bench's 100k entries that was five more
 * compilations of it, ~0.13 s of the engine's compiler threads and ~ms of slow code each
 * time. So the first verifier made in a thread first checks every proof of a small tree,
 * and a wrong one, which takes those branches before there is anything to optimise.
 */
let primed = false;

function primeBranches(hash: HashFn): void {
  primed = true;
  const leaves = Array.from({ length: 7 }, (_, i) => hash(Uint8Array.of(i)));
  const tree = new MerkleTree(hash, leaves);
  const verifier = new InclusionVerifier(hash, 7, tree.root());
  for (const index of [0, 1, 2, 5, 6, 3, 4, 0]) verifier.verify(index, leaves[index]!, tree.inclusionProof(index));
  verifier.verify(6, leaves[5]!, tree.inclusionProof(6));
}
