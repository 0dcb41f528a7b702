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
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { toHex } from '../../shared/bytes';
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
import { verifyVault } from '../core/log/integrity';
import { buildKeyCard } from '../core/vault/key-card';
import { Vault } from '../core/vault/vault';
import { fingerprintHex } from '../core/vault/workstation';
import { DraftStore } from './drafts';
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
    return this.serial(async () => {
      const op = new Operation(ctx.signal, ctx.onProgress, () => this.lockPending && name !== 'lockVault');
      try {
        op.check();
        const method = this[name] as (request: unknown, ctx: CallContext) => unknown;
        const value = await method.call(this, parsed.data, { op, file: ctx.file });
        const checked = def.response.safeParse(value);
        if (!checked.success) return fail('E_INTERNAL', `the core's ${name} response does not match the contract`);
        return ok(checked.data);
      } catch (error) {
        return failFrom(error);
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

  changePassphrase(request: ParsedRequestOf<'changePassphrase'>, { op }: CallContext): null {
    const vault = this.unlocked();
    op.report({ phase: 'kdf', done: 0, total: 2 });
    vault.verifyPassphrase(request.current);
    op.check();
    op.report({ phase: 'kdf', done: 1, total: 2 });
    vault.changePassphrase(request.next, request.kdf);
    op.report({ phase: 'kdf', done: 2, total: 2 });
    return null;
  }

  async backupVault(_request: ParsedRequestOf<'backupVault'>, { op, file }: CallContext): Promise<ResponseOf<'backupVault'>> {
    const vault = this.unlocked();
    if (!file) throw new TearlineError('E_USAGE', 'no file was chosen for the backup');
    return vault.backup(file, op.progress);
  }

  verifyVault(_request: ParsedRequestOf<'verifyVault'>, { op }: CallContext): ResponseOf<'verifyVault'> {
    return verifyVault(this.unlocked(), op.progress);
  }

  keyCard(): ResponseOf<'keyCard'> {
    return buildKeyCard(this.unlocked());
  }

  // ---------------------------------------------------------------- records

  appendEntries(request: ParsedRequestOf<'appendEntries'>): ResponseOf<'appendEntries'> {
    return this.unlocked().append(request.entries);
  }

  listEntries(request: ParsedRequestOf<'listEntries'>): ResponseOf<'listEntries'> {
    const page = this.unlocked().list(request);
    // The search text is an index, not a record: it stays in the core.
    return { total: page.total, items: page.items.map(({ search: _search, ...entry }) => entry) };
  }

  getEntry(request: ParsedRequestOf<'getEntry'>): ResponseOf<'getEntry'> {
    const vault = this.unlocked();
    const entry = vault.get(request.id);
    return { index: entry.index, header: entry.header, body: entry.body, summary: entry.summary, leafHash: toHex(vault.leafHash(entry.index)) };
  }

  listCases(request: ParsedRequestOf<'listCases'>, { op }: CallContext): ResponseOf<'listCases'> {
    const vault = this.unlocked();
    const ids = vault.caseIds();
    if (request.order === 'desc') ids.reverse();
    const page = ids.slice(request.offset, request.offset + request.limit);
    return {
      total: ids.length,
      items: page.map((id) => {
        op.check();
        return vault.caseView(id);
      }),
    };
  }

  getCase(request: ParsedRequestOf<'getCase'>): ResponseOf<'getCase'> {
    return this.unlocked().caseView(request.caseId);
  }

  // ---------------------------------------------------------------- drafts

  saveDraft(request: ParsedRequestOf<'saveDraft'>): ResponseOf<'saveDraft'> {
    return this.drafts.save(this.unlocked(), request.key, request.data);
  }

  listDrafts(): ResponseOf<'listDrafts'> {
    return this.drafts.list(this.unlocked());
  }

  deleteDraft(request: ParsedRequestOf<'deleteDraft'>): ResponseOf<'deleteDraft'> {
    return { deleted: this.drafts.delete(this.unlocked(), request.key) };
  }

  // ---------------------------------------------------------------- internals

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
    const vault = this.vault;
    this.vault = undefined;
    if (!vault?.isOpen) return;
    vault.close();
    this.onStateChange?.({ locked: true, reason });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
