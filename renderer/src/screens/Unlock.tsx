import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { LockReason } from '../../../shared/ipc';
import { call, isApiError } from '../api/client';
import { useLongOperation } from '../api/operations';
import { keys } from '../api/queries';
import { ErrorMessage, Notice } from '../components/ErrorMessage';
import { ProgressBar } from '../components/ProgressBar';

const REASONS: Record<LockReason, string> = {
  user: 'The vault was locked.',
  idle: 'The vault locked itself after a period without activity.',
  suspend: 'The vault locked itself when the computer went to sleep.',
  'lock-screen': 'The vault locked itself when the screen was locked.',
  'core-stopped': 'The vault was locked because Tearline’s core stopped. Nothing that was saved is lost.',
};

/** The passphrase, and progress while the vault is opened and checked. */
export function Unlock({ reason }: { reason: LockReason | null }) {
  const client = useQueryClient();
  const [passphrase, setPassphrase] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const [empty, setEmpty] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const op = useLongOperation((p: string, operationId) => call('unlockVault', { passphrase: p, operationId }), 'unlock');

  useEffect(() => {
    input.current?.focus();
    document.title = 'Unlock — Tearline';
  }, []);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!passphrase) {
      setEmpty(true);
      input.current?.focus();
      return;
    }
    setEmpty(false);
    setFailure(null);
    try {
      const vault = await op.run(passphrase);
      setPassphrase('');
      client.setQueryData(keys.status, { state: 'unlocked', vault });
    } catch (error) {
      setFailure(error);
      if (isApiError(error, 'E_BAD_PASSPHRASE')) {
        setPassphrase('');
        input.current?.focus();
      }
    }
  };

  return (
    <main className="center gate" id="main">
      <h1>Unlock Tearline</h1>
      {reason ? <Notice>{REASONS[reason]}</Notice> : null}
      <form className="card" aria-labelledby="unlock-title" noValidate onSubmit={submit}>
        <h2 id="unlock-title">Enter the vault passphrase</h2>
        <div className="field">
          <label htmlFor="unlock-passphrase">Passphrase</label>
          <input
            ref={input}
            id="unlock-passphrase"
            type="password"
            autoComplete="current-password"
            value={passphrase}
            onChange={(e) => setPassphrase(e.target.value)}
            aria-invalid={empty || isApiError(failure, 'E_BAD_PASSPHRASE') ? true : undefined}
            aria-describedby={empty ? 'unlock-empty' : undefined}
            disabled={op.running}
          />
          {empty ? (
            <p className="field-error" id="unlock-empty">
              Enter the passphrase.
            </p>
          ) : null}
        </div>
        {op.running ? <ProgressBar label="Unlocking" progress={op.progress} /> : null}
        <ErrorMessage error={failure} />
        <div className="actions">
          <button type="submit" className="primary" disabled={op.running}>
            {op.running ? 'Unlocking…' : 'Unlock'}
          </button>
        </div>
      </form>
    </main>
  );
}
