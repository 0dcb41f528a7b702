/**
 * The vault: an encrypted, append-only, Merkle-verified log in one SQLite file.
 *
 * Life cycle: `Vault.create` or `Vault.open` (unlock: passphrase → Argon2id → master key →
 * sub-keys and workstation keys → decrypt and index every entry → check the tree against
 * the latest signed checkpoint), then reads and appends, then `close()` (lock), which
 * wipes the keys and releases the file.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { canonicalJsonBytes } from '../../../shared/canonical-json';
import { equalBytes, fromHex, fromUtf8, toBase64, toHex, utf8, concatBytes } from '../../../shared/bytes';
import { TearlineError } from '../../../shared/errors';
import { checkpointBytes, originForVault, type Checkpoint } from '../../../shared/log/checkpoint';
import { MerkleTree } from '../../../shared/merkle';
import type { EntryHeader } from '../../../shared/entry';
import {
  getPolicy,
  checkAmendment,
  findRecord,
  validateBody,
  foldCase,
  type AmendmentTarget,
  type EntryKind,
  USER_ENTRY_KINDS,
  SYSTEM_ENTRY_KINDS,
  DEFAULT_POLICY_ID,
  type CaseView,
  type FoldInput,
} from '../../../shared/domain';
import { bulkOpener, open as openSealed, seal, wipe, type BulkOpener } from '../crypto/aead';
import { bulkSealer } from '../crypto/bulk-seal';
import { parallelOpener, startOpenerWorker, type OpenerWorker } from '../crypto/opener-worker';
import { kdfLimits, type KdfLevel, type KdfParams } from '../crypto/kdf';
import { sha256 } from '../crypto/hash';
import { loadSodium, sodium } from '../crypto/sodium';
import { randomBytes } from '../crypto/random';
import { bech32Encode } from '../../../shared/codec/bech32';
import { SOFTWARE_VERSION } from '../version';
import { newEntryId, newVaultId } from '../ids';
import { buildRecord, openRow, sealRecord, type BuiltRecord, type EntryRecord, type SealedRow } from '../log/entry-record';
import { buildBlockChunk, chunkRow, chunkSpares, keepSpares, timestampNow, type BuiltChunk, type ChunkJob, type PreparedEntry } from '../log/block-chunk';
import { AppendThread } from '../workers/append-thread';
import { EntryIndex, indexedEntryOf, type EntryPage, type EntryQuery, type IndexedEntry } from '../log/entry-index';
import { BLOCK_ENTRIES, decodeIndexBlock, encodeIndexBlock, indexBlockAd, type DecodedBlock } from '../log/index-block';
import type Database from 'better-sqlite3';
import { checkpointWal, isSqliteError, mapSqliteError, migrateDb, openDb, schemaVersion, type Db } from './vault-db';
import { fileWriteError, renameNoReplace } from '../files/whole-file';
import { decodeVaultHeader, encodeVaultHeader, VAULT_FORMAT, VAULT_FORMAT_VERSION, type VaultHeader } from './vault-header';
import { deriveSubkey, newMasterKey, passphraseBytes, unwrapMasterKey, wrapMasterKey } from './master-key';
import {
  fingerprintHex,
  generateWorkstationKeys,
  openWorkstationKeys,
  sealWorkstationKeys,
  signDetached,
  verifyDetached,
  wipeWorkstationKeys,
  type WorkstationKeys,
} from './workstation';

/** See Vault.appendThread. */
const APPEND_WORKER_MIN_CHUNKS = 16;
const APPEND_WORKER_RSS_CEILING = 256 * 1024 * 1024;
/**
 * Entries appended since the WAL was last copied, beyond which an append copies it first,
 * on its own thread: a caller that appends batch after batch without ever yielding to the
 * event loop never lets the deferred copy run (about 2.4 KB of WAL an entry: ~240 MB).
 */
const WAL_INLINE_CHECKPOINT_ENTRIES = 100_000;
/** How soon a deferred copy of the WAL is tried again while a transaction is open (an import). */
const CHECKPOINT_RETRY_MS = 100;

export interface Progress {
  phase: 'kdf' | 'decrypt' | 'tree' | 'verify' | 'write';
  done: number;
  total: number;
}
export type ProgressFn = (p: Progress) => void;

export interface CreateOptions {
  name?: string;
  kdf?: KdfLevel;
  onProgress?: ProgressFn;
  /** See OpenDbOptions.nativeBinding. */
  nativeBinding?: string;
}

export interface OpenOptions {
  onProgress?: ProgressFn;
  /**
   * Open a damaged vault far enough to report on it (used by `verify`): entries that do
   * not decrypt are skipped instead of refusing the unlock, and writes are refused.
   */
  forInspection?: boolean;
  /** See OpenDbOptions.nativeBinding. */
  nativeBinding?: string;
}

export interface EntryDraft {
  kind: string;
  body: unknown;
}

/**
 * Entries this vault holds from other workstations (imported bundles), which local
 * entries may refer to: an approval of a waiver written elsewhere, a note on a case
 * opened elsewhere. Supplied by the caller, because the imported store is built on the
 * vault and the vault must not depend on it.
 */
export interface ExternalEntries {
  caseExists(caseId: string): boolean;
  /** The entry with its current body (amendments applied), or undefined. */
  entry(id: string): { kind: string; caseId: string | null; body: Record<string, unknown> } | undefined;
}

export interface AppendedEntry {
  id: string;
  index: number;
  kind: string;
  caseId: string | null;
}

export interface StoredEntry {
  index: number;
  header: EntryHeader;
  body: Record<string, unknown>;
  summary: string;
}

export interface SignedCheckpoint extends Checkpoint {
  signature: Uint8Array;
}

const META = {
  header: 'header',
  wrappedMaster: 'wrapped_master',
  workstation: 'workstation_keys',
  head: 'head',
} as const;

export class Vault {
  readonly path: string;
  readonly header: VaultHeader;
  readonly origin: string;
  /** Set when the vault was opened for inspection and something did not decrypt. */
  readonly damaged: { index: number; reason: string }[] = [];
  private db: Db | undefined;
  private master: Uint8Array | undefined;
  private entriesKey: Uint8Array | undefined;
  private recordsKey: Uint8Array | undefined;
  private indexKey: Uint8Array | undefined;
  private readonly vaultIdBytes: Uint8Array;
  private keys: WorkstationKeys | undefined;
  private readStatement: Database.Statement | undefined;
  /** Opens single entries on reads (export, case views): made at the first, wiped at lock. */
  private reader: BulkOpener | undefined;
  private tree = new MerkleTree(sha256);
  private index = new EntryIndex();
  private readonly readOnly: boolean;
  /** Null once it is known that there is none to start. */
  private appender: AppendThread | null | undefined;
  /** The deferred copy of the WAL into the database file (checkpointSoon), if one is due. */
  private checkpointTimer: (() => void) | undefined;
  /** Entries appended since the WAL was last copied whole. */
  private walEntries = 0;

  private constructor(filePath: string, db: Db, header: VaultHeader, master: Uint8Array, readOnly: boolean) {
    this.path = filePath;
    this.db = db;
    this.header = header;
    this.origin = originForVault(header.vaultId);
    this.master = master;
    this.entriesKey = deriveSubkey(master, 'entries');
    this.recordsKey = deriveSubkey(master, 'records');
    this.indexKey = deriveSubkey(master, 'index');
    this.vaultIdBytes = fromHex(header.vaultId.replace(/-/g, ''));
    this.readOnly = readOnly;
  }

  // ---------------------------------------------------------------- life cycle

  /**
   * Creates a vault at `filePath`, which must not exist. The file is built under a
   * temporary name and renamed into place only when complete, so a failure (a full
   * disk, a kill) never leaves a half-made vault where the officer expects one.
   */
  static async create(filePath: string, passphrase: string | Uint8Array, options: CreateOptions = {}): Promise<Vault> {
    await loadSodium();
    const target = path.resolve(filePath);
    if (existsSync(target)) throw new TearlineError('E_VAULT_EXISTS', `a file already exists at ${target}; refusing to overwrite it`);
    const pass = passphraseBytes(passphrase);
    const level = options.kdf ?? 'moderate';
    const kdf: KdfParams = {
      alg: 'argon2id13',
      ...kdfLimits(level),
      salt: toBase64(randomBytes(sodium().crypto_pwhash_SALTBYTES)),
    };
    const header: VaultHeader = {
      format: VAULT_FORMAT,
      version: VAULT_FORMAT_VERSION,
      vaultId: newVaultId(),
      createdAt: new Date().toISOString(),
      kdf,
    };
    const headerBytes = encodeVaultHeader(header);
    options.onProgress?.({ phase: 'kdf', done: 0, total: 1 });
    const master = newMasterKey();
    let wrapped: Uint8Array;
    try {
      wrapped = await wrapMasterKey(master, pass, kdf, headerBytes);
    } catch (error) {
      wipe(master);
      throw error;
    }
    const keys = generateWorkstationKeys(options.name?.trim() || 'Tearline workstation');

    const temp = `${target}.creating-${process.pid}-${Date.now()}`;
    let db: Db | undefined;
    let placed = false;
    try {
      options.onProgress?.({ phase: 'kdf', done: 1, total: 1 });
      db = openDb(temp, { create: true, nativeBinding: options.nativeBinding });
      const secrets = deriveSubkey(master, 'secrets');
      const sealedKeys = sealWorkstationKeys(keys, secrets, header.vaultId);
      wipe(secrets);
      const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
      db.transaction(() => {
        put.run(META.header, headerBytes);
        put.run(META.wrappedMaster, wrapped);
        put.run(META.workstation, sealedKeys);
      }).immediate();
      const vault = new Vault(target, db, header, master, false);
      vault.keys = keys;
      vault.appendSystem('vault.created', {
        workstationName: keys.name,
        fingerprint: fingerprintHex(keys.edPublicKey),
        signingPublicKey: toBase64(keys.edPublicKey),
        ageRecipient: bech32Encode('age', keys.xPublicKey),
        kdf: kdfRecord(kdf),
        software: `Tearline ${SOFTWARE_VERSION}`,
      });
      // Close to fold the WAL into the file, rename into place, then reopen there.
      db.close();
      db = undefined;
      if (!renameNoReplace(temp, target)) throw new TearlineError('E_VAULT_EXISTS', `a file appeared at ${target} while the vault was being created; it was left as it is`);
      placed = true;
      const reopened = openDb(target, { create: false, nativeBinding: options.nativeBinding });
      vault.db = reopened;
      vault.readStatement = undefined;
      return vault;
    } catch (error) {
      try {
        db?.close();
      } catch {
        // Reporting the original failure matters more.
      }
      rmSync(temp, { force: true });
      rmSync(`${temp}-wal`, { force: true });
      rmSync(`${temp}-journal`, { force: true });
      // Reported as not created, so not left behind (it is ours: it took a free name).
      if (placed) rmSync(target, { force: true });
      wipe(master);
      wipeWorkstationKeys(keys);
      throw mapSqliteError(error, 'cannot create the vault');
    }
  }

  static async open(filePath: string, passphrase: string | Uint8Array, options: OpenOptions = {}): Promise<Vault> {
    await loadSodium();
    const target = path.resolve(filePath);
    if (!existsSync(target)) throw new TearlineError('E_NO_VAULT', `there is no vault at ${target}`);
    const pass = passphraseBytes(passphrase);
    // A file from an earlier version is brought up to date only once the passphrase has
    // opened it: a wrong passphrase changes nothing (and leaves it to the older build).
    const db = openDb(target, { create: false, nativeBinding: options.nativeBinding, deferMigrations: true });
    let vault: Vault | undefined;
    let worker: Promise<OpenerWorker | undefined> | undefined;
    try {
      const headerBytes = readMeta(db, META.header);
      const header = decodeVaultHeader(headerBytes);
      // The worker that will open the index blocks loads its libsodium while Argon2id runs
      // (index_blocks came with the third migration).
      const blocks = schemaVersion(db) >= 3 ? (db.prepare('SELECT count(*) AS n FROM index_blocks').get() as { n: number }).n : 0;
      if (blocks > 0 && !options.forInspection) worker = startOpenerWorker();
      options.onProgress?.({ phase: 'kdf', done: 0, total: 1 });
      const master = await unwrapMasterKey(readMeta(db, META.wrappedMaster), pass, header.kdf, headerBytes);
      options.onProgress?.({ phase: 'kdf', done: 1, total: 1 });
      vault = new Vault(target, db, header, master, options.forInspection === true);
      // After the vault holds the key: a migration that fails (a full disk) closes it, which wipes it.
      migrateDb(db);
      const secrets = deriveSubkey(master, 'secrets');
      try {
        vault.keys = openWorkstationKeys(readMeta(db, META.workstation), secrets, header.vaultId);
      } finally {
        wipe(secrets);
      }
      await vault.load(options, await worker);
      return vault;
    } catch (error) {
      await (await worker)?.discard();
      if (vault) vault.close();
      else db.close();
      throw mapSqliteError(error, 'cannot unlock the vault');
    }
  }

  get isOpen(): boolean {
    return this.db !== undefined;
  }

  /** Locks the vault: wipes every key from memory and releases the file. */
  close(): void {
    this.cancelCheckpoint();
    this.appender?.close();
    this.appender = undefined;
    this.reader?.dispose();
    this.reader = undefined;
    wipe(this.master, this.entriesKey, this.recordsKey, this.indexKey);
    if (this.keys) wipeWorkstationKeys(this.keys);
    this.master = this.entriesKey = this.recordsKey = this.indexKey = undefined;
    this.keys = undefined;
    // The index holds decrypted summaries and search text: locking lets go of it.
    this.index.clear();
    this.index = new EntryIndex();
    this.tree = new MerkleTree(sha256);
    this.readStatement = undefined;
    const db = this.db;
    this.db = undefined;
    // Closing copies what the WAL still holds into the database file.
    db?.close();
  }

  /**
   * Copies the WAL into the database file once the current call has returned: a write is
   * durable when its COMMIT has synced the WAL (synchronous=FULL), and the copy, which
   * rewrites every page a second time and syncs the database file, need not delay the
   * answer (the core process has posted it by then). SQLite would otherwise do it inside
   * the COMMIT whenever the WAL passes 1000 pages (vault-db.ts).
   */
  private checkpointSoon(delayMs = 0): void {
    if (this.readOnly || this.checkpointTimer !== undefined) return;
    const run = (): void => {
      this.checkpointTimer = undefined;
      const db = this.db;
      if (!db) return;
      // An import holds its transaction open across awaits: copy once it has ended.
      if (db.inTransaction) return this.checkpointSoon(CHECKPOINT_RETRY_MS);
      if (checkpointWal(db)) this.walEntries = 0;
    };
    // Never what keeps a process alive: closing the vault copies the WAL as well.
    if (delayMs > 0) {
      const timer = setTimeout(run, delayMs).unref();
      this.checkpointTimer = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(run).unref();
      this.checkpointTimer = () => clearImmediate(immediate);
    }
  }

  /** Rows written besides appended entries (an import's), which the WAL holds until copied. */
  wroteRows(rows: number): void {
    this.walEntries += rows;
    this.checkpointSoon();
  }

  private cancelCheckpoint(): void {
    this.checkpointTimer?.();
    this.checkpointTimer = undefined;
  }

  // ---------------------------------------------------------------- reading

  get size(): number {
    return this.index.size;
  }

  get name(): string {
    return this.workstation().name;
  }

  list(query: EntryQuery = {}): EntryPage {
    this.requireOpen();
    return this.index.query(query);
  }

  /** Whether this vault's own log has an entry with this id. */
  hasEntry(id: string): boolean {
    return this.index.indexOfId(id) !== undefined;
  }

  /** Looks an entry up by id (or, with a number, by index) and decrypts it. */
  get(idOrIndex: string | number): StoredEntry {
    const index = typeof idOrIndex === 'number' ? idOrIndex : this.index.indexOfId(idOrIndex);
    if (index === undefined || index < 0 || index >= this.size) {
      throw new TearlineError('E_NOT_FOUND', `no entry ${String(idOrIndex)} in this vault`);
    }
    const record = this.readRecord(index);
    return { index, header: record.header, body: record.body, summary: this.index.at(index)!.summary };
  }

  /** The entry with its field salts, for building a bundle that can withhold fields. */
  getRecord(index: number): EntryRecord {
    return this.readRecord(index);
  }

  caseIds(): string[] {
    this.requireOpen();
    return this.index.caseIds().filter((id) => this.index.at(this.index.indexOfId(id) ?? -1)?.kind === 'case.opened');
  }

  caseView(caseId: string): CaseView {
    const inputs = this.caseFoldInputs(caseId);
    const opened = this.index.indexOfId(caseId);
    if (inputs.length === 0 || opened === undefined || this.index.at(opened)!.kind !== 'case.opened') {
      throw new TearlineError('E_NOT_FOUND', `no case ${caseId} in this vault`);
    }
    return foldCase(inputs);
  }

  /** This vault's own entries of a case, decrypted, in log order, as the case fold reads them. */
  caseFoldInputs(caseId: string): FoldInput[] {
    this.requireOpen();
    return this.index.caseIndexes(caseId).map((i) => {
      const r = this.readRecord(i);
      return { index: i, header: r.header, body: r.body, withheld: [], origin: { kind: 'local' as const }, verified: true };
    });
  }

  indexed(index: number): IndexedEntry | undefined {
    return this.index.at(index);
  }

  // ---------------------------------------------------------------- the log

  /** The latest signed checkpoint (or the one at `size`). */
  checkpoint(size = this.size): SignedCheckpoint {
    const db = this.requireOpen();
    const row = db.prepare('SELECT size, root, sig FROM checkpoints WHERE size = ?').get(size) as
      | { size: number; root: Uint8Array; sig: Uint8Array }
      | undefined;
    if (!row) throw new TearlineError('E_NOT_FOUND', `no checkpoint at size ${size}`);
    return { origin: this.origin, size: row.size, root: new Uint8Array(row.root), signature: new Uint8Array(row.sig) };
  }

  root(size = this.size): Uint8Array {
    return this.tree.root(size);
  }

  leafHash(index: number): Uint8Array {
    return this.tree.leafHash(index);
  }

  inclusionProof(index: number, size = this.size): Uint8Array[] {
    return this.tree.inclusionProof(index, size);
  }

  consistencyProof(oldSize: number, newSize = this.size): Uint8Array[] {
    return this.tree.consistencyProof(oldSize, newSize);
  }

  // ---------------------------------------------------------------- writing

  /**
   * Validates and appends entries in one transaction, with one new signed checkpoint.
   * Returns only after SQLite has committed with synchronous=FULL, i.e. once durable;
   * any failure leaves the vault exactly as it was.
   */
  append(drafts: EntryDraft[], external?: ExternalEntries): AppendedEntry[] {
    this.requireWritable();
    if (drafts.length === 0) return [];
    const policy = getPolicy(DEFAULT_POLICY_ID);
    const pending = new Map<string, { kind: string; caseId: string | null; body: Record<string, unknown> }>();
    const prepared = drafts.map((draft, n) => {
      const where = drafts.length > 1 ? `entry ${n + 1}: ` : '';
      try {
        if (!USER_ENTRY_KINDS.includes(draft.kind as never)) {
          const known = (SYSTEM_ENTRY_KINDS as readonly string[]).includes(draft.kind);
          throw new TearlineError(
            'E_INVALID_ENTRY',
            known ? `${draft.kind} entries are written by Tearline itself, not added` : `unknown entry kind "${draft.kind}" (see \`tearline schema\`)`,
            { at: 'kind' },
          );
        }
        const body = validateBody(draft.kind, draft.body, policy) as Record<string, unknown>;
        const id = newEntryId();
        const caseId = draft.kind === 'case.opened' ? id : this.checkCaseRef(body, pending, external);
        if (draft.kind === 'amendment') this.checkAmendment(body, pending, policy, external);
        pending.set(id, { kind: draft.kind, caseId, body });
        return { id, kind: draft.kind, caseId, body, policy: policy.id };
      } catch (error) {
        if (error instanceof TearlineError && where) throw new TearlineError(error.code, where + error.message, { at: error.at });
        throw error;
      }
    });
    return this.commit(prepared);
  }

  /**
   * Runs `write` as one IMMEDIATE transaction, so that what it stores and the entries it
   * appends are written together or not at all. On any failure, the COMMIT's included (a
   * small transaction's pages reach the WAL only then, so that is where a full disk shows
   * itself), the log in memory is cut back to what the file holds: an append inside
   * `write` has already put its entries in the tree and the index.
   */
  writeTogether<T>(context: string, write: () => T): T {
    const db = this.requireWritable();
    const startSize = this.size;
    try {
      return db.transaction(write).immediate();
    } catch (error) {
      this.rolledBackTo(startSize);
      throw mapSqliteError(error, context);
    }
  }

  /**
   * For a transaction that the caller runs itself across awaits (an import), once it has
   * rolled it back: the log in memory is cut back to `size`, as the file is.
   */
  rolledBackTo(size: number): void {
    // (Locked meanwhile, the log in memory is already gone.)
    if (size >= this.size) return;
    this.tree.truncate(size);
    this.index.truncate(size);
  }

  /** Appends an entry of a system kind (the log's own audit trail). */
  appendSystem(kind: string, body: Record<string, unknown>): AppendedEntry {
    this.requireWritable();
    if (!(SYSTEM_ENTRY_KINDS as readonly string[]).includes(kind)) throw new Error(`not a system kind: ${kind}`);
    const policy = getPolicy(DEFAULT_POLICY_ID);
    const valid = validateBody(kind, body, policy) as Record<string, unknown>;
    return this.commit([{ id: newEntryId(), kind, caseId: null, body: valid, policy: policy.id }])[0]!;
  }

  private commit(prepared: PreparedEntry[]): AppendedEntry[] {
    const db = this.requireWritable();
    const keys = this.workstation();
    const author = toBase64(keys.edPublicKey);
    const startSize = this.size;
    const endSize = startSize + prepared.length;
    if (this.walEntries >= WAL_INLINE_CHECKPOINT_ENTRIES && !db.inTransaction && checkpointWal(db)) this.walEntries = 0;
    const sealer = bulkSealer(this.entriesKey!);
    const insert = db.prepare('INSERT INTO entries (idx, leaf, nonce, ct) VALUES (?, ?, ?, ?)');
    const insertCp = db.prepare('INSERT INTO checkpoints (size, root, sig) VALUES (?, ?, ?)');
    const putHead = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    // The whole index blocks that the batch fills are built as chunks (log/block-chunk.ts),
    // on two threads for a large batch (appendThread); the entries before and after them
    // one by one.
    const firstChunk = Math.ceil(startSize / BLOCK_ENTRIES);
    const chunks = Math.max(0, Math.floor(endSize / BLOCK_ENTRIES) - firstChunk);
    const chunkedFrom = chunks > 0 ? firstChunk * BLOCK_ENTRIES : endSize;
    const chunkedTo = chunkedFrom + chunks * BLOCK_ENTRIES;

    // An entry outside the chunks is built (record, row) and then applied (tree, row,
    // index): the entries after the chunks are built while the worker finishes its last.
    const buildOne = (idx: number, ts: string): { built: BuiltRecord; row: SealedRow } => {
      const p = prepared[idx - startSize]!;
      const built = buildRecord({ v: 1, id: p.id, kind: p.kind as EntryKind, policy: p.policy, author, ts, caseId: p.caseId }, p.body);
      return { built, row: sealRecord(sealer, this.header.vaultId, idx, built) };
    };
    const applyOne = ({ built, row }: { built: BuiltRecord; row: SealedRow }): void => {
      this.tree.append(built.leaf);
      insert.run(row.idx, row.leaf, row.nonce, row.ct);
      this.index.add(indexedEntryOf(row.idx, built.record));
    };
    // The entries before the chunks share the batch's first timestamp: the worker may have
    // started on the first chunks, whose entries must not be older, before they are built.
    const headTs = timestampNow();
    const head = (): void => {
      for (let idx = startSize; idx < chunkedFrom; idx++) applyOne(buildOne(idx, headTs));
    };
    const tail: { built: BuiltRecord; row: SealedRow }[] = [];
    const buildTail = (): boolean => {
      const idx = chunkedTo + tail.length;
      if (idx < endSize) tail.push(buildOne(idx, timestampNow()));
      return idx + 1 < endSize;
    };
    const jobAt = (j: number): ChunkJob => {
      const first = chunkedFrom + j * BLOCK_ENTRIES;
      return { first, vaultId: this.header.vaultId, author, ts: timestampNow(), entries: prepared.slice(first - startSize, first - startSize + BLOCK_ENTRIES) };
    };
    const buildHere = (job: ChunkJob): BuiltChunk => buildBlockChunk(job, sealer, this.indexKey!);
    const applyChunk = (chunk: BuiltChunk): void => {
      try {
        for (let i = 0; i < BLOCK_ENTRIES; i++) {
          const row = chunkRow(chunk, i);
          this.tree.append(row.leaf);
          insert.run(row.idx, row.leaf, row.nonce, row.ct);
        }
        // Whichever thread built it, a chunk must hold the entries it was given, and the
        // subtree root its block is sealed under must be the one the log now has there.
        const decoded = decodeIndexBlock(chunk.blockPlain, chunk.first, BLOCK_ENTRIES);
        const offset = chunk.first - startSize;
        const matches =
          decoded?.entries.every((e, i) => e.id === prepared[offset + i]!.id) === true &&
          equalBytes(this.tree.alignedRoot(chunk.first, BLOCK_ENTRIES), chunk.subtreeRoot);
        if (!decoded || !matches) throw new Error(`the chunk of entries at ${chunk.first} was not built from this batch`);
        this.index.addBlock(decoded.entries, decoded.search, decoded.searchLengths);
      } finally {
        chunk.blockPlain.fill(0);
      }
      // Stored at once (the transaction still covers it), not held until the end: a batch
      // of 100 blocks would otherwise keep 130 MB of sealed blocks alive.
      this.storeBlocks([{ block: chunk.first / BLOCK_ENTRIES, leaves: chunk.leaves, nonce: chunk.blockNonce, ct: chunk.blockCt }]);
    };
    try {
      // Rows are written as each chunk (or, before the chunks, each entry) is sealed, inside
      // the one transaction, and go into the index (their search text out of the heap) at
      // once: a batch holds at most a few chunks and the entries after them, never all its
      // records and ciphertexts. A failure anywhere rolls the transaction back, and the tree
      // and the index are cut back below.
      db.transaction(() => {
        const thread = this.appendThread(chunks);
        if (thread) {
          thread.run({ count: chunks, jobAt, keys: { entries: this.entriesKey!, index: this.indexKey! }, buildHere, apply: applyChunk, before: head, spare: buildTail });
        } else {
          head();
          for (let j = 0; j < chunks; j++) {
            const chunk = buildHere(jobAt(j));
            applyChunk(chunk);
            keepSpares(chunkSpares(chunk));
          }
        }
        while (buildTail());
        for (const one of tail) applyOne(one);
        const size = this.tree.size;
        const root = this.tree.root(size);
        this.storeBlocks(this.sealCompletedBlocks(startSize, chunkedFrom, chunkedTo));
        insertCp.run(size, root, signDetached(keys, checkpointBytes({ origin: this.origin, size, root })));
        putHead.run(META.head, this.sealHead(size, root));
      }).immediate();
    } catch (error) {
      this.tree.truncate(startSize);
      this.index.truncate(startSize);
      throw mapSqliteError(error, 'the entries were not written');
    } finally {
      sealer.dispose();
    }
    this.walEntries += prepared.length;
    this.checkpointSoon();
    return prepared.map((p, k) => ({ id: p.id, index: startSize + k, kind: p.kind, caseId: p.caseId }));
  }

  /**
   * The append's second thread for a batch of `chunks` whole blocks, if it pays:
   * - it takes a few hundred milliseconds to load, during which this thread builds alone,
   *   and then makes a batch about 1.4 times as fast: below APPEND_WORKER_MIN_CHUNKS
   *   (16k entries) it saves too little to be worth starting;
   * - it costs about 45 MB (an engine instance, libsodium, the core's record code), so it
   *   is used only while the process is well inside the core's memory budget (400 MB with
   *   100k entries unlocked, most of it the index): above APPEND_WORKER_RSS_CEILING it is
   *   ended and appends run on this thread alone.
   * TEARLINE_APPEND_WORKER=off never uses it; =on uses it for any batch of two blocks or
   * more, whatever the memory (the tests' setting).
   */
  private appendThread(chunks: number): AppendThread | undefined {
    const mode = process.env.TEARLINE_APPEND_WORKER;
    if (chunks < 2 || (mode !== 'on' && chunks < APPEND_WORKER_MIN_CHUNKS)) return undefined;
    if (mode !== 'on' && process.memoryUsage.rss() > APPEND_WORKER_RSS_CEILING) {
      this.appender?.close();
      this.appender = undefined;
      return undefined;
    }
    if (this.appender === undefined) this.appender = AppendThread.start() ?? null;
    return this.appender?.usable ? this.appender : undefined;
  }

  private checkCaseRef(body: Record<string, unknown>, pending: Map<string, { kind: string }>, external?: ExternalEntries): string {
    const caseId = body.caseId;
    if (typeof caseId !== 'string') throw new TearlineError('E_INVALID_ENTRY', 'caseId: required', { at: 'caseId' });
    const local = this.index.indexOfId(caseId);
    const isCase =
      local !== undefined
        ? this.index.at(local)!.kind === 'case.opened'
        : pending.get(caseId)?.kind === 'case.opened' || external?.caseExists(caseId) === true;
    if (!isCase) throw new TearlineError('E_INVALID_ENTRY', `caseId: no case ${caseId} in this vault`, { at: 'caseId' });
    return caseId;
  }

  /** The amended entry must exist in the same case, and stay valid with the changes applied to its current values. */
  private checkAmendment(
    body: Record<string, unknown>,
    pending: Map<string, { kind: string; caseId: string | null; body: Record<string, unknown> }>,
    policy: ReturnType<typeof getPolicy>,
    external?: ExternalEntries,
  ): void {
    const targetId = typeof body.target === 'string' ? body.target : '';
    const inBatch = pending.get(targetId);
    let target: AmendmentTarget | undefined;
    if (inBatch) {
      target = { id: targetId, kind: inBatch.kind as EntryKind, caseId: inBatch.caseId, body: inBatch.body };
    } else {
      const at = this.index.indexOfId(targetId);
      const entry = at === undefined ? undefined : this.index.at(at)!;
      const current = entry?.caseId ? findRecord(this.caseView(entry.caseId), targetId) : null;
      if (entry && current) target = { id: targetId, kind: entry.kind as EntryKind, caseId: entry.caseId, body: current.body };
      else if (entry) target = { id: targetId, kind: entry.kind as EntryKind, caseId: entry.caseId, body: this.readRecord(at!).body };
      else {
        const other = external?.entry(targetId);
        if (other) target = { id: targetId, kind: other.kind as EntryKind, caseId: other.caseId, body: other.body };
      }
    }
    if (!target) throw new TearlineError('E_INVALID_ENTRY', `amendment.target: no entry ${targetId} in this vault`, { at: 'target' });
    checkAmendment(body, target, policy);
  }

  // ---------------------------------------------------------------- passphrase, backup

  /**
   * Throws E_BAD_PASSPHRASE unless `passphrase` unwraps this vault's master key. Asked
   * before a passphrase change, so that an unattended unlocked screen is not enough to
   * lock the officer out of their own vault.
   */
  async verifyPassphrase(passphrase: string | Uint8Array): Promise<void> {
    const db = this.requireOpen();
    const headerBytes = readMeta(db, META.header);
    wipe(await unwrapMasterKey(readMeta(db, META.wrappedMaster), passphraseBytes(passphrase), this.header.kdf, headerBytes));
  }

  /** Re-wraps the master key under a new passphrase (new salt, current default limits or kept limits). */
  async changePassphrase(newPassphrase: string | Uint8Array, kdf?: KdfLevel): Promise<void> {
    const db = this.requireWritable();
    const pass = passphraseBytes(newPassphrase);
    const limits = kdf ? kdfLimits(kdf) : { opslimit: this.header.kdf.opslimit, memlimit: this.header.kdf.memlimit };
    const header: VaultHeader = {
      ...this.header,
      kdf: { alg: 'argon2id13', ...limits, salt: toBase64(randomBytes(sodium().crypto_pwhash_SALTBYTES)) },
    };
    const headerBytes = encodeVaultHeader(header);
    const before = this.header;
    const wrapped = await wrapMasterKey(this.master!, pass, header.kdf, headerBytes);
    // The vault may have been locked while the key was derived; and two changes at once
    // must not both report success when only the one written last opens the vault.
    this.requireWritable();
    if (this.header !== before) throw new TearlineError('E_VAULT_BUSY', 'the passphrase was changed meanwhile; nothing was written');
    const put = db.prepare('UPDATE meta SET value = ? WHERE key = ?');
    // Header and wrapped key change together or not at all (either pair unlocks), and with
    // the log's record of the change: a failure reported for the record must not leave the
    // officer believing the old passphrase still opens the vault when it no longer does.
    this.writeTogether('the passphrase was not changed', () => {
      put.run(headerBytes, META.header);
      put.run(wrapped, META.wrappedMaster);
      this.appendSystem('passphrase.changed', { kdf: kdfRecord(header.kdf) });
    });
    (this as { header: VaultHeader }).header = header;
  }

  /**
   * Copies the vault with SQLite's online backup to `outPath` (which must not exist),
   * through a temporary file renamed into place when complete.
   */
  async backup(outPath: string, onProgress?: ProgressFn): Promise<{ path: string; size: number }> {
    const db = this.requireWritable();
    const target = path.resolve(outPath);
    if (existsSync(target)) throw new TearlineError('E_VAULT_EXISTS', `a file already exists at ${target}; refusing to overwrite it`);
    if (target === this.path) throw new TearlineError('E_USAGE', 'the backup cannot be the vault itself');
    const temp = `${target}.partial-${process.pid}`;
    try {
      await db.backup(temp, {
        progress: ({ totalPages, remainingPages }) => {
          onProgress?.({ phase: 'write', done: totalPages - remainingPages, total: totalPages });
          return 512;
        },
      });
      if (!renameNoReplace(temp, target)) throw new TearlineError('E_VAULT_EXISTS', `a file appeared at ${target} while the backup was being written; it was left as it is`);
    } catch (error) {
      rmSync(temp, { force: true });
      // better-sqlite3 refuses some targets itself (a folder that does not exist) with a
      // plain TypeError, not a SQLite error: that is a file that cannot be written.
      const context = 'the backup was not written';
      throw isSqliteError(error) || error instanceof TearlineError ? mapSqliteError(error, context) : fileWriteError(context, error);
    }
    const size = this.size;
    try {
      this.appendSystem('backup.created', { file: path.basename(target), checkpoint: { origin: this.origin, size, root: toHex(this.root(size)) } });
    } catch (error) {
      // A backup the log does not record is not left behind: the command failed as a whole
      // (and on a full disk, the copy is what filled it).
      rmSync(target, { force: true });
      throw error;
    }
    return { path: target, size };
  }

  // ---------------------------------------------------------------- keys

  workstation(): WorkstationKeys {
    if (!this.keys) throw new TearlineError('E_LOCKED', 'the vault is locked');
    return this.keys;
  }

  /** The key for records other than log entries (trust list, bundle state): never leaves the core. */
  recordKey(): Uint8Array {
    if (!this.recordsKey) throw new TearlineError('E_LOCKED', 'the vault is locked');
    return this.recordsKey;
  }

  database(): Db {
    return this.requireOpen();
  }

  /** For the integrity check, which decrypts the file afresh. */
  entriesKeyForVerify(): Uint8Array {
    this.requireOpen();
    return this.entriesKey!;
  }

  /** For the integrity check, which checks every sealed index block against the entries. */
  indexKeyForVerify(): Uint8Array {
    this.requireOpen();
    return this.indexKey!;
  }

  sign(message: Uint8Array): Uint8Array {
    return signDetached(this.workstation(), message);
  }

  // ---------------------------------------------------------------- internals

  private requireOpen(): Db {
    if (!this.db || !this.entriesKey) throw new TearlineError('E_LOCKED', 'the vault is locked');
    return this.db;
  }

  private requireWritable(): Db {
    const db = this.requireOpen();
    if (this.readOnly) throw new TearlineError('E_INTEGRITY', 'the vault was opened for inspection only; it cannot be written');
    return db;
  }

  private readRecord(index: number): EntryRecord {
    const db = this.requireOpen();
    // Prepared once per open vault: export and case views read entries one at a time.
    this.readStatement ??= db.prepare('SELECT idx, leaf, nonce, ct FROM entries WHERE idx = ?');
    const row = this.readStatement.get(index) as SealedRow | undefined;
    if (!row) throw new TearlineError('E_NOT_FOUND', `no entry at index ${index}`);
    const expectedLeaf = this.tree.size > index ? this.tree.leafHash(index) : undefined;
    this.reader ??= bulkOpener(this.entriesKey!);
    const record = expectedLeaf && equalBytes(expectedLeaf, row.leaf) ? openRow(this.reader, this.header.vaultId, row) : undefined;
    if (!record) throw new TearlineError('E_INTEGRITY', `entry ${index} does not decrypt in its place: the vault file was altered`, { at: String(index) });
    return record;
  }

  private sealHead(size: number, root: Uint8Array): Uint8Array {
    const sealed = seal(this.recordsKey!, canonicalJsonBytes({ size, root: toHex(root) }), headAd(this.header.vaultId));
    return concatBytes(sealed.nonce, sealed.ciphertext);
  }

  /** The sealed head: the log size and root as of the last commit, authenticated with a secret key. */
  readHead(): { size: number; root: string } | undefined {
    const db = this.requireOpen();
    const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(META.head) as { value: Uint8Array } | undefined;
    if (!row) return undefined;
    const plain = openSealed(this.recordsKey!, { nonce: row.value.subarray(0, 24), ciphertext: row.value.subarray(24) }, headAd(this.header.vaultId));
    if (!plain) throw new TearlineError('E_INTEGRITY', 'the log head does not decrypt: the vault file was altered');
    return JSON.parse(fromUtf8(plain)) as { size: number; root: string };
  }

  /**
   * Seals the index blocks that the entries from `startSize` on complete (they are in the
   * index), except those of the entries [chunkedFrom, chunkedTo), which came sealed.
   */
  private sealCompletedBlocks(startSize: number, chunkedFrom = 0, chunkedTo = 0): SealedBlock[] {
    const out: SealedBlock[] = [];
    for (let block = Math.floor(startSize / BLOCK_ENTRIES); (block + 1) * BLOCK_ENTRIES <= this.size; block++) {
      const first = block * BLOCK_ENTRIES;
      if (first < chunkedFrom || first >= chunkedTo) out.push(this.sealIndexedBlock(block));
    }
    return out;
  }

  /** Seals a complete block of the index as it is in memory. */
  private sealIndexedBlock(block: number): SealedBlock {
    const first = block * BLOCK_ENTRIES;
    const entries: IndexedEntry[] = [];
    for (let i = first; i < first + BLOCK_ENTRIES; i++) entries.push(this.index.at(i)!);
    const plain = encodeIndexBlock(entries, (k) => this.index.searchBytes(first + k));
    const sealed = seal(this.indexKey!, plain, this.blockAd(block));
    plain.fill(0);
    return { block, leaves: this.tree.leafHashes(first, first + BLOCK_ENTRIES), nonce: sealed.nonce, ct: sealed.ciphertext };
  }

  /** Inside the caller's transaction. */
  private storeBlocks(blocks: readonly SealedBlock[]): void {
    if (blocks.length === 0) return;
    const put = this.requireOpen().prepare(
      'INSERT INTO index_blocks (block, leaves, nonce, ct) VALUES (?, ?, ?, ?) ON CONFLICT(block) DO UPDATE SET leaves = excluded.leaves, nonce = excluded.nonce, ct = excluded.ct',
    );
    for (const b of blocks) put.run(b.block, b.leaves, b.nonce, b.ct);
  }

  /**
   * Opens a sealed index block in its place and hands its content to `use`, or returns
   * false if it does not open. The content is only valid during `use`: its search text is
   * a view of the plaintext, which is wiped right after.
   */
  openBlock(block: number, opener: BulkOpener, row: { nonce: Uint8Array; ct: Uint8Array }, use: (decoded: DecodedBlock) => void, tree: MerkleTree = this.tree): boolean {
    const opened = opener.openWith({ nonce: row.nonce, ciphertext: row.ct }, this.blockAd(block, tree), (plain) => {
      const decoded = decodeIndexBlock(plain, block * BLOCK_ENTRIES, BLOCK_ENTRIES);
      if (decoded) use(decoded);
      return decoded !== undefined;
    });
    return opened === true;
  }

  /** A block's associated data: this vault, the block's place, and the subtree of its entries. */
  private blockAd(block: number, tree: MerkleTree = this.tree): Uint8Array {
    return indexBlockAd(this.vaultIdBytes, block, tree.alignedRoot(block * BLOCK_ENTRIES, BLOCK_ENTRIES));
  }

  /**
   * Decrypts the rows [from, to) and indexes them; stops at the first that does not open
   * (reported to `damaged`, which throws unless the vault is opened for inspection).
   */
  private indexRows(opener: BulkOpener, from: number, to: number, damaged: (index: number, reason: string) => void, tick?: () => void): boolean {
    const rows = this.requireOpen().prepare('SELECT idx, leaf, nonce, ct FROM entries WHERE idx >= ? AND idx < ? ORDER BY idx');
    for (const row of rows.iterate(from, to) as Iterable<SealedRow>) {
      const record = openRow(opener, this.header.vaultId, row, false);
      if (!record) {
        damaged(row.idx, 'does not decrypt in its place');
        return false;
      }
      this.index.add(indexedEntryOf(row.idx, record));
      tick?.();
    }
    return true;
  }

  /**
   * Unlock: rebuilds the tree from the stored leaf hashes and the index from the sealed
   * index blocks plus the entries after the last complete block, then checks the tree
   * against the sealed head and the latest signed checkpoint. A leaf that was changed,
   * removed or moved fails those checks; a changed ciphertext under a block fails when
   * that entry is read, and in the full integrity check, which decrypts every row.
   * `worker`, started for the index blocks, is ended here.
   */
  private async load(options: OpenOptions, worker?: OpenerWorker): Promise<void> {
    const db = this.requireOpen();
    const report = options.onProgress;
    const damaged = (index: number, reason: string): void => {
      if (!options.forInspection) {
        throw new TearlineError('E_INTEGRITY', `entry ${index}: ${reason}; run \`tearline verify\` for a full report`, { at: String(index) });
      }
      this.damaged.push({ index, reason });
    };
    // Leaf hashes: a block's at a time from the index blocks (98 rows for 100k entries,
    // not 100k), then the entries' own after the last block. Opened for inspection, every
    // row is read: the integrity check that follows reports on each.
    if (!options.forInspection) {
      for (const [block, leaves] of db.prepare('SELECT block, leaves FROM index_blocks ORDER BY block').raw().iterate() as Iterable<[number, Uint8Array]>) {
        if (block * BLOCK_ENTRIES !== this.tree.size || leaves.length !== BLOCK_ENTRIES * 32) break;
        for (let at = 0; at < leaves.length; at += 32) this.tree.append(leaves.subarray(at, at + 32));
      }
    }
    let expected = this.tree.size;
    const tail = db.prepare('SELECT idx, leaf FROM entries WHERE idx >= ? ORDER BY idx');
    for (const [idx, leaf] of tail.raw().iterate(expected) as Iterable<[number, Uint8Array]>) {
      if (idx !== expected) {
        damaged(expected, `the log has a gap (next stored index is ${idx})`);
        break;
      }
      if (leaf.length !== 32) {
        damaged(idx, 'does not decrypt in its place');
        break;
      }
      this.tree.append(leaf);
      expected++;
    }
    // Every index below the end holds a row (the rows under the blocks are not read here;
    // each is authenticated against its leaf when it is read, and all by `tearline verify`).
    const stored = db.prepare('SELECT count(*) AS n, (SELECT max(idx) FROM entries) AS last FROM entries').get() as { n: number; last: number | null };
    if (this.damaged.length === 0 && (stored.n !== this.tree.size || (stored.last ?? -1) !== this.tree.size - 1)) {
      damaged(Math.min(stored.n, this.tree.size), `the log has ${stored.n} rows for ${this.tree.size} entries: rows were removed or added`);
    }
    const size = this.tree.size;
    // The tree first: a changed, removed or moved leaf is reported as what it is, before
    // any index block (bound to the tree) is tried.
    if (this.damaged.length === 0) this.checkSignedTree(size, damaged);
    // Opened for inspection, every row is decrypted: the integrity check that follows
    // reports on each, and blocks would only add the same damage twice.
    const blocks = options.forInspection ? 0 : Math.floor(size / BLOCK_ENTRIES);
    const sealedBlock = db.prepare('SELECT nonce, ct FROM index_blocks WHERE block = ?');
    const rebuilt: number[] = [];
    // Progress (and with it, a chance to cancel) every 1% of the entries decrypted one by one.
    const step = Math.max(1, Math.floor(size / 100));
    const tick = report && (() => this.index.size % step === 0 && report({ phase: 'decrypt', done: this.index.size, total: size }));
    const rowOpener = bulkOpener(this.entriesKey!);
    const blockOpener = blocks > 0 ? parallelOpener(worker, this.indexKey!) : undefined;
    if (!blockOpener) await worker?.discard();
    try {
      // Blocks are opened a few ahead, on the worker, while this thread indexes the last.
      const opening: (Promise<Uint8Array | undefined> | undefined)[] = [];
      let asked = 0;
      let complete = true;
      for (let block = 0; block < blocks && complete; block++) {
        for (; asked < blocks && asked < block + BLOCKS_IN_FLIGHT; asked++) {
          const n = asked;
          const read = () => sealedBlock.get(n) as { nonce: Uint8Array; ct: Uint8Array } | undefined;
          let row = read();
          // The first reading goes to the worker; should the worker stop, the row is read again.
          opening[n] = row && blockOpener!.open(() => {
            const r = row ?? read()!;
            row = undefined;
            return { nonce: r.nonce, ciphertext: r.ct };
          }, this.blockAd(n));
        }
        const first = block * BLOCK_ENTRIES;
        const stored = opening[block] !== undefined;
        const plain = await opening[block];
        opening[block] = undefined;
        const decoded = plain && decodeIndexBlock(plain, first, BLOCK_ENTRIES);
        if (decoded) this.index.addBlock(decoded.entries, decoded.search, decoded.searchLengths);
        if (plain) {
          plain.fill(0);
          blockOpener!.recycle(plain);
        }
        if (!decoded) {
          // A vault from before index blocks has none: build them from the entries. One
          // that is there but does not open was altered, and is refused like a row.
          if (stored) damaged(first, `index block ${block} does not decrypt in its place`);
          complete = this.indexRows(rowOpener, first, first + BLOCK_ENTRIES, damaged, tick);
          if (complete) rebuilt.push(block);
        }
        report?.({ phase: 'decrypt', done: this.index.size, total: size });
      }
      if (complete) this.indexRows(rowOpener, blocks * BLOCK_ENTRIES, size, damaged, tick);
    } finally {
      rowOpener.dispose();
      await blockOpener?.close();
    }
    report?.({ phase: 'decrypt', done: this.index.size, total: size });
    if (this.index.size < size) this.tree.truncate(this.index.size);
    if (rebuilt.length > 0 && !this.readOnly && this.damaged.length === 0) this.writeRebuiltBlocks(rebuilt);
  }

  /** The tree of stored leaves must be the one last committed (sealed head) and signed (latest checkpoint). */
  private checkSignedTree(size: number, damaged: (index: number, reason: string) => void): void {
    const head = this.readHead();
    if (!head || head.size !== size || head.root !== toHex(this.tree.root(size))) {
      // Without a head, what is in doubt is the end of the log (entries after it removed).
      damaged(head ? Math.min(size, head.size) : size, `the log does not match its sealed head (head size ${head?.size ?? 'missing'}, entries ${size})`);
      return;
    }
    const cp = this.requireOpen().prepare('SELECT size, root, sig FROM checkpoints ORDER BY size DESC LIMIT 1').get() as
      | { size: number; root: Uint8Array; sig: Uint8Array }
      | undefined;
    const signed =
      cp !== undefined &&
      cp.size === size &&
      equalBytes(cp.root, this.tree.root(size)) &&
      verifyDetached(this.workstation().edPublicKey, checkpointBytes({ origin: this.origin, size, root: cp.root }), cp.sig);
    if (!signed) damaged(size, 'the latest signed checkpoint does not match the log');
  }

  private writeRebuiltBlocks(blocks: readonly number[]): void {
    const sealed = blocks.map((block) => this.sealIndexedBlock(block));
    try {
      this.requireOpen().transaction(() => this.storeBlocks(sealed)).immediate();
    } catch {
      // The blocks only spare the next unlock some work; the entries are untouched, and
      // the next unlock tries again (a full disk must not keep the officer out).
    }
  }
}

/** Index blocks read and handed to the decrypting worker ahead of the one being indexed. */
const BLOCKS_IN_FLIGHT = 4;

interface SealedBlock {
  block: number;
  leaves: Uint8Array;
  nonce: Uint8Array;
  ct: Uint8Array;
}

/** The audit record of KDF parameters (without the salt, which is of no use to a reader). */
function kdfRecord(kdf: KdfParams): { algorithm: 'argon2id13'; opsLimit: number; memLimit: number } {
  return { algorithm: kdf.alg, opsLimit: kdf.opslimit, memLimit: kdf.memlimit };
}

function readMeta(db: Db, key: string): Uint8Array {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: Uint8Array } | undefined;
  if (!row) throw new TearlineError('E_VAULT_FORMAT', `the vault is missing its ${key}`);
  return new Uint8Array(row.value);
}

function headAd(vaultId: string): Uint8Array {
  return utf8(`tearline/head/v1\u0000${vaultId}`);
}
