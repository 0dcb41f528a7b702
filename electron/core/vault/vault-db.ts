/**
 * The vault's SQLite file: opening it with the pragmas that make writes durable and
 * exclusive, its migrations, and the mapping of SQLite failures to stable error codes.
 */
import Database from 'better-sqlite3';
import { TearlineError } from '../../../shared/errors';

export type Db = Database.Database;

/** Identifies a Tearline vault among SQLite files ("TRLN"). */
export const APPLICATION_ID = 0x54524c4e;

/**
 * Schema migrations, applied in order by `user_version`. Only ever append: a released
 * vault may be at any earlier version, and every step runs inside one transaction.
 * No table holds record content in the clear: only indexes, hashes, nonces, ciphertext
 * and signatures.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT;
   CREATE TABLE entries (idx INTEGER PRIMARY KEY, leaf BLOB NOT NULL, nonce BLOB NOT NULL, ct BLOB NOT NULL) STRICT;
   CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, root BLOB NOT NULL, sig BLOB NOT NULL) STRICT;`,
  // Bundles and the keyring (electron/core/trust/sealed-rows.ts): every row is a keyed
  // reference and a sealed value; the *_ref columns are keyed hashes, never names or ids.
  // Imported entries are appended in rowid order (100k rows of 2 KB inserted under random
  // keys would scatter every page), and found through the index on their reference.
  `CREATE TABLE trusted_keys (ref BLOB PRIMARY KEY, nonce BLOB NOT NULL, ct BLOB NOT NULL) STRICT, WITHOUT ROWID;
   CREATE TABLE peer_checkpoints (ref BLOB PRIMARY KEY, origin_ref BLOB NOT NULL, nonce BLOB NOT NULL, ct BLOB NOT NULL) STRICT, WITHOUT ROWID;
   CREATE INDEX peer_checkpoints_origin ON peer_checkpoints (origin_ref);
   CREATE TABLE fork_evidence (ref BLOB PRIMARY KEY, nonce BLOB NOT NULL, ct BLOB NOT NULL) STRICT, WITHOUT ROWID;
   CREATE TABLE imported_entries (id INTEGER PRIMARY KEY, ref BLOB NOT NULL UNIQUE, origin_ref BLOB NOT NULL, case_ref BLOB, disclosed BLOB NOT NULL, nonce BLOB NOT NULL, ct BLOB NOT NULL) STRICT;
   CREATE INDEX imported_entries_origin ON imported_entries (origin_ref);
   CREATE INDEX imported_entries_case ON imported_entries (case_ref);
   CREATE TABLE export_state (ref BLOB PRIMARY KEY, nonce BLOB NOT NULL, ct BLOB NOT NULL) STRICT, WITHOUT ROWID;`,
  // The unlock's index, sealed a block of entries at a time, with the block's leaf hashes
  // (electron/core/log/index-block.ts); a vault from before this step has none, and its
  // next unlock writes them. The small covering index lets the unlock count the entries
  // and read the leaves after the last block without paging through every entry's
  // ciphertext (over 100 MB at 100k entries).
  `CREATE TABLE index_blocks (block INTEGER PRIMARY KEY, leaves BLOB NOT NULL, nonce BLOB NOT NULL, ct BLOB NOT NULL) STRICT;
   CREATE INDEX entries_leaves ON entries (idx, leaf);`,
  // An imported entry found by its id (a keyed reference, as the others): to refuse another
  // log's entry that takes an id already held, and to show one entry without opening them
  // all. Rows from before this step have none until the next import fills them in.
  `ALTER TABLE imported_entries ADD COLUMN id_ref BLOB;
   CREATE INDEX imported_entries_id ON imported_entries (id_ref);`,
];

/** What the WAL file keeps of its size once copied into the database (see openDb). */
export const WAL_KEPT_BYTES = 16 * 1024 * 1024;

/**
 * Copies the WAL into the database file (a PASSIVE checkpoint: it never waits). What it
 * cannot copy now (a full disk, an I/O error) stays in the WAL, which is as durable, and
 * is copied by the next checkpoint or when the vault is closed; so a failure here is not
 * the caller's, and it says only whether everything was copied.
 */
export function checkpointWal(db: Db): boolean {
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    return row !== undefined && row.busy === 0 && row.checkpointed === row.log;
  } catch {
    return false;
  }
}

/** The page size of a new vault (an existing vault keeps the one it was created with). */
export const PAGE_BYTES = 16_384;

export interface OpenDbOptions {
  create: boolean;
  readonly?: boolean;
  /**
   * Path of a better-sqlite3 binary built for another ABI. Electron's core process loads
   * an Electron-ABI build from its own folder, while tests and the CLI use the Node build
   * in node_modules: one machine can run both without rebuilding in place.
   */
  nativeBinding?: string;
  /**
   * Leave the schema as it is: the caller migrates (`migrateDb`) once the passphrase has
   * been shown right, so that a wrong one never changes the file.
   */
  deferMigrations?: boolean;
}

export function openDb(path: string, options: OpenDbOptions): Db {
  let db: Db;
  try {
    db = new Database(path, {
      fileMustExist: !options.create,
      readonly: options.readonly ?? false,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
    });
  } catch (error) {
    throw mapSqliteError(error, `cannot open ${path}`);
  }
  try {
    // One process owns the vault at a time: EXCLUSIVE locking (set before WAL is first
    // touched, so the WAL index lives in this process's memory, not a shared-memory file)
    // makes a second process get SQLITE_BUSY, which we report as E_VAULT_BUSY, rather than
    // a second writer appending on top of a stale view of the log.
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('busy_timeout = 250');
    const appId = db.pragma('application_id', { simple: true }) as number;
    const version = schemaVersion(db);
    if (!options.create && (appId !== APPLICATION_ID || version === 0)) {
      throw new TearlineError('E_VAULT_FORMAT', `${path} is not a Tearline vault`);
    }
    if (version > MIGRATIONS.length) {
      throw new TearlineError('E_VAULT_FORMAT', `${path} was written by a newer Tearline (schema ${version}); upgrade to open it`);
    }
    if (options.create && version === 0) {
      // An entry row is about 2.3 KB: a 4 KiB page holds one and wastes the rest, which
      // doubles what every append writes (to the WAL, then again at the checkpoint).
      // 16 KiB pages hold six. It can only be chosen before the first table exists.
      db.pragma(`page_size = ${PAGE_BYTES}`);
    }
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      // FULL: the WAL is synced at every commit, so a write we report done survives power loss.
      db.pragma('synchronous = FULL');
      // The WAL is copied into the database file by the vault once the write has been
      // answered (Vault.checkpointSoon), not inside the COMMIT that makes it durable: the
      // copy and its sync took a fifth of a 100k-entry append and add nothing to durability.
      db.pragma('wal_autocheckpoint = 0');
      // After a large batch, the WAL file shrinks back to this once it has been copied.
      db.pragma(`journal_size_limit = ${WAL_KEPT_BYTES}`);
    }
    // Nothing decrypted ever reaches SQLite, but keep its own scratch space off the disk too.
    db.pragma('temp_store = MEMORY');
    db.pragma('secure_delete = ON');
    // Take the lock now, not at the first write, so a second process is refused at open.
    db.exec(options.readonly ? 'BEGIN; SELECT count(*) FROM sqlite_master; COMMIT;' : 'BEGIN EXCLUSIVE; COMMIT;');
    if (!options.readonly && !options.deferMigrations) migrateDb(db);
    return db;
  } catch (error) {
    try {
      db.close();
    } catch {
      // Already failing; the original error is the one to report.
    }
    throw mapSqliteError(error, `cannot open ${path}`);
  }
}

/** The schema's version: the number of migrations applied. */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies the migrations the file has not had yet, each in its own transaction. */
export function migrateDb(db: Db): void {
  const version = schemaVersion(db);
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
      if (v === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    }).immediate();
  }
}

/** Whether `error` is SQLite's own (better-sqlite3 refuses some things itself, with plain errors). */
export function isSqliteError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE');
}

/** Every SQLite failure becomes one stable code; the rest stays an internal error. */
export function mapSqliteError(error: unknown, context: string): unknown {
  if (error instanceof TearlineError) return error;
  const code = (error as { code?: unknown })?.code;
  const detail = error instanceof Error ? error.message : String(error);
  if (typeof code !== 'string') return error;
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_LOCKED') {
    return new TearlineError('E_VAULT_BUSY', `${context}: the vault is open in another process (close the app or the other command first)`, { cause: error });
  }
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE' && /full/i.test(detail)) {
    return new TearlineError('E_DISK_FULL', `${context}: the disk is full; nothing was written`, { cause: error });
  }
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new TearlineError('E_VAULT_FORMAT', `${context}: not a Tearline vault, or the file is damaged (${detail})`, { cause: error });
  }
  if (code === 'SQLITE_CANTOPEN') {
    return new TearlineError('E_NO_VAULT', `${context}: no vault there, or it cannot be opened`, { cause: error });
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
    return new TearlineError('E_IO', `${context}: ${detail}`, { cause: error });
  }
  return error;
}
