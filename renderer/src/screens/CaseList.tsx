/**
 * Every case: counts at a glance, search, filters and sort, and a virtualized list that
 * renders only the rows on screen, so that tens of thousands of cases scroll as smoothly
 * as ten. Arrow keys move between rows.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useDeferredValue, useMemo, useRef, useState } from 'react';
import { CASE_STATUS_INFO, CASE_STATUSES, DEFAULT_POLICY, policyLabel } from '../../../shared/domain';
import { useCaseRows } from '../api/queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { MarkingBadge, StatusBadge } from '../components/StatusBadge';
import {
  activeFilterCount,
  countRows,
  EMPTY_FILTER,
  filterAndSort,
  SORT_LABELS,
  type CaseFilter,
  type CaseRow,
  type SortKey,
  type StatusFilter,
} from '../lib/case-rows';
import { formatDate } from '../lib/format';

const ROW_HEIGHT = 68;

interface CountTile {
  label: string;
  value: (c: ReturnType<typeof countRows>) => number;
  status: StatusFilter;
}

const TILES: CountTile[] = [
  { label: 'Open', value: (c) => c.open, status: 'not-closed' },
  { label: 'Awaiting decision', value: (c) => c.awaitingDecision, status: 'awaiting-decision' },
  { label: 'Awaiting approval', value: (c) => c.awaitingApproval, status: 'awaiting-approval' },
  { label: 'Warning pending', value: (c) => c.warningPending, status: 'warning-pending' },
  { label: 'Warned', value: (c) => c.warned, status: 'warned' },
  { label: 'Waived', value: (c) => c.waived, status: 'waived' },
  { label: 'Overdue follow-ups', value: (c) => c.overdueFollowUps, status: 'overdue' },
];

export function CaseList() {
  const rows = useCaseRows();
  const [filter, setFilter] = useState<CaseFilter>(EMPTY_FILTER);
  const [sort, setSort] = useState<SortKey>('opened-desc');
  // Typing stays responsive while a large list is filtered behind it.
  const deferredFilter = useDeferredValue(filter);
  const all = rows.data ?? [];
  const counts = useMemo(() => countRows(all), [all]);
  const shown = useMemo(() => filterAndSort(all, deferredFilter, sort), [all, deferredFilter, sort]);
  const set = <K extends keyof CaseFilter>(key: K, value: CaseFilter[K]) => setFilter((f) => ({ ...f, [key]: value }));
  const policy = DEFAULT_POLICY;
  const filters = activeFilterCount(filter);

  return (
    <section className="screen cases" aria-labelledby="cases-title">
      <div className="screen-head">
        <h1 id="cases-title">Cases</h1>
        <a className="button primary" href="#/cases/new">
          New case
        </a>
      </div>

      <h2 className="visually-hidden">At a glance</h2>
      <ul className="counts">
        {TILES.map((t) => {
          const active = filter.status === t.status;
          return (
            <li key={t.label}>
              <button
                type="button"
                className="count-tile"
                aria-pressed={active}
                onClick={() => set('status', active ? 'any' : t.status)}
              >
                <span className="count-value">{rows.data ? t.value(counts).toLocaleString('en') : '…'}</span>
                <span className="count-label">{t.label}</span>
              </button>
            </li>
          );
        })}
      </ul>

      <form className="filters" role="search" aria-label="Search and filter cases" onSubmit={(e) => e.preventDefault()}>
        <div className="field search-field">
          <label htmlFor="case-search">Search cases</label>
          <input
            id="case-search"
            type="search"
            value={filter.search}
            placeholder="Title, victim, warning text, case id…"
            onChange={(e) => set('search', e.target.value)}
          />
        </div>
        <div className="filter-grid">
          <div className="field">
            <label htmlFor="f-status">Status</label>
            <select id="f-status" value={filter.status} onChange={(e) => set('status', e.target.value as StatusFilter)}>
              <option value="any">Any status</option>
              <option value="not-closed">Not closed</option>
              <option value="awaiting-decision">Awaiting decision</option>
              <option value="overdue">With overdue follow-ups</option>
              {CASE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {CASE_STATUS_INFO[s].label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-threat">Threat type</label>
            <select id="f-threat" value={filter.threatType} onChange={(e) => set('threatType', e.target.value)}>
              <option value="">Any threat type</option>
              {policy.threatTypes.map((t) => (
                <option key={t.code} value={t.code}>
                  {t.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-marking">Marking</label>
            <select id="f-marking" value={filter.marking} onChange={(e) => set('marking', e.target.value)}>
              <option value="">Any marking</option>
              {policy.tlpMarkings.map((t) => (
                <option key={t.code} value={t.code}>
                  {t.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-decision">Decision</label>
            <select id="f-decision" value={filter.decision} onChange={(e) => set('decision', e.target.value as CaseFilter['decision'])}>
              <option value="any">Any decision</option>
              <option value="warn">Warn</option>
              <option value="waive">Waive</option>
              <option value="none">No decision yet</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-origin">Origin</label>
            <select id="f-origin" value={filter.origin} onChange={(e) => set('origin', e.target.value as CaseFilter['origin'])}>
              <option value="any">Local or imported</option>
              <option value="local">Opened on this workstation</option>
              <option value="imported">Imported from another workstation</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-from">Opened from</label>
            <input id="f-from" type="date" value={filter.from} onChange={(e) => set('from', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="f-to">Opened until</label>
            <input id="f-to" type="date" value={filter.to} onChange={(e) => set('to', e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="f-sort">Sort by</label>
            <select id="f-sort" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
              {(Object.keys(SORT_LABELS) as SortKey[]).map((k) => (
                <option key={k} value={k}>
                  {SORT_LABELS[k]}
                </option>
              ))}
            </select>
          </div>
        </div>
        {filters > 0 || filter.search ? (
          <button type="button" className="link-button" onClick={() => setFilter(EMPTY_FILTER)}>
            Clear the search and {filters} filter{filters === 1 ? '' : 's'}
          </button>
        ) : null}
      </form>

      <ErrorMessage error={rows.error} title="The cases could not be read." />
      <p className="result-count" role="status">
        {rows.progress
          ? `Loading cases: ${rows.progress.loaded.toLocaleString('en')} of ${rows.progress.total.toLocaleString('en')}…`
          : rows.isPending
            ? 'Loading cases…'
            : `Showing ${shown.length.toLocaleString('en')} of ${all.length.toLocaleString('en')} case${all.length === 1 ? '' : 's'}`}
      </p>
      {rows.data && all.length === 0 ? (
        <div className="empty">
          <p>No cases yet.</p>
          <a className="button primary" href="#/cases/new">
            Open the first case
          </a>
        </div>
      ) : (
        <CaseRows rows={shown} />
      )}
    </section>
  );
}

export function CaseRows({ rows }: { rows: readonly CaseRow[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 1000, height: 600 },
  });

  const focusRow = (index: number) => {
    const i = Math.max(0, Math.min(rows.length - 1, index));
    virtualizer.scrollToIndex(i, { align: 'auto' });
    requestAnimationFrame(() => {
      scroller.current?.querySelector<HTMLElement>(`[data-index="${i}"] a`)?.focus();
    });
  };

  const onKeyDown = (index: number) => (e: React.KeyboardEvent) => {
    const moves: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: rows.length - 1, PageDown: index + 8, PageUp: index - 8 };
    const to = moves[e.key];
    if (to === undefined) return;
    e.preventDefault();
    focusRow(to);
  };

  if (rows.length === 0) return <p className="empty">No case matches the search and filters.</p>;
  const policy = DEFAULT_POLICY;
  return (
    <div ref={scroller} className="case-scroll">
      <ul aria-label="Cases found" className="case-rows" style={{ height: `${virtualizer.getTotalSize()}px` }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          return (
            <li
              key={row.caseId}
              data-index={item.index}
              className="case-row"
              aria-setsize={rows.length}
              aria-posinset={item.index + 1}
              style={{ transform: `translateY(${item.start}px)`, height: `${ROW_HEIGHT}px` }}
            >
              <div className="case-row-main">
                <a href={`#/cases/${row.caseId}`} onKeyDown={onKeyDown(item.index)}>
                  {row.title}
                </a>
                <span className="case-row-meta">
                  {row.threatType ? policyLabel(policy, 'threatTypes', row.threatType) : 'Threat type withheld'}
                  {' · '}opened {formatDate(row.openedAt)}
                  {row.origin === 'imported' || row.importedFrom.length > 0 ? ` · imported from ${row.importedFrom.join(', ') || 'another workstation'}` : ''}
                </span>
              </div>
              <div className="case-row-badges">
                <StatusBadge status={row.status} />
                <MarkingBadge marking={row.marking} />
                {row.overdue > 0 ? <span className="badge overdue">{row.overdue} overdue</span> : null}
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
