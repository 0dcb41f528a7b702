/**
 * The audit trail: what the log records about itself (exports, imports, key changes, the
 * vault's own events), and the integrity check of the whole vault with its result in words.
 */
import { useState } from 'react';
import { KIND_INFO, SYSTEM_ENTRY_KINDS, type SystemEntryKind } from '../../../shared/domain';
import type { ResponseOf } from '../../../shared/ipc';
import { call } from '../api/client';
import { useLongOperation, useOperationOutcome } from '../api/operations';
import { useEntries } from '../api/queries';
import { ErrorMessage, Notice } from '../components/ErrorMessage';
import { ProgressBar } from '../components/ProgressBar';
import { formatDateTime } from '../lib/format';

const PAGE = 50;

export function Audit() {
  return (
    <section className="screen audit" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <IntegrityCheck />
      <AuditLog />
    </section>
  );
}

function AuditLog() {
  const [kind, setKind] = useState<SystemEntryKind | 'all'>('all');
  const [page, setPage] = useState(0);
  const query = useEntries({ kind: kind === 'all' ? [...SYSTEM_ENTRY_KINDS] : kind, order: 'desc', offset: page * PAGE, limit: PAGE });
  const total = query.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE));
  return (
    <section className="card" aria-labelledby="log-title">
      <h2 id="log-title">The vault’s own record</h2>
      <p className="help">Every export (what, to whom), every import (from whom, the verdict), every key trusted or revoked, every passphrase change and backup.</p>
      <div className="field inline">
        <label htmlFor="audit-kind">Show</label>
        <select
          id="audit-kind"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value as SystemEntryKind | 'all');
            setPage(0);
          }}
        >
          <option value="all">Everything</option>
          {SYSTEM_ENTRY_KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_INFO[k].title}
            </option>
          ))}
        </select>
      </div>
      <ErrorMessage error={query.error} />
      {query.data ? (
        query.data.items.length === 0 ? (
          <p>Nothing recorded of this kind.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">Audit entries</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col">Details</th>
                  <th scope="col">Entry</th>
                </tr>
              </thead>
              <tbody>
                {query.data.items.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <time dateTime={e.ts}>{formatDateTime(e.ts)}</time>
                    </td>
                    <td>{KIND_INFO[e.kind as SystemEntryKind]?.title ?? e.kind}</td>
                    <td>{e.summary}</td>
                    <td>#{e.index}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : query.isPending ? (
        <p aria-busy="true">Loading…</p>
      ) : null}
      {total > PAGE ? (
        <nav className="pager" aria-label="Audit pages">
          <button type="button" className="secondary" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
            Newer
          </button>
          <span>
            Page {page + 1} of {pages}
          </span>
          <button type="button" className="secondary" disabled={page + 1 >= pages} onClick={() => setPage((p) => p + 1)}>
            Older
          </button>
        </nav>
      ) : null}
    </section>
  );
}

type Report = ResponseOf<'verifyVault'>;

function IntegrityCheck() {
  const op = useLongOperation((_: void, operationId): Promise<Report> => call('verifyVault', { operationId }), 'verify');
  const { result: report, failure, start } = useOperationOutcome(op);
  return (
    <section className="card" aria-labelledby="integrity-title">
      <h2 id="integrity-title">Integrity check</h2>
      <p className="help">
        Recomputes every entry’s hash, the whole log and every signed checkpoint, and reports anything changed, removed, reordered or
        swapped in the vault file.
      </p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={op.running}
          onClick={() => void start()}
        >
          Check the whole vault
        </button>
      </div>
      {op.running ? <ProgressBar label="Checking the vault" progress={op.progress} onCancel={op.cancel} /> : null}
      <ErrorMessage error={failure} title="The check did not complete." />
      {report ? <IntegrityResult report={report} /> : null}
    </section>
  );
}

export function IntegrityResult({ report }: { report: Report }) {
  if (report.ok) {
    return (
      <Notice tone="success">
        <p className="message-title">The vault is intact.</p>
        <p>
          All {report.size.toLocaleString('en')} entries and {report.checkpoints.toLocaleString('en')} signed checkpoints check out. Log root:{' '}
          <code className="break">{report.root}</code>
        </p>
      </Notice>
    );
  }
  return (
    <div className="message error" role="alert">
      <p className="message-title">The vault failed its integrity check.</p>
      <p>
        {report.firstBadIndex !== null
          ? `The first damaged or altered entry is number ${report.firstBadIndex}. Entries before it check out.`
          : 'The log’s signed state does not match its entries.'}{' '}
        Do not export from this vault; keep the file for investigation and restore from a backup.
      </p>
      <ul>
        {report.problems.map((p, i) => (
          <li key={i}>
            {p.what === 'entry'
              ? `Entry ${p.index}`
              : p.what === 'checkpoint'
                ? `Checkpoint at size ${p.index}`
                : p.what === 'index'
                  ? `The index of entry ${p.index}`
                  : p.what === 'imports'
                    ? 'Imported entries'
                    : 'The vault’s signed head'}
            : {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
