/**
 * Keys: this workstation's key card (to give to others, with its fingerprint as words and
 * as a QR code), the workstations this one trusts (add from a card after comparing the
 * fingerprint, revoke), and any evidence that a trusted workstation showed two histories.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { canonicalJson } from '../../../shared/canonical-json';
import { KeyCardSchema, type KeyCard } from '../../../shared/keys/key-card';
import { call } from '../api/client';
import { keys, useKeyCard } from '../api/queries';
import { CopyButton } from '../components/CopyButton';
import { ErrorMessage, Notice } from '../components/ErrorMessage';
import { Fingerprint, wordsOf } from '../components/Fingerprint';
import { QrCode } from '../components/QrCode';
import { compareFingerprint } from '../lib/fingerprint-compare';
import { formatDate, formatDateTime, shortFingerprint } from '../lib/format';

export function useTrustList() {
  return useQuery({ queryKey: keys.trust, queryFn: () => call('trustList') });
}

export function Keys() {
  return (
    <section className="screen keys" aria-labelledby="keys-title">
      <h1 id="keys-title">Keys</h1>
      <OwnCard />
      <TrustedKeys />
      <AddKey />
      <Compare />
      <Forks />
    </section>
  );
}

function OwnCard() {
  const card = useKeyCard();
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const text = useMemo(() => (card.data ? canonicalJson(card.data) : ''), [card.data]);
  return (
    <section className="card" aria-labelledby="own-title">
      <h2 id="own-title">This workstation’s key card</h2>
      <ErrorMessage error={card.error} />
      {card.data ? (
        <div className="key-card">
          <div>
            <p>
              <span className="label">Workstation: </span>
              <strong>{card.data.name}</strong>
            </p>
            <Fingerprint hex={card.data.fingerprint} words={card.data.fingerprintWords} />
            <p className="help">
              Give this card to the workstations that will receive your bundles. They should compare these twelve words with what
              their screen shows before trusting it (read them aloud over a trusted line, or compare side by side).
            </p>
            <dl className="facts">
              <div>
                <dt>Log (origin)</dt>
                <dd>
                  <code className="break">{card.data.origin}</code>
                </dd>
              </div>
              <div>
                <dt>Encryption recipient</dt>
                <dd>
                  <code className="break">{card.data.ageRecipient}</code>
                </dd>
              </div>
            </dl>
            <div className="actions">
              <button
                type="button"
                className="primary"
                onClick={async () => {
                  setFailure(null);
                  setSaved(null);
                  try {
                    const result = await call('saveKeyCard');
                    setSaved(result.path);
                  } catch (error) {
                    setFailure(error);
                  }
                }}
              >
                Save the key card to a file…
              </button>
              <CopyButton text={text} label="Copy the key card" />
              <CopyButton text={card.data.ageRecipient} label="Copy the encryption recipient" />
              <CopyButton text={card.data.minisignPublicKey} label="Copy the minisign public key" />
            </div>
            {saved ? <Notice tone="success">Key card saved to {saved}.</Notice> : null}
            <ErrorMessage error={failure} title="The key card was not saved." />
          </div>
          <figure className="qr-figure">
            <QrCode text={text} label="QR code of this workstation’s key card" />
            <figcaption>The key card as a QR code</figcaption>
          </figure>
        </div>
      ) : card.isPending ? (
        <p aria-busy="true">Loading…</p>
      ) : null}
    </section>
  );
}

function TrustedKeys() {
  const list = useTrustList();
  const client = useQueryClient();
  const [revoking, setRevoking] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [reasonMissing, setReasonMissing] = useState(false);
  const entries = list.data?.keys ?? [];
  return (
    <section className="card" aria-labelledby="trusted-title">
      <h2 id="trusted-title">Trusted workstations</h2>
      <ErrorMessage error={list.error} />
      {list.data && entries.length === 0 ? <p>No workstation is trusted yet. Add one from its key card below.</p> : null}
      {entries.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Trusted workstations</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Fingerprint</th>
                <th scope="col">Status</th>
                <th scope="col">Added</th>
                <th scope="col">History held</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((k) => (
                <tr key={k.fingerprint}>
                  <th scope="row">{k.name}</th>
                  <td>
                    <code title={k.fingerprint}>{shortFingerprint(k.fingerprint)}</code>
                  </td>
                  <td>
                    {k.status === 'trusted' ? 'Trusted' : `Revoked ${formatDate(k.revoked?.at)}`}
                    {k.forked ? <span className="badge danger">Fork evidence</span> : null}
                  </td>
                  <td>{formatDate(k.addedAt)}</td>
                  <td>{k.logs.length === 0 ? 'Nothing yet' : k.logs.map((l) => `${l.size} entries (${formatDate(l.receivedAt)})`).join('; ')}</td>
                  <td>
                    {k.status === 'trusted' ? (
                      <button
                        type="button"
                        className="secondary danger"
                        aria-expanded={revoking === k.fingerprint}
                        onClick={() => {
                          setRevoking(revoking === k.fingerprint ? null : k.fingerprint);
                          setReason('');
                          setFailure(null);
                        }}
                      >
                        Revoke<span className="visually-hidden"> {k.name}</span>
                      </button>
                    ) : (
                      <span className="muted">{k.revoked?.reason}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {revoking ? (
        <form
          className="confirm"
          aria-labelledby="revoke-title"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            if (!reason.trim()) {
              setReasonMissing(true);
              return;
            }
            setReasonMissing(false);
            setFailure(null);
            try {
              await call('trustRevoke', { key: revoking, reason: reason.trim() });
              setRevoking(null);
              await client.invalidateQueries({ queryKey: keys.trust });
            } catch (error) {
              setFailure(error);
            }
          }}
        >
          <h3 id="revoke-title">Revoke {entries.find((k) => k.fingerprint === revoking)?.name}</h3>
          <p>Bundles signed by this key will be refused from now on. A revoked key cannot be trusted again. This cannot be undone.</p>
          <div className="field">
            <label htmlFor="revoke-reason">Reason</label>
            <input
              id="revoke-reason"
              type="text"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-invalid={reasonMissing ? true : undefined}
              aria-describedby={reasonMissing ? 'revoke-reason-error' : undefined}
            />
            {reasonMissing ? (
              <p className="field-error" id="revoke-reason-error">
                Reason: required. Say why the key is revoked.
              </p>
            ) : null}
          </div>
          <ErrorMessage error={failure} title="The key was not revoked." />
          <div className="actions">
            <button type="submit" className="primary danger">
              Revoke the key
            </button>
            <button type="button" className="secondary" onClick={() => setRevoking(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

function AddKey() {
  const client = useQueryClient();
  const [card, setCard] = useState<KeyCard | null>(null);
  const [pasted, setPasted] = useState('');
  const [name, setName] = useState('');
  const [verifiedBy, setVerifiedBy] = useState('');
  const [compared, setCompared] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [parseError, setParseError] = useState<string | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const [added, setAdded] = useState<string | null>(null);

  const take = (c: KeyCard) => {
    setCard(c);
    setName(c.name);
    setCompared(false);
    setProblems([]);
    setAdded(null);
  };

  const readPasted = () => {
    setParseError(null);
    let value: unknown;
    try {
      value = JSON.parse(pasted);
    } catch {
      setParseError('This is not a key card: a key card is the JSON text that “Copy the key card” or “Save the key card” gives.');
      return;
    }
    const parsed = KeyCardSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setParseError(`This is not a valid key card: ${issue ? `${issue.path.join('.') || 'card'}: ${issue.message}` : 'unknown problem'}.`);
      return;
    }
    take(parsed.data);
  };

  return (
    <section className="card" aria-labelledby="add-title">
      <h2 id="add-title">Trust another workstation</h2>
      <p className="help">Add a workstation from its key card, then compare the fingerprint with its officer before you trust it.</p>
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            setFailure(null);
            try {
              take(await call('readKeyCardFile'));
            } catch (error) {
              setFailure(error);
            }
          }}
        >
          Open a key card file…
        </button>
      </div>
      <div className="field">
        <label htmlFor="card-paste">Or paste a key card</label>
        <textarea id="card-paste" rows={4} className="mono" value={pasted} onChange={(e) => setPasted(e.target.value)} spellCheck={false} />
      </div>
      <div className="actions">
        <button type="button" className="secondary" onClick={readPasted} disabled={!pasted.trim()}>
          Read the pasted key card
        </button>
      </div>
      {parseError ? (
        <div className="message error" role="alert">
          <p>{parseError}</p>
        </div>
      ) : null}
      <ErrorMessage error={failure} />
      {card ? (
        <form
          className="confirm"
          aria-labelledby="card-title"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            const found: string[] = [];
            if (!name.trim()) found.push('Name: required');
            if (!compared) found.push('Fingerprint compared: confirm that you compared the fingerprint with the other workstation');
            setProblems(found);
            if (found.length > 0) return;
            setFailure(null);
            try {
              const key = await call('trustAdd', { name: name.trim(), card, ...(verifiedBy.trim() ? { verifiedBy: verifiedBy.trim() } : {}) });
              setAdded(key.name);
              setCard(null);
              setPasted('');
              await client.invalidateQueries({ queryKey: keys.trust });
            } catch (error) {
              setFailure(error);
            }
          }}
        >
          <h3 id="card-title">Key card of “{card.name}”</h3>
          {problems.length > 0 ? (
            <div className="message error" role="alert">
              <ul>
                {problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <Fingerprint hex={card.fingerprint} words={wordsOf(card.fingerprint)} />
          {card.fingerprintWords.join(' ') !== wordsOf(card.fingerprint).join(' ') ? (
            <div className="message error" role="alert">
              <p>The words written on this card do not match its fingerprint. Do not trust it.</p>
            </div>
          ) : null}
          <p className="help">Ask the other workstation’s officer to read the twelve words on their Keys screen. They must be the same, in the same order.</p>
          <div className="field">
            <label htmlFor="card-name">Name to trust it under</label>
            <input id="card-name" type="text" value={name} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="card-verified">
              Compared by <span className="optional">(optional)</span>
            </label>
            <input id="card-verified" type="text" value={verifiedBy} onChange={(e) => setVerifiedBy(e.target.value)} />
          </div>
          <div className="choice">
            <input id="card-compared" type="checkbox" checked={compared} onChange={(e) => setCompared(e.target.checked)} />
            <label htmlFor="card-compared">I compared the fingerprint with the other workstation, and it is the same</label>
          </div>
          <div className="actions">
            <button type="submit" className="primary">
              Trust this workstation
            </button>
            <button type="button" className="secondary" onClick={() => setCard(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      {added ? <Notice tone="success">{added} is now trusted.</Notice> : null}
    </section>
  );
}

function Compare() {
  const list = useTrustList();
  const own = useKeyCard();
  const [text, setText] = useState('');
  const candidates = [
    ...(own.data ? [{ name: `${own.data.name} (this workstation)`, fingerprint: own.data.fingerprint }] : []),
    ...(list.data?.keys ?? []).map((k) => ({ name: k.name, fingerprint: k.fingerprint })),
  ];
  const result = text.trim() ? compareFingerprint(text, candidates) : null;
  return (
    <section className="card" aria-labelledby="compare-title">
      <h2 id="compare-title">Compare a fingerprint</h2>
      <div className="field">
        <label htmlFor="compare-input">Fingerprint you were given (hexadecimal or the twelve words)</label>
        <input id="compare-input" type="text" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </div>
      <p role="status" className={result ? (result.match ? 'match' : 'no-match') : undefined}>
        {result ? result.text : ''}
      </p>
    </section>
  );
}

function Forks() {
  const list = useTrustList();
  const forks = list.data?.forks ?? [];
  return (
    <section className="card" aria-labelledby="forks-title">
      <h2 id="forks-title">Fork evidence</h2>
      {forks.length === 0 ? (
        <p>No trusted workstation has shown two different histories.</p>
      ) : (
        <>
          <div className="message error" role="note">
            <p>
              These workstations signed two histories of the same log that cannot both be true. Their bundles are refused. Keep
              this evidence and report it.
            </p>
          </div>
          <ul className="fork-list">
            {forks.map((f) => (
              <li key={`${f.fingerprint}-${f.detectedAt}`}>
                <h3>
                  {f.name ?? 'Unknown workstation'} — detected {formatDateTime(f.detectedAt)}
                </h3>
                <p>
                  Fingerprint <code>{shortFingerprint(f.fingerprint)}</code>, log <code className="break">{f.origin}</code>
                </p>
                <dl className="facts">
                  <div>
                    <dt>Checkpoint held</dt>
                    <dd>
                      size {f.held.size}, root <code className="break">{f.held.root}</code>
                    </dd>
                  </div>
                  <div>
                    <dt>Checkpoint presented</dt>
                    <dd>
                      size {f.presented.size}, root <code className="break">{f.presented.root}</code>
                    </dd>
                  </div>
                  <div>
                    <dt>Shown by</dt>
                    <dd>{f.proof ? `a consistency proof from size ${f.proof.fromSize}` : 'two different roots for the same size'}</dd>
                  </div>
                </dl>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
