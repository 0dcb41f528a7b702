/**
 * The values that cross IPC. Objects are strict: a field the contract does not name is an
 * error rather than silently passed on, so nothing (a key above all) can ride along with a
 * response unnoticed.
 */
import { z } from 'zod';
// Imported from the modules themselves, not the indexes: the sandboxed preload bundles
// this file, and needs neither the entry codec nor the domain's schemas.
import { EntryHeaderSchema, EntryIdSchema } from '../entry/entry-header';
import { USER_ENTRY_KINDS } from '../domain/kinds';
import type { CaseView } from '../domain/case-view';
import { BUNDLE_FORMS } from '../bundle/format';
import { VerdictSchema } from '../bundle/verdict';
import { ForkEvidenceSchema } from '../bundle/evidence';

const count = z.number().int().nonnegative();
const isoDateTime = z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/, 'an ISO 8601 date and time');
const hex = (bytes: number) => z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`));

/** Chosen by the renderer for a long operation, so that it can match progress events and cancel it. */
export const OperationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ (at most 64)');

/** The Argon2id cost levels of the core (electron/core/crypto/kdf.ts), named the same. */
export const KDF_LEVEL_NAMES = ['interactive', 'moderate', 'sensitive'] as const;
export const KdfLevelSchema = z.enum(KDF_LEVEL_NAMES);

export const PassphraseSchema = z.string().min(1, 'enter the passphrase').max(1024, 'at most 1024 characters');
export const NEW_PASSPHRASE_MIN = 8;
export const NewPassphraseSchema = z
  .string()
  .min(NEW_PASSPHRASE_MIN, `use at least ${NEW_PASSPHRASE_MIN} characters`)
  .max(1024, 'at most 1024 characters');

/**
 * The phases the core reports progress in: the vault's (electron/core/vault/vault.ts
 * `Progress`) and the bundles' (electron/core/bundle/progress.ts `BundlePhase`).
 */
export const PROGRESS_PHASES = ['kdf', 'decrypt', 'tree', 'verify', 'write', 'read', 'hash', 'entries', 'store'] as const;
export const ProgressPhaseSchema = z.enum(PROGRESS_PHASES);
export type ProgressPhase = z.infer<typeof ProgressPhaseSchema>;

export const EmptySchema = z.strictObject({});
export const NullSchema = z.null();

// ------------------------------------------------------------------ vault

export const VaultInfoSchema = z.strictObject({
  name: z.string(),
  vaultId: z.string(),
  origin: z.string(),
  /** BLAKE2b of the workstation's Ed25519 public key, as on the key card. */
  fingerprint: hex(16),
  createdAt: z.string(),
  entries: count,
  kdf: z.strictObject({ opslimit: count, memlimit: count }),
});
export type VaultInfo = z.infer<typeof VaultInfoSchema>;

export const VAULT_STATES = ['absent', 'locked', 'unlocked'] as const;
export const VaultStatusSchema = z.strictObject({
  /** absent: no vault yet (show "create"); locked: show "unlock". */
  state: z.enum(VAULT_STATES),
  vault: VaultInfoSchema.nullable(),
});
export type VaultStatus = z.infer<typeof VaultStatusSchema>;

// ------------------------------------------------------------------ entries

export const EntryDraftSchema = z.strictObject({
  kind: z.enum(USER_ENTRY_KINDS),
  /** Checked against the kind's schema and the policy by the core, which names the field at fault. */
  body: z.record(z.string(), z.json()),
});

export const AppendedEntrySchema = z.strictObject({
  id: EntryIdSchema,
  index: count,
  kind: z.string(),
  caseId: EntryIdSchema.nullable(),
});

export const EntryQuerySchema = z.strictObject({
  kind: z.union([z.string().max(64), z.array(z.string().max(64)).max(64)]).optional(),
  caseId: EntryIdSchema.optional(),
  /** Words an entry must all contain; sensitive fields are never searched. */
  search: z.string().max(500).optional(),
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  order: z.enum(['asc', 'desc']).optional(),
  offset: count.optional(),
  limit: z.number().int().min(1).max(1000).default(100),
});

export const EntrySummarySchema = z.strictObject({
  index: count,
  id: EntryIdSchema,
  kind: z.string(),
  caseId: EntryIdSchema.nullable(),
  ts: z.string(),
  /** The author's Ed25519 public key, base64. */
  author: z.string(),
  summary: z.string(),
});
export type EntrySummary = z.infer<typeof EntrySummarySchema>;

export const EntryPageSchema = z.strictObject({ total: count, items: z.array(EntrySummarySchema) });

export const StoredEntrySchema = z.strictObject({
  index: count,
  header: EntryHeaderSchema,
  body: z.record(z.string(), z.unknown()),
  summary: z.string(),
  /** The entry's Merkle leaf hash, lowercase hex. */
  leafHash: hex(32),
});
export type StoredEntryView = z.infer<typeof StoredEntrySchema>;

// ------------------------------------------------------------------ cases

/** The shape is the domain's (shared/domain/case-view.ts), folded by the core from the log. */
export const CaseViewSchema = z.custom<CaseView>(
  (value) => typeof value === 'object' && value !== null && typeof (value as { caseId?: unknown }).caseId === 'string',
  'a case view',
);

export const CaseListRequestSchema = z.strictObject({
  offset: count.default(0),
  limit: z.number().int().min(1).max(1000).default(200),
  /** desc: the most recently opened case first. */
  order: z.enum(['asc', 'desc']).default('desc'),
});

export const CasePageSchema = z.strictObject({ total: count, items: z.array(CaseViewSchema) });

// ------------------------------------------------------------------ integrity, backup

export const IntegrityReportSchema = z.strictObject({
  ok: z.boolean(),
  origin: z.string(),
  size: count,
  root: z.string(),
  checkpoints: count,
  firstBadIndex: count.nullable(),
  problems: z.array(z.strictObject({ index: count, what: z.enum(['entry', 'checkpoint', 'head', 'index', 'imports']), message: z.string() })),
});

export const BackupResultSchema = z.strictObject({
  /** Where the backup was written (chosen by the officer in the save dialog). */
  path: z.string(),
  /** Entries in the backup. */
  size: count,
});

// ------------------------------------------------------------------ bundles

const fieldName = z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,63}$/, 'a field name');

/** What an export takes: the whole log, whole cases, single entries (any mix of the last two). */
export const ExportSelectionSchema = z
  .strictObject({
    all: z.boolean().optional(),
    cases: z.array(EntryIdSchema).max(100_000).optional(),
    ids: z.array(EntryIdSchema).max(100_000).optional(),
  })
  .refine((s) => s.all === true || (s.cases?.length ?? 0) + (s.ids?.length ?? 0) > 0, 'choose the whole log, cases or entries');

/** The fields of an export request (electron/core/bundle/export.ts ExportOptions), without the file. */
export const EXPORT_REQUEST_SHAPE = {
  selection: ExportSelectionSchema,
  /** Encrypt to these: trusted workstations by name or fingerprint, or `age1...` recipients. */
  to: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
  /** More fields to withhold, by name. */
  redact: z.array(fieldName).max(200).default([]),
  /** Disclose sensitive fields too (source protection and the like). */
  includeSensitive: z.boolean().default(false),
};

export const ExportSummarySchema = z.strictObject({
  bundleId: z.string(),
  form: z.enum(BUNDLE_FORMS),
  encrypted: z.boolean(),
  /** The files written (chosen by the officer in the save dialog); none for armored text. */
  files: z.array(z.string()),
  entryCount: count,
  caseCount: count,
  /** Field name → how many exported entries withhold it. */
  withheld: z.record(z.string(), count),
  recipients: z.array(z.strictObject({ name: z.string().nullable(), fingerprint: z.string().nullable(), ageRecipient: z.string().nullable() })),
  checkpoint: z.strictObject({ origin: z.string(), size: count, root: z.string() }),
  consistencyFrom: z.array(count),
});
export type ExportSummary = z.infer<typeof ExportSummarySchema>;

/** Armored text, to paste into a cable: ASCII, a few tens of megabytes at most in practice. */
export const ARMORED_TEXT_MAX = 64 * 1024 * 1024;
export const ExportTextSchema = ExportSummarySchema.extend({ text: z.string().max(ARMORED_TEXT_MAX) });

/** A verified bundle held by the core until the officer accepts or rejects it. */
export const PendingIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

export const BundleInspectionSchema = z.strictObject({
  /** Null when the bundle cannot be imported at all (nothing is held). */
  pendingId: PendingIdSchema.nullable(),
  verdict: VerdictSchema,
});

export const ImportSummarySchema = z.strictObject({
  verdict: VerdictSchema,
  accepted: z.boolean(),
  changed: z.boolean(),
  newEntries: count,
  updatedEntries: count,
  checkpointStored: z.boolean(),
  forkRecorded: z.boolean(),
  auditIndex: count.nullable(),
});

// ------------------------------------------------------------------ trust

export const TrustedKeySchema = z.strictObject({
  name: z.string(),
  fingerprint: hex(16),
  ed25519: z.string(),
  keyId: hex(8),
  ageRecipient: z.string().nullable(),
  origin: z.string().nullable(),
  source: z.enum(['key-card', 'minisign-key']),
  addedAt: z.string(),
  revoked: z.strictObject({ at: z.string(), reason: z.string() }).nullable(),
  status: z.enum(['trusted', 'revoked']),
  minisignKeyId: z.string(),
  minisignPublicKey: z.string(),
});

export const TrustListingSchema = z.strictObject({
  keys: z.array(
    TrustedKeySchema.extend({
      forked: z.boolean(),
      logs: z.array(z.strictObject({ origin: z.string(), size: count, root: z.string(), receivedAt: z.string(), checkpoints: count })),
    }),
  ),
  forks: z.array(ForkEvidenceSchema),
});

// ------------------------------------------------------------------ drafts

export const DRAFT_MAX_BYTES = 256 * 1024;
export const DRAFT_MAX_COUNT = 50;
/**
 * All drafts together, each counted as its canonical JSON: every save rewrites the whole
 * sealed file, and so does a lock, which the keys wait for.
 */
export const DRAFTS_MAX_TOTAL_BYTES = 4 * DRAFT_MAX_BYTES;
export const DraftKeySchema = z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/, 'letters, digits and . _ : - (at most 100)');
export const DraftSchema = z.strictObject({ key: DraftKeySchema, savedAt: z.string(), data: z.json() });
export type Draft = z.infer<typeof DraftSchema>;

// ------------------------------------------------------------------ application

export const SettingsSchema = z.strictObject({
  /** Lock the vault after this many minutes without input. */
  autoLockMinutes: z.number().int().min(1).max(480),
  /** Clear a copied value from the clipboard after this many seconds, if it is still there. */
  clipboardClearSeconds: z.number().int().min(5).max(600),
});
export type Settings = z.infer<typeof SettingsSchema>;
export const DEFAULT_SETTINGS: Settings = { autoLockMinutes: 10, clipboardClearSeconds: 30 };
export const SettingsPatchSchema = SettingsSchema.partial();

export const AppInfoSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  electron: z.string(),
  chrome: z.string(),
  platform: z.string(),
  packaged: z.boolean(),
});

export const LOCK_REASONS = ['user', 'idle', 'suspend', 'lock-screen', 'core-stopped'] as const;
export const LockReasonSchema = z.enum(LOCK_REASONS);
export type LockReason = z.infer<typeof LockReasonSchema>;
