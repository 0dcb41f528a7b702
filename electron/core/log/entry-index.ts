/**
 * The in-memory index of the unlocked log: listing, filtering and searching 100k entries
 * happen here, in memory. It reaches the disk only sealed, as index blocks
 * (index-block.ts), so that an unlock does not have to decrypt every entry to rebuild it.
 * The search text is kept apart, as bytes (search-text.ts).
 */
import { searchText, summarizeEntry } from '../../../shared/domain';
import type { EntryRecord } from './entry-record';
import { SearchText } from './search-text';

export interface IndexedEntry {
  index: number;
  id: string;
  kind: string;
  caseId: string | null;
  ts: string;
  author: string;
  summary: string;
}

/** An entry as it goes into the index: with the text a search matches. */
export interface IndexRecord extends IndexedEntry {
  /** Lowercase text a search matches; never contains sensitive fields. */
  search: string;
}

export interface EntryQuery {
  kind?: string | string[];
  caseId?: string;
  /** Whitespace-separated terms; an entry matches when it contains every term. */
  search?: string;
  /** Inclusive ISO timestamps. */
  from?: string;
  to?: string;
  order?: 'asc' | 'desc';
  offset?: number;
  limit?: number;
}

export interface EntryPage {
  total: number;
  items: IndexedEntry[];
}

export class EntryIndex {
  private readonly entries: IndexedEntry[] = [];
  private readonly byId = new Map<string, number>();
  /** A case's entry indexes; a case of one entry (most, in a large log) holds the number itself. */
  private readonly byCase = new Map<string, number | number[]>();

  private readonly strings = new Map<string, string>();
  private readonly search = new SearchText();

  /** The last string interned for each field: consecutive entries nearly always share their author, and often their kind. */
  private readonly lastInterned = { kind: '', author: '' };

  private intern(value: string, field: 'kind' | 'author'): string {
    if (value === this.lastInterned[field]) return this.lastInterned[field];
    let known = this.strings.get(value);
    if (known === undefined) {
      known = value;
      this.strings.set(value, value);
    }
    this.lastInterned[field] = known;
    return known;
  }

  get size(): number {
    return this.entries.length;
  }

  add(record: IndexRecord): void {
    this.addEntry(record);
    this.search.append(record.search);
  }

  /** A whole index block: its entries and their search texts as UTF-8, back to back. */
  addBlock(entries: readonly IndexedEntry[], searchBytes: Uint8Array, searchLengths: ArrayLike<number>): void {
    if (entries[0]?.index !== this.entries.length) throw new Error('entry index out of order');
    this.search.appendChunk(searchBytes, searchLengths);
    for (const e of entries) this.addEntry(e);
  }

  /** Entry i's search text as UTF-8 (a view). */
  searchBytes(index: number): Uint8Array {
    return this.search.bytesOf(index);
  }

  /** Drops entries from `size` on: used when a write transaction rolls back. */
  truncate(size: number): void {
    this.search.truncate(size);
    while (this.entries.length > size) {
      const e = this.entries.pop()!;
      this.byId.delete(e.id);
      if (e.caseId !== null) {
        const list = this.byCase.get(e.caseId)!;
        if (typeof list === 'number' || list.length === 1) this.byCase.delete(e.caseId);
        else {
          list.pop();
          if (list.length === 1) this.byCase.set(e.caseId, list[0]!);
        }
      }
    }
  }

  /** Lets go of everything, zeroing the search text. */
  clear(): void {
    this.search.wipe();
    this.entries.length = 0;
    this.byId.clear();
    this.byCase.clear();
  }

  private addEntry(entry: IndexedEntry): void {
    if (entry.index !== this.entries.length) throw new Error('entry index out of order');
    // A fresh object of one shape (never the record, which carries its search text), with
    // one copy of each author and kind: they repeat across nearly every entry.
    // A case's first entry is its own case (caseId === id), and a batch's entries mostly
    // share their millisecond: one string each instead of two, or of thousands.
    const previous = this.entries[this.entries.length - 1];
    const e: IndexedEntry = {
      index: entry.index,
      id: entry.id,
      kind: this.intern(entry.kind, 'kind'),
      caseId: entry.caseId === entry.id ? entry.id : entry.caseId,
      ts: previous !== undefined && previous.ts === entry.ts ? previous.ts : entry.ts,
      author: this.intern(entry.author, 'author'),
      summary: entry.summary,
    };
    this.entries.push(e);
    this.byId.set(e.id, e.index);
    if (e.caseId !== null) {
      const list = this.byCase.get(e.caseId);
      if (list === undefined) this.byCase.set(e.caseId, e.index);
      else if (typeof list === 'number') this.byCase.set(e.caseId, [list, e.index]);
      else list.push(e.index);
    }
  }

  at(index: number): IndexedEntry | undefined {
    return this.entries[index];
  }

  indexOfId(id: string): number | undefined {
    return this.byId.get(id);
  }

  caseIndexes(caseId: string): readonly number[] {
    const list = this.byCase.get(caseId);
    return list === undefined ? [] : typeof list === 'number' ? [list] : list;
  }

  caseIds(): string[] {
    return [...this.byCase.keys()];
  }

  query(q: EntryQuery): EntryPage {
    const kinds = q.kind === undefined ? undefined : new Set(Array.isArray(q.kind) ? q.kind : [q.kind]);
    const terms = (q.search ?? '').toLowerCase().split(/\s+/).filter(Boolean).map((t) => Buffer.from(t, 'utf8'));
    const source: readonly number[] | undefined = q.caseId !== undefined ? this.caseIndexes(q.caseId) : undefined;
    const count = source ? source.length : this.entries.length;
    const desc = q.order === 'desc';
    const offset = Math.max(0, q.offset ?? 0);
    const limit = q.limit === undefined ? Infinity : Math.max(0, q.limit);
    const items: IndexedEntry[] = [];
    let total = 0;
    // Over many candidates, one pass over the text per term; over a case's few, each entry.
    let counts: Uint16Array | undefined;
    if (terms.length > 0 && count > 2 * 1024) {
      counts = new Uint16Array(this.entries.length);
      for (const t of terms) this.search.countMatches(t, counts);
    }
    const matches = (i: number): boolean =>
      terms.length === 0 || (counts ? counts[i] === terms.length : terms.every((t) => this.search.contains(i, t)));
    for (let k = 0; k < count; k++) {
      const pos = desc ? count - 1 - k : k;
      const e = this.entries[source ? source[pos]! : pos]!;
      if (kinds && !kinds.has(e.kind)) continue;
      if (q.from !== undefined && e.ts < q.from) continue;
      if (q.to !== undefined && e.ts > q.to) continue;
      if (!matches(e.index)) continue;
      if (total >= offset && items.length < limit) items.push(e);
      total++;
    }
    return { total, items };
  }
}

/**
 * The index record of a decrypted entry. `keep`: the record goes into the index and must
 * not hold on to the fields its strings were cut from (the integrity check, which only
 * compares, skips that copy).
 */
export function indexedEntryOf(idx: number, record: EntryRecord, keep = true): IndexRecord {
  const h = record.header;
  const own = keep ? ownCopy : (text: string) => text;
  return {
    index: idx,
    id: h.id,
    kind: h.kind,
    caseId: h.caseId,
    ts: h.ts,
    author: h.author,
    summary: own(summarizeEntry(h, record.body)),
    // Turned into bytes as soon as it is indexed: no need to copy it first.
    search: searchText(h, record.body),
  };
}

/**
 * A string that holds only its own characters. A summary cut from a long field can be a
 * slice that keeps the whole field alive; over 100k index entries that doubled the
 * memory an unlocked vault needs.
 */
function ownCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8');
}
