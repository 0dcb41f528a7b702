import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { KDF_LEVEL_NAMES } from '../../../shared/ipc';
import { call } from '../api/client';
import { useLongOperation } from '../api/operations';
import { keys } from '../api/queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { newPassphraseErrors, PassphraseFields } from '../components/PassphraseFields';
import { ProgressBar } from '../components/ProgressBar';

export const KDF_TEXT: Record<(typeof KDF_LEVEL_NAMES)[number], { label: string; text: string }> = {
  interactive: { label: 'Fast', text: 'About a second to unlock. The minimum Tearline accepts.' },
  moderate: { label: 'Standard (recommended)', text: 'A few seconds to unlock; much harder to guess offline.' },
  sensitive: { label: 'Strongest', text: 'Ten seconds or more to unlock, and a lot of memory. For the most sensitive vaults.' },
};

/** The first screen on a new workstation: name the vault and choose its passphrase. */
export function CreateVault() {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [kdf, setKdf] = useState<(typeof KDF_LEVEL_NAMES)[number]>('moderate');
  const [errors, setErrors] = useState<{ name?: string; value?: string; confirm?: string } | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const op = useLongOperation((req: { name: string; passphrase: string; kdf: typeof kdf }, operationId) =>
    call('createVault', { ...req, operationId }),
  );

  useEffect(() => {
    heading.current?.focus();
    document.title = 'Create a vault — Tearline';
  }, []);

  const shown = errors ?? {};
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const found = { ...newPassphraseErrors(passphrase, confirm), ...(name.trim() ? {} : { name: 'Give the vault a name.' }) };
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setFailure(null);
    try {
      const vault = await op.run({ name: name.trim(), passphrase, kdf });
      setPassphrase('');
      setConfirm('');
      client.setQueryData(keys.status, { state: 'unlocked', vault });
    } catch (error) {
      setFailure(error);
    }
  };

  return (
    <main className="center gate" id="main">
      <h1 ref={heading} tabIndex={-1}>
        Create this workstation’s vault
      </h1>
      <p className="lead">
        Tearline keeps every warning and waiver in an encrypted vault on this workstation. The passphrase is the only way in: it
        cannot be recovered, so keep it as your service requires.
      </p>
      <form className="card" aria-labelledby="create-title" noValidate onSubmit={submit}>
        <h2 id="create-title">New vault</h2>
        <div className="field">
          <label htmlFor="vault-name">Workstation name</label>
          <p className="help" id="vault-name-help">
            How other workstations will know this one when they trust its key, e.g. “Ops Centre Terminal 2”.
          </p>
          <input
            id="vault-name"
            type="text"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={shown.name ? true : undefined}
            aria-describedby={`vault-name-help${shown.name ? ' vault-name-error' : ''}`}
            maxLength={200}
          />
          {shown.name ? (
            <p className="field-error" id="vault-name-error">
              {shown.name}
            </p>
          ) : null}
        </div>
        <PassphraseFields
          value={passphrase}
          confirm={confirm}
          onChange={setPassphrase}
          onConfirmChange={setConfirm}
          errors={shown}
          label="Passphrase"
        />
        <fieldset className="field radios">
          <legend>Key strength</legend>
          <p className="help">How much work the passphrase check takes. More work makes guessing slower for an attacker with the file.</p>
          {KDF_LEVEL_NAMES.map((level) => (
            <div className="choice" key={level}>
              <input type="radio" id={`kdf-${level}`} name="kdf" value={level} checked={kdf === level} onChange={() => setKdf(level)} />
              <label htmlFor={`kdf-${level}`}>
                {KDF_TEXT[level].label}
                <span className="option-text">{KDF_TEXT[level].text}</span>
              </label>
            </div>
          ))}
        </fieldset>
        {op.running ? <ProgressBar label="Creating the vault" progress={op.progress} /> : null}
        <ErrorMessage error={failure} title="The vault was not created." />
        <div className="actions">
          <button type="submit" className="primary" disabled={op.running}>
            {op.running ? 'Creating…' : 'Create the vault'}
          </button>
        </div>
      </form>
    </main>
  );
}
