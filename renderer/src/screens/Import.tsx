/**
 * Import: open a bundle file or paste armored text; read the verification report (who
 * signed it, whether that key is trusted, how it relates to what this vault already holds,
 * what it carries, every problem in plain words); then accept it or reject it. Nothing is
 * stored before the officer accepts.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Verdict } from '../../../shared/bundle/verdict';
import { isEntryKind, KIND_INFO, shortId } from '../../../shared/domain';
import type { ResponseOf } from '../../../shared/ipc';
import { call } from '../api/client';
import { useLongOperation } from '../api/operations';
import { invalidateRecords, keys } from '../api/queries';
import { ErrorMessage, Notice } from '../components/ErrorMessage';
import { Fingerprint } from '../components/Fingerprint';
import { ProgressBar } from '../components/ProgressBar';
import { formatBytes, formatDateTime, plural } from '../lib/format';
import { canAccept, explainCode, FORM_TEXT, RELATION_TEXT, SIGNER_STATUS_TEXT, verdictHeadline } from '../lib/verdict-text';

type Inspection = ResponseOf<'inspectBundleText'>;
type Imported = ResponseOf<'acceptBundle'>;

export function Import() {
  const client = useQueryClient();
  const [text, setText] = useState('');
  const [inspection, setInspection] = useState<Inspection | null>(null);
  const [imported, setImported] = useState<Imported | null>(null);
  const [rejected, setRejected] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [empty, setEmpty] = useState(false);
  const openFile = useLongOperation((_: void, operationId) => call('inspectBundleFile', { operationId }), 'verify');
  const readText = useLongOperation((t: string, operationId) => call('inspectBundleText', { text: t, operationId }), 'verify');
  const accept = useLongOperation((pendingId: string, operationId) => call('acceptBundle', { pendingId, operationId }), 'import');
  const running = openFile.running || readText.running || accept.running;

  const start = () => {
    setFailure(null);
    setImported(null);
    setRejected(false);
    setInspection(null);
  };

  return (
    <section className="screen import" aria-labelledby="import-title">
      <h1 id="import-title">Import</h1>
      <p className="lead">A bundle is checked completely before anything in it is shown as records, and nothing is stored until you accept it.</p>

      <section className="card" aria-labelledby="source-title">
        <h2 id="source-title">Bundle to check</h2>
        <div className="actions">
          <button
            type="button"
            className="primary"
            disabled={running}
            onClick={async () => {
              start();
              try {
                setInspection(await openFile.run(undefined));
              } catch (error) {
                setFailure(error);
              }
            }}
          >
            Open a bundle file…
          </button>
        </div>
        <div className="field">
          <label htmlFor="import-text">Or paste the armored text</label>
          <p className="help" id="import-text-help">
            From “-----BEGIN TEARLINE BUNDLE-----” (or “-----BEGIN AGE ENCRYPTED FILE-----”) to the matching END line, nothing added.
          </p>
          <textarea
            id="import-text"
            className="mono"
            rows={8}
            value={text}
            onChange={(e) => setText(e.target.value)}
            spellCheck={false}
            aria-describedby={`import-text-help${empty ? ' import-text-err' : ''}`}
            aria-invalid={empty ? true : undefined}
          />
          {empty ? (
            <p className="field-error" id="import-text-err">
              Paste the armored text first.
            </p>
          ) : null}
        </div>
        <div className="actions">
          <button
            type="button"
            className="secondary"
            disabled={running}
            onClick={async () => {
              if (!text.trim()) {
                setEmpty(true);
                return;
              }
              setEmpty(false);
              start();
              try {
                setInspection(await readText.run(text));
              } catch (error) {
                setFailure(error);
              }
            }}
          >
            Check the pasted text
          </button>
        </div>
        {openFile.running ? <ProgressBar label="Checking the bundle" progress={openFile.progress} onCancel={openFile.cancel} /> : null}
        {readText.running ? <ProgressBar label="Checking the bundle" progress={readText.progress} onCancel={readText.cancel} /> : null}
        <ErrorMessage error={failure} />
      </section>

      {inspection ? (
        <section className="card" aria-labelledby="report-title">
          <h2 id="report-title">Verification report</h2>
          <VerdictReport verdict={inspection.verdict} />
          {!imported && !rejected ? (
            <div className="actions">
              <button
                type="button"
                className="primary"
                disabled={running || !canAccept(inspection.verdict) || !inspection.pendingId}
                onClick={async () => {
                  setFailure(null);
                  try {
                    if (!inspection.pendingId) return;
                    const result = await accept.run(inspection.pendingId);
                    setImported(result);
                    await invalidateRecords(client);
                    await client.invalidateQueries({ queryKey: keys.trust });
                  } catch (error) {
                    setFailure(error);
                  }
                }}
              >
                Accept and import
              </button>
              <button
                type="button"
                className="secondary"
                disabled={running}
                onClick={async () => {
                  if (inspection.pendingId) await call('discardBundle', { pendingId: inspection.pendingId }).catch(() => undefined);
                  setRejected(true);
                }}
              >
                Reject
              </button>
              {!canAccept(inspection.verdict) ? <p className="note">This bundle cannot be imported: see the problems above.</p> : null}
            </div>
          ) : null}
          {accept.running ? <ProgressBar label="Importing" progress={accept.progress} onCancel={accept.cancel} /> : null}
          {rejected ? <Notice>Rejected. Nothing was stored.</Notice> : null}
          {imported ? <ImportResultNote result={imported} /> : null}
        </section>
      ) : null}
    </section>
  );
}

function ImportResultNote({ result }: { result: Imported }) {
  if (!result.accepted) {
    return (
      <div className="message error" role="alert">
        <p className="message-title">Not imported.</p>
        <p>{result.verdict.problems[0] ? `${result.verdict.problems[0].code}: ${result.verdict.problems[0].message}` : 'The bundle did not verify when it was stored.'}</p>
        {result.forkRecorded ? <p>The evidence of two histories was kept: see Keys, “Fork evidence”.</p> : null}
      </div>
    );
  }
  return (
    <Notice tone="success">
      <p className="message-title">{result.changed ? 'Imported.' : 'Nothing new: this vault already held everything in the bundle.'}</p>
      {result.changed ? (
        <p>
          {plural(result.newEntries, 'new entry', 'new entries')}
          {result.updatedEntries > 0 ? `, ${plural(result.updatedEntries, 'entry', 'entries')} with more fields disclosed` : ''}. The import is recorded in the audit log.
        </p>
      ) : null}
      {result.verdict.entries.cases.length > 0 ? (
        <ul>
          {result.verdict.entries.cases.slice(0, 20).map((c) => (
            <li key={c}>
              <a href={`#/cases/${c}`}>Case {shortId(c)}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </Notice>
  );
}

/** The verdict in words: headline, signer, history, contents, problems. */
export function VerdictReport({ verdict: v }: { verdict: Verdict }) {
  const relation = RELATION_TEXT[v.relation];
  return (
    <div className="verdict">
      <div className={`message ${v.valid ? 'success' : 'error'}`} role={v.valid ? 'status' : 'alert'}>
        <p className="message-title">{verdictHeadline(v)}</p>
      </div>
      {v.relation === 'fork' || v.signer.forked ? (
        <div className="message error fork-alarm" role="alert">
          <p className="message-title">Fork alarm</p>
          <p>{RELATION_TEXT.fork.text}</p>
        </div>
      ) : null}

      <h3>Problems</h3>
      {v.problems.length === 0 ? (
        <p>None: every check passed.</p>
      ) : (
        <ol className="problems">
          {v.problems.map((p, i) => (
            <li key={i}>
              <p>
                <strong>{p.message.charAt(0).toUpperCase() + p.message.slice(1)}</strong>
                {p.at ? <span className="muted"> (at {p.at})</span> : null}
              </p>
              {explainCode(p.code) ? <p>{explainCode(p.code)}</p> : null}
              <p className="code">Code: {p.code}</p>
            </li>
          ))}
          {v.problemCount > v.problems.length ? <li>And {v.problemCount - v.problems.length} more problems of the same kinds.</li> : null}
        </ol>
      )}
      {v.warnings.length > 0 ? (
        <>
          <h3>Notes</h3>
          <ul>
            {v.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </>
      ) : null}

      <h3>Signer</h3>
      <dl className="facts">
        <div>
          <dt>{v.signature === 'valid' ? 'Signed by' : 'Claims to be signed by'}</dt>
          <dd>{v.signer.name ?? (v.sender ? `“${v.sender}” (the name it gives itself; not known here)` : 'Unknown')}</dd>
        </div>
        <div>
          <dt>Trust</dt>
          {/* Until the signature holds, the key id only says whose signature the bundle claims. */}
          <dd>{v.signature === 'valid' ? SIGNER_STATUS_TEXT[v.signer.status] : 'Not established: the signature does not hold'}</dd>
        </div>
        <div>
          <dt>Signature</dt>
          <dd>{v.signature === 'valid' ? 'Valid' : v.signature === 'invalid' ? 'Does not verify' : 'Not checked'}</dd>
        </div>
        {v.signer.keyId ? (
          <div>
            <dt>minisign key id</dt>
            <dd>
              <code>{v.signer.keyId}</code>
            </dd>
          </div>
        ) : null}
      </dl>
      {v.signer.fingerprint ? <Fingerprint hex={v.signer.fingerprint} label="Signer’s fingerprint" /> : null}

      <h3>History</h3>
      <p className={relation.alarm ? 'alarm' : undefined}>
        <strong>{relation.title}.</strong> {relation.text}
      </p>
      <dl className="facts">
        {v.checkpoint ? (
          <div>
            <dt>Sender’s log</dt>
            <dd>
              size {v.checkpoint.size}, root <code className="break">{v.checkpoint.root}</code>
            </dd>
          </div>
        ) : null}
        {v.held ? (
          <div>
            <dt>Held before</dt>
            <dd>
              size {v.held.size}, root <code className="break">{v.held.root}</code>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Form</dt>
          <dd>
            {v.form ? FORM_TEXT[v.form] : 'Not recognised'}, {formatBytes(v.bytes)}
            {v.encrypted ? ', was encrypted to this workstation' : ''}
          </dd>
        </div>
        {v.createdAt ? (
          <div>
            <dt>Created</dt>
            <dd>{formatDateTime(v.createdAt)}</dd>
          </div>
        ) : null}
      </dl>

      <h3>Contents</h3>
      <p>
        {plural(v.entries.count, 'entry', 'entries')}
        {v.entries.new !== null ? `, ${v.entries.new} new to this vault` : ''}
        {v.entries.moreFields ? `, ${v.entries.moreFields} disclosing more fields of entries held` : ''}; {plural(v.entries.cases.length, 'case')}; {v.entries.verified} verified.
      </p>
      {Object.keys(v.entries.kinds).length > 0 ? (
        <p>
          Kinds:{' '}
          {Object.entries(v.entries.kinds)
            .map(([k, n]) => `${isEntryKind(k) ? KIND_INFO[k].title : k} (${n})`)
            .join(', ')}
        </p>
      ) : null}
      <p>
        Withheld fields:{' '}
        {Object.keys(v.entries.withheld).length === 0
          ? 'none: every field is disclosed.'
          : Object.entries(v.entries.withheld)
              .map(([f, n]) => `${f} in ${plural(n, 'entry', 'entries')}`)
              .join(', ') + '. They verify, but their values were not sent.'}
      </p>
      {v.preview.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption>
              Entries{v.entries.count > v.preview.length ? ` (the first ${v.preview.length} of ${v.entries.count})` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Entry</th>
                <th scope="col">When</th>
                <th scope="col">Summary</th>
                <th scope="col">Withheld</th>
                <th scope="col">Here</th>
              </tr>
            </thead>
            <tbody>
              {v.preview.map((p) => (
                <tr key={p.id}>
                  <td>
                    {isEntryKind(p.kind) ? KIND_INFO[p.kind].title : p.kind} #{p.index}
                  </td>
                  <td>{formatDateTime(p.ts)}</td>
                  <td>{p.summary}</td>
                  <td>{p.withheld.join(', ') || '—'}</td>
                  <td>{p.status === 'new' ? 'New' : p.status === 'known' ? 'Already held' : p.status === 'more-fields' ? 'More fields' : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
