/**
 * The constants of the bundle format (docs/bundle-format.md): magic, version, record tags,
 * forms and limits. Everything an independent verifier needs to agree with us on is here
 * or next to it in shared/bundle/, and nothing here needs Node.
 */

/** "\x89TLB\r\n\x1a\n": a text-mode transfer breaks the first bytes, not the middle. */
export const BUNDLE_MAGIC = new Uint8Array([0x89, 0x54, 0x4c, 0x42, 0x0d, 0x0a, 0x1a, 0x0a]);
export const BUNDLE_VERSION = 1;
/** Magic and version byte. */
export const BUNDLE_PREAMBLE_BYTES = BUNDLE_MAGIC.length + 1;
/** Tag and length in front of every record. */
export const RECORD_HEADER_BYTES = 5;

export const TAG = {
  head: 0x01,
  entry: 0x02,
  end: 0x03,
  sig: 0x04,
} as const;

export const ARMOR_LABEL = 'TEARLINE BUNDLE';
export const SIGNATURE_SUFFIX = '.minisig';

export const BUNDLE_FORMS = ['detached', 'single-file', 'armored', 'age', 'age-armored'] as const;
export type BundleForm = (typeof BUNDLE_FORMS)[number];

export const HASH_BYTES = 32;
export const SALT_BYTES = 32;
export const MAX_CONSISTENCY_PROOFS = 16;
/** Every proof is bounded by this before anything is hashed (2^64 leaves). */
export const MAX_PROOF_HASHES = 64;

export interface BundleLimits {
  /** The input as read (any form), and the decrypted or de-armored payload. */
  maxBytes: number;
  maxHeadBytes: number;
  maxEntryBytes: number;
  maxEntries: number;
  maxFields: number;
  maxSignatureBytes: number;
}

export const DEFAULT_LIMITS: Readonly<BundleLimits> = Object.freeze({
  maxBytes: 256 * 1024 * 1024,
  maxHeadBytes: 1024 * 1024,
  maxEntryBytes: 16 * 1024 * 1024,
  maxEntries: 1_000_000,
  maxFields: 256,
  maxSignatureBytes: 16 * 1024,
});

export function limitsWith(overrides: Partial<BundleLimits> | undefined): BundleLimits {
  const limits = { ...DEFAULT_LIMITS, ...(overrides ?? {}) };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`bundle limit ${name} must be a whole number`);
  }
  return limits;
}

/** The relation of a bundle's checkpoint to what a vault already holds from that origin. */
export const RELATIONS = ['first-contact', 'extends', 'already-known', 'fork', 'rollback', 'unproven', 'not-checked'] as const;
export type Relation = (typeof RELATIONS)[number];
