/**
 * TanStack Query hooks over the API: what the screens read, under stable keys, and what
 * must be refetched after a write. Every record is dropped from the cache on lock.
 */
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import type { EntryKind } from '../../../shared/domain';
import type { RequestOf } from '../../../shared/ipc';
import { toCaseRow, type CaseRow } from '../lib/case-rows';
import { call } from './client';

export const keys = {
  status: ['vault-status'] as const,
  appInfo: ['app-info'] as const,
  settings: ['settings'] as const,
  keyCard: ['key-card'] as const,
  caseRows: ['cases', 'rows'] as const,
  case: (caseId: string) => ['cases', 'one', caseId] as const,
  entry: (id: string) => ['entries', 'one', id] as const,
  entries: (query: unknown) => ['entries', 'list', query] as const,
  drafts: ['drafts'] as const,
  trust: ['trust'] as const,
};

export function useVaultStatus() {
  return useQuery({ queryKey: keys.status, queryFn: () => call('vaultStatus'), staleTime: Infinity });
}

export function useAppInfo() {
  return useQuery({ queryKey: keys.appInfo, queryFn: () => call('appInfo'), staleTime: Infinity });
}

export function useSettings() {
  return useQuery({ queryKey: keys.settings, queryFn: () => call('getSettings'), staleTime: Infinity });
}

export function useKeyCard() {
  return useQuery({ queryKey: keys.keyCard, queryFn: () => call('keyCard'), staleTime: Infinity });
}

export function useCase(caseId: string) {
  return useQuery({ queryKey: keys.case(caseId), queryFn: () => call('getCase', { caseId }) });
}

export function useEntry(id: string | null) {
  return useQuery({
    queryKey: keys.entry(id ?? ''),
    queryFn: () => call('getEntry', { id: id! }),
    enabled: id !== null,
    staleTime: Infinity,
  });
}

export function useEntries(query: RequestOf<'listEntries'>, enabled = true) {
  return useQuery({ queryKey: keys.entries(query), queryFn: () => call('listEntries', query), enabled });
}

export function useDrafts() {
  return useQuery({ queryKey: keys.drafts, queryFn: () => call('listDrafts'), staleTime: Infinity });
}

/**
 * Cases are read a page at a time. The core folds every case it sends (about a millisecond
 * each), so the newest cases come first and the list shows each page as it arrives.
 */
export const CASE_PAGE = 500;

export interface CaseRowsProgress {
  loaded: number;
  total: number;
}

/**
 * Every case, as small rows for the list, the counts and the reports. While the pages
 * arrive, the rows so far are already in the cache (so the list fills in as it loads) and
 * `progress` says how far the loading is; the counts are final once it is null.
 */
export function useCaseRows() {
  const client = useQueryClient();
  const [progress, setProgress] = useState<CaseRowsProgress | null>(null);
  const query = useQuery({
    queryKey: keys.caseRows,
    staleTime: Infinity,
    queryFn: async (): Promise<CaseRow[]> => {
      const rows: CaseRow[] = [];
      const now = Date.now();
      let total = Infinity;
      for (let offset = 0; offset < total; offset += CASE_PAGE) {
        const page = await call('listCases', { offset, limit: CASE_PAGE, order: 'desc' });
        total = page.total;
        for (const view of page.items) rows.push(toCaseRow(view, now));
        if (page.items.length === 0) break;
        if (rows.length < total) {
          setProgress({ loaded: rows.length, total });
          client.setQueryData(keys.caseRows, [...rows]);
        }
      }
      setProgress(null);
      return rows;
    },
  });
  return { ...query, progress };
}

/** What to refetch after entries were written to a case (or imported). */
export function invalidateRecords(client: QueryClient, caseId?: string): Promise<void> {
  const tasks = [client.invalidateQueries({ queryKey: ['cases'] }), client.invalidateQueries({ queryKey: ['entries', 'list'] })];
  if (caseId) tasks.push(client.invalidateQueries({ queryKey: keys.case(caseId) }));
  return Promise.all(tasks).then(() => undefined);
}

/** Appends entries, then refetches what shows them. */
export function useAppend() {
  const client = useQueryClient();
  return useCallback(
    async (entries: { kind: EntryKind; body: Record<string, unknown> }[], caseId?: string) => {
      const written = await call('appendEntries', {
        entries: entries.map((e) => ({ kind: e.kind as RequestOf<'appendEntries'>['entries'][number]['kind'], body: e.body as never })),
      });
      await invalidateRecords(client, caseId ?? written[0]?.caseId ?? undefined);
      return written;
    },
    [client],
  );
}
