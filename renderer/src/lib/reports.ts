/**
 * The printable summary of a period: cases opened (by threat type, by status now),
 * warnings delivered (by channel), waivers that took effect (by reason), and the time from
 * a case's opening to its first delivered warning. Days are local calendar days, both
 * ends included, as the officer picks them.
 */
import { CASE_STATUSES, type CaseStatus } from '../../../shared/domain';
import { localDay, type CaseRow } from './case-rows';

export interface ReportPeriod {
  /** First day (YYYY-MM-DD), or '' for no lower bound. */
  from: string;
  /** Last day (YYYY-MM-DD), or '' for no upper bound. */
  to: string;
}

export interface DurationStats {
  count: number;
  /** Milliseconds; null when count is 0. */
  min: number | null;
  median: number | null;
  mean: number | null;
  max: number | null;
}

export interface Report {
  period: ReportPeriod;
  cases: {
    opened: number;
    byThreatType: Record<string, number>;
    /** The status today of the cases opened in the period. */
    byStatus: Record<CaseStatus, number>;
    closed: number;
  };
  warnings: { delivered: number; cases: number; byChannel: Record<string, number> };
  waivers: { approved: number; byReason: Record<string, number> };
  openedToWarned: DurationStats;
}

function inPeriod(iso: string | null, period: ReportPeriod): boolean {
  const day = localDay(iso);
  if (day === null) return false;
  if (period.from && day < period.from) return false;
  if (period.to && day > period.to) return false;
  return true;
}

function add(map: Record<string, number>, key: string | null): void {
  const k = key ?? 'unknown';
  map[k] = (map[k] ?? 0) + 1;
}

export function durationStats(values: readonly number[]): DurationStats {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { count: 0, min: null, median: null, mean: null, max: null };
  const mid = Math.floor(n / 2);
  const median = n % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { count: n, min: sorted[0]!, median, mean: sorted.reduce((s, v) => s + v, 0) / n, max: sorted[n - 1]! };
}

export function buildReport(rows: readonly CaseRow[], period: ReportPeriod): Report {
  const byStatus = Object.fromEntries(CASE_STATUSES.map((s) => [s, 0])) as Record<CaseStatus, number>;
  const byThreatType: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  const byReason: Record<string, number> = {};
  let opened = 0;
  let closed = 0;
  let delivered = 0;
  let warnedCases = 0;
  let approved = 0;
  const times: number[] = [];

  for (const row of rows) {
    if (inPeriod(row.openedAt, period)) {
      opened++;
      add(byThreatType, row.threatType);
      byStatus[row.status]++;
    }
    if (inPeriod(row.closedAt, period)) closed++;
    let any = false;
    for (const d of row.deliveries) {
      if (!inPeriod(d.deliveredAt, period)) continue;
      delivered++;
      any = true;
      add(byChannel, d.channel);
    }
    if (any) warnedCases++;
    if (row.outcome === 'waived' && inPeriod(row.waivedAt, period)) {
      approved++;
      for (const reason of row.waiverReasons) add(byReason, reason);
    }
    // Counted in the period in which the warning was first delivered.
    if (row.openedAt && row.firstDeliveredAt && inPeriod(row.firstDeliveredAt, period)) {
      const ms = Date.parse(row.firstDeliveredAt) - Date.parse(row.openedAt);
      if (Number.isFinite(ms)) times.push(Math.max(0, ms));
    }
  }
  return {
    period,
    cases: { opened, byThreatType, byStatus, closed },
    warnings: { delivered, cases: warnedCases, byChannel },
    waivers: { approved, byReason },
    openedToWarned: durationStats(times),
  };
}

export type PeriodPreset = 'this-month' | 'last-month' | 'this-quarter' | 'this-year' | 'last-year' | 'all';

export const PRESET_LABELS: Record<PeriodPreset, string> = {
  'this-month': 'This month',
  'last-month': 'Last month',
  'this-quarter': 'This quarter',
  'this-year': 'This year',
  'last-year': 'Last year',
  all: 'All time',
};

const day = (y: number, m: number, d: number) => {
  const date = new Date(y, m, d);
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
};

/** The first and last day of a preset period around `now` (local time). */
export function presetPeriod(preset: PeriodPreset, now: Date = new Date()): ReportPeriod {
  const y = now.getFullYear();
  const m = now.getMonth();
  switch (preset) {
    case 'this-month':
      return { from: day(y, m, 1), to: day(y, m + 1, 0) };
    case 'last-month':
      return { from: day(y, m - 1, 1), to: day(y, m, 0) };
    case 'this-quarter': {
      const q = Math.floor(m / 3) * 3;
      return { from: day(y, q, 1), to: day(y, q + 3, 0) };
    }
    case 'this-year':
      return { from: day(y, 0, 1), to: day(y, 11, 31) };
    case 'last-year':
      return { from: day(y - 1, 0, 1), to: day(y - 1, 11, 31) };
    case 'all':
      return { from: '', to: '' };
  }
}

/** "1 March 2025 to 31 March 2025", "All time". */
export function describePeriod(period: ReportPeriod): string {
  if (!period.from && !period.to) return 'All time';
  if (!period.from) return `Up to ${period.to}`;
  if (!period.to) return `From ${period.from}`;
  return `${period.from} to ${period.to}`;
}
