/**
 * Settings: when the vault locks itself, when the clipboard clears itself, the passphrase,
 * and a backup of the whole vault.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { KDF_LEVEL_NAMES, SettingsSchema } from '../../../shared/ipc';
import { call } from '../api/client';
import { useLongOperation, useOperationOutcome } from '../api/operations';
import { keys, useAppInfo, useSettings } from '../api/queries';
import { ErrorMessage, Notice } from '../components/ErrorMessage';
import { newPassphraseErrors, PassphraseFields } from '../components/PassphraseFields';
import { ProgressBar } from '../components/ProgressBar';
import { KDF_TEXT } from './CreateVault';

export function Settings() {
  return (
    <section className="screen settings" aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <Delays />
      <ChangePassphrase />
      <Backup />
      <About />
    </section>
  );
}

function Delays() {
  const settings = useSettings();
  const client = useQueryClient();
  const [lock, setLock] = useState('');
  const [clip, setClip] = useState('');
  const [errors, setErrors] = useState<{ lock?: string; clip?: string }>({});
  const [saved, setSaved] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  useEffect(() => {
    if (settings.data) {
      setLock(String(settings.data.autoLockMinutes));
      setClip(String(settings.data.clipboardClearSeconds));
    }
  }, [settings.data]);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaved(false);
    setFailure(null);
    const found: { lock?: string; clip?: string } = {};
    const lockN = Number(lock);
    const clipN = Number(clip);
    const shape = SettingsSchema.shape;
    if (!shape.autoLockMinutes.safeParse(lockN).success || lock.trim() === '') found.lock = 'Auto-lock: a whole number of minutes from 1 to 480.';
    if (!shape.clipboardClearSeconds.safeParse(clipN).success || clip.trim() === '') found.clip = 'Clipboard: a whole number of seconds from 5 to 600.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    try {
      const next = await call('updateSettings', { autoLockMinutes: lockN, clipboardClearSeconds: clipN });
      client.setQueryData(keys.settings, next);
      setSaved(true);
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <form className="card" aria-labelledby="delays-title" noValidate onSubmit={submit}>
      <h2 id="delays-title">Locking and clipboard</h2>
      <ErrorMessage error={settings.error} />
      <div className="field">
        <label htmlFor="set-lock">Lock the vault after this many minutes without activity</label>
        <p className="help" id="set-lock-help">
          From 1 to 480. The vault also locks when the computer sleeps or the screen is locked.
        </p>
        <input
          id="set-lock"
          type="text"
          inputMode="numeric"
          className="short"
          value={lock}
          onChange={(e) => setLock(e.target.value)}
          aria-invalid={errors.lock ? true : undefined}
          aria-describedby={`set-lock-help${errors.lock ? ' set-lock-err' : ''}`}
        />
        {errors.lock ? (
          <p className="field-error" id="set-lock-err">
            {errors.lock}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor="set-clip">Clear a copied value from the clipboard after this many seconds</label>
        <p className="help" id="set-clip-help">
          From 5 to 600, if the clipboard still holds what Tearline copied.
        </p>
        <input
          id="set-clip"
          type="text"
          inputMode="numeric"
          className="short"
          value={clip}
          onChange={(e) => setClip(e.target.value)}
          aria-invalid={errors.clip ? true : undefined}
          aria-describedby={`set-clip-help${errors.clip ? ' set-clip-err' : ''}`}
        />
        {errors.clip ? (
          <p className="field-error" id="set-clip-err">
            {errors.clip}
          </p>
        ) : null}
      </div>
      <ErrorMessage error={failure} title="The settings were not saved." />
      {saved ? <Notice tone="success">Settings saved.</Notice> : null}
      <div className="actions">
        <button type="submit" className="primary">
          Save the settings
        </button>
      </div>
    </form>
  );
}

function ChangePassphrase() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [kdf, setKdf] = useState<'' | (typeof KDF_LEVEL_NAMES)[number]>('');
  const [errors, setErrors] = useState<{ current?: string; value?: string; confirm?: string }>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const op = useLongOperation(
    (req: { current: string; next: string; kdf: typeof kdf }, operationId) =>
      call('changePassphrase', { current: req.current, next: req.next, ...(req.kdf ? { kdf: req.kdf } : {}), operationId }),
    'passwd',
  );
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setDone(false);
    setFailure(null);
    const found = { ...newPassphraseErrors(next, confirm), ...(current ? {} : { current: 'Enter the current passphrase.' }) };
    if (!found.value && current && next === current) found.value = 'The new passphrase is the same as the current one.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    try {
      await op.run({ current, next, kdf });
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
    } catch (error) {
      setFailure(error);
    }
  };
  return (
    <form className="card" aria-labelledby="passwd-title" noValidate onSubmit={submit}>
      <h2 id="passwd-title">Change the passphrase</h2>
      <p className="help">Only the key that protects the vault is re-wrapped: the records are not re-encrypted, and nothing else changes.</p>
      <div className="field">
        <label htmlFor="passwd-current">Current passphrase</label>
        <input
          id="passwd-current"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          aria-invalid={errors.current ? true : undefined}
          aria-describedby={errors.current ? 'passwd-current-err' : undefined}
        />
        {errors.current ? (
          <p className="field-error" id="passwd-current-err">
            {errors.current}
          </p>
        ) : null}
      </div>
      <PassphraseFields value={next} confirm={confirm} onChange={setNext} onConfirmChange={setConfirm} errors={errors} />
      <div className="field">
        <label htmlFor="passwd-kdf">Key strength</label>
        <select id="passwd-kdf" value={kdf} onChange={(e) => setKdf(e.target.value as typeof kdf)}>
          <option value="">Keep the current setting</option>
          {KDF_LEVEL_NAMES.map((l) => (
            <option key={l} value={l}>
              {KDF_TEXT[l].label}
            </option>
          ))}
        </select>
      </div>
      {op.running ? <ProgressBar label="Changing the passphrase" progress={op.progress} /> : null}
      <ErrorMessage error={failure} title="The passphrase was not changed." />
      {done ? <Notice tone="success">The passphrase was changed. Use the new one from now on.</Notice> : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={op.running}>
          Change the passphrase
        </button>
      </div>
    </form>
  );
}

function Backup() {
  const op = useLongOperation((_: void, operationId) => call('backupVault', { operationId }), 'backup');
  const { result, failure, start } = useOperationOutcome(op);
  return (
    <section className="card" aria-labelledby="backup-title">
      <h2 id="backup-title">Backup</h2>
      <p className="help">Writes a complete copy of the vault to a file you choose. It opens with the same passphrase and checks itself as the vault does.</p>
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={op.running}
          onClick={() => void start()}
        >
          Back up the vault…
        </button>
      </div>
      {op.running ? <ProgressBar label="Backing up" progress={op.progress} onCancel={op.cancel} /> : null}
      <ErrorMessage error={failure} title="No backup was written." />
      {result ? (
        <Notice tone="success">
          Backup of {result.size.toLocaleString('en')} entries written to <code className="break">{result.path}</code>.
        </Notice>
      ) : null}
    </section>
  );
}

function About() {
  const info = useAppInfo();
  return (
    <section className="card" aria-labelledby="about-title">
      <h2 id="about-title">About</h2>
      {info.data ? (
        <dl className="facts">
          <div>
            <dt>Version</dt>
            <dd>
              {info.data.name} {info.data.version}
            </dd>
          </div>
          <div>
            <dt>Platform</dt>
            <dd>
              {info.data.platform}, Electron {info.data.electron}, Chromium {info.data.chrome}
            </dd>
          </div>
        </dl>
      ) : (
        <ErrorMessage error={info.error} />
      )}
      <p className="help">Tearline makes no network connection. Records leave this workstation only in bundles you export.</p>
    </section>
  );
}
