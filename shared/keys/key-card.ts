/**
 * The key card: what one workstation gives another so that its bundles can be trusted
 * and encrypted to it. It holds only public keys.
 */
import { z } from 'zod';

export const KeyCardSchema = z
  .object({
    type: z.literal('tearline-key-card'),
    version: z.literal(1),
    name: z.string().min(1).max(200),
    origin: z.string().regex(/^[\x21-\x7e]{1,200}$/),
    /** 16 bytes as lowercase hex: BLAKE2b-256 of the Ed25519 public key, truncated. */
    fingerprint: z.string().regex(/^[0-9a-f]{32}$/),
    fingerprintWords: z.array(z.string()).length(12),
    /** Ed25519 public key, base64. */
    ed25519: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
    /** The same key as a minisign public key file (two lines). */
    minisignPublicKey: z.string(),
    /** The X25519 key as an age recipient. */
    ageRecipient: z.string().regex(/^age1[02-9ac-hj-np-z]{58}$/),
  })
  .strict();

export type KeyCard = z.infer<typeof KeyCardSchema>;
