/**
 * The case list's data: one small row per case, built once from the core's folded case
 * view, then filtered, sorted and counted in memory. A row keeps only what the list, its
 * filters, the counts and the reports read, so that tens of thousands of cases stay light,
 * and its search text never holds a sensitive field.
 */
import {
  CASE_STATUS_INFO,
  DEFAULT_POLICY,
  countCases,
  overdueFollowUps,
  policyLabel,
  type CaseCounts,
  type CaseStatus,
  type CaseView,
} from '../../../shared/domain';

export interface CaseRow {
  caseId: string;
  title: string;
  status: CaseStatus;
  statusReason: string;
  threatType: string | null;
  targetKind: string | null;
  marking: string | null;
  decision: 'warn' | 'waive' | null;
  outcome: 'warned' | 'waived' | null;
  openedAt: string | null;
  lastActivityAt: string | null;
  firstDeliveredAt: string | null;
  waivedAt: string | null;
  closedAt: string | null;
  /** local: opened on this workstation; imported: opened on another one. */
  origin: 'local' | 'imported';
  /** Names of the workstations some of its entries came from. */
  importedFrom: string[];
  overdue: number;
  entryCount: number;
  hasWithheld: boolean;
  unverified: number;
  deliveries: { channel: string | null; deliveredAt: string | null }[];
  /** The reasons of the waiver that stands (approved), if the duty was waived. */
  waiverReasons: string[];
  /** Lower-case text that search matches: never a sensitive field. */
  search: string;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function toCaseRow(view: CaseView, now: Date | number = Date.now()): CaseRow {
  const opening = view.opening?.body as Record<string, unknown> | undefined;
  const victim = opening?.intendedVictim as Record<string, unknown> | undefined;
  const policy = DEFAULT_POLICY;
  const label = (list: 'threatTypes' | 'targetKinds', code: string | null) => (code ? policyLabel(policy, list, code) : '');
  const caveats = Array.isArray(opening?.caveats) ? (opening.caveats as unknown[]).filter((c): c is string => typeof c === 'string') : [];
  const search = [
    view.title,
    view.summary ?? '',
    view.caseId,
    label('threatTypes', view.threatType),
    label('targetKinds', view.targetKind),
    view.marking ?? '',
    caveats.join(' '),
    str(victim?.description) ?? '',
    str(victim?.name) ?? '',
    str(opening?.warningText) ?? '',
    CASE_STATUS_INFO[view.status].label,
    ...view.importedFrom.map((w) => w.name),
  ]
    .join('\n')
    .toLowerCase();
  const waiver = view.outcome === 'waived' ? view.waiver : null;
  return {
    caseId: view.caseId,
    title: view.title,
    status: view.status,
    statusReason: view.statusReason,
    threatType: view.threatType ?? null,
    targetKind: view.targetKind ?? null,
    marking: view.marking ?? null,
    decision: view.decision,
    outcome: view.outcome,
    openedAt: view.dates.openedAt,
    lastActivityAt: view.dates.lastActivityAt,
    firstDeliveredAt: view.dates.firstDeliveredAt,
    waivedAt: view.dates.waivedAt,
    closedAt: view.dates.closedAt,
    origin: view.opening?.origin.kind === 'imported' ? 'imported' : 'local',
    importedFrom: view.importedFrom.map((w) => w.name),
    overdue: overdueFollowUps(view, now).length,
    entryCount: view.entryCount,
    hasWithheld: view.hasWithheld,
    unverified: view.unverified,
    deliveries: view.deliveries.map((d) => ({ channel: str(d.body.channel), deliveredAt: str(d.body.deliveredAt) })),
    waiverReasons: Array.isArray(waiver?.body.reasons) ? waiver.body.reasons.filter((r): r is string => typeof r === 'string') : [],
    search,
  };
}

export type StatusFilter = CaseStatus | 'any' | 'not-closed' | 'awaiting-decision' | 'overdue';
export type OriginFilter = 'any' | 'local' | 'imported';
export type DecisionFilter = 'any' | 'warn' | 'waive' | 'none';

export interface CaseFilter {
  search: string;
  status: StatusFilter;
  threatType: string;
  marking: string;
  decision: DecisionFilter;
  /** Opened on or after this day (YYYY-MM-DD, local), or ''. */
  from: string;
  /** Opened on or before this day (YYYY-MM-DD, local), or ''. */
  to: string;
  origin: OriginFilter;
}

export const EMPTY_FILTER: CaseFilter = {
  search: '',
  status: 'any',
  threatType: '',
  marking: '',
  decision: 'any',
  from: '',
  to: '',
  origin: 'any',
};

export type SortKey = 'opened-desc' | 'opened-asc' | 'activity-desc' | 'title' | 'status' | 'overdue';

export const SORT_LABELS: Record<SortKey, string> = {
  'opened-desc': 'Newest first',
  'opened-asc': 'Oldest first',
  'activity-desc': 'Recent activity first',
  title: 'Title, A to Z',
  status: 'Status (needs action first)',
  overdue: 'Overdue follow-ups first',
};

/** The local day (YYYY-MM-DD) of an instant. */
export function localDay(iso: string | null): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function matchesStatus(row: CaseRow, status: StatusFilter): boolean {
  switch (status) {
    case 'any':
      return true;
    case 'not-closed':
      return row.status !== 'closed';
    case 'awaiting-decision':
      return row.status === 'open' || row.status === 'assessed';
    case 'overdue':
      return row.overdue > 0;
    default:
      return row.status === status;
  }
}

/** Whether a row passes every filter. Search words must all appear (in any order). */
export function matchesFilter(row: CaseRow, filter: CaseFilter, words = searchWords(filter.search)): boolean {
  if (!matchesStatus(row, filter.status)) return false;
  if (filter.threatType && row.threatType !== filter.threatType) return false;
  if (filter.marking && row.marking !== filter.marking) return false;
  if (filter.decision === 'none' ? row.decision !== null : filter.decision !== 'any' && row.decision !== filter.decision) return false;
  if (filter.origin === 'local' && row.origin !== 'local') return false;
  if (filter.origin === 'imported' && row.origin !== 'imported' && row.importedFrom.length === 0) return false;
  if (filter.from || filter.to) {
    const day = localDay(row.openedAt);
    if (day === null) return false;
    if (filter.from && day < filter.from) return false;
    if (filter.to && day > filter.to) return false;
  }
  for (const w of words) if (!row.search.includes(w)) return false;
  return true;
}

export function searchWords(search: string): string[] {
  return search.toLowerCase().split(/\s+/).filter(Boolean);
}

/** The order in which statuses need the officer: what blocks a warning first. */
const STATUS_URGENCY: Record<CaseStatus, number> = {
  escalated: 0,
  'awaiting-approval': 1,
  'warning-pending': 2,
  'waiver-pending': 3,
  open: 4,
  assessed: 5,
  warned: 6,
  waived: 7,
  closed: 8,
};

const byOpenedDesc = (a: CaseRow, b: CaseRow) => (b.openedAt ?? '').localeCompare(a.openedAt ?? '') || a.caseId.localeCompare(b.caseId);

export function compareRows(sort: SortKey): (a: CaseRow, b: CaseRow) => number {
  switch (sort) {
    case 'opened-desc':
      return byOpenedDesc;
    case 'opened-asc':
      return (a, b) => -byOpenedDesc(a, b);
    case 'activity-desc':
      return (a, b) => (b.lastActivityAt ?? '').localeCompare(a.lastActivityAt ?? '') || byOpenedDesc(a, b);
    case 'title':
      return (a, b) => a.title.localeCompare(b.title, 'en', { sensitivity: 'base' }) || byOpenedDesc(a, b);
    case 'status':
      return (a, b) => STATUS_URGENCY[a.status] - STATUS_URGENCY[b.status] || byOpenedDesc(a, b);
    case 'overdue':
      return (a, b) => b.overdue - a.overdue || STATUS_URGENCY[a.status] - STATUS_URGENCY[b.status] || byOpenedDesc(a, b);
  }
}

/** The rows that pass the filter, sorted. The input is not modified. */
export function filterAndSort(rows: readonly CaseRow[], filter: CaseFilter, sort: SortKey): CaseRow[] {
  const words = searchWords(filter.search);
  return rows.filter((r) => matchesFilter(r, filter, words)).sort(compareRows(sort));
}

/** The counts at a glance, by the domain's own definitions. */
export function countRows(rows: readonly CaseRow[]): CaseCounts {
  return countCases(rows.map((r) => ({ status: r.status, outcome: r.outcome, overdueFollowUps: r.overdue })));
}

export function activeFilterCount(filter: CaseFilter): number {
  let n = 0;
  if (filter.status !== 'any') n++;
  if (filter.threatType) n++;
  if (filter.marking) n++;
  if (filter.decision !== 'any') n++;
  if (filter.from) n++;
  if (filter.to) n++;
  if (filter.origin !== 'any') n++;
  return n;
}
