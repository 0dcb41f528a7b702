/**
 * Property tests for the Merkle tree: against naive recursive implementations written
 * straight from RFC 6962 section 2.1 / RFC 9162 section 2.1, and against a BigInt
 * transcription of RFC 9162's verification algorithms for sizes up to 2^53 − 1.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalBytes, toHex, utf8 } from '../../shared/bytes';
import {
  MerkleTree,
  consistencyProofLength,
  inclusionProofLength,
  leafHash,
  nodeHash,
  proofLengthBound,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
  type HashFn,
} from '../../shared/merkle';

const sha256: HashFn = (data) => new Uint8Array(createHash('sha256').update(data).digest());

// ---- Reference implementations, recursive, on arrays of leaf hashes ----

/** The largest power of two strictly smaller than n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return sha256(new Uint8Array(0));
  if (leaves.length === 1) return leaves[0]!;
  const k = split(leaves.length);
  return nodeHash(sha256, mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function path(m: number, leaves: Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...path(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

function subproof(m: number, leaves: Uint8Array[], isOldRoot: boolean): Uint8Array[] {
  if (m === leaves.length) return isOldRoot ? [] : [mth(leaves)];
  const k = split(leaves.length);
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), isOldRoot), mth(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

/** RFC 9162 2.1.3.2 with BigInt indexes: the computed root, or null. */
function bigRootFromInclusion(index: bigint, size: bigint, leaf: Uint8Array, proof: Uint8Array[]): Uint8Array | null {
  if (index >= size) return null;
  let fn = index;
  let sn = size - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(sha256, p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(sha256, r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

/** RFC 9162 2.1.4.2 steps 3 to 6 with BigInt sizes, on a path that already starts with the old root if needed. */
function bigConsistencyRoots(first: bigint, second: bigint, path: Uint8Array[]): { fr: Uint8Array; sr: Uint8Array } | null {
  if (path.length === 0) return null;
  let fn = first - 1n;
  let sn = second - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(sha256, c, fr);
      sr = nodeHash(sha256, c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sha256, sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? { fr, sr } : null;
}

// ---- Helpers ----

/** Distinct leaf hashes, as the vault's are (every entry has its own id). */
function makeLeaves(seed: number, n: number, tag = 'leaf'): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(sha256, utf8(`${tag}:${seed}:${i}`)));
}

function randomHash(label: string): Uint8Array {
  return sha256(utf8(label));
}

function flipBit(h: Uint8Array, bit: number): Uint8Array {
  const copy = new Uint8Array(h);
  copy[(bit >> 3) % copy.length]! ^= 1 << (bit & 7);
  return copy;
}

const same = (a: Uint8Array[], b: Uint8Array[]) => a.map(toHex).join() === b.map(toHex).join();

/** Every single mutation of a proof's shape: drop, duplicate, insert, append, prepend. */
function reshapedProofs(proof: Uint8Array[], extras: Uint8Array[]): [string, Uint8Array[]][] {
  const out: [string, Uint8Array[]][] = [];
  if (proof.length > 0) {
    out.push(['drop last', proof.slice(0, -1)], ['drop first', proof.slice(1)], ['repeat first', [proof[0]!, ...proof]]);
  }
  for (const e of extras) {
    out.push(['append', [...proof, e]], ['prepend', [e, ...proof]]);
    for (let at = 1; at < proof.length; at++) out.push([`insert at ${at}`, [...proof.slice(0, at), e, ...proof.slice(at)]]);
  }
  return out;
}

/**
 * The values of [0, max] worth probing around x: the edges, x's neighbours, its double
 * and half, and a few random ones. Checking every value for every run would make the
 * file slow for no more coverage than fast-check's runs already give.
 */
function near(x: number, picks: number[], max: number): number[] {
  const candidates = [0, 1, 2, x - 2, x - 1, x, x + 1, x + 2, x * 2, Math.floor(x / 2), max - 1, max];
  for (const p of picks) candidates.push(p % (max + 1));
  return [...new Set(candidates.filter((v) => v >= 0 && v <= max))].sort((a, b) => a - b);
}

const treeArb = fc.record({ seed: fc.nat(), n: fc.integer({ min: 1, max: 300 }) });
const picksArb = fc.array(fc.nat(), { minLength: 8, maxLength: 8 });
/** Which bit to flip in a leaf, a root and each proof element. */
const bitsArb = fc.array(fc.nat({ max: 255 }), { minLength: 64, maxLength: 64 });
const RUNS = { numRuns: 100 };

describe('MerkleTree roots', () => {
  it('equal the naive MTH, for the current and every earlier size, as the tree grows', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 0, max: 300 }), fc.nat(), (seed, n, pick) => {
        const leaves = makeLeaves(seed, n);
        const tree = new MerkleTree(sha256);
        const rootsWhenBuilt = [tree.root()];
        for (const leaf of leaves) {
          tree.append(leaf);
          rootsWhenBuilt.push(tree.root());
        }
        expect(toHex(tree.root())).toBe(toHex(mth(leaves)));
        const m = pick % (n + 1);
        expect(toHex(tree.root(m))).toBe(toHex(mth(leaves.slice(0, m))));
        for (let size = 0; size <= n; size++) expect(toHex(tree.root(size))).toBe(toHex(rootsWhenBuilt[size]!));
        // Built at once from an iterable, the tree is the same.
        expect(toHex(new MerkleTree(sha256, leaves).root())).toBe(toHex(tree.root()));
      }),
      RUNS,
    );
  });
});

describe('inclusion proofs', () => {
  it('verify for any leaf, match the RFC recursion, and fail under every mutation', () => {
    fc.assert(
      fc.property(treeArb, fc.nat(), fc.nat(), picksArb, bitsArb, ({ seed, n }, pickSize, pickIndex, picks, bits) => {
        const leaves = makeLeaves(seed, n);
        const tree = new MerkleTree(sha256, leaves);
        const m = 1 + (pickSize % n);
        const root = tree.root(m);
        const i = pickIndex % m;

        for (const j of near(i, picks, m - 1)) {
          const proof = tree.inclusionProof(j, m);
          expect(proof.length).toBe(inclusionProofLength(j, m));
          expect(proof.length).toBeLessThanOrEqual(proofLengthBound(m));
          expect(verifyInclusion(sha256, j, m, leaves[j]!, proof, root)).toBe(true);
        }

        const leaf = leaves[i]!;
        const proof = tree.inclusionProof(i, m);
        expect(same(proof, path(i, leaves.slice(0, m)))).toBe(true);
        expect(toHex(rootFromInclusionProof(sha256, i, m, leaf, proof)!)).toBe(toHex(root));

        // Wrong index, with this leaf or with the leaf really at that index.
        for (const j of near(i, picks, m + 1)) {
          if (j === i) continue;
          expect(verifyInclusion(sha256, j, m, leaf, proof, root)).toBe(false);
          if (j < m) expect(verifyInclusion(sha256, j, m, leaves[j]!, proof, root)).toBe(false);
        }
        // Wrong leaf.
        expect(verifyInclusion(sha256, i, m, flipBit(leaf, bits[0]!), proof, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(sha256, i, m, leaves[(i + 1) % n]!, proof, root)).toBe(false);
        // Wrong root: another size's, or one bit off.
        for (const s of near(m, picks, n)) {
          if (s !== m) expect(verifyInclusion(sha256, i, m, leaf, proof, tree.root(s))).toBe(false);
        }
        expect(verifyInclusion(sha256, i, m, leaf, proof, flipBit(root, bits[1]!))).toBe(false);
        // Wrong size, with the root the tree really has at that size. (With this root left
        // unchanged a nearby size can pass, e.g. leaf 0 of 3 read as of 4: RFC 6962 proofs
        // bind a size only together with its root, which is why checkpoints sign both.
        // Doubling the size deepens every leaf by one level, so that alone always fails.)
        expect(verifyInclusion(sha256, i, m * 2, leaf, proof, root)).toBe(false);
        for (const s of near(m, picks, n)) {
          if (s !== m) expect(verifyInclusion(sha256, i, s, leaf, proof, tree.root(s))).toBe(false);
        }
        // One bit flipped in any element.
        for (let e = 0; e < proof.length; e++) {
          const bad = proof.map((h, k) => (k === e ? flipBit(h, bits[2 + e]!) : h));
          expect(verifyInclusion(sha256, i, m, leaf, bad, root)).toBe(false);
        }
        // Shorter, longer, reordered.
        for (const [, bad] of reshapedProofs(proof, [root, leaf, randomHash(`extra ${seed}`)])) {
          expect(verifyInclusion(sha256, i, m, leaf, bad, root)).toBe(false);
        }
        if (proof.length > 1) expect(verifyInclusion(sha256, i, m, leaf, [...proof].reverse(), root)).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('consistency proofs', () => {
  it('verify for any pair of sizes, match the RFC recursion, and fail under every mutation', () => {
    fc.assert(
      fc.property(treeArb, fc.nat(), fc.nat(), picksArb, bitsArb, ({ seed, n }, pickOld, pickNew, picks, bits) => {
        const leaves = makeLeaves(seed, n);
        const tree = new MerkleTree(sha256, leaves);
        const roots = new Map<number, Uint8Array>();
        const rootAt = (s: number) => roots.get(s) ?? roots.set(s, tree.root(s)).get(s)!;

        // A historical pair 0 < m ≤ size ≤ n.
        const size = 1 + (pickNew % n);
        const m = 1 + (pickOld % size);
        for (const old of near(m, picks, size)) {
          if (old === 0) continue;
          const proof = tree.consistencyProof(old, size);
          expect(proof.length).toBe(consistencyProofLength(old, size));
          expect(proof.length).toBeLessThanOrEqual(proofLengthBound(size));
          expect(verifyConsistency(sha256, old, size, rootAt(old), rootAt(size), proof)).toBe(true);
        }

        const r1 = rootAt(m);
        const r2 = rootAt(size);
        const proof = tree.consistencyProof(m, size);
        expect(same(proof, subproof(m, leaves.slice(0, size), true))).toBe(true);
        expect(verifyConsistency(sha256, m, size, r1, r2, proof)).toBe(true);

        // Wrong old or new size, with the root the tree really has at that size (as for
        // inclusion, a size only means something together with its root). From the empty
        // tree, with its root, the empty proof is right: it is a prefix of every tree.
        for (const s of near(m, picks, n)) {
          if (s !== m) expect(verifyConsistency(sha256, s, size, rootAt(s), r2, proof)).toBe(s === 0 && proof.length === 0);
        }
        for (const s of near(size, picks, n)) {
          if (s !== size) expect(verifyConsistency(sha256, m, s, r1, rootAt(s), proof)).toBe(false);
        }
        // Wrong roots.
        expect(verifyConsistency(sha256, m, size, flipBit(r1, bits[0]!), r2, proof)).toBe(false);
        expect(verifyConsistency(sha256, m, size, r1, flipBit(r2, bits[1]!), proof)).toBe(false);
        if (m !== size) expect(verifyConsistency(sha256, m, size, r2, r1, proof)).toBe(false);
        // One bit flipped in any element.
        for (let e = 0; e < proof.length; e++) {
          const bad = proof.map((h, k) => (k === e ? flipBit(h, bits[2 + e]!) : h));
          expect(verifyConsistency(sha256, m, size, r1, r2, bad)).toBe(false);
        }
        // Empty, shorter, longer, reordered.
        if (m !== size) expect(verifyConsistency(sha256, m, size, r1, r2, [])).toBe(false);
        for (const [, bad] of reshapedProofs(proof, [r1, r2, randomHash(`extra ${seed}`)])) {
          expect(verifyConsistency(sha256, m, size, r1, r2, bad)).toBe(false);
        }
        if (proof.length > 1) expect(verifyConsistency(sha256, m, size, r1, r2, [...proof].reverse())).toBe(false);
      }),
      RUNS,
    );
  });
});

describe('truncate', () => {
  it('rolls back appends: re-appending gives the same roots and proofs', () => {
    fc.assert(
      fc.property(treeArb, fc.nat(), picksArb, fc.integer({ min: 1, max: 50 }), ({ seed, n }, pick, picks, detour) => {
        const leaves = makeLeaves(seed, n);
        const tree = new MerkleTree(sha256, leaves);
        const t = pick % (n + 1);
        const roots = new Map(near(t, picks, n).map((s) => [s, toHex(tree.root(s))]));
        tree.truncate(t);
        expect(tree.size).toBe(t);
        expect(toHex(tree.root())).toBe(roots.get(t));
        // An aborted transaction's appends, then rolled back.
        for (const other of makeLeaves(seed, detour, 'aborted')) tree.append(other);
        if (t < n) expect(toHex(tree.root(t + 1))).not.toBe(toHex(new MerkleTree(sha256, leaves.slice(0, t + 1)).root()));
        tree.truncate(t);
        for (const leaf of leaves.slice(t)) tree.append(leaf);
        expect(tree.size).toBe(n);
        for (const [s, root] of roots) expect(toHex(tree.root(s))).toBe(root);
        const i = pick % n;
        expect(verifyInclusion(sha256, i, n, leaves[i]!, tree.inclusionProof(i), tree.root())).toBe(true);
        if (t > 0) expect(verifyConsistency(sha256, t, n, tree.root(t), tree.root(), tree.consistencyProof(t))).toBe(true);
      }),
      RUNS,
    );
  });

  it('agrees with a plain list of leaves under any sequence of appends and rollbacks', () => {
    const op = fc.oneof(
      fc.record({ append: fc.integer({ min: 1, max: 20 }) }),
      fc.record({ truncate: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.nat(), fc.array(op, { maxLength: 25 }), (seed, ops) => {
        const tree = new MerkleTree(sha256);
        const model: Uint8Array[] = [];
        ops.forEach((o, step) => {
          if ('append' in o) {
            for (const leaf of makeLeaves(seed, o.append, `step ${step}`)) {
              expect(tree.append(leaf)).toBe(model.length);
              model.push(leaf);
            }
          } else {
            const size = o.truncate % (model.length + 1);
            tree.truncate(size);
            model.length = size;
          }
          expect(tree.size).toBe(model.length);
          expect(toHex(tree.root())).toBe(toHex(mth(model)));
        });
        if (model.length > 0) {
          const i = seed % model.length;
          expect(equalBytes(tree.leafHash(i), model[i]!)).toBe(true);
          expect(same(tree.inclusionProof(i), path(i, model))).toBe(true);
        }
      }),
      RUNS,
    );
  });
});

describe('verification arithmetic up to 2^53 − 1', () => {
  const pair = fc
    .tuple(fc.maxSafeNat(), fc.maxSafeNat())
    .filter(([a, b]) => a !== b)
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

  it('computes the same inclusion roots as the RFC algorithm on BigInt, and exact proof lengths', () => {
    fc.assert(
      fc.property(pair, fc.nat(), ([index, size], seed) => {
        const leaf = randomHash(`leaf ${seed}`);
        const length = inclusionProofLength(index, size);
        expect(length).toBeLessThanOrEqual(proofLengthBound(size));
        const proof = Array.from({ length: length + 1 }, (_, k) => randomHash(`p ${seed} ${k}`));
        for (const p of [proof.slice(0, length), proof.slice(0, Math.max(0, length - 1)), proof]) {
          const ours = rootFromInclusionProof(sha256, index, size, leaf, p);
          const reference = bigRootFromInclusion(BigInt(index), BigInt(size), leaf, p);
          expect(ours === null ? null : toHex(ours)).toBe(reference === null ? null : toHex(reference));
          expect(ours !== null).toBe(p.length === length);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('accepts exactly the consistency proofs the RFC algorithm on BigInt accepts, of exactly the predicted length', () => {
    fc.assert(
      fc.property(pair, fc.nat(), ([oldSize, newSize], seed) => {
        fc.pre(oldSize > 0);
        const length = consistencyProofLength(oldSize, newSize);
        expect(length).toBeGreaterThan(0);
        expect(length).toBeLessThanOrEqual(proofLengthBound(newSize));
        const hashes = Array.from({ length: length + 2 }, (_, k) => randomHash(`c ${seed} ${k}`));
        // A power-of-two old tree is itself the first node of the path, so its root is free.
        const completeOld = (BigInt(oldSize) & (BigInt(oldSize) - 1n)) === 0n;
        const oldRootIfComplete = hashes[length + 1]!;
        for (const proof of [hashes.slice(0, length), hashes.slice(0, length - 1), hashes.slice(0, length + 1)]) {
          const pathWithRoot = completeOld ? [oldRootIfComplete, ...proof] : proof;
          const reference = bigConsistencyRoots(BigInt(oldSize), BigInt(newSize), pathWithRoot);
          expect(reference !== null).toBe(proof.length === length);
          if (reference === null) {
            expect(verifyConsistency(sha256, oldSize, newSize, oldRootIfComplete, randomHash('x'), proof)).toBe(false);
          } else {
            expect(verifyConsistency(sha256, oldSize, newSize, reference.fr, reference.sr, proof)).toBe(true);
            expect(verifyConsistency(sha256, oldSize, newSize, reference.fr, flipBit(reference.sr, seed), proof)).toBe(false);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
