/**
 * Entries imported from other workstations' logs. They are kept apart from this vault's
 * own log (which only records that an import happened), one sealed row per (origin,
 * index), marked with the signer they came from, and never edited: an import may only add
 * entries, or add fields that an earlier bundle withheld from an entry already held.
 */
import { z } from 'zod';
import { equalBytes, toHex } from '../../../shared/bytes';
import { EntryHeaderSchema, type EntryHeader } from '../../../shared/entry';
import { opensCase, type FoldInput } from '../../../shared/domain';
import { TearlineError } from '../../../shared/errors';
import type { Vault } from '../vault/vault';
import { openRow, rowRef, sealRow, withRowKeys, type RowKeys } from '../trust/sealed-rows';

const TABLE = 'imported_entries';
const ORIGINS = 'imported_entries.origin';
const CASES = 'imported_entries.case';
const DISCLOSED = 'imported_entries.disclosed';
const IDS = 'imported_entries.id';

const ImportedRecordSchema = z
  .object({
    origin: z.string(),
    index: z.number().int().min(0),
    leaf: z.string().regex(/^[0-9a-f]{64}$/),
    header: EntryHeaderSchema,
    body: z.record(z.string(), z.unknown()),
    salts: z.record(z.string(), z.string()),
    withheld: z.array(z.string()),
    /** The checkpoint size the entry was proven in when it was (last) stored. */
    checkpointSize: z.number().int().min(1),
    signer: z.object({ name: z.string().nullable(), fingerprint: z.string() }).strict(),
    bundleId: z.string(),
    importedAt: z.string(),
  })
  .strict();

export type ImportedRecord = z.infer<typeof ImportedRecordSchema>;

/** An imported entry, as the vault's list and case views read it. */
export interface ImportedEntry {
  origin: string;
  signerName: string | null;
  fingerprint: string;
  index: number;
  header: EntryHeader;
  body: Record<string, unknown>;
  withheld: string[];
  leafHash: string;
  bundleId: string;
  importedAt: string;
}

type Row = { ref: Uint8Array; nonce: Uint8Array; ct: Uint8Array };

export function importedRef(keys: RowKeys, origin: string, index: number): Uint8Array {
  return rowRef(keys, TABLE, `${origin}\u0000${index}`);
}

function parseRow(keys: RowKeys, row: Row): ImportedRecord {
  const record = ImportedRecordSchema.parse(openRow(keys, TABLE, row.ref, row));
  if (toHex(importedRef(keys, record.origin, record.index)) !== toHex(row.ref)) {
    throw new TearlineError('E_INTEGRITY', 'an imported entry is not in its place: the vault file was altered');
  }
  return record;
}

/** A keyed digest of what a row holds (its leaf and the fields disclosed), to tell "already held" without decrypting. */
function disclosedRef(keys: RowKeys, leafHex: string, names: readonly string[]): Uint8Array {
  return rowRef(keys, DISCLOSED, `${leafHex}\u0000${[...names].sort().join('\u0000')}`);
}

export type HeldStatus = 'new' | 'known' | 'more-fields';

/** Where an entry with a given id is held: its origin and index. */
export interface HeldAt {
  origin: string;
  index: number;
}

export class ImportedStore {
  private readonly db;
  private readonly select;
  private readonly selectDisclosed;
  private readonly selectById;
  private readonly upsert;
  private readonly originRefs = new Map<string, Uint8Array>();
  private readonly caseRefs = new Map<string, Uint8Array>();
  /** Rows from before ids had references: opened once, id → their row references. */
  private unfilled: Map<string, Uint8Array[]> | undefined;
  private lastRef: { origin: string; index: number; ref: Uint8Array } | undefined;
  private lastIdRef: { id: string; ref: Uint8Array } | undefined;

  constructor(
    vault: Vault,
    private readonly keys: RowKeys,
  ) {
    const db = vault.database();
    this.db = db;
    this.select = db.prepare(`SELECT ref, nonce, ct FROM ${TABLE} WHERE ref = ?`);
    this.selectDisclosed = db.prepare(`SELECT disclosed FROM ${TABLE} WHERE ref = ?`);
    this.selectById = db.prepare(`SELECT ref FROM ${TABLE} WHERE id_ref = ?`);
    this.upsert = db.prepare(
      `INSERT INTO ${TABLE} (ref, origin_ref, case_ref, id_ref, disclosed, nonce, ct) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(ref) DO UPDATE SET disclosed = excluded.disclosed, nonce = excluded.nonce, ct = excluded.ct`,
    );
  }

  /**
   * Where an entry with this id is held, other than at (origin, index): found by keyed
   * reference, and only such a row, which should not exist, is opened.
   */
  heldElsewhere(id: string, origin: string, index: number): HeldAt | undefined {
    const own = this.refAt(origin, index);
    for (const ref of this.refsOfId(id)) {
      if (equalBytes(ref, own)) continue;
      const row = this.select.get(ref) as Row | undefined;
      if (!row) continue;
      const record = parseRow(this.keys, row);
      return { origin: record.origin, index: record.index };
    }
    return undefined;
  }

  /**
   * The entry with this id, if one is held. Two held under one id (taken in before such
   * entries were refused) are not a choice to make here: E_INTEGRITY, naming both.
   */
  byId(id: string): ImportedRecord | undefined {
    const found = this.allById(id);
    if (found.length > 1) {
      const [a, b] = found as [ImportedRecord, ImportedRecord];
      throw new TearlineError(
        'E_INTEGRITY',
        `two imported entries have the id ${id}: entry #${a.index} of ${a.origin} and entry #${b.index} of ${b.origin}; one of those logs forged it (revoke that key)`,
      );
    }
    return found[0];
  }

  /** Every entry held under this id (more than one only if taken in before such entries were refused). */
  allById(id: string): ImportedRecord[] {
    const found: ImportedRecord[] = [];
    for (const ref of this.refsOfId(id)) {
      const row = this.select.get(ref) as Row | undefined;
      if (row) found.push(parseRow(this.keys, row));
    }
    return found;
  }

  /**
   * Gives the rows from before ids had references theirs (inside the caller's write
   * transaction: an import's), so that later lookups need not open them.
   */
  fillIdRefs(): number {
    const unfilled = this.unfilledRefs();
    if (unfilled.size === 0) return 0;
    const update = this.db.prepare(`UPDATE ${TABLE} SET id_ref = ? WHERE ref = ?`);
    let rows = 0;
    for (const [id, refs] of unfilled) {
      for (const ref of refs) update.run(this.idRef(id), ref);
      rows += refs.length;
    }
    this.unfilled = undefined;
    return rows;
  }

  /** The references of the rows that hold an entry with this id, by its id reference or among the unfilled rows. */
  private refsOfId(id: string): Uint8Array[] {
    const refs = (this.selectById.all(this.idRef(id)) as { ref: Uint8Array }[]).map((r) => r.ref);
    refs.push(...(this.unfilledRefs().get(id) ?? []));
    return refs;
  }

  /** The keyed reference of an id, of the entry being verified (then stored). */
  private idRef(id: string): Uint8Array {
    const last = this.lastIdRef;
    if (last && last.id === id) return last.ref;
    const ref = rowRef(this.keys, IDS, id);
    this.lastIdRef = { id, ref };
    return ref;
  }

  /** importedRef, of the entry being verified: asked for by each check of it in turn. */
  private refAt(origin: string, index: number): Uint8Array {
    const last = this.lastRef;
    if (last && last.index === index && last.origin === origin) return last.ref;
    const ref = importedRef(this.keys, origin, index);
    this.lastRef = { origin, index, ref };
    return ref;
  }

  /** Whether rows from before ids had references remain (refsOfId then opens them all, once). */
  hasUnfilledIdRefs(): boolean {
    return this.unfilled !== undefined ? this.unfilled.size > 0 : this.db.prepare(`SELECT 1 FROM ${TABLE} WHERE id_ref IS NULL LIMIT 1`).get() !== undefined;
  }

  private unfilledRefs(): Map<string, Uint8Array[]> {
    if (this.unfilled) return this.unfilled;
    const map = new Map<string, Uint8Array[]>();
    for (const row of this.db.prepare(`SELECT ref, nonce, ct FROM ${TABLE} WHERE id_ref IS NULL`).all() as Row[]) {
      const id = parseRow(this.keys, row).header.id;
      const list = map.get(id);
      if (list) list.push(row.ref);
      else map.set(id, [row.ref]);
    }
    this.unfilled = map;
    return map;
  }

  get(origin: string, index: number): ImportedRecord | undefined {
    const row = this.select.get(importedRef(this.keys, origin, index)) as Row | undefined;
    return row ? parseRow(this.keys, row) : undefined;
  }

  /**
   * Whether the entry at (origin, index) is held, and with every field named: compared
   * by keyed digest first, and only when that differs by opening the row.
   */
  status(origin: string, index: number, leafHex: string, names: readonly string[]): HeldStatus {
    const row = this.selectDisclosed.get(this.refAt(origin, index)) as { disclosed: Uint8Array } | undefined;
    if (!row) return 'new';
    if (equalBytes(row.disclosed, disclosedRef(this.keys, leafHex, names))) return 'known';
    const held = this.get(origin, index)!;
    if (held.leaf !== leafHex) return 'more-fields'; // the importer reports the conflict
    return names.every((name) => Object.prototype.hasOwnProperty.call(held.body, name)) ? 'known' : 'more-fields';
  }

  put(record: ImportedRecord): void {
    const ref = importedRef(this.keys, record.origin, record.index);
    const sealed = sealRow(this.keys, TABLE, ref, record);
    this.upsert.run(
      ref,
      this.cached(this.originRefs, ORIGINS, record.origin),
      record.header.caseId === null ? null : this.cached(this.caseRefs, CASES, record.header.caseId),
      this.idRef(record.header.id),
      disclosedRef(this.keys, record.leaf, Object.keys(record.body)),
      sealed.nonce,
      sealed.ct,
    );
  }

  private cached(cache: Map<string, Uint8Array>, table: string, identity: string): Uint8Array {
    let ref = cache.get(identity);
    if (!ref) {
      ref = rowRef(this.keys, table, identity);
      if (cache.size < 100_000) cache.set(identity, ref);
    }
    return ref;
  }
}

export interface ImportedQuery {
  origin?: string;
  caseId?: string;
  kind?: string;
}

/** How many ids are held from more than one place (only from before such entries were refused). */
export function importedIdClashes(vault: Vault): number {
  const row = vault
    .database()
    .prepare(`SELECT count(*) AS n FROM (SELECT id_ref FROM ${TABLE} WHERE id_ref IS NOT NULL GROUP BY id_ref HAVING count(*) > 1)`)
    .get() as { n: number };
  return row.n;
}

/** How many entries this vault holds from other workstations (changes only on import). */
export function importedCount(vault: Vault): number {
  return (vault.database().prepare(`SELECT count(*) AS n FROM ${TABLE}`).get() as { n: number }).n;
}

/**
 * The imported entries, by origin then index. With `caseId` or `origin`, only those rows
 * are decrypted (they are found by keyed reference).
 */
export function listImported(vault: Vault, query: ImportedQuery = {}): ImportedEntry[] {
  return withRowKeys(vault, (keys) => {
    const db = vault.database();
    let rows: Row[];
    if (query.caseId !== undefined) {
      rows = db.prepare(`SELECT ref, nonce, ct FROM ${TABLE} WHERE case_ref = ?`).all(rowRef(keys, CASES, query.caseId)) as Row[];
    } else if (query.origin !== undefined) {
      rows = db.prepare(`SELECT ref, nonce, ct FROM ${TABLE} WHERE origin_ref = ?`).all(rowRef(keys, ORIGINS, query.origin)) as Row[];
    } else {
      rows = db.prepare(`SELECT ref, nonce, ct FROM ${TABLE}`).all() as Row[];
    }
    return rows
      .map((row) => parseRow(keys, row))
      .filter(
        (r) =>
          (query.origin === undefined || r.origin === query.origin) &&
          (query.caseId === undefined || r.header.caseId === query.caseId) &&
          (query.kind === undefined || r.header.kind === query.kind),
      )
      .sort(byPlace)
      .map(toImportedEntry);
  });
}

/**
 * The openings (case.opened) of the cases opened elsewhere and imported, by origin then
 * index. A kind has no keyed reference, but a case has, and a case's opening is the entry
 * with the case's own id: so one row of each imported case is opened, for the case's id,
 * and then that id's entry, instead of every imported row (with 100k imported, seconds).
 */
export function importedCaseOpenings(vault: Vault): ImportedEntry[] {
  return withRowKeys(vault, (keys) => {
    const store = new ImportedStore(vault, keys);
    const firstOfEachCase = vault
      .database()
      .prepare(`SELECT ref, nonce, ct FROM ${TABLE} WHERE id IN (SELECT min(id) FROM ${TABLE} WHERE case_ref IS NOT NULL GROUP BY case_ref)`)
      .all() as Row[];
    const openings: ImportedRecord[] = [];
    for (const row of firstOfEachCase) {
      const caseId = parseRow(keys, row).header.caseId;
      if (caseId !== null) openings.push(...store.allById(caseId).filter((r) => opens(r, caseId)));
    }
    return openings.sort(byPlace).map(toImportedEntry);
  });
}

/**
 * Whether the case `caseId` was opened elsewhere and its opening imported: found by its
 * keyed id reference, or, while rows from before ids had references remain (until the next
 * import fills theirs), among the case's own rows, rather than by opening all those rows.
 */
export function importedCaseOpened(vault: Vault, caseId: string): boolean {
  return withRowKeys(vault, (keys) => {
    const store = new ImportedStore(vault, keys);
    if (!store.hasUnfilledIdRefs()) return store.allById(caseId).some((r) => opens(r, caseId));
    const rows = vault.database().prepare(`SELECT ref, nonce, ct FROM ${TABLE} WHERE case_ref = ?`).all(rowRef(keys, CASES, caseId)) as Row[];
    return rows.some((row) => opens(parseRow(keys, row), caseId));
  });
}

function opens(r: ImportedRecord, caseId: string): boolean {
  return opensCase(r.header, caseId) && r.header.caseId === caseId;
}

function byPlace(a: ImportedRecord, b: ImportedRecord): number {
  return a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.index - b.index;
}

function toImportedEntry(r: ImportedRecord): ImportedEntry {
  return {
    origin: r.origin,
    signerName: r.signer.name,
    fingerprint: r.signer.fingerprint,
    index: r.index,
    header: r.header,
    body: r.body,
    withheld: r.withheld,
    leafHash: r.leaf,
    bundleId: r.bundleId,
    importedAt: r.importedAt,
  };
}

/** The imported entry with this id, if any, found by its keyed reference. */
export function findImported(vault: Vault, id: string): ImportedEntry | undefined {
  return withRowKeys(vault, (keys) => {
    const r = new ImportedStore(vault, keys).byId(id);
    return r && toImportedEntry(r);
  });
}

/**
 * The imported entries of a case in the form the case fold reads. `index` is the entry's
 * index in its own origin's log, so a caller merging them with local entries orders the
 * merged list by timestamp, not by index.
 */
export function importedFoldInputs(vault: Vault, caseId: string): FoldInput[] {
  return listImported(vault, { caseId }).map((e) => ({
    index: e.index,
    header: e.header,
    body: e.body,
    withheld: e.withheld,
    origin: { kind: 'imported' as const, name: e.signerName ?? e.fingerprint, fingerprint: e.fingerprint },
    verified: true,
  }));
}
