/**
 * Signed checkpoints as kept by a receiving vault, and fork evidence: two signed
 * checkpoints of one log that cannot both be true (docs/bundle-format.md, sections 4 and
 * 9). A signed checkpoint is a bundle's minisign trusted comment with the signature it was
 * made with and the global signature over both, which anyone with the signer's public key
 * can check without the bundle.
 */
import { z } from 'zod';
import { concatBytes, fromBase64, utf8 } from '../bytes';
import { ConsistencyProofSchema } from './head';
import { parseTrustedComment } from './trusted-comment';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const base64Sig = z.string().regex(/^[A-Za-z0-9+/]{86}==$/);

export const SignedCheckpointSchema = z
  .object({
    origin: z.string(),
    size: z.number().int().min(0),
    root: hex32,
    bundleId: z.string(),
    /** minisign key id, the 8 bytes in lowercase hex (as stored, not as minisign prints it). */
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    trustedComment: z.string(),
    /** The signature over the bundle (base64, 64 bytes): an input of the global signature. */
    signature: base64Sig,
    /** Ed25519 over signature ‖ trusted comment (base64, 64 bytes). */
    globalSignature: base64Sig,
  })
  .strict();
export type SignedCheckpoint = z.infer<typeof SignedCheckpointSchema>;

export const ForkEvidenceSchema = z
  .object({
    origin: z.string(),
    /** The signer's fingerprint and the name it is trusted under. */
    fingerprint: z.string(),
    name: z.string().nullable(),
    detectedAt: z.string(),
    /** The checkpoint the vault held. */
    held: SignedCheckpointSchema,
    /** The checkpoint of the bundle that contradicted it. */
    presented: SignedCheckpointSchema,
    /** When the contradiction was shown by a consistency proof of the presented bundle. */
    proof: ConsistencyProofSchema.nullable(),
  })
  .strict();
export type ForkEvidence = z.infer<typeof ForkEvidenceSchema>;

export type Ed25519Verify = (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;

/**
 * Checks a signed checkpoint against a public key: the trusted comment says what the
 * fields say, and the global signature holds over signature ‖ trusted comment.
 */
export function verifySignedCheckpoint(cp: SignedCheckpoint, publicKey: Uint8Array, verify: Ed25519Verify): boolean {
  const fields = parseTrustedComment(cp.trustedComment);
  if (!fields || fields.origin !== cp.origin || fields.size !== cp.size || fields.root !== cp.root || fields.bundleId !== cp.bundleId) {
    return false;
  }
  try {
    return verify(fromBase64(cp.globalSignature), concatBytes(fromBase64(cp.signature), utf8(cp.trustedComment)), publicKey);
  } catch {
    return false;
  }
}
