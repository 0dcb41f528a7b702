/**
 * A case as the officer sees it: this workstation's entries and those imported from
 * others, together. The vault knows only its own log and the imported store is built on
 * the vault, so the two meet here, and the CLI and the app's core process both use this.
 */
import { TearlineError } from '../../shared/errors';
import { findRecord, foldCase, opensCase, type CaseView, type FoldInput } from '../../shared/domain';
import { findImported, importedCaseOpened, importedCaseOpenings, importedCount, importedFoldInputs } from './bundle';
import type { AppendedEntry, EntryDraft, ExternalEntries, Vault } from './vault/vault';

/** The case folded from local and imported entries, ordered by time (the two logs number apart). */
export function caseWithImports(vault: Vault, caseId: string): CaseView {
  const local = vault.caseFoldInputs(caseId);
  // This vault's own record of an entry always wins: an imported entry with the same id
  // (which verification refuses from now on) never stands in for it.
  const localIds = new Set(local.map((e) => e.header.id));
  const imported = importedFoldInputs(vault, caseId).filter((e) => !localIds.has(e.header.id));
  if (imported.length === 0) return vault.caseView(caseId);
  const opened = [...local, ...imported].some((e) => opensCase(e.header, caseId));
  if (!opened) throw new TearlineError('E_NOT_FOUND', `no case ${caseId} in this vault`);
  const merged: FoldInput[] = [...local, ...imported].sort((a, b) => a.header.ts.localeCompare(b.header.ts) || a.index - b.index);
  return foldCase(merged.map((input, position) => ({ ...input, index: position })));
}

interface CachedView {
  localCount: number;
  view: CaseView;
}

interface CaseCache {
  /** What the imports were when this was filled (see cachedCase). */
  imported: string;
  views: Map<string, CachedView>;
  /** The ids of the cases opened elsewhere and imported, in store order. */
  importedCaseIds?: string[];
}

const caches = new WeakMap<Vault, CaseCache>();

/** The vault's cache, emptied whenever its imports have changed. */
function currentCache(vault: Vault): CaseCache {
  const imported = `${importedCount(vault)}/${vault.list({ kind: 'bundle.imported', limit: 0 }).total}`;
  let cache = caches.get(vault);
  if (!cache || cache.imported !== imported) {
    cache = { imported, views: new Map() };
    caches.set(vault, cache);
  }
  return cache;
}

/**
 * caseWithImports, remembered while the case has the same number of local entries and
 * the vault the same imports (the log is append-only, so a count that has not moved means
 * nothing has changed). Imports are counted by their rows and by the `bundle.imported`
 * entries of the log: an import that only discloses fields withheld before adds no row,
 * but every import that changes anything records itself. The case list folds every case;
 * without this it decrypted the whole vault again on every page.
 */
export function cachedCase(vault: Vault, caseId: string): CaseView {
  const cache = currentCache(vault);
  const localCount = vault.list({ caseId, limit: 0 }).total;
  const hit = cache.views.get(caseId);
  if (hit && hit.localCount === localCount) return hit.view;
  const view = caseWithImports(vault, caseId);
  cache.views.set(caseId, { localCount, view });
  return view;
}

/** Forgets the remembered case views (on lock: they hold decrypted record content). */
export function forgetCases(vault: Vault): void {
  caches.delete(vault);
}

/**
 * This vault's cases, then those opened elsewhere and imported, each once. The imported
 * ones are found by opening a row of each imported case (importedCaseOpenings), and
 * remembered until the imports change: the case list asks for them on every page.
 */
export function allCaseIds(vault: Vault): string[] {
  const ids = vault.caseIds();
  const seen = new Set(ids);
  const cache = currentCache(vault);
  cache.importedCaseIds ??= importedCaseOpenings(vault).map((e) => e.header.id);
  for (const id of cache.importedCaseIds) {
    if (!seen.has(id)) {
      seen.add(id);
      ids.push(id);
    }
  }
  return ids;
}

/** What local entries may refer to among the imported ones. */
export function importedReferences(vault: Vault): ExternalEntries {
  return {
    caseExists: (caseId) => importedCaseOpened(vault, caseId),
    entry: (id) => {
      const found = findImported(vault, id);
      if (!found || found.header.caseId === null) return undefined;
      // (Remembered, as the case list's: folding an imported case again for every entry
      // that refers into it would open all its rows each time.)
      const current = findRecord(cachedCase(vault, found.header.caseId), id);
      return { kind: found.header.kind, caseId: found.header.caseId, body: (current?.body ?? found.body) as Record<string, unknown> };
    },
  };
}

/** Appends entries that may refer to imported cases and entries. */
export function appendEntries(vault: Vault, drafts: EntryDraft[]): AppendedEntry[] {
  return vault.append(drafts, importedReferences(vault));
}
