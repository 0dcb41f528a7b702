import { describe, expect, it } from 'vitest';
import { toCaseRow } from '../../renderer/src/lib/case-rows';
import { buildReport, durationStats, presetPeriod } from '../../renderer/src/lib/reports';
import { CaseLog, waivedCase, warnedCase } from './helpers/case-log';

describe('the period report', () => {
  it('counts cases, deliveries by channel, waivers by reason and the time to warn', () => {
    const log = new CaseLog(Date.parse('2025-03-01T08:00:00Z'));
    const a = warnedCase(log, { deliveredAt: '2025-03-01T20:00:00Z', channel: 'direct-to-victim' });
    const b = warnedCase(log, { deliveredAt: '2025-03-03T11:00:00Z', channel: 'via-liaison' });
    const c = waivedCase(log, { threatType: 'kidnapping' });
    // A case of another month, and a delivery outside the period.
    const d = warnedCase(log, { deliveredAt: '2025-04-02T10:00:00Z' });
    const rows = [a, b, c, d].map((id) => toCaseRow(log.view(id)));
    const march = buildReport(rows, { from: '2025-03-01', to: '2025-03-31' });

    expect(march.cases.opened).toBe(4);
    expect(march.cases.byThreatType).toEqual({ 'intentional-killing': 3, kidnapping: 1 });
    expect(march.warnings.delivered).toBe(2);
    expect(march.warnings.byChannel).toEqual({ 'direct-to-victim': 1, 'via-liaison': 1 });
    expect(march.waivers.approved).toBe(1);
    const reasons = toCaseRow(log.view(c)).waiverReasons;
    expect(Object.keys(march.waivers.byReason).sort()).toEqual([...reasons].sort());
    expect(march.openedToWarned.count).toBe(2);
    const opened = (id: string) => Date.parse(log.view(id).dates.openedAt!);
    const expected = [Date.parse('2025-03-01T20:00:00Z') - opened(a), Date.parse('2025-03-03T11:00:00Z') - opened(b)];
    expect(march.openedToWarned.min).toBe(Math.min(...expected));
    expect(march.openedToWarned.max).toBe(Math.max(...expected));

    const april = buildReport(rows, { from: '2025-04-01', to: '2025-04-30' });
    expect(april.cases.opened).toBe(0);
    expect(april.warnings.delivered).toBe(1);
    expect(april.openedToWarned.count).toBe(1);
    expect(buildReport(rows, { from: '', to: '' }).warnings.delivered).toBe(3);
  });

  it('takes the median of an even and an odd count', () => {
    expect(durationStats([]).median).toBeNull();
    expect(durationStats([5, 1, 3]).median).toBe(3);
    expect(durationStats([4, 1, 3, 2]).median).toBe(2.5);
    expect(durationStats([4, 1, 3, 2]).mean).toBe(2.5);
  });

  it('knows its preset periods', () => {
    const now = new Date(2025, 4, 17);
    expect(presetPeriod('this-month', now)).toEqual({ from: '2025-05-01', to: '2025-05-31' });
    expect(presetPeriod('last-month', now)).toEqual({ from: '2025-04-01', to: '2025-04-30' });
    expect(presetPeriod('this-quarter', now)).toEqual({ from: '2025-04-01', to: '2025-06-30' });
    expect(presetPeriod('last-year', now)).toEqual({ from: '2024-01-01', to: '2024-12-31' });
    expect(presetPeriod('last-month', new Date(2025, 0, 9))).toEqual({ from: '2024-12-01', to: '2024-12-31' });
  });
});
