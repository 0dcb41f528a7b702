import { describe, expect, it } from 'vitest';
import { caseCounts, type CaseView } from '../../shared/domain';
import {
  activeFilterCount,
  countRows,
  EMPTY_FILTER,
  filterAndSort,
  toCaseRow,
  type CaseRow,
} from '../../renderer/src/lib/case-rows';
import { CaseLog, waivedCase, warnedCase } from './helpers/case-log';

const NOW = Date.parse('2025-04-01T12:00:00Z');

function sample(): { views: CaseView[]; rows: CaseRow[]; ids: Record<string, string> } {
  const log = new CaseLog();
  const warned = warnedCase(log, { opened: { title: 'Warned case in Port Halden' } });
  const waived = waivedCase(log, { title: 'Waived case', threatType: 'kidnapping', marking: 'TLP:RED' });
  const open = log.example('case.opened', null, { title: 'Fresh case', marking: 'TLP:GREEN' });
  // An overdue follow-up on the warned case (due 2025-03-15, now is 1 April).
  log.example('follow-up', warned);
  const imported = log.example('case.opened', null, { title: 'Case from headquarters', threatType: 'serious-bodily-harm' }, {
    origin: { kind: 'imported', name: 'Headquarters', fingerprint: 'f'.repeat(32) },
  });
  const ids = { warned, waived, open, imported };
  const views = Object.values(ids).map((id) => log.view(id));
  return { views, rows: views.map((v) => toCaseRow(v, NOW)), ids };
}

describe('case rows', () => {
  it('keep what the list needs, and never a sensitive field in the search text', () => {
    const { rows, views } = sample();
    const warned = rows[0]!;
    expect(warned.status).toBe('warned');
    expect(warned.overdue).toBe(1);
    expect(warned.deliveries).toEqual([{ channel: 'via-protectors', deliveredAt: '2025-03-11T16:40:00+01:00' }]);
    expect(warned.search).toContain('port halden');
    expect(warned.search).toContain('mara ellery');
    const sensitive = (views[0]!.opening!.body.sourceProtection as { notes: string }).notes.toLowerCase();
    expect(sensitive.length).toBeGreaterThan(10);
    for (const row of rows) expect(row.search).not.toContain(sensitive.slice(0, 30));
    expect(rows[1]!.waiverReasons.length).toBeGreaterThan(0);
    expect(rows[3]!.origin).toBe('imported');
  });

  it('count exactly as the domain counts', () => {
    const { rows, views } = sample();
    const mine = countRows(rows);
    const domain = caseCounts(views, NOW);
    expect(mine.total).toBe(domain.total);
    expect(mine.open).toBe(domain.open);
    expect(mine.awaitingDecision).toBe(domain.awaitingDecision);
    expect(mine.warned).toBe(domain.warned);
    expect(mine.waived).toBe(domain.waived);
    expect(mine.overdueFollowUps).toBe(domain.overdueFollowUps);
    expect(mine.byStatus).toEqual(domain.byStatus);
    expect(mine.awaitingDecision).toBe(2);
  });

  it('filter by status, threat type, marking, decision, origin, dates and words', () => {
    const { rows, ids } = sample();
    const titles = (f: Partial<typeof EMPTY_FILTER>) => filterAndSort(rows, { ...EMPTY_FILTER, ...f }, 'title').map((r) => r.caseId);
    expect(titles({ status: 'warned' })).toEqual([ids.warned]);
    expect(titles({ status: 'overdue' })).toEqual([ids.warned]);
    expect(titles({ status: 'awaiting-decision' }).sort()).toEqual([ids.open, ids.imported].sort());
    expect(titles({ threatType: 'kidnapping' })).toEqual([ids.waived]);
    expect(titles({ marking: 'TLP:GREEN' })).toEqual([ids.open]);
    expect(titles({ decision: 'waive' })).toEqual([ids.waived]);
    expect(titles({ decision: 'none' }).sort()).toEqual([ids.open, ids.imported].sort());
    expect(titles({ origin: 'imported' })).toEqual([ids.imported]);
    expect(titles({ origin: 'local' })).not.toContain(ids.imported);
    expect(titles({ search: 'HALDEN warned' })).toEqual([ids.warned]);
    expect(titles({ search: 'halden nothing-like-this' })).toEqual([]);
    const first = rows.find((r) => r.caseId === ids.warned)!.openedAt!;
    const day = first.slice(0, 10);
    expect(titles({ from: day, to: day }).length).toBeGreaterThan(0);
    expect(titles({ from: '2030-01-01' })).toEqual([]);
    expect(activeFilterCount({ ...EMPTY_FILTER, status: 'warned', from: day })).toBe(2);
  });

  it('sort by the chosen key without touching the input', () => {
    const { rows } = sample();
    const before = rows.map((r) => r.caseId);
    const byTitle = filterAndSort(rows, EMPTY_FILTER, 'title').map((r) => r.title);
    expect(byTitle).toEqual([...byTitle].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })));
    const newest = filterAndSort(rows, EMPTY_FILTER, 'opened-desc');
    const oldest = filterAndSort(rows, EMPTY_FILTER, 'opened-asc');
    expect(newest.map((r) => r.caseId)).toEqual([...oldest].reverse().map((r) => r.caseId));
    expect(filterAndSort(rows, EMPTY_FILTER, 'overdue')[0]!.overdue).toBe(1);
    expect(rows.map((r) => r.caseId)).toEqual(before);
  });

  it('filter a hundred thousand rows', () => {
    const { rows } = sample();
    const many: CaseRow[] = [];
    for (let i = 0; i < 100_000; i++) {
      const base = rows[i % rows.length]!;
      many.push({ ...base, caseId: `${base.caseId}-${i}`, search: `${base.search}\ncase number ${i}` });
    }
    expect(filterAndSort(many, { ...EMPTY_FILTER, search: 'number 99999' }, 'opened-desc')).toHaveLength(1);
    expect(filterAndSort(many, { ...EMPTY_FILTER, status: 'warned' }, 'status')).toHaveLength(25_000);
  });
});
