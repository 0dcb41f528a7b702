/**
 * Known-answer tests for the RFC 6962 / RFC 9162 Merkle tree, against the reference data
 * published by the Certificate Transparency project:
 *   - google/certificate-transparency, cpp/merkletree/merkle_tree_test.cc (kInputs,
 *     kSHA256Roots, kSHA256Paths, kSHA256Proofs; its leaf numbers are 1-based);
 *   - transparency-dev/merkle, testonly/constants.go (LeafInputs, NodeHashes, RootHashes)
 *     and proof/verify_test.go (inclusionProofs, consistencyProofs, including the (6, 7)
 *     consistency proof, and the corruption probes reproduced below).
 * Every expected value here is copied from those files, none is computed by our code.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../shared/bytes';
import { TearlineError } from '../../shared/errors';
import {
  MAX_PROOF_LENGTH,
  MerkleTree,
  consistencyProofLength,
  emptyRoot,
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

const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** An arbitrary well-formed hash that is no node of the reference tree (verify_test.go's sha256SomeHash). */
const SOME_HASH = 'abacaba000000000000000000000000000000000000000000060061e00123456';

const LEAF_INPUTS = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];

/** NodeHashes(): the complete subtrees of the 8-leaf tree, by level then position. */
const NODE_HASHES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  [
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
  ],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];

/** kSHA256Roots: the root after each of the 8 appends (index = size − 1). */
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** kSHA256Paths, with the 1-based leaf numbers turned into 0-based indexes. */
const INCLUSION = [
  { index: 0, size: 1, path: [] },
  {
    index: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  { index: 2, size: 3, path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

/** kSHA256Proofs, plus (6, 7) from transparency-dev/merkle's consistencyProofs. */
const CONSISTENCY = [
  { oldSize: 1, newSize: 1, proof: [] },
  {
    oldSize: 1,
    newSize: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    oldSize: 6,
    newSize: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

const leafHashes = LEAF_INPUTS.map((hex) => leafHash(sha256, fromHex(hex)));
const hexes = (list: Uint8Array[]) => list.map(toHex);
const bytes = (list: string[]) => list.map(fromHex);
const rootOf = (size: number) => fromHex(size === 0 ? EMPTY_ROOT : ROOTS[size - 1]!);
function flipped(list: Uint8Array[], at: number, mask: number): Uint8Array[] {
  return list.map((h, i) => {
    if (i !== at) return h;
    const copy = new Uint8Array(h);
    copy[0]! ^= mask;
    return copy;
  });
}

describe('RFC 6962 hashing', () => {
  it('hashes the empty tree, the leaves and the interior nodes as published', () => {
    expect(toHex(emptyRoot(sha256))).toBe(EMPTY_ROOT);
    expect(hexes(leafHashes)).toEqual(NODE_HASHES[0]);
    for (let level = 1; level < NODE_HASHES.length; level++) {
      const below = bytes(NODE_HASHES[level - 1]!);
      const computed = NODE_HASHES[level]!.map((_, i) => toHex(nodeHash(sha256, below[2 * i]!, below[2 * i + 1]!)));
      expect(computed).toEqual(NODE_HASHES[level]);
    }
  });
});

describe('MerkleTree against the published roots', () => {
  it('gives every root, current and historical, while appending one leaf at a time', () => {
    const tree = new MerkleTree(sha256);
    expect(tree.size).toBe(0);
    expect(toHex(tree.root())).toBe(EMPTY_ROOT);
    for (let i = 0; i < 8; i++) {
      expect(tree.append(leafHashes[i]!)).toBe(i);
      expect(tree.size).toBe(i + 1);
      expect(toHex(tree.root())).toBe(ROOTS[i]);
      for (let size = 0; size <= i + 1; size++) expect(toHex(tree.root(size))).toBe(toHex(rootOf(size)));
    }
  });

  it('gives the same roots when built from an iterable or in two chunks', () => {
    const whole = new MerkleTree(sha256, leafHashes);
    expect(toHex(whole.root())).toBe(ROOTS[7]);
    const chunks = new MerkleTree(sha256, leafHashes.slice(0, 3));
    expect(toHex(chunks.root())).toBe(ROOTS[2]);
    for (const h of leafHashes.slice(3)) chunks.append(h);
    expect(toHex(chunks.root())).toBe(ROOTS[7]);
    expect(hexes([0, 1, 2, 3, 4, 5, 6, 7].map((i) => whole.leafHash(i)))).toEqual(NODE_HASHES[0]);
  });

  it('returns copies: changing a returned hash does not change the tree', () => {
    const tree = new MerkleTree(sha256, leafHashes);
    tree.root().fill(0);
    tree.root(0).fill(0);
    tree.leafHash(3).fill(0);
    tree.inclusionProof(0)[0]!.fill(0);
    tree.consistencyProof(3)[0]!.fill(0);
    expect(toHex(tree.root())).toBe(ROOTS[7]);
    expect(toHex(tree.root(0))).toBe(EMPTY_ROOT);
    expect(toHex(tree.leafHash(3))).toBe(NODE_HASHES[0]![3]);
    expect(hexes(tree.inclusionProof(0))).toEqual(INCLUSION[1]!.path);
  });
});

describe('inclusion proofs against the published paths', () => {
  const tree = new MerkleTree(sha256, leafHashes);

  for (const { index, size, path } of INCLUSION) {
    it(`leaf ${index} of ${size}: generates, verifies, and refuses every corruption`, () => {
      expect(hexes(tree.inclusionProof(index, size))).toEqual(path);
      expect(inclusionProofLength(index, size)).toBe(path.length);
      const proof = bytes(path);
      const root = rootOf(size);
      const leaf = leafHashes[index]!;
      expect(toHex(rootFromInclusionProof(sha256, index, size, leaf, proof)!)).toBe(toHex(root));
      expect(verifyInclusion(sha256, index, size, leaf, proof, root)).toBe(true);

      // The probes of transparency-dev/merkle's corruptInclusionProof.
      const some = fromHex(SOME_HASH);
      const probes: [string, number, number, Uint8Array, Uint8Array[], Uint8Array][] = [
        ['index - 1', index - 1, size, leaf, proof, root],
        ['index + 1', index + 1, size, leaf, proof, root],
        ['index ^ 2', index ^ 2, size, leaf, proof, root],
        ['size * 2', index, size * 2, leaf, proof, root],
        ['size / 2', index, Math.floor(size / 2), leaf, proof, root],
        ['wrong leaf', index, size, sha256(new TextEncoder().encode('WrongLeaf')), proof, root],
        ['empty root', index, size, leaf, proof, fromHex(EMPTY_ROOT)],
        ['random root', index, size, leaf, proof, some],
        ['trailing garbage', index, size, leaf, [...proof, new Uint8Array(0)], root],
        ['trailing root', index, size, leaf, [...proof, root], root],
        ['preceding garbage', index, size, leaf, [new Uint8Array(0), ...proof], root],
        ['preceding root', index, size, leaf, [root, ...proof], root],
      ];
      for (let i = 0; i < proof.length; i++) probes.push([`proof[${i}] bit 3`, index, size, leaf, flipped(proof, i, 8), root]);
      if (proof.length > 0) probes.push(['removed component', index, size, leaf, proof.slice(0, -1), root]);
      if (proof.length > 1) probes.push(['inserted component', index, size, leaf, [proof[0]!, some, ...proof.slice(1)], root]);
      const accepted = probes.filter(([, i, n, l, p, r]) => verifyInclusion(sha256, i, n, l, p, r)).map(([d]) => d);
      expect(accepted).toEqual([]);
    });
  }

  it('refuses the degenerate cases of verify_test.go', () => {
    const some = fromHex(SOME_HASH);
    const empty = fromHex(EMPTY_ROOT);
    for (const [index, size] of [[0, 0], [0, 1], [1, 0], [2, 1]] as const) {
      expect(verifyInclusion(sha256, index, size, some, [], new Uint8Array(0))).toBe(false);
      expect(verifyInclusion(sha256, index, size, new Uint8Array(0), [], empty)).toBe(false);
      expect(verifyInclusion(sha256, index, size, some, [], empty)).toBe(false);
    }
    // A single-leaf tree: the root is the leaf hash, and the proof is empty.
    const single = leafHash(sha256, new TextEncoder().encode('data'));
    expect(verifyInclusion(sha256, 0, 1, single, [], single)).toBe(true);
    expect(verifyInclusion(sha256, 0, 1, new Uint8Array(0), [], single)).toBe(false);
    expect(verifyInclusion(sha256, 0, 1, single, [], new Uint8Array(0))).toBe(false);
  });

  it('refuses a proof with any one of its 768 bits flipped', () => {
    const { index, size, path } = INCLUSION[2]!;
    const proof = bytes(path);
    for (let element = 0; element < proof.length; element++) {
      for (let bit = 0; bit < 256; bit++) {
        const bad = proof.map((h) => new Uint8Array(h));
        bad[element]![bit >> 3]! ^= 1 << (bit & 7);
        expect(verifyInclusion(sha256, index, size, leafHashes[index]!, bad, rootOf(size))).toBe(false);
      }
    }
  });
});

describe('consistency proofs against the published proofs', () => {
  const tree = new MerkleTree(sha256, leafHashes);

  for (const { oldSize, newSize, proof: expected } of CONSISTENCY) {
    it(`${oldSize} to ${newSize}: generates, verifies, and refuses every corruption`, () => {
      expect(hexes(tree.consistencyProof(oldSize, newSize))).toEqual(expected);
      expect(consistencyProofLength(oldSize, newSize)).toBe(expected.length);
      const proof = bytes(expected);
      const root1 = rootOf(oldSize);
      const root2 = rootOf(newSize);
      expect(verifyConsistency(sha256, oldSize, newSize, root1, root2, proof)).toBe(true);
      if (proof.length === 0) return;

      // The probes of transparency-dev/merkle's corruptConsistencyProof. Its 9-byte
      // "WrongRoot" is refused for its length alone, so a well-formed wrong root is added.
      const wrongRoot = new TextEncoder().encode('WrongRoot');
      const some = fromHex(SOME_HASH);
      const probes: [string, number, number, Uint8Array, Uint8Array, Uint8Array[]][] = [
        ['size1 - 1', oldSize - 1, newSize, root1, root2, proof],
        ['size1 + 1', oldSize + 1, newSize, root1, root2, proof],
        ['size1 ^ 2', oldSize ^ 2, newSize, root1, root2, proof],
        ['size2 * 2', oldSize, newSize * 2, root1, root2, proof],
        ['size2 / 2', oldSize, Math.floor(newSize / 2), root1, root2, proof],
        ['wrong root1', oldSize, newSize, wrongRoot, root2, proof],
        ['wrong root2', oldSize, newSize, root1, wrongRoot, proof],
        ['some root1', oldSize, newSize, some, root2, proof],
        ['some root2', oldSize, newSize, root1, some, proof],
        ['swapped roots', oldSize, newSize, root2, root1, proof],
        ['empty proof', oldSize, newSize, root1, root2, []],
        ['trailing garbage', oldSize, newSize, root1, root2, [...proof, new Uint8Array(0)]],
        ['trailing root1', oldSize, newSize, root1, root2, [...proof, root1]],
        ['trailing root2', oldSize, newSize, root1, root2, [...proof, root2]],
        ['preceding garbage', oldSize, newSize, root1, root2, [new Uint8Array(0), ...proof]],
        ['preceding root1', oldSize, newSize, root1, root2, [root1, ...proof]],
        ['preceding root2', oldSize, newSize, root1, root2, [root2, ...proof]],
        ['preceding proof[0]', oldSize, newSize, root1, root2, [proof[0]!, ...proof]],
        ['truncated proof', oldSize, newSize, root1, root2, proof.slice(0, -1)],
      ];
      for (let i = 0; i < proof.length; i++) probes.push([`proof[${i}] bit 4`, oldSize, newSize, root1, root2, flipped(proof, i, 16)]);
      const accepted = probes.filter(([, m, n, r1, r2, p]) => verifyConsistency(sha256, m, n, r1, r2, p)).map(([d]) => d);
      expect(accepted).toEqual([]);
    });
  }

  it('handles equal sizes and the empty tree', () => {
    const empty = fromHex(EMPTY_ROOT);
    const some = fromHex(SOME_HASH);
    const r1 = rootOf(1);
    const r2 = rootOf(2);
    // Equal sizes: the proof is empty and the roots must be equal.
    expect(verifyConsistency(sha256, 1, 1, r1, r1, [])).toBe(true);
    expect(verifyConsistency(sha256, 1, 1, r1, r2, [])).toBe(false);
    expect(verifyConsistency(sha256, 1, 1, r1, r1, [empty])).toBe(false);
    expect(verifyConsistency(sha256, 0, 0, empty, empty, [])).toBe(true);
    expect(verifyConsistency(sha256, 0, 0, empty, some, [])).toBe(false);
    // The empty tree is a prefix of every tree; its root must be H("") and the proof empty.
    expect(verifyConsistency(sha256, 0, 8, empty, rootOf(8), [])).toBe(true);
    expect(verifyConsistency(sha256, 0, 8, some, rootOf(8), [])).toBe(false);
    expect(verifyConsistency(sha256, 0, 1, empty, r1, [empty])).toBe(false);
    // Time travel to the past.
    expect(verifyConsistency(sha256, 1, 0, r1, empty, [])).toBe(false);
    expect(verifyConsistency(sha256, 2, 1, r2, r1, [])).toBe(false);
    expect(verifyConsistency(sha256, 8, 1, rootOf(8), r1, bytes(CONSISTENCY[1]!.proof))).toBe(false);
    // Different sizes need a proof.
    expect(verifyConsistency(sha256, 1, 2, r1, r2, [])).toBe(false);
    expect(tree.consistencyProof(0, 8)).toEqual([]);
    expect(tree.consistencyProof(5, 5)).toEqual([]);
  });
});

describe('proof length limits', () => {
  it('bounds every proof of a tree by its size', () => {
    expect(proofLengthBound(0)).toBe(0);
    expect(proofLengthBound(1)).toBe(1);
    expect(proofLengthBound(2)).toBe(2);
    expect(proofLengthBound(8)).toBe(4);
    expect(proofLengthBound(9)).toBe(5);
    expect(proofLengthBound(2 ** 32)).toBe(33);
    expect(proofLengthBound(2 ** 32 + 1)).toBe(34);
    expect(MAX_PROOF_LENGTH).toBe(54);
    expect(proofLengthBound(Number.MAX_SAFE_INTEGER)).toBe(MAX_PROOF_LENGTH);
    for (const bad of [-1, 1.5, Number.NaN, Infinity, 2 ** 53]) expect(proofLengthBound(bad)).toBe(0);
    expect(inclusionProofLength(8, 8)).toBe(-1);
    expect(consistencyProofLength(9, 8)).toBe(-1);
    expect(inclusionProofLength(2 ** 52, Number.MAX_SAFE_INTEGER)).toBe(53);
  });

  it('refuses an over-long proof before hashing anything', () => {
    let calls = 0;
    const counting: HashFn = (data) => {
      calls++;
      return sha256(data);
    };
    const huge = new Array<Uint8Array>(1_000_000).fill(fromHex(SOME_HASH));
    expect(verifyInclusion(counting, 0, 8, leafHashes[0]!, huge, rootOf(8))).toBe(false);
    expect(verifyConsistency(counting, 1, 8, rootOf(1), rootOf(8), huge)).toBe(false);
    expect(verifyInclusion(counting, 0, 8, leafHashes[0]!, huge.slice(0, 5), rootOf(8))).toBe(false);
    expect(calls).toBe(0);
  });
});

describe('hostile input to the verifiers', () => {
  const good = { index: 5, size: 8, leaf: leafHashes[5]!, proof: bytes(INCLUSION[2]!.path), root: rootOf(8) };
  const c = { m: 6, n: 8, r1: rootOf(6), r2: rootOf(8), proof: bytes(CONSISTENCY[2]!.proof) };
  const badNumbers: unknown[] = [-1, 0.5, Number.NaN, Infinity, -Infinity, 2 ** 53, 2 ** 64, '5', 5n, null, undefined, {}];
  const badHashes: unknown[] = [new Uint8Array(31), new Uint8Array(33), new Uint8Array(0), 'ab'.repeat(32), null, undefined, [1, 2], new Uint16Array(16), {}];
  const badProofs: unknown[] = [
    null,
    undefined,
    'proof',
    {},
    { length: 3 },
    [null, null, null],
    [...good.proof.slice(0, 2), new Uint8Array(31)],
    [...good.proof.slice(0, 2), 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7'],
    // A sparse array of the right length.
    Object.assign(new Array(3), { 0: good.proof[0], 2: good.proof[2] }),
  ];
  // The verifiers are called as a parser of untrusted bundles would call them.
  const inclusion = verifyInclusion as (...args: unknown[]) => boolean;
  const fromProof = rootFromInclusionProof as (...args: unknown[]) => Uint8Array | null;
  const consistency = verifyConsistency as (...args: unknown[]) => boolean;

  it('returns false, and never throws, for malformed indexes, sizes, hashes and proofs', () => {
    expect(inclusion(sha256, good.index, good.size, good.leaf, good.proof, good.root)).toBe(true);
    expect(consistency(sha256, c.m, c.n, c.r1, c.r2, c.proof)).toBe(true);
    for (const bad of badNumbers) {
      expect(inclusion(sha256, bad, good.size, good.leaf, good.proof, good.root)).toBe(false);
      expect(inclusion(sha256, good.index, bad, good.leaf, good.proof, good.root)).toBe(false);
      expect(fromProof(sha256, bad, good.size, good.leaf, good.proof)).toBeNull();
      expect(consistency(sha256, bad, c.n, c.r1, c.r2, c.proof)).toBe(false);
      expect(consistency(sha256, c.m, bad, c.r1, c.r2, c.proof)).toBe(false);
    }
    for (const bad of badHashes) {
      expect(inclusion(sha256, good.index, good.size, bad, good.proof, good.root)).toBe(false);
      expect(inclusion(sha256, good.index, good.size, good.leaf, good.proof, bad)).toBe(false);
      expect(fromProof(sha256, good.index, good.size, bad, good.proof)).toBeNull();
      expect(consistency(sha256, c.m, c.n, bad, c.r2, c.proof)).toBe(false);
      expect(consistency(sha256, c.m, c.n, c.r1, bad, c.proof)).toBe(false);
      expect(consistency(sha256, 0, 0, bad, bad, [])).toBe(false);
    }
    for (const bad of badProofs) {
      expect(inclusion(sha256, good.index, good.size, good.leaf, bad, good.root)).toBe(false);
      expect(fromProof(sha256, good.index, good.size, good.leaf, bad)).toBeNull();
      expect(consistency(sha256, c.m, c.n, c.r1, c.r2, bad)).toBe(false);
    }
  });

  it('handles indexes and sizes up to 2^53 - 1', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const path = Array.from({ length: inclusionProofLength(max - 1, max) }, () => fromHex(SOME_HASH));
    const root = rootFromInclusionProof(sha256, max - 1, max, good.leaf, path);
    expect(root).not.toBeNull();
    expect(verifyInclusion(sha256, max - 1, max, good.leaf, path, root!)).toBe(true);
    expect(verifyInclusion(sha256, max - 1, max, good.leaf, path.slice(1), root!)).toBe(false);
    expect(verifyInclusion(sha256, max, max, good.leaf, path, root!)).toBe(false);
    expect(verifyConsistency(sha256, max - 1, max, good.root, good.root, [good.root])).toBe(false);
  });
});

describe('MerkleTree misuse', () => {
  const codeOf = (fn: () => unknown): string | undefined => {
    try {
      fn();
    } catch (error) {
      return error instanceof TearlineError ? error.code : `not a TearlineError: ${String(error)}`;
    }
    return undefined;
  };

  it('reports out-of-range and malformed requests with stable codes', () => {
    const tree = new MerkleTree(sha256, leafHashes.slice(0, 5));
    expect(codeOf(() => tree.leafHash(5))).toBe('E_NOT_FOUND');
    expect(codeOf(() => tree.root(6))).toBe('E_NOT_FOUND');
    expect(codeOf(() => tree.inclusionProof(5))).toBe('E_NOT_FOUND');
    expect(codeOf(() => tree.inclusionProof(3, 3))).toBe('E_NOT_FOUND');
    expect(codeOf(() => tree.inclusionProof(0, 0))).toBe('E_NOT_FOUND');
    expect(codeOf(() => tree.inclusionProof(0, 6))).toBe('E_NOT_FOUND');
    expect(codeOf(() => tree.consistencyProof(2, 6))).toBe('E_NOT_FOUND');
    expect(codeOf(() => tree.consistencyProof(4, 3))).toBe('E_USAGE');
    expect(codeOf(() => tree.truncate(6))).toBe('E_NOT_FOUND');
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(codeOf(() => tree.leafHash(bad))).toBe('E_USAGE');
      expect(codeOf(() => tree.root(bad))).toBe('E_USAGE');
      expect(codeOf(() => tree.inclusionProof(bad))).toBe('E_USAGE');
      expect(codeOf(() => tree.consistencyProof(bad))).toBe('E_USAGE');
      expect(codeOf(() => tree.truncate(bad))).toBe('E_USAGE');
    }
    expect(codeOf(() => tree.append(new Uint8Array(31)))).toBe('E_INTERNAL');
    expect(codeOf(() => new MerkleTree((d) => sha256(d).subarray(0, 20)))).toBe('E_INTERNAL');
    // Nothing above changed the tree.
    expect(tree.size).toBe(5);
    expect(toHex(tree.root())).toBe(ROOTS[4]);
  });

  it('rolls back appends with truncate', () => {
    const tree = new MerkleTree(sha256, leafHashes);
    tree.truncate(3);
    expect(tree.size).toBe(3);
    expect(toHex(tree.root())).toBe(ROOTS[2]);
    expect(codeOf(() => tree.leafHash(3))).toBe('E_NOT_FOUND');
    tree.append(fromHex(SOME_HASH));
    expect(toHex(tree.root())).not.toBe(ROOTS[3]);
    tree.truncate(3);
    for (const h of leafHashes.slice(3)) tree.append(h);
    expect(toHex(tree.root())).toBe(ROOTS[7]);
    expect(hexes(tree.consistencyProof(6, 8))).toEqual(CONSISTENCY[2]!.proof);
    tree.truncate(0);
    expect(toHex(tree.root())).toBe(EMPTY_ROOT);
  });
});
