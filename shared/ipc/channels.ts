/**
 * The IPC contract: every call the renderer can make, with the schema of its request and of
 * its response. The main process registers exactly these channels and parses each payload
 * with its schema before anything else; the preload builds `window.tearline` from the same
 * map; the core process serves the `core` ones. Adding a call is one entry here (and, for a
 * core channel, one method of the same name on electron/host/core-service.ts).
 */
import { z } from 'zod';
import { KeyCardSchema } from '../keys/key-card';
import { EntryIdSchema } from '../entry/entry-header';
import {
  AppInfoSchema,
  AppendedEntrySchema,
  ARMORED_TEXT_MAX,
  BackupResultSchema,
  BundleInspectionSchema,
  EXPORT_REQUEST_SHAPE,
  ExportSummarySchema,
  ExportTextSchema,
  ImportSummarySchema,
  PendingIdSchema,
  TrustedKeySchema,
  TrustListingSchema,
  CaseListRequestSchema,
  CasePageSchema,
  CaseViewSchema,
  DRAFT_MAX_COUNT,
  DraftKeySchema,
  DraftSchema,
  EmptySchema,
  EntryDraftSchema,
  EntryPageSchema,
  EntryQuerySchema,
  IntegrityReportSchema,
  KdfLevelSchema,
  NewPassphraseSchema,
  NullSchema,
  OperationIdSchema,
  PassphraseSchema,
  SettingsPatchSchema,
  SettingsSchema,
  StoredEntrySchema,
  VaultInfoSchema,
  VaultStatusSchema,
} from './schemas';

/** Where a channel is served: in the main process, or by the core in its utility process. */
export type ChannelHost = 'main' | 'core';

/**
 * A file the main process asks the officer for, in its own open or save dialog, before the
 * call reaches the core. The renderer never names a path; the chosen one goes to the core
 * beside the request, never inside it.
 */
export interface FileDialogSpec {
  mode: 'open' | 'save';
  title: string;
  /** The suggested file name (save dialogs). */
  defaultName?: string;
  filters: { name: string; extensions: string[] }[];
}

export interface ChannelDef<H extends ChannelHost = ChannelHost, Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  summary: string;
  host: H;
  request: Req;
  response: Res;
  /** Reports progress events under the request's `operationId` and can be cancelled with `cancel`. */
  long?: boolean;
  file?: FileDialogSpec;
}

function channel<H extends ChannelHost, Req extends z.ZodType, Res extends z.ZodType>(def: ChannelDef<H, Req, Res>): ChannelDef<H, Req, Res> {
  return def;
}

/** A long operation's request: its own fields plus the optional `operationId`. */
function longRequest<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject({ ...shape, operationId: OperationIdSchema.optional() });
}

export const CHANNELS = {
  // ---------------------------------------------------------------- application (main)
  appInfo: channel({
    summary: 'Names and versions, for the About box.',
    host: 'main',
    request: EmptySchema,
    response: AppInfoSchema,
  }),
  getSettings: channel({ summary: 'The auto-lock and clipboard delays.', host: 'main', request: EmptySchema, response: SettingsSchema }),
  updateSettings: channel({
    summary: 'Changes some settings; returns them all.',
    host: 'main',
    request: SettingsPatchSchema,
    response: SettingsSchema,
  }),
  copyToClipboard: channel({
    summary: 'Copies text; the clipboard clears itself after the configured delay if it still holds it.',
    host: 'main',
    request: z.strictObject({ text: z.string().min(1).max(1_000_000) }),
    response: z.strictObject({ clearsAfterSeconds: z.number().int().positive() }),
  }),
  cancel: channel({
    summary: 'Cancels a long operation by its operationId; false if none was running.',
    host: 'main',
    request: z.strictObject({ operationId: OperationIdSchema }),
    response: z.strictObject({ cancelled: z.boolean() }),
  }),

  // ---------------------------------------------------------------- vault (core)
  vaultStatus: channel({
    summary: 'Whether there is a vault and whether it is unlocked.',
    host: 'core',
    request: EmptySchema,
    response: VaultStatusSchema,
  }),
  createVault: channel({
    summary: 'Creates the vault and leaves it unlocked.',
    host: 'core',
    long: true,
    request: longRequest({ name: z.string().trim().min(1).max(200), passphrase: NewPassphraseSchema, kdf: KdfLevelSchema.default('moderate') }),
    response: VaultInfoSchema,
  }),
  unlockVault: channel({
    summary: 'Unlocks the vault: Argon2id, then every entry decrypted and checked against the signed log.',
    host: 'core',
    long: true,
    request: longRequest({ passphrase: PassphraseSchema }),
    response: VaultInfoSchema,
  }),
  lockVault: channel({
    summary: 'Locks the vault: every key is wiped in the core process.',
    host: 'core',
    request: EmptySchema,
    response: NullSchema,
  }),
  changePassphrase: channel({
    summary: 'Re-wraps the vault key under a new passphrase (the current one is asked again).',
    host: 'core',
    long: true,
    request: longRequest({ current: PassphraseSchema, next: NewPassphraseSchema, kdf: KdfLevelSchema.optional() }),
    response: NullSchema,
  }),
  backupVault: channel({
    summary: 'Copies the vault to a file the officer chooses; it opens with the same passphrase.',
    host: 'core',
    long: true,
    file: {
      mode: 'save',
      title: 'Save a backup of the vault',
      defaultName: 'tearline-backup.tearline',
      filters: [{ name: 'Tearline vault', extensions: ['tearline'] }],
    },
    request: longRequest({}),
    response: BackupResultSchema,
  }),
  verifyVault: channel({
    summary: 'Checks the whole vault: every entry, hash, proof and signed checkpoint.',
    host: 'core',
    long: true,
    request: longRequest({}),
    response: IntegrityReportSchema,
  }),
  keyCard: channel({
    summary: "This workstation's key card (public keys only).",
    host: 'core',
    request: EmptySchema,
    response: KeyCardSchema,
  }),

  // ---------------------------------------------------------------- records (core)
  appendEntries: channel({
    summary: 'Validates and appends entries in one durable transaction.',
    host: 'core',
    request: z.strictObject({ entries: z.array(EntryDraftSchema).min(1).max(1000) }),
    response: z.array(AppendedEntrySchema),
  }),
  listEntries: channel({
    summary: 'Lists, filters and searches entries (summaries only).',
    host: 'core',
    request: EntryQuerySchema,
    response: EntryPageSchema,
  }),
  getEntry: channel({
    summary: 'One entry, decrypted.',
    host: 'core',
    request: z.strictObject({ id: EntryIdSchema }),
    response: StoredEntrySchema,
  }),
  listCases: channel({
    summary: 'Cases folded from their entries, a page at a time.',
    host: 'core',
    request: CaseListRequestSchema,
    response: CasePageSchema,
  }),
  getCase: channel({
    summary: 'One case: its current state after amendments, and its timeline.',
    host: 'core',
    request: z.strictObject({ caseId: EntryIdSchema }),
    response: CaseViewSchema,
  }),

  // ---------------------------------------------------------------- bundles (core)
  exportBundle: channel({
    summary: 'Exports a selection as a signed bundle file (encrypted to the recipients, if any), and records the export in the log.',
    host: 'core',
    long: true,
    file: {
      mode: 'save',
      title: 'Save the bundle',
      defaultName: 'tearline-bundle.tlb',
      filters: [{ name: 'Tearline bundle', extensions: ['tlb'] }],
    },
    request: longRequest(EXPORT_REQUEST_SHAPE),
    response: ExportSummarySchema,
  }),
  exportBundleText: channel({
    summary: 'Exports a selection as armored text, to paste into a cable, and records the export in the log.',
    host: 'core',
    long: true,
    request: longRequest(EXPORT_REQUEST_SHAPE),
    response: ExportTextSchema,
  }),
  inspectBundleFile: channel({
    summary: 'Verifies a bundle file the officer opens; stores nothing, and holds it for acceptBundle.',
    host: 'core',
    long: true,
    file: {
      mode: 'open',
      title: 'Open a bundle',
      filters: [
        { name: 'Tearline bundle', extensions: ['tlb', 'age', 'txt', 'asc', 'bundle'] },
        { name: 'All files', extensions: ['*'] },
      ],
    },
    request: longRequest({}),
    response: BundleInspectionSchema,
  }),
  inspectBundleText: channel({
    summary: 'Verifies pasted armored text; stores nothing, and holds it for acceptBundle.',
    host: 'core',
    long: true,
    request: longRequest({ text: z.string().min(1).max(ARMORED_TEXT_MAX) }),
    response: BundleInspectionSchema,
  }),
  acceptBundle: channel({
    summary: 'Imports the bundle last verified, after verifying it again, in one transaction.',
    host: 'core',
    long: true,
    request: longRequest({ pendingId: PendingIdSchema }),
    response: ImportSummarySchema,
  }),
  discardBundle: channel({
    summary: 'Forgets the bundle last verified (the officer rejected it).',
    host: 'core',
    request: z.strictObject({ pendingId: PendingIdSchema }),
    response: z.strictObject({ discarded: z.boolean() }),
  }),

  // ---------------------------------------------------------------- trust (core)
  trustList: channel({
    summary: 'The trusted workstations, the history held from each, and any fork evidence.',
    host: 'core',
    request: EmptySchema,
    response: TrustListingSchema,
  }),
  readKeyCardFile: channel({
    summary: 'Reads a key card file the officer opens, so that its fingerprint can be compared before it is trusted.',
    host: 'core',
    file: {
      mode: 'open',
      title: 'Open a key card',
      filters: [
        { name: 'Key card', extensions: ['json'] },
        { name: 'All files', extensions: ['*'] },
      ],
    },
    request: EmptySchema,
    response: KeyCardSchema,
  }),
  trustAdd: channel({
    summary: "Trusts another workstation's key card under a name, and records it in the log.",
    host: 'core',
    request: z.strictObject({
      name: z.string().trim().min(1).max(200),
      card: KeyCardSchema,
      verifiedBy: z.string().trim().min(1).max(200).optional(),
      comment: z.string().trim().min(1).max(2000).optional(),
    }),
    response: TrustedKeySchema,
  }),
  trustRevoke: channel({
    summary: 'Revokes a trusted key, by name or fingerprint, with the reason, and records it in the log.',
    host: 'core',
    request: z.strictObject({ key: z.string().trim().min(1).max(200), reason: z.string().trim().min(1).max(2000) }),
    response: TrustedKeySchema,
  }),
  saveKeyCard: channel({
    summary: "Saves this workstation's key card to a file the officer chooses.",
    host: 'core',
    file: {
      mode: 'save',
      title: 'Save the key card',
      defaultName: 'tearline-key-card.json',
      filters: [{ name: 'Key card', extensions: ['json'] }],
    },
    request: EmptySchema,
    response: z.strictObject({ path: z.string() }),
  }),

  // ---------------------------------------------------------------- drafts (core, encrypted)
  saveDraft: channel({
    summary: 'Saves an unfinished form, encrypted in the vault folder, so that it survives an accidental close.',
    host: 'core',
    request: z.strictObject({ key: DraftKeySchema, data: z.json() }),
    response: z.strictObject({ savedAt: z.string() }),
  }),
  stageDraft: channel({
    summary:
      "Hands over a form's latest values between its saves, kept in the core's memory only: a lock (by hand, idle, screen lock or the system's sleep) writes what is staged before the keys go, so that a lock that cannot wait for the renderer keeps the typing.",
    host: 'core',
    request: z.strictObject({ key: DraftKeySchema, data: z.json() }),
    response: NullSchema,
  }),
  listDrafts: channel({
    summary: 'The saved drafts, newest first.',
    host: 'core',
    request: EmptySchema,
    response: z.array(DraftSchema).max(DRAFT_MAX_COUNT),
  }),
  deleteDraft: channel({
    summary: 'Deletes a draft (after its record is saved, or when the officer discards it).',
    host: 'core',
    request: z.strictObject({ key: DraftKeySchema }),
    response: z.strictObject({ deleted: z.boolean() }),
  }),
} as const;

export type Channels = typeof CHANNELS;
export type ChannelName = keyof Channels;
export const CHANNEL_NAMES = Object.keys(CHANNELS) as ChannelName[];

/** What the renderer passes (defaults may be left out). */
export type RequestOf<K extends ChannelName> = z.input<Channels[K]['request']>;
/** What a handler receives, after parsing. */
export type ParsedRequestOf<K extends ChannelName> = z.output<Channels[K]['request']>;
export type ResponseOf<K extends ChannelName> = z.output<Channels[K]['response']>;

export type CoreChannelName = { [K in ChannelName]: Channels[K]['host'] extends 'core' ? K : never }[ChannelName];
export type MainChannelName = Exclude<ChannelName, CoreChannelName>;

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(CHANNELS, name);
}

export function channelDef(name: ChannelName): ChannelDef {
  return CHANNELS[name] as ChannelDef;
}

/** The operationId of a parsed request of a long channel, if the renderer gave one. */
export function operationIdOf(request: unknown): string | undefined {
  const id = (request as { operationId?: unknown } | null)?.operationId;
  return typeof id === 'string' ? id : undefined;
}
