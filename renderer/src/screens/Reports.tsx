/**
 * The printable summary of a period. The page is the report: the print stylesheet hides
 * everything else, so "Print" (or "Save as PDF" in the print dialog) gives a clean copy.
 */
import { useMemo, useState } from 'react';
import { CASE_STATUS_INFO, CASE_STATUSES, DEFAULT_POLICY, policyLabel } from '../../../shared/domain';
import { useCaseRows, useKeyCard } from '../api/queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatDateTime, formatDuration } from '../lib/format';
import { buildReport, describePeriod, presetPeriod, PRESET_LABELS, type PeriodPreset, type ReportPeriod } from '../lib/reports';

export function Reports() {
  const rows = useCaseRows();
  const card = useKeyCard();
  const [preset, setPreset] = useState<PeriodPreset | 'custom'>('this-month');
  const [period, setPeriod] = useState<ReportPeriod>(() => presetPeriod('this-month'));
  const report = useMemo(() => (rows.data ? buildReport(rows.data, period) : null), [rows.data, period]);
  const policy = DEFAULT_POLICY;
  const [generatedAt] = useState(() => new Date().toISOString());

  return (
    <section className="screen reports" aria-labelledby="reports-title">
      <h1 id="reports-title">Reports</h1>
      <form className="card no-print" aria-label="Report period" onSubmit={(e) => e.preventDefault()}>
        <div className="filter-grid">
          <div className="field">
            <label htmlFor="r-preset">Period</label>
            <select
              id="r-preset"
              value={preset}
              onChange={(e) => {
                const p = e.target.value as PeriodPreset | 'custom';
                setPreset(p);
                if (p !== 'custom') setPeriod(presetPeriod(p));
              }}
            >
              {(Object.keys(PRESET_LABELS) as PeriodPreset[]).map((p) => (
                <option key={p} value={p}>
                  {PRESET_LABELS[p]}
                </option>
              ))}
              <option value="custom">Chosen dates</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="r-from">From</label>
            <input
              id="r-from"
              type="date"
              value={period.from}
              onChange={(e) => {
                setPreset('custom');
                setPeriod((p) => ({ ...p, from: e.target.value }));
              }}
            />
          </div>
          <div className="field">
            <label htmlFor="r-to">To</label>
            <input
              id="r-to"
              type="date"
              value={period.to}
              onChange={(e) => {
                setPreset('custom');
                setPeriod((p) => ({ ...p, to: e.target.value }));
              }}
            />
          </div>
        </div>
        <div className="actions">
          <button type="button" className="primary" onClick={() => window.print()} disabled={!report}>
            Print or save as PDF
          </button>
        </div>
      </form>
      <ErrorMessage error={rows.error} title="The cases could not be read." />
      {rows.progress ? (
        <p role="status">
          Reading cases: {rows.progress.loaded} of {rows.progress.total}…
        </p>
      ) : null}
      {report ? (
        <article className="report" aria-labelledby="report-title">
          <header>
            <h2 id="report-title">Duty to warn: summary for {describePeriod(period)}</h2>
            <p className="report-meta">
              Workstation {card.data?.name ?? '—'} · policy {policy.title} · generated {formatDateTime(generatedAt)}. Days are local calendar days, both ends included.
            </p>
          </header>

          <section aria-labelledby="rep-cases">
            <h3 id="rep-cases">Cases</h3>
            <p>
              <strong>{report.cases.opened}</strong> case{report.cases.opened === 1 ? '' : 's'} opened; <strong>{report.cases.closed}</strong> closed in the period.
            </p>
            <CountTable
              caption="Cases opened, by threat type"
              head="Threat type"
              rows={Object.entries(report.cases.byThreatType).map(([code, n]) => [code === 'unknown' ? 'Not known (withheld)' : policyLabel(policy, 'threatTypes', code), n])}
            />
            <CountTable
              caption="Cases opened in the period, by status today"
              head="Status"
              rows={CASE_STATUSES.filter((s) => report.cases.byStatus[s] > 0).map((s) => [CASE_STATUS_INFO[s].label, report.cases.byStatus[s]])}
            />
          </section>

          <section aria-labelledby="rep-warnings">
            <h3 id="rep-warnings">Warnings delivered</h3>
            <p>
              <strong>{report.warnings.delivered}</strong> warning{report.warnings.delivered === 1 ? '' : 's'} delivered in {report.warnings.cases} case
              {report.warnings.cases === 1 ? '' : 's'}.
            </p>
            <CountTable
              caption="Warnings delivered, by channel"
              head="Channel"
              rows={Object.entries(report.warnings.byChannel).map(([code, n]) => [code === 'unknown' ? 'Not known (withheld)' : policyLabel(policy, 'deliveryChannels', code), n])}
            />
          </section>

          <section aria-labelledby="rep-waivers">
            <h3 id="rep-waivers">Waivers</h3>
            <p>
              <strong>{report.waivers.approved}</strong> waiver{report.waivers.approved === 1 ? '' : 's'} approved in the period. A waiver may give several reasons.
            </p>
            <CountTable
              caption="Approved waivers, by reason"
              head="Reason"
              rows={Object.entries(report.waivers.byReason).map(([code, n]) => [policyLabel(policy, 'waiverReasons', code), n])}
            />
          </section>

          <section aria-labelledby="rep-time">
            <h3 id="rep-time">Time from case opened to warning delivered</h3>
            {report.openedToWarned.count === 0 ? (
              <p>No first warning was delivered in the period.</p>
            ) : (
              <table>
                <caption>For the {report.openedToWarned.count} case{report.openedToWarned.count === 1 ? '' : 's'} whose first warning was delivered in the period</caption>
                <tbody>
                  <tr>
                    <th scope="row">Fastest</th>
                    <td>{formatDuration(report.openedToWarned.min)}</td>
                  </tr>
                  <tr>
                    <th scope="row">Median</th>
                    <td>{formatDuration(report.openedToWarned.median)}</td>
                  </tr>
                  <tr>
                    <th scope="row">Average</th>
                    <td>{formatDuration(report.openedToWarned.mean)}</td>
                  </tr>
                  <tr>
                    <th scope="row">Slowest</th>
                    <td>{formatDuration(report.openedToWarned.max)}</td>
                  </tr>
                </tbody>
              </table>
            )}
          </section>
        </article>
      ) : rows.isPending ? (
        <p aria-busy="true">Preparing the report…</p>
      ) : null}
    </section>
  );
}

function CountTable({ caption, head, rows }: { caption: string; head: string; rows: [string, number][] }) {
  if (rows.length === 0) return <p className="muted">{caption}: none.</p>;
  const sorted = [...rows].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{head}</th>
          <th scope="col" className="num">
            Number
          </th>
        </tr>
      </thead>
      <tbody>
        {sorted.map(([label, n]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td className="num">{n}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
