/**
 * Export: choose what leaves (cases, or some of their entries, or the whole log), for whom
 * (trusted workstations, or pasted age recipients), and what stays behind (sensitive fields
 * unless explicitly included, any field redacted by name); see exactly what will leave;
 * then save a signed bundle file or create the armored text to paste into a cable.
 */
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { describeFields, isEntryKind, shortId } from '../../../shared/domain';
import type { ResponseOf } from '../../../shared/ipc';
import { call } from '../api/client';
import { useLongOperation } from '../api/operations';
import { keys, useCaseRows, useEntries } from '../api/queries';
import { CopyButton } from '../components/CopyButton';
import { ErrorMessage, Notice } from '../components/ErrorMessage';
import { FieldValue } from '../components/FieldValue';
import { ProgressBar } from '../components/ProgressBar';
import { searchWords } from '../lib/case-rows';
import { exportSelection, parseRecipients, previewEntry, previewTotals, redactableFields, type EntryPreview } from '../lib/export-preview';
import { formatDateTime, plural } from '../lib/format';
import { useTrustList } from './Keys';

const PREVIEW_LIMIT = 300;
const PICK_LIMIT = 100;

type ExportResult = ResponseOf<'exportBundle'>;
type TextResult = ResponseOf<'exportBundleText'>;

export function Export({ initialCases }: { initialCases: string[] }) {
  const client = useQueryClient();
  const rows = useCaseRows();
  const trust = useTrustList();
  const [scope, setScope] = useState<'cases' | 'all'>('cases');
  const [cases, setCases] = useState<string[]>(initialCases);
  const [excluded, setExcluded] = useState<Record<string, string[]>>({});
  const [search, setSearch] = useState('');
  const [to, setTo] = useState<string[]>([]);
  const [pasted, setPasted] = useState('');
  const [includeSensitive, setIncludeSensitive] = useState(false);
  const [redact, setRedact] = useState<string[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState<ExportResult | null>(null);
  const [text, setText] = useState<TextResult | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const views = useQueries({
    queries: cases.map((caseId) => ({ queryKey: keys.case(caseId), queryFn: () => call('getCase', { caseId }) })),
  });
  const caseEntries = views.flatMap((q) => (q.data ? [{ caseId: q.data.caseId, entryIds: q.data.timeline.filter((t) => t.origin.kind === 'local').map((t) => t.id) }] : []));
  const chosenIds = scope === 'cases' ? caseEntries.flatMap((c) => c.entryIds.filter((id) => !(excluded[c.caseId] ?? []).includes(id))) : [];
  const all = useEntries({ limit: 1 }, scope === 'all');

  const entries = useQueries({
    queries: chosenIds.slice(0, PREVIEW_LIMIT).map((id) => ({ queryKey: keys.entry(id), queryFn: () => call('getEntry', { id }), staleTime: Infinity })),
  });
  const loaded = entries.flatMap((q) => (q.data ? [q.data] : []));
  const previews = useMemo(() => loaded.map((e) => previewEntry(e, { redact, includeSensitive })), [loaded, redact, includeSensitive]);
  const totals = previewTotals(previews);
  const redactable = useMemo(() => redactableFields(loaded), [loaded]);

  const { recipients: pastedRecipients, invalid } = parseRecipients(pasted);
  const trustedForEncryption = (trust.data?.keys ?? []).filter((k) => k.status === 'trusted' && k.ageRecipient);
  const selection = exportSelection(scope, caseEntries, excluded);
  const request = selection ? { selection, to: [...to, ...pastedRecipients], redact, includeSensitive } : null;

  const exportFile = useLongOperation((req: NonNullable<typeof request>, operationId) => call('exportBundle', { ...req, operationId }), 'export');
  const exportText = useLongOperation((req: NonNullable<typeof request>, operationId) => call('exportBundleText', { ...req, operationId }), 'export');
  const running = exportFile.running || exportText.running;

  const matches = useMemo(() => {
    const words = searchWords(search);
    const list = rows.data ?? [];
    return (words.length === 0 ? list : list.filter((r) => words.every((w) => r.search.includes(w)))).slice(0, PICK_LIMIT);
  }, [rows.data, search]);

  const check = (): boolean => {
    if (!request) {
      setProblem(scope === 'cases' ? 'Choose at least one case (or entry) to export.' : 'Nothing to export.');
      return false;
    }
    if (invalid.length > 0) {
      setProblem(`Recipients: “${invalid[0]}” is not an age recipient (they start with age1 and are 62 characters long).`);
      return false;
    }
    setProblem(null);
    return true;
  };

  const run = async (mode: 'file' | 'text') => {
    setFailure(null);
    setSaved(null);
    setText(null);
    if (!check() || !request) return;
    try {
      if (mode === 'file') setSaved(await exportFile.run(request));
      else setText(await exportText.run(request));
      // The export is recorded in the log.
      await client.invalidateQueries({ queryKey: ['entries', 'list'] });
    } catch (error) {
      setFailure(error);
    }
  };

  const toggleCase = (caseId: string, on: boolean) => setCases((c) => (on ? (c.includes(caseId) ? c : [...c, caseId]) : c.filter((x) => x !== caseId)));
  const toggleEntry = (caseId: string, id: string, on: boolean) =>
    setExcluded((ex) => {
      const current = ex[caseId] ?? [];
      return { ...ex, [caseId]: on ? current.filter((x) => x !== id) : [...current, id] };
    });

  return (
    <section className="screen export" aria-labelledby="export-title">
      <h1 id="export-title">Export</h1>
      <p className="lead">A bundle is signed by this workstation. The receiving workstation checks the signature and every entry before it accepts anything.</p>

      <section className="card" aria-labelledby="what-title">
        <h2 id="what-title">1. What to export</h2>
        <fieldset className="field radios">
          <legend>Export</legend>
          <div className="choice">
            <input type="radio" id="scope-cases" name="scope" checked={scope === 'cases'} onChange={() => setScope('cases')} />
            <label htmlFor="scope-cases">Chosen cases or entries</label>
          </div>
          <div className="choice">
            <input type="radio" id="scope-all" name="scope" checked={scope === 'all'} onChange={() => setScope('all')} />
            <label htmlFor="scope-all">
              The whole log<span className="option-text">Every entry of this vault, the audit entries included.</span>
            </label>
          </div>
        </fieldset>
        {scope === 'all' ? <p>{all.data ? `${plural(all.data.total, 'entry', 'entries')} will be exported.` : 'Counting the entries…'}</p> : null}
        {scope === 'cases' ? (
          <>
            <div className="field">
              <label htmlFor="export-search">Find cases</label>
              <input id="export-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
            </div>
            <fieldset className="pick-list">
              <legend>Cases ({matches.length === PICK_LIMIT ? `first ${PICK_LIMIT} matches` : `${matches.length} found`})</legend>
              <ul>
                {matches.map((r) => (
                  <li key={r.caseId} className="choice">
                    <input id={`pick-${r.caseId}`} type="checkbox" checked={cases.includes(r.caseId)} onChange={(e) => toggleCase(r.caseId, e.target.checked)} />
                    <label htmlFor={`pick-${r.caseId}`}>
                      {r.title} <span className="muted">({shortId(r.caseId)}, opened {formatDateTime(r.openedAt)})</span>
                    </label>
                  </li>
                ))}
              </ul>
            </fieldset>
            {views.map((q, i) =>
              q.data ? (
                <details key={q.data.caseId} className="entry-picker">
                  <summary>
                    Entries of “{q.data.title}”: {q.data.timeline.filter((t) => t.origin.kind === 'local').length - (excluded[q.data.caseId]?.length ?? 0)} chosen
                  </summary>
                  <p className="help">Untick the entries that must not leave. Entries imported from other workstations are not exported again.</p>
                  <ul>
                    {q.data.timeline
                      .filter((t) => t.origin.kind === 'local')
                      .map((t) => (
                        <li key={t.id} className="choice">
                          <input
                            id={`entry-${t.id}`}
                            type="checkbox"
                            checked={!(excluded[q.data!.caseId] ?? []).includes(t.id)}
                            onChange={(e) => toggleEntry(q.data!.caseId, t.id, e.target.checked)}
                          />
                          <label htmlFor={`entry-${t.id}`}>
                            {t.label}, {formatDateTime(t.ts)}: {t.summary}
                          </label>
                        </li>
                      ))}
                  </ul>
                </details>
              ) : q.error ? (
                <ErrorMessage key={cases[i]} error={q.error} title={`Case ${shortId(cases[i])} could not be read.`} />
              ) : null,
            )}
          </>
        ) : null}
      </section>

      <section className="card" aria-labelledby="who-title">
        <h2 id="who-title">2. For whom</h2>
        <p className="help">Encrypt the bundle to the workstations that may read it. Without any recipient, the bundle is signed but not encrypted: anyone who holds it can read what it discloses.</p>
        {trustedForEncryption.length > 0 ? (
          <fieldset className="field checkboxes">
            <legend>Trusted workstations</legend>
            {trustedForEncryption.map((k) => (
              <div className="choice" key={k.fingerprint}>
                <input
                  id={`to-${k.fingerprint}`}
                  type="checkbox"
                  checked={to.includes(k.fingerprint)}
                  onChange={(e) => setTo((t) => (e.target.checked ? [...t, k.fingerprint] : t.filter((x) => x !== k.fingerprint)))}
                />
                <label htmlFor={`to-${k.fingerprint}`}>{k.name}</label>
              </div>
            ))}
          </fieldset>
        ) : (
          <p className="muted">No trusted workstation with an encryption key yet (see Keys).</p>
        )}
        <div className="field">
          <label htmlFor="export-recipients">
            Other recipients <span className="optional">(optional)</span>
          </label>
          <p className="help" id="export-recipients-help">
            age recipients (age1…), one a line.
          </p>
          <textarea
            id="export-recipients"
            className="mono"
            rows={2}
            value={pasted}
            onChange={(e) => setPasted(e.target.value)}
            spellCheck={false}
            aria-describedby="export-recipients-help"
            aria-invalid={invalid.length > 0 ? true : undefined}
          />
          {invalid.length > 0 ? <p className="field-error">Not an age recipient: {invalid.join(', ')}</p> : null}
        </div>
      </section>

      <section className="card" aria-labelledby="redact-title">
        <h2 id="redact-title">3. What stays behind</h2>
        <div className="choice">
          <input id="include-sensitive" type="checkbox" checked={includeSensitive} onChange={(e) => setIncludeSensitive(e.target.checked)} />
          <label htmlFor="include-sensitive">
            Include sensitive fields
            <span className="option-text">Source protection, restricted notes and their corrections. Left out unless you tick this.</span>
          </label>
        </div>
        {includeSensitive ? (
          <div className="message warning" role="note">
            <p>Sensitive fields will leave this workstation. Make sure every recipient is cleared for sources and methods.</p>
          </div>
        ) : null}
        {redactable.length > 0 ? (
          <fieldset className="field checkboxes columns">
            <legend>Also withhold these fields</legend>
            {redactable.map((f) => (
              <div className="choice" key={f.name}>
                <input
                  id={`redact-${f.name}`}
                  type="checkbox"
                  checked={redact.includes(f.name)}
                  onChange={(e) => setRedact((r) => (e.target.checked ? [...r, f.name] : r.filter((x) => x !== f.name)))}
                />
                <label htmlFor={`redact-${f.name}`}>{f.title}</label>
              </div>
            ))}
          </fieldset>
        ) : null}
      </section>

      <section className="card" aria-labelledby="preview-title">
        <h2 id="preview-title">4. What will leave</h2>
        {scope === 'all' ? (
          <p>The whole log: every entry, with sensitive fields {includeSensitive ? 'included' : 'withheld'}{redact.length > 0 ? ` and ${redact.length} more field(s) withheld` : ''}.</p>
        ) : chosenIds.length === 0 ? (
          <p>Nothing chosen yet.</p>
        ) : (
          <>
            <p role="status">
              {plural(chosenIds.length, 'entry', 'entries')} from {plural(caseEntries.length, 'case')}.{' '}
              {totals.sensitiveWithheld > 0 ? `${plural(totals.sensitiveWithheld, 'sensitive field')} withheld. ` : ''}
              {chosenIds.length > PREVIEW_LIMIT ? `The first ${PREVIEW_LIMIT} are shown.` : ''}
            </p>
            <ol className="preview-list">
              {previews.map((p) => (
                <PreviewItem key={p.id} preview={p} />
              ))}
            </ol>
          </>
        )}
      </section>

      <section className="card" aria-labelledby="out-title">
        <h2 id="out-title">5. Create the bundle</h2>
        {problem ? (
          <div className="message error" role="alert">
            <p>{problem}</p>
          </div>
        ) : null}
        <div className="actions">
          <button type="button" className="primary" disabled={running} onClick={() => void run('file')}>
            Save the bundle to a file…
          </button>
          <button type="button" className="secondary" disabled={running} onClick={() => void run('text')}>
            Create armored text
          </button>
        </div>
        {exportFile.running ? <ProgressBar label="Exporting" progress={exportFile.progress} onCancel={exportFile.cancel} /> : null}
        {exportText.running ? <ProgressBar label="Exporting" progress={exportText.progress} onCancel={exportText.cancel} /> : null}
        <ErrorMessage error={failure} title="No bundle was created." />
        {saved ? (
          <Notice tone="success">
            <p className="message-title">Bundle saved{saved.files.length > 0 ? `: ${saved.files.join(', ')}` : ''}.</p>
            <ExportFacts result={saved} />
          </Notice>
        ) : null}
        {text ? (
          <div className="armored">
            <Notice tone="success">
              <p className="message-title">Armored text created.</p>
              <ExportFacts result={text} />
            </Notice>
            <div className="field">
              <label htmlFor="armored-text">Armored bundle</label>
              <textarea id="armored-text" className="mono" rows={10} readOnly value={text.text} />
            </div>
            <CopyButton text={text.text} label="Copy the armored text" className="primary" />
          </div>
        ) : null}
      </section>
    </section>
  );
}

function ExportFacts({ result }: { result: ExportResult }) {
  const withheld = Object.entries(result.withheld);
  return (
    <ul>
      <li>
        {plural(result.entryCount, 'entry', 'entries')} from {plural(result.caseCount, 'case')}, signed at log size {result.checkpoint.size}.
      </li>
      <li>
        {result.encrypted
          ? `Encrypted to ${result.recipients.map((r) => r.name ?? `${r.ageRecipient?.slice(0, 12)}…`).join(', ')}.`
          : 'Not encrypted: signed only.'}
      </li>
      <li>{withheld.length === 0 ? 'No field withheld.' : `Withheld: ${withheld.map(([f, n]) => `${f} (${n})`).join(', ')}.`}</li>
      <li>Recorded in this vault’s audit log.</li>
    </ul>
  );
}

function PreviewItem({ preview }: { preview: EntryPreview }) {
  const fields = isEntryKind(preview.kind) ? describeFields(preview.kind) : [];
  return (
    <li className="preview-item">
      <p>
        <strong>{preview.label}</strong>, {formatDateTime(preview.ts)}: {preview.summary}
      </p>
      <p className="preview-fields">
        Leaves: {preview.disclosed.map((f) => f.title).join(', ') || 'no field'}
        {preview.withheld.length > 0 ? (
          <>
            {' · '}
            <span className="withheld">Withheld: {preview.withheld.map((w) => `${w.title} (${w.why})`).join(', ')}</span>
          </>
        ) : null}
      </p>
      <details>
        <summary>
          Show exactly what leaves<span className="visually-hidden"> in the {preview.label.toLowerCase()} of {formatDateTime(preview.ts)}</span>
        </summary>
        <dl className="fields">
          {preview.disclosed.map((f) => {
            const info = fields.find((x) => x.path === f.name);
            return (
              <div key={f.name} className="field-row">
                <dt>{f.title}</dt>
                <dd>{info ? <FieldValue field={info} value={f.value} /> : <code>{JSON.stringify(f.value)}</code>}</dd>
              </div>
            );
          })}
          {preview.withheld.map((w) => (
            <div key={w.name} className="field-row">
              <dt>{w.title}</dt>
              <dd className="withheld">Withheld ({w.why === 'sensitive' ? 'sensitive' : 'redacted'}): only its sealed commitment leaves</dd>
            </div>
          ))}
        </dl>
      </details>
    </li>
  );
}
