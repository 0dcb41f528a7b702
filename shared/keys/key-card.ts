/**
 * The key card: what one workstation gives another so that its bundles can be trusted
 * and encrypted to it. It holds only public keys.
 *
 * Officers compare the fingerprint, which is of the Ed25519 key alone; the card's other
 * claims (the age recipient that bundles will be encrypted to, the origin the key is bound
 * to, the name) are signed by that key, so that a card altered on its way (another
 * recipient, with the fingerprint untouched) is refused rather than trusted.
 */
import { z } from 'zod';
import { canonicalJsonBytes } from '../canonical-json';
import { concatBytes, utf8 } from '../bytes';

export const KEY_CARD_VERSION = 2;

export const KeyCardSchema = z
  .object({
    type: z.literal('tearline-key-card'),
    version: z.literal(KEY_CARD_VERSION),
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
    /** Ed25519 (the card's own key) over keyCardSignedBytes(card), base64. */
    signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
  })
  .strict();

export type KeyCard = z.infer<typeof KeyCardSchema>;

const KEY_CARD_DOMAIN = utf8('tearline/key-card/v2\n');

/** What a key card's signature covers: its claims beyond the key itself, as canonical JSON. */
export function keyCardSignedBytes(card: Pick<KeyCard, 'name' | 'origin' | 'ed25519' | 'ageRecipient'>): Uint8Array {
  return concatBytes(KEY_CARD_DOMAIN, canonicalJsonBytes({ ageRecipient: card.ageRecipient, ed25519: card.ed25519, name: card.name, origin: card.origin }));
}
