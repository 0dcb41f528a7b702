/**
 * The HEAD record (docs/bundle-format.md, section 3.1): the bundle's id, the sender's log
 * checkpoint and the consistency proofs, as canonical JSON. It is parsed only after the
 * signature over the bundle has been checked.
 */
import { z } from 'zod';
import { canonicalJsonBytes } from '../canonical-json';
import { equalBytes, fromUtf8 } from '../bytes';
import { TearlineError } from '../errors';
import { BUNDLE_VERSION, MAX_CONSISTENCY_PROOFS, MAX_PROOF_HASHES } from './format';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const MAX_TREE_SIZE = Number.MAX_SAFE_INTEGER;

export const ConsistencyProofSchema = z
  .object({
    fromSize: z.number().int().min(1).max(MAX_TREE_SIZE),
    fromRoot: hex32,
    proof: z.array(hex32).max(MAX_PROOF_HASHES),
  })
  .strict();
export type ConsistencyProofJson = z.infer<typeof ConsistencyProofSchema>;

export const BundleHeadSchema = z
  .object({
    format: z.literal('tearline-bundle'),
    version: z.literal(BUNDLE_VERSION),
    bundleId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    createdAt: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    origin: z.string().regex(/^[\x21-\x7e]{1,200}$/),
    sender: z.string().min(1).max(200).regex(/^[^\r\n\0]*$/),
    checkpoint: z.object({ size: z.number().int().min(1).max(MAX_TREE_SIZE), root: hex32 }).strict(),
    entryCount: z.number().int().min(0).max(MAX_TREE_SIZE),
    consistency: z.array(ConsistencyProofSchema).max(MAX_CONSISTENCY_PROOFS),
  })
  .strict()
  .superRefine((head, ctx) => {
    let previous = 0;
    head.consistency.forEach((c, i) => {
      if (c.fromSize >= head.checkpoint.size) {
        ctx.addIssue({ code: 'custom', path: ['consistency', i, 'fromSize'], message: 'must be below the checkpoint size' });
      }
      if (c.fromSize <= previous) {
        ctx.addIssue({ code: 'custom', path: ['consistency', i, 'fromSize'], message: 'sizes must be strictly increasing' });
      }
      previous = c.fromSize;
    });
  });

export type BundleHead = z.infer<typeof BundleHeadSchema>;

export function encodeHead(head: BundleHead): Uint8Array {
  return canonicalJsonBytes(BundleHeadSchema.parse(head));
}

/** Decodes HEAD strictly: UTF-8, JSON, the schema, and canonical form. E_MALFORMED otherwise. */
export function parseHead(bytes: Uint8Array): BundleHead {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new TearlineError('E_MALFORMED', 'bundle HEAD is not UTF-8 JSON', { at: 'head' });
  }
  const parsed = BundleHeadSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.join('.');
    throw new TearlineError('E_MALFORMED', `bundle HEAD: ${at ? `${at}: ` : ''}${issue.message}`, { at: `head.${at}` });
  }
  if (!equalBytes(canonicalJsonBytes(parsed.data), bytes)) {
    throw new TearlineError('E_MALFORMED', 'bundle HEAD is not in canonical JSON form', { at: 'head' });
  }
  return parsed.data;
}
