/**
 * The gate: no vault yet → create; locked → unlock; unlocked → the application. A `locked`
 * event (the officer's lock button, idle time, suspend, screen lock) drops every record
 * from memory and returns to the unlock screen at once.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { LockReason } from '../../shared/ipc';
import { onTearlineEvent } from './api/client';
import { keys, useVaultStatus } from './api/queries';
import { ErrorMessage } from './components/ErrorMessage';
import { CreateVault } from './screens/CreateVault';
import { Shell } from './screens/Shell';
import { Unlock } from './screens/Unlock';

/** Queries that hold no record and survive a lock. */
const KEPT_ON_LOCK = new Set(['vault-status', 'app-info', 'settings']);

export function App() {
  const client = useQueryClient();
  const status = useVaultStatus();
  const [lockReason, setLockReason] = useState<LockReason | null>(null);

  useEffect(
    () =>
      onTearlineEvent((event) => {
        if (event.type === 'locked') {
          client.removeQueries({ predicate: (q) => !KEPT_ON_LOCK.has(String(q.queryKey[0])) });
          client.setQueryData(keys.status, { state: 'locked', vault: null });
          setLockReason(event.reason);
        } else if (event.type === 'unlocked') {
          setLockReason(null);
          void client.invalidateQueries({ queryKey: keys.status });
        }
      }),
    [client],
  );

  if (status.isPending) {
    return (
      <main className="center" aria-busy="true">
        <p>Opening Tearline…</p>
      </main>
    );
  }
  if (status.isError) {
    return (
      <main className="center">
        <h1>Tearline cannot start</h1>
        <ErrorMessage error={status.error} />
        <button type="button" className="primary" onClick={() => void status.refetch()}>
          Try again
        </button>
      </main>
    );
  }
  switch (status.data.state) {
    case 'absent':
      return <CreateVault />;
    case 'locked':
      return <Unlock reason={lockReason} />;
    case 'unlocked':
      return <Shell vault={status.data.vault} />;
  }
}
