/**
 * The in-memory index built at unlock from the decrypted log. Nothing of it is ever
 * written to disk: listing, filtering and searching 100k entries happen here, in
 * memory, which is why unlock decrypts every entry once.
 */
export interface IndexedEntry {
  index: number;
  id: string;
  kind: string;
  caseId: string | null;
  ts: string;
  author: string;
  summary: string;
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
  private readonly byCase = new Map<string, number[]>();

  private readonly strings = new Map<string, string>();

  private intern(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    this.strings.set(value, value);
    return value;
  }

  get size(): number {
    return this.entries.length;
  }

  add(entry: IndexedEntry): void {
    if (entry.index !== this.entries.length) throw new Error('entry index out of order');
    // Authors and kinds repeat across nearly every entry: keep one copy of each string.
    entry.author = this.intern(entry.author);
    entry.kind = this.intern(entry.kind);
    this.entries.push(entry);
    this.byId.set(entry.id, entry.index);
    if (entry.caseId !== null) {
      const list = this.byCase.get(entry.caseId);
      if (list) list.push(entry.index);
      else this.byCase.set(entry.caseId, [entry.index]);
    }
  }

  /** Drops entries from `size` on: used when a write transaction rolls back. */
  truncate(size: number): void {
    while (this.entries.length > size) {
      const e = this.entries.pop()!;
      this.byId.delete(e.id);
      if (e.caseId !== null) {
        const list = this.byCase.get(e.caseId)!;
        list.pop();
        if (list.length === 0) this.byCase.delete(e.caseId);
      }
    }
  }

  at(index: number): IndexedEntry | undefined {
    return this.entries[index];
  }

  indexOfId(id: string): number | undefined {
    return this.byId.get(id);
  }

  caseIndexes(caseId: string): readonly number[] {
    return this.byCase.get(caseId) ?? [];
  }

  caseIds(): string[] {
    return [...this.byCase.keys()];
  }

  query(q: EntryQuery): EntryPage {
    const kinds = q.kind === undefined ? undefined : new Set(Array.isArray(q.kind) ? q.kind : [q.kind]);
    const terms = (q.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const source: readonly number[] | undefined = q.caseId !== undefined ? this.caseIndexes(q.caseId) : undefined;
    const count = source ? source.length : this.entries.length;
    const desc = q.order === 'desc';
    const offset = Math.max(0, q.offset ?? 0);
    const limit = q.limit === undefined ? Infinity : Math.max(0, q.limit);
    const items: IndexedEntry[] = [];
    let total = 0;
    for (let k = 0; k < count; k++) {
      const pos = desc ? count - 1 - k : k;
      const e = this.entries[source ? source[pos]! : pos]!;
      if (kinds && !kinds.has(e.kind)) continue;
      if (q.from !== undefined && e.ts < q.from) continue;
      if (q.to !== undefined && e.ts > q.to) continue;
      if (terms.length > 0 && !terms.every((t) => e.search.includes(t))) continue;
      if (total >= offset && items.length < limit) items.push(e);
      total++;
    }
    return { total, items };
  }
}
