/**
 * The core behind the IPC contract: one method per `core` channel, each a thin call into
 * the vault, as the command line's actions are (electron/cli/program.ts). It runs in the
 * core's utility process (core-process.ts), which is the only place the vault's keys
 * exist; tests and the renderer's test harness drive it directly.
 *
 * Calls run one at a time, in order: the vault is one SQLite connection and one set of
 * keys, and a lock must never interleave with a write. A lock request pre-empts whatever
 * runs: the running operation stops at its next progress report (E_CANCELLED), and the
 * lock runs next.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fromUtf8, toHex, utf8 } from '../../shared/bytes';
import { DEFAULT_LIMITS, SIGNATURE_SUFFIX } from '../../shared/bundle/format';
import { canonicalJson } from '../../shared/canonical-json';
import { TearlineError } from '../../shared/errors';
import {
  CHANNELS,
  channelDef,
  fail,
  failFrom,
  isChannelName,
  ok,
  requestProblem,
  type CoreChannelName,
  type IpcResult,
  type LockReason,
  type ParsedRequestOf,
  type RequestOf,
  type ResponseOf,
  type VaultInfo,
} from '../../shared/ipc';
import {
  exportBundle,
  importBundle,
  inspectBundle,
  trustAdd,
  trustList,
  trustRevoke,
  type BundleSource,
  type ExportOptions,
  type ExportResult,
  type RunOptions,
} from '../core/bundle';
import { KeyCardSchema } from '../../shared/keys/key-card';
import { checkVault } from '../core/bundle/vault-check';
import { buildKeyCard } from '../core/vault/key-card';
import { allCaseIds, appendEntries, cachedCase, caseWithImports, forgetCases } from '../core/case-records';
import { Vault } from '../core/vault/vault';
import { mapSqliteError } from '../core/vault/vault-db';
import { fileReadError, regularFileSize, writeFileWhole } from '../core/files/whole-file';
import { fingerprintHex } from '../core/vault/workstation';
import { DraftStore } from './drafts';
import { UnsettledDrafts, type Unsettled } from './unsettled-drafts';
import { Operation, type CancelSignal, type ProgressSink } from './operation';

export interface CoreServiceOptions {
  /** The vault file. The main process decides it; no request can change it. */
  vaultPath: string;
  /**
   * An Electron-ABI build of better-sqlite3 for the core process (see docs/architecture.md,
   * "Native module"). Passed to the vault with its open options.
   */
  nativeBinding?: string;
  /** Told whenever the vault unlocks or locks, so the shell can follow (auto-lock, the UI). */
  onStateChange?: (state: VaultStateChange) => void;
}

export type VaultStateChange = { locked: false } | { locked: true; reason: LockReason };

export interface CoreCallContext {
  /** The file the main process's dialog chose, for channels that declare one. */
  file?: string;
  signal?: CancelSignal;
  onProgress?: ProgressSink;
}

export interface CallContext {
  op: Operation;
  file?: string;
  /** For saveDraft and deleteDraft: what the call was noted as when it arrived (UnsettledDrafts). */
  draft?: Unsettled;
}

type CoreMethods = {
  [K in CoreChannelName]: (request: ParsedRequestOf<K>, ctx: CallContext) => ResponseOf<K> | Promise<ResponseOf<K>>;
};

export class CoreService implements CoreMethods {
  readonly vaultPath: string;
  private readonly nativeBinding: string | undefined;
  private readonly onStateChange: ((state: VaultStateChange) => void) | undefined;
  private readonly drafts: DraftStore;
  private vault: Vault | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private lockPending = false;
  /** The drafts' changes not known to be written yet, which a lock writes (unsettled-drafts.ts). */
  private readonly unsettled = new UnsettledDrafts();
  /** The bundle last verified, held (in memory only) until the officer accepts or rejects it. */
  private pending: { id: string; source: BundleSource } | undefined;

  constructor(options: CoreServiceOptions) {
    this.vaultPath = path.resolve(options.vaultPath);
    this.nativeBinding = options.nativeBinding;
    this.onStateChange = options.onStateChange;
    this.drafts = new DraftStore(`${this.vaultPath}.drafts`);
  }

  get isUnlocked(): boolean {
    return this.vault?.isOpen === true;
  }

  /**
   * Serves one call of the contract: refuses unknown channels, parses the request with the
   * channel's schema before anything else, runs the method in turn, and checks the
   * response against the contract before it leaves the process. Never rejects.
   */
  invoke<K extends CoreChannelName>(channel: K, request: RequestOf<K>, ctx?: CoreCallContext): Promise<IpcResult<ResponseOf<K>>>;
  invoke(channel: string, request: unknown, ctx?: CoreCallContext): Promise<IpcResult<unknown>>;
  async invoke(channel: string, request: unknown, ctx: CoreCallContext = {}): Promise<IpcResult<unknown>> {
    if (!isChannelName(channel) || CHANNELS[channel].host !== 'core') {
      return fail('E_USAGE', `unknown channel "${String(channel).slice(0, 64)}"`);
    }
    const name = channel as CoreChannelName;
    const def = channelDef(name);
    const parsed = def.request.safeParse(request);
    if (!parsed.success) return { ok: false, error: requestProblem(parsed.error) };
    if (name === 'lockVault') this.lockPending = true;
    // A draft call is noted as it arrives, before it waits its turn: a lock that comes
    // meanwhile cancels the call, but writes what it carried.
    let draft: Unsettled | undefined;
    try {
      if (name === 'stageDraft') return ok(this.stageDraft(parsed.data as ParsedRequestOf<'stageDraft'>));
      draft = this.noteDraft(name, parsed.data);
    } catch (error) {
      return failFrom(error);
    }
    return this.serial(async () => {
      const op = new Operation(ctx.signal, ctx.onProgress, () => this.lockPending && name !== 'lockVault');
      try {
        op.check();
        const method = this[name] as (request: unknown, ctx: CallContext) => unknown;
        const value = await method.call(this, parsed.data, { op, file: ctx.file, ...(draft ? { draft } : {}) });
        const checked = def.response.safeParse(value);
        if (!checked.success) return fail('E_INTERNAL', `the core's ${name} response does not match the contract`);
        return ok(checked.data);
      } catch (error) {
        // The core maps the failures of its writes; this catches any SQLite failure it
        // has not, so that a full disk is never shown as an internal error.
        return failFrom(mapSqliteError(error, 'the change was not saved'));
      }
    });
  }

  /** Locks now (auto-lock, suspend, screen lock): stops what runs, then wipes the keys. */
  lock(reason: LockReason): Promise<void> {
    this.lockPending = true;
    return this.serial(async () => this.closeVault(reason));
  }

  /** For process exit: wipes the keys at once, whatever is queued. */
  dispose(): void {
    this.closeVault('core-stopped');
  }

  // ---------------------------------------------------------------- vault

  vaultStatus(): ResponseOf<'vaultStatus'> {
    if (this.vault?.isOpen) return { state: 'unlocked', vault: this.info(this.vault) };
    return { state: existsSync(this.vaultPath) ? 'locked' : 'absent', vault: null };
  }

  async createVault(request: ParsedRequestOf<'createVault'>, { op }: CallContext): Promise<VaultInfo> {
    if (this.vault?.isOpen) throw new TearlineError('E_USAGE', 'a vault is already unlocked; lock it first');
    mkdirSync(path.dirname(this.vaultPath), { recursive: true });
    // Argon2id is one uninterruptible step and the file appears whole or not at all, so
    // creation reports progress but is not abandoned half-way.
    const options = { name: request.name, kdf: request.kdf, onProgress: op.report, nativeBinding: this.nativeBinding };
    this.vault = await Vault.create(this.vaultPath, request.passphrase, options);
    this.onStateChange?.({ locked: false });
    return this.info(this.vault);
  }

  async unlockVault(request: ParsedRequestOf<'unlockVault'>, { op }: CallContext): Promise<VaultInfo> {
    if (this.vault?.isOpen) return this.info(this.vault);
    const options = { onProgress: op.progress, nativeBinding: this.nativeBinding };
    this.vault = await Vault.open(this.vaultPath, request.passphrase, options);
    this.onStateChange?.({ locked: false });
    return this.info(this.vault);
  }

  lockVault(): null {
    this.closeVault('user');
    return null;
  }

  async changePassphrase(request: ParsedRequestOf<'changePassphrase'>, { op }: CallContext): Promise<null> {
    const vault = this.unlocked();
    op.report({ phase: 'kdf', done: 0, total: 2 });
    await vault.verifyPassphrase(request.current);
    op.check();
    op.report({ phase: 'kdf', done: 1, total: 2 });
    await vault.changePassphrase(request.next, request.kdf);
    op.report({ phase: 'kdf', done: 2, total: 2 });
    return null;
  }

  async backupVault(_request: ParsedRequestOf<'backupVault'>, { op, file }: CallContext): Promise<ResponseOf<'backupVault'>> {
    const vault = this.unlocked();
    if (!file) throw new TearlineError('E_USAGE', 'no file was chosen for the backup');
    return vault.backup(file, op.progress);
  }

  verifyVault(_request: ParsedRequestOf<'verifyVault'>, { op }: CallContext): ResponseOf<'verifyVault'> {
    return checkVault(this.unlocked(), op.progress);
  }

  keyCard(): ResponseOf<'keyCard'> {
    return buildKeyCard(this.unlocked());
  }

  // ---------------------------------------------------------------- records

  appendEntries(request: ParsedRequestOf<'appendEntries'>): ResponseOf<'appendEntries'> {
    return appendEntries(this.unlocked(), request.entries);
  }

  listEntries(request: ParsedRequestOf<'listEntries'>): ResponseOf<'listEntries'> {
    return this.unlocked().list(request);
  }

  getEntry(request: ParsedRequestOf<'getEntry'>): ResponseOf<'getEntry'> {
    const vault = this.unlocked();
    const entry = vault.get(request.id);
    return { index: entry.index, header: entry.header, body: entry.body, summary: entry.summary, leafHash: toHex(vault.leafHash(entry.index)) };
  }

  listCases(request: ParsedRequestOf<'listCases'>, { op }: CallContext): ResponseOf<'listCases'> {
    const vault = this.unlocked();
    const ids = allCaseIds(vault);
    if (request.order === 'desc') ids.reverse();
    const page = ids.slice(request.offset, request.offset + request.limit);
    return {
      total: ids.length,
      items: page.map((id) => {
        op.check();
        return cachedCase(vault, id);
      }),
    };
  }

  getCase(request: ParsedRequestOf<'getCase'>): ResponseOf<'getCase'> {
    return caseWithImports(this.unlocked(), request.caseId);
  }

  // ---------------------------------------------------------------- bundles

  async exportBundle(request: ParsedRequestOf<'exportBundle'>, { op, file }: CallContext): Promise<ResponseOf<'exportBundle'>> {
    const vault = this.unlocked();
    if (!file) throw new TearlineError('E_USAGE', 'no file was chosen for the bundle');
    // One file to carry: the signature inside (or the age envelope around it).
    const result = await exportBundle(vault, { ...exportOptions(request), out: file, singleFile: true, ...bundleRun(op) });
    return exportSummary(result);
  }

  async exportBundleText(request: ParsedRequestOf<'exportBundleText'>, { op }: CallContext): Promise<ResponseOf<'exportBundleText'>> {
    const result = await exportBundle(this.unlocked(), { ...exportOptions(request), armor: true, ...bundleRun(op) });
    return { ...exportSummary(result), text: fromUtf8(result.bytes ?? new Uint8Array()) };
  }

  async inspectBundleFile(_request: ParsedRequestOf<'inspectBundleFile'>, { op, file }: CallContext): Promise<ResponseOf<'inspectBundleFile'>> {
    if (!file) throw new TearlineError('E_USAGE', 'no bundle file was chosen');
    return this.inspect(fileSource(file), op);
  }

  async inspectBundleText(request: ParsedRequestOf<'inspectBundleText'>, { op }: CallContext): Promise<ResponseOf<'inspectBundleText'>> {
    return this.inspect({ bytes: utf8(request.text) }, op);
  }

  async acceptBundle(request: ParsedRequestOf<'acceptBundle'>, { op }: CallContext): Promise<ResponseOf<'acceptBundle'>> {
    const vault = this.unlocked();
    const pending = this.pending;
    if (!pending || pending.id !== request.pendingId) {
      throw new TearlineError('E_NOT_FOUND', 'that bundle is no longer held (the vault was locked, or another bundle was checked since); check it again');
    }
    this.pending = undefined;
    // Verified again inside the import's transaction: nothing is taken on trust from the first check.
    const result = await importBundle(vault, pending.source, { accept: true, ...bundleRun(op) });
    return {
      verdict: result.verdict,
      accepted: result.accepted,
      changed: result.changed,
      newEntries: result.newEntries,
      updatedEntries: result.updatedEntries,
      checkpointStored: result.checkpointStored,
      forkRecorded: result.forkRecorded,
      auditIndex: result.auditIndex,
    };
  }

  discardBundle(request: ParsedRequestOf<'discardBundle'>): ResponseOf<'discardBundle'> {
    const held = this.pending?.id === request.pendingId;
    if (held) this.pending = undefined;
    return { discarded: held };
  }

  // ---------------------------------------------------------------- trust

  trustList(): ResponseOf<'trustList'> {
    return trustList(this.unlocked());
  }

  readKeyCardFile(_request: ParsedRequestOf<'readKeyCardFile'>, { file }: CallContext): ResponseOf<'readKeyCardFile'> {
    if (!file) throw new TearlineError('E_USAGE', 'no key card file was chosen');
    const context = `cannot read ${path.basename(file)}`;
    const size = regularFileSize(file, context);
    if (size === undefined) throw new TearlineError('E_IO', `${context}: no such file`);
    if (size > KEY_CARD_MAX_BYTES) throw new TearlineError('E_MALFORMED', 'that file is far too large to be a key card');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw fileReadError(context, error);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new TearlineError('E_MALFORMED', 'that file is not a key card (a key card is the JSON file another workstation saves from its Keys screen)');
    }
    const parsed = KeyCardSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TearlineError('E_MALFORMED', `that file is not a valid key card: ${issue ? `${issue.path.join('.') || 'card'}: ${issue.message}` : 'unknown problem'}`);
    }
    return parsed.data;
  }

  trustAdd(request: ParsedRequestOf<'trustAdd'>): ResponseOf<'trustAdd'> {
    return trustAdd(this.unlocked(), {
      name: request.name,
      card: request.card,
      ...(request.verifiedBy !== undefined ? { verifiedBy: request.verifiedBy } : {}),
      ...(request.comment !== undefined ? { comment: request.comment } : {}),
    });
  }

  trustRevoke(request: ParsedRequestOf<'trustRevoke'>): ResponseOf<'trustRevoke'> {
    return trustRevoke(this.unlocked(), request.key, { reason: request.reason });
  }

  saveKeyCard(_request: ParsedRequestOf<'saveKeyCard'>, { file }: CallContext): ResponseOf<'saveKeyCard'> {
    const card = buildKeyCard(this.unlocked());
    if (!file) throw new TearlineError('E_USAGE', 'no file was chosen for the key card');
    writeFileWhole(file, canonicalJson(card) + '\n', { mode: 0o644, context: `cannot write ${path.basename(file)}` });
    return { path: file };
  }

  // ---------------------------------------------------------------- drafts

  saveDraft(request: ParsedRequestOf<'saveDraft'>, { draft }: CallContext): ResponseOf<'saveDraft'> {
    const saved = this.drafts.save(this.unlocked(), request.key, request.data);
    this.unsettled.settled(request.key, draft);
    return saved;
  }

  /** Answered as it arrives, not in turn: it only notes the values, and must not wait behind a long call. */
  stageDraft(request: ParsedRequestOf<'stageDraft'>): null {
    this.unlocked();
    this.unsettled.changed(request.key, request.data, true);
    return null;
  }

  listDrafts(): ResponseOf<'listDrafts'> {
    return this.drafts.list(this.unlocked());
  }

  deleteDraft(request: ParsedRequestOf<'deleteDraft'>, { draft }: CallContext): ResponseOf<'deleteDraft'> {
    const deleted = this.drafts.delete(this.unlocked(), request.key);
    this.unsettled.settled(request.key, draft);
    return { deleted };
  }

  /** Notes a saveDraft or deleteDraft as it arrives (while unlocked: after a lock there is nothing to write). */
  private noteDraft(name: CoreChannelName, request: unknown): Unsettled | undefined {
    if (!this.vault?.isOpen) return undefined;
    if (name === 'saveDraft') {
      const { key, data } = request as ParsedRequestOf<'saveDraft'>;
      return this.unsettled.changed(key, data, false);
    }
    if (name === 'deleteDraft') return this.unsettled.discarded((request as ParsedRequestOf<'deleteDraft'>).key);
    return undefined;
  }

  /**
   * Writes the drafts' changes not written yet, while the keys are still here, in one read
   * and one write of the drafts file: a change that would be refused (the drafts full) is
   * left out, and the others are written. A lock must happen whatever this meets, so it
   * never throws.
   */
  private writeUnsettled(vault: Vault): void {
    const changes = this.unsettled.take();
    if (changes.length === 0) return;
    try {
      this.drafts.applyAll(vault, changes);
    } catch {
      // A disk that cannot take the file: what it held stays as it was.
    }
  }

  // ---------------------------------------------------------------- internals

  private async inspect(source: BundleSource, op: Operation): Promise<ResponseOf<'inspectBundleText'>> {
    const vault = this.unlocked();
    this.pending = undefined;
    const verdict = await inspectBundle(vault, source, bundleRun(op));
    if (!verdict.valid) return { pendingId: null, verdict };
    const id = toHex(randomBytes(16));
    this.pending = { id, source };
    return { pendingId: id, verdict };
  }

  private unlocked(): Vault {
    if (!this.vault?.isOpen) throw new TearlineError('E_LOCKED', 'the vault is locked');
    return this.vault;
  }

  private info(vault: Vault): VaultInfo {
    return {
      name: vault.name,
      vaultId: vault.header.vaultId,
      origin: vault.origin,
      fingerprint: fingerprintHex(vault.workstation().edPublicKey),
      createdAt: vault.header.createdAt,
      entries: vault.size,
      kdf: { opslimit: vault.header.kdf.opslimit, memlimit: vault.header.kdf.memlimit },
    };
  }

  private closeVault(reason: LockReason): void {
    this.lockPending = false;
    this.pending = undefined;
    const vault = this.vault;
    this.vault = undefined;
    if (vault) forgetCases(vault);
    if (!vault?.isOpen) return this.unsettled.clear();
    this.writeUnsettled(vault);
    vault.close();
    this.onStateChange?.({ locked: true, reason });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

const KEY_CARD_MAX_BYTES = 64 * 1024;

type ExportRequest = ParsedRequestOf<'exportBundle'> | ParsedRequestOf<'exportBundleText'>;

function exportOptions(request: ExportRequest): Pick<ExportOptions, 'selection' | 'to' | 'redact' | 'includeSensitive'> {
  const { all, cases, ids } = request.selection;
  return {
    selection: { ...(all ? { all } : {}), ...(cases ? { cases } : {}), ...(ids ? { ids } : {}) },
    to: request.to,
    redact: request.redact,
    includeSensitive: request.includeSensitive,
  };
}

function exportSummary(result: ExportResult): ResponseOf<'exportBundle'> {
  return {
    bundleId: result.bundleId,
    form: result.form,
    encrypted: result.encrypted,
    files: result.files,
    entryCount: result.entryCount,
    caseCount: result.caseIds.length,
    withheld: result.withheld,
    recipients: result.recipients.map((r) => ({ name: r.name, fingerprint: r.fingerprint, ageRecipient: r.ageRecipient })),
    checkpoint: result.checkpoint,
    consistencyFrom: result.consistencyFrom,
  };
}

/**
 * Progress and cancellation for the bundle functions, which take an AbortSignal: a
 * cancel request (or a pending lock) aborts at their next progress report.
 */
function bundleRun(op: Operation): RunOptions {
  const controller = new AbortController();
  return {
    signal: controller.signal,
    onProgress: (done, total, phase) => {
      if (op.cancelled) controller.abort();
      op.report({ phase, done, total });
    },
  };
}

/**
 * A bundle file, read once into memory (with its detached signature, if it has one), so
 * that what is imported is exactly what was verified and shown, even if the file changes
 * in between. A file over the size limit is left to the core to refuse without reading it.
 */
function fileSource(file: string): BundleSource {
  const context = `cannot read ${path.basename(file)}`;
  // Only a regular file: a FIFO or a device would block this thread, and the lock behind it.
  const size = regularFileSize(file, context);
  if (size === undefined || size > DEFAULT_LIMITS.maxBytes) return { path: file };
  try {
    const source: BundleSource = { bytes: new Uint8Array(readFileSync(file)) };
    const signature = file + SIGNATURE_SUFFIX;
    const signatureInfo = statSync(signature, { throwIfNoEntry: false });
    if (signatureInfo?.isFile() && signatureInfo.size <= DEFAULT_LIMITS.maxSignatureBytes) source.signatureText = readFileSync(signature, 'utf8');
    return source;
  } catch (error) {
    throw fileReadError(context, error);
  }
}
