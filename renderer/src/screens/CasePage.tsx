/**
 * One case: where it stands and what it needs next, every record with its current values
 * (sensitive fields masked until revealed, corrections marked), the actions an officer
 * takes on it (amend, note, approve, follow up, escalate, close), and its timeline.
 */
import { useState, type ReactNode } from 'react';
import { isAmendable, KIND_INFO, shortId, type CaseRecord, type CaseView, type EntryOrigin, type TimelineItem } from '../../../shared/domain';
import { useAppend, useCase, useKeyCard } from '../api/queries';
import { CopyButton } from '../components/CopyButton';
import { ErrorMessage } from '../components/ErrorMessage';
import { RecordFields } from '../components/FieldValue';
import { MarkingBadge, StatusBadge } from '../components/StatusBadge';
import { AmendForm } from '../forms/AmendForm';
import { EntryForm } from '../forms/EntryForm';
import { nextStep, STEP_DEFS } from '../forms/flow';
import { formatDate, formatDateTime } from '../lib/format';

type Panel = { type: 'amend'; id: string } | { type: 'note' } | { type: 'escalate' } | { type: 'resolve'; id: string } | { type: 'done'; id: string } | null;

export function CasePage({ caseId }: { caseId: string }) {
  const query = useCase(caseId);
  const view = query.data;
  return (
    <section className="screen case-page" aria-labelledby="case-title">
      <h1 id="case-title">{view ? view.title : `Case ${shortId(caseId)}`}</h1>
      <ErrorMessage error={query.error} title="The case could not be read." />
      {query.isPending ? <p aria-busy="true">Loading the case…</p> : null}
      {view ? <CaseBody view={view} /> : null}
    </section>
  );
}

export function authorName(author: string, origin: EntryOrigin, ownKey: string | undefined): string {
  if (origin.kind === 'imported') return `${origin.name} (imported)`;
  if (ownKey && author === ownKey) return 'This workstation';
  return `Key ${author.slice(0, 8)}…`;
}

function CaseBody({ view }: { view: CaseView }) {
  const append = useAppend();
  const card = useKeyCard();
  const [panel, setPanel] = useState<Panel>(null);
  const caseId = view.caseId;
  // The core accepts local entries only on cases opened here: a case opened on another
  // workstation is read here, and worked on where it was opened.
  const readOnly = view.opening === null || view.opening.origin.kind === 'imported';
  const open = view.status !== 'closed' && !readOnly;
  const next = readOnly ? null : nextStep(view);
  const own = card.data?.ed25519;
  const save = (kind: Parameters<typeof append>[0][number]['kind']) => async (body: Record<string, unknown>) => {
    await append([{ kind, body }], caseId);
    setPanel(null);
  };
  const toggle = (p: Exclude<Panel, null>) => setPanel((cur) => (cur && JSON.stringify(cur) === JSON.stringify(p) ? null : p));

  const record = (r: CaseRecord, title: string, extra?: ReactNode) => (
    <RecordCard key={r.id} record={r} title={title} own={own}>
      {extra}
      {isAmendable(r.kind) && open && r.origin.kind === 'local' ? (
        <button type="button" className="secondary" aria-expanded={panel?.type === 'amend' && panel.id === r.id} onClick={() => toggle({ type: 'amend', id: r.id })}>
          Amend a field<span className="visually-hidden"> of the {title.toLowerCase()}</span>
        </button>
      ) : null}
      {panel?.type === 'amend' && panel.id === r.id ? (
        <AmendForm caseId={caseId} record={r} onSave={save('amendment')} onCancel={() => setPanel(null)} />
      ) : null}
    </RecordCard>
  );

  return (
    <>
      <div className="case-summary">
        <p className="case-line">
          <StatusBadge status={view.status} /> <MarkingBadge marking={view.marking} /> <span>{view.statusReason}</span>
        </p>
        <dl className="facts">
          <div>
            <dt>Case id</dt>
            <dd>
              <code>{caseId}</code> <CopyButton text={caseId} label="Copy the case id" className="link-button" />
            </dd>
          </div>
          <div>
            <dt>Opened</dt>
            <dd>{formatDateTime(view.dates.openedAt)}</dd>
          </div>
          <div>
            <dt>Policy</dt>
            <dd>{view.policy ?? '—'}</dd>
          </div>
          <div>
            <dt>Entries</dt>
            <dd>{view.entryCount}</dd>
          </div>
          {view.importedFrom.length > 0 ? (
            <div>
              <dt>Imported from</dt>
              <dd>{view.importedFrom.map((w) => w.name).join(', ')}</dd>
            </div>
          ) : null}
        </dl>
      </div>

      {view.problems.length > 0 ? (
        <div className="message warning" role="note">
          <p className="message-title">Things to know about this case’s record:</p>
          <ul>
            {view.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      ) : null}

      {readOnly ? (
        <div className="message info" role="note">
          <p>
            This case was opened on {view.opening ? (view.opening.origin.kind === 'imported' ? view.opening.origin.name : 'another workstation') : 'another workstation, and its opening is not held here'}. It can be read
            and exported here; it is worked on where it was opened.
          </p>
        </div>
      ) : null}

      <nav className="case-actions" aria-label="Case actions">
        {next ? (
          <a className="button primary" href={`#/cases/${caseId}/step/${next}`}>
            Next step: {STEP_DEFS[next].title}
          </a>
        ) : null}
        {open ? (
          <>
            <button type="button" className="secondary" aria-expanded={panel?.type === 'note'} onClick={() => toggle({ type: 'note' })}>
              Add a note
            </button>
            <a className="button secondary" href={`#/cases/${caseId}/step/follow-up`}>
              Add a follow-up
            </a>
            <button type="button" className="secondary" aria-expanded={panel?.type === 'escalate'} onClick={() => toggle({ type: 'escalate' })}>
              Escalate a disagreement
            </button>
            {next !== 'closure' ? (
              <a className="button secondary" href={`#/cases/${caseId}/step/closure`}>
                Close the case
              </a>
            ) : null}
          </>
        ) : null}
        <a className="button secondary" href={`#/export?case=${caseId}`}>
          Export this case
        </a>
      </nav>

      {panel?.type === 'note' ? (
        <section className="card" aria-labelledby="note-title">
          <h2 id="note-title">Add a note</h2>
          <EntryForm kind="note" formId="note" labelledBy="note-title" fixed={{ caseId }} draftKey={`case.${caseId}.note`} submitLabel="Save the note" onSubmit={save('note')} onCancel={() => setPanel(null)} />
        </section>
      ) : null}
      {panel?.type === 'escalate' ? (
        <section className="card" aria-labelledby="esc-title">
          <h2 id="esc-title">Escalate a disagreement</h2>
          <EntryForm
            kind="escalation"
            formId="escalate"
            labelledBy="esc-title"
            fixed={{ caseId }}
            entryChoices={{ subject: view.timeline.filter((t) => t.kind !== 'amendment').map((t) => ({ value: t.id, label: `${t.label} of ${formatDateTime(t.ts)}` })) }}
            draftKey={`case.${caseId}.escalation`}
            submitLabel="Escalate"
            onSubmit={save('escalation')}
            onCancel={() => setPanel(null)}
          />
        </section>
      ) : null}

      <h2>Current state</h2>
      {view.opening ? record(view.opening, 'Threat') : <p className="muted">The opening of this case is not held here.</p>}
      {view.assessments.map((a, i) => record(a, view.assessments.length > 1 ? `Assessment ${i + 1}` : 'Assessment'))}
      {view.decisions.map((d, i) =>
        record(d, view.decisions.length > 1 ? `Decision ${i + 1}` : 'Decision', d.approval !== 'none' ? <p className="note">This decision was {d.approval}.</p> : null),
      )}
      {view.waivers.map((w, i) =>
        record(
          w,
          view.waivers.length > 1 ? `Waiver ${i + 1}` : 'Waiver',
          <>
            <p className={`approval approval-${w.approval}`}>
              {w.approval === 'approved' ? 'Approved' : w.approval === 'rejected' ? 'Rejected' : 'Awaiting approval'}
              {w.approvals.length > 0
                ? `: ${w.approvals.map((a) => `${a.verdict ?? '?'} by ${a.approvedBy ?? '?'} on ${formatDate(a.ts)}${a.counted ? '' : ' (does not count)'}`).join('; ')}`
                : ''}
            </p>
            {w.approval === 'none' && view.waiver?.id === w.id && open ? (
              <a className="button primary" href={`#/cases/${caseId}/step/approval`}>
                Approve or reject this waiver
              </a>
            ) : null}
          </>,
        ),
      )}
      {view.deliveries.map((d, i) => record(d, view.deliveries.length > 1 ? `Delivery ${i + 1}` : 'Delivery'))}
      {view.followUps.map((f, i) =>
        record(
          f,
          `Follow-up ${i + 1}`,
          <>
            <p className="note">
              {f.done ? 'Done.' : f.dueDate ? `Due ${f.dueDate}.` : 'Open.'}
              {view.status !== 'closed' && !f.done && f.dueDate && Date.parse(`${f.dueDate}T00:00:00Z`) + 86_400_000 <= Date.now() ? (
                <span className="badge overdue"> Overdue</span>
              ) : null}
            </p>
            {!f.done && f.body.status !== 'done' && open ? (
              <button type="button" className="secondary" aria-expanded={panel?.type === 'done' && panel.id === f.id} onClick={() => toggle({ type: 'done', id: f.id })}>
                Report it done
              </button>
            ) : null}
            {panel?.type === 'done' && panel.id === f.id ? (
              <section className="card" aria-labelledby={`done-${f.id}`}>
                <h3 id={`done-${f.id}`}>Report the follow-up done</h3>
                <EntryForm
                  kind="follow-up"
                  formId={`done-${f.id.slice(0, 8)}`}
                  labelledBy={`done-${f.id}`}
                  fixed={{ caseId, completes: f.id, status: 'done' }}
                  hidden={['completes', 'status', 'dueDate']}
                  initial={{ action: typeof f.body.action === 'string' ? f.body.action : '' }}
                  submitLabel="Save"
                  onSubmit={save('follow-up')}
                  onCancel={() => setPanel(null)}
                />
              </section>
            ) : null}
          </>,
        ),
      )}
      {view.notes.map((n, i) => record(n, `Note ${i + 1}`))}
      {view.escalations.map((e, i) =>
        record(
          e,
          `Escalation ${i + 1}`,
          <>
            <p className="note">{e.resolvedBy ? 'Resolved.' : 'Not resolved yet.'}</p>
            {!e.resolvedBy && open ? (
              <button type="button" className="secondary" aria-expanded={panel?.type === 'resolve' && panel.id === e.id} onClick={() => toggle({ type: 'resolve', id: e.id })}>
                Record the resolution
              </button>
            ) : null}
            {panel?.type === 'resolve' && panel.id === e.id ? (
              <section className="card" aria-labelledby={`res-${e.id}`}>
                <h3 id={`res-${e.id}`}>Resolution</h3>
                <EntryForm
                  kind="resolution"
                  formId={`res-${e.id.slice(0, 8)}`}
                  labelledBy={`res-${e.id}`}
                  fixed={{ caseId, resolves: e.id }}
                  hidden={['resolves']}
                  submitLabel="Save the resolution"
                  onSubmit={save('resolution')}
                  onCancel={() => setPanel(null)}
                />
              </section>
            ) : null}
          </>,
        ),
      )}
      {view.resolutions.map((r, i) => record(r, `Resolution ${i + 1}`))}
      {view.closure ? record(view.closure, 'Closure') : null}

      <Timeline items={view.timeline} own={own} />
    </>
  );
}

function RecordCard({ record, title, own, children }: { record: CaseRecord; title: string; own: string | undefined; children?: ReactNode }) {
  const id = `rec-${record.id}`;
  return (
    <article className="card record" aria-labelledby={id}>
      <header className="record-head">
        <h3 id={id}>{title}</h3>
        <p className="record-meta">
          {formatDateTime(record.ts)} · {authorName(record.author, record.origin, own)}
          {record.verified === false ? ' · not verified' : ''}
        </p>
      </header>
      <RecordFields kind={record.kind} body={record.body as Record<string, unknown>} withheld={record.withheld} amendedFields={record.amendedFields} />
      {record.amendments.length > 0 ? (
        <details className="amendments">
          <summary>
            Corrected {record.amendments.length} time{record.amendments.length === 1 ? '' : 's'}
          </summary>
          <ul>
            {record.amendments.map((a) => (
              <li key={a.id}>
                {formatDateTime(a.ts)}: {a.fields.join(', ') || 'fields withheld'}
                {a.reason ? ` — “${a.reason}”` : ''}
                {a.amendedBy ? ` (${a.amendedBy})` : ''}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {children ? <div className="record-actions">{children}</div> : null}
    </article>
  );
}

function Timeline({ items, own }: { items: readonly TimelineItem[]; own: string | undefined }) {
  return (
    <section aria-labelledby="timeline-title" className="timeline">
      <h2 id="timeline-title">Timeline</h2>
      <ol>
        {items.map((t) => (
          <li key={t.id} className={`timeline-item kind-${t.kind.replace('.', '-')}`}>
            <p className="timeline-head">
              <time dateTime={t.ts}>{formatDateTime(t.ts)}</time> <strong>{t.label}</strong>
            </p>
            <p>{t.summary}</p>
            <p className="timeline-meta">
              <span>Author: {authorName(t.author, t.origin, own)}</span>
              <span>{t.origin.kind === 'local' ? 'Recorded on this workstation' : `Imported from ${t.origin.name}`}</span>
              <span>{t.verified === false ? 'Verification failed' : t.verified === true ? 'Verified' : 'Not verified'}</span>
              <span>Entry {shortId(t.id)}</span>
              {t.withheld.length > 0 ? <span>Withheld: {t.withheld.join(', ')}</span> : null}
              {t.amendedBy.length > 0 ? <span>Corrected later</span> : null}
            </p>
          </li>
        ))}
      </ol>
      <p className="visually-hidden">{items.length} entries. Kinds: {[...new Set(items.map((t) => KIND_INFO[t.kind].title))].join(', ')}.</p>
    </section>
  );
}
