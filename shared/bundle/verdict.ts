/**
 * The verdict on a bundle: what `tearline verify-bundle --json` prints, what `import`
 * shows before the officer accepts, and what the IPC layer hands to the UI. One schema
 * for all three.
 */
import { z } from 'zod';
import { ERROR_CODE_LIST, type ErrorCode } from '../errors';
import { BUNDLE_FORMS, RELATIONS } from './format';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/);

export const ProblemSchema = z
  .object({
    code: z.enum(ERROR_CODE_LIST as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    at: z.string().optional(),
  })
  .strict();

export const SIGNER_STATUSES = ['trusted', 'revoked', 'unknown'] as const;
export type SignerStatus = (typeof SIGNER_STATUSES)[number];

export const SignerSchema = z
  .object({
    status: z.enum(SIGNER_STATUSES),
    /** minisign's key id as `minisign` prints it (16 upper-case hex digits), once known. */
    keyId: z.string().nullable(),
    /** The name this vault trusts the key under (null without a vault, or when unknown). */
    name: z.string().nullable(),
    /** The key's fingerprint (32 lowercase hex digits), once the key is known. */
    fingerprint: z.string().nullable(),
    /** The signer has been seen signing two inconsistent histories (fork evidence held). */
    forked: z.boolean(),
  })
  .strict();

export const PREVIEW_LIMIT = 50;
export const PROBLEM_LIMIT = 100;

export const PreviewEntrySchema = z
  .object({
    index: z.number().int(),
    id: z.string(),
    kind: z.string(),
    caseId: z.string().nullable(),
    ts: z.string(),
    summary: z.string(),
    withheld: z.array(z.string()),
    /** new: not held yet; known: held with the same fields; more-fields: held, and this discloses more. */
    status: z.enum(['new', 'known', 'more-fields']).nullable(),
  })
  .strict();

export const VerdictSchema = z
  .object({
    valid: z.boolean(),
    form: z.enum(BUNDLE_FORMS).nullable(),
    encrypted: z.boolean(),
    /** The size of the input as read. */
    bytes: z.number().int(),
    bundleId: z.string().nullable(),
    /** BLAKE2b-512 of the signed payload B, hex: what the minisign signature signs. */
    digest: z.string().nullable(),
    createdAt: z.string().nullable(),
    /** The name the sender gives itself in the bundle (not vouched for by this vault). */
    sender: z.string().nullable(),
    signature: z.enum(['valid', 'invalid', 'not-checked']),
    trustedComment: z.string().nullable(),
    signer: SignerSchema,
    checkpoint: z.object({ origin: z.string(), size: z.number().int(), root: hex32 }).strict().nullable(),
    relation: z.enum(RELATIONS),
    /** The latest checkpoint this vault held from the origin before this bundle. */
    held: z.object({ size: z.number().int(), root: hex32 }).strict().nullable(),
    entries: z
      .object({
        count: z.number().int(),
        /** Entries this vault does not hold yet (null without a vault). */
        new: z.number().int().nullable(),
        /** Entries held already, that this bundle discloses more fields of. */
        moreFields: z.number().int().nullable(),
        kinds: z.record(z.string(), z.number().int()),
        cases: z.array(z.string()),
        /** Field name → how many entries withhold it. */
        withheld: z.record(z.string(), z.number().int()),
        firstIndex: z.number().int().nullable(),
        lastIndex: z.number().int().nullable(),
        /** How many entries passed every check. */
        verified: z.number().int(),
      })
      .strict(),
    preview: z.array(PreviewEntrySchema).max(PREVIEW_LIMIT),
    problems: z.array(ProblemSchema).max(PROBLEM_LIMIT),
    problemCount: z.number().int(),
    warnings: z.array(z.string()),
  })
  .strict();

export type Problem = z.infer<typeof ProblemSchema>;
export type Signer = z.infer<typeof SignerSchema>;
export type PreviewEntry = z.infer<typeof PreviewEntrySchema>;
export type Verdict = z.infer<typeof VerdictSchema>;

/** A verdict with nothing established yet, filled in as verification proceeds. */
export function emptyVerdict(bytes: number): Verdict {
  return {
    valid: false,
    form: null,
    encrypted: false,
    bytes,
    bundleId: null,
    digest: null,
    createdAt: null,
    sender: null,
    signature: 'not-checked',
    trustedComment: null,
    signer: { status: 'unknown', keyId: null, name: null, fingerprint: null, forked: false },
    checkpoint: null,
    relation: 'not-checked',
    held: null,
    entries: { count: 0, new: null, moreFields: null, kinds: {}, cases: [], withheld: {}, firstIndex: null, lastIndex: null, verified: 0 },
    preview: [],
    problems: [],
    problemCount: 0,
    warnings: [],
  };
}

export function addProblem(verdict: Verdict, problem: Problem): void {
  verdict.problemCount++;
  if (verdict.problems.length < PROBLEM_LIMIT) verdict.problems.push(problem);
}

/** The one-line summary kept in the audit entry and printed by the command line. */
export function verdictLine(v: Verdict): string {
  if (v.valid) {
    const rel = v.relation === 'not-checked' ? '' : `, ${v.relation}`;
    return `valid: ${v.entries.count} entr${v.entries.count === 1 ? 'y' : 'ies'} signed by ${v.signer.name ?? v.signer.fingerprint ?? v.signer.keyId ?? 'the given key'}${rel}`;
  }
  const first = v.problems[0];
  return `invalid: ${first ? `${first.code}: ${first.message}` : 'not verified'}${v.problemCount > 1 ? ` (and ${v.problemCount - 1} more problem${v.problemCount > 2 ? 's' : ''})` : ''}`;
}
