/** RFC 6962 / RFC 9162 Merkle tree: hashing, the in-memory tree, proof verification. */
export { HASH_LENGTH, emptyRoot, leafHash, nodeHash, type HashFn } from './hash';
export { MerkleTree } from './tree';
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify';
export { MAX_PROOF_LENGTH, consistencyProofLength, inclusionProofLength, proofLengthBound } from './tree-math';
