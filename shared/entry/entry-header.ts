/**
 * The signed-over part of every log entry. The Merkle leaf is computed from this header
 * alone; the body's top-level fields enter it only as salted commitments, which is what
 * lets a bundle withhold a field and still prove the entry is the one in the log.
 */
import { z } from 'zod';
import { ENTRY_KINDS } from '../domain/kinds';
import { UUID_RE } from '../domain/fields';

export const ENTRY_FORMAT_VERSION = 1;

const uuid = z.string().regex(UUID_RE, 'a lowercase UUID');
const hex32 = z.string().regex(/^[0-9a-f]{64}$/, '32 bytes as lowercase hex');
const base64Key = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'a 32-byte key in base64');

export const EntryIdSchema = uuid;

export const EntryHeaderSchema = z
  .object({
    v: z.literal(ENTRY_FORMAT_VERSION),
    id: uuid,
    kind: z.enum(ENTRY_KINDS),
    policy: z.string().min(1).max(64),
    /** The author's Ed25519 public key, base64. */
    author: base64Key,
    /** ISO 8601, UTC, millisecond precision. */
    ts: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    caseId: uuid.nullable(),
    /** Top-level body field name → commitment (lowercase hex SHA-256). */
    fields: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/), hex32),
  })
  .strict();

export type EntryHeader = z.infer<typeof EntryHeaderSchema>;

/** A field that a bundle discloses: its value and the salt that opens its commitment. */
export const DisclosedFieldSchema = z.object({ salt: z.string(), value: z.unknown() }).strict();
export type DisclosedField = { salt: string; value: unknown };
