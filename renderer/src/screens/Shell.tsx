/**
 * The unlocked application: the top bar (the vault, the main navigation, the lock button,
 * on every screen) and the screen of the current route. Moving to another screen moves the
 * focus to its heading, so that a screen reader announces where the officer is.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { VaultInfo } from '../../../shared/ipc';
import { call } from '../api/client';
import { keys } from '../api/queries';
import { ErrorMessage } from '../components/ErrorMessage';
import { routeHref, useRoute, type Route } from '../router';
import { Audit } from './Audit';
import { CasePage } from './CasePage';
import { CaseList } from './CaseList';
import { CaseFlow } from './CaseFlow';
import { Export } from './Export';
import { Import } from './Import';
import { Keys } from './Keys';
import { Reports } from './Reports';
import { Settings } from './Settings';
import { savePendingDrafts } from '../forms/pending-drafts';

const NAV: { route: Route; label: string; match: Route['name'][] }[] = [
  { route: { name: 'cases' }, label: 'Cases', match: ['cases', 'case', 'case-step'] },
  { route: { name: 'new-case' }, label: 'New case', match: ['new-case'] },
  { route: { name: 'export', caseIds: [] }, label: 'Export', match: ['export'] },
  { route: { name: 'import' }, label: 'Import', match: ['import'] },
  { route: { name: 'keys' }, label: 'Keys', match: ['keys'] },
  { route: { name: 'audit' }, label: 'Audit', match: ['audit'] },
  { route: { name: 'reports' }, label: 'Reports', match: ['reports'] },
  { route: { name: 'settings' }, label: 'Settings', match: ['settings'] },
];

function routeKey(route: Route): string {
  return routeHref(route);
}

export function Shell({ vault }: { vault: VaultInfo | null }) {
  const route = useRoute();
  const client = useQueryClient();
  const main = useRef<HTMLElement>(null);
  const [lockError, setLockError] = useState<unknown>(null);
  const [locking, setLocking] = useState(false);
  const key = routeKey(route);

  useEffect(() => {
    // Each screen (the first after unlocking too) announces itself by its heading.
    const h1 = main.current?.querySelector<HTMLElement>('h1');
    if (h1) {
      h1.tabIndex = -1;
      h1.focus();
      document.title = `${h1.textContent ?? 'Tearline'} — Tearline`;
    }
  }, [key]);

  // A draft that could not be saved before locking: said once, and Lock pressed again locks
  // (another screen forgets it: the draft there is not this one).
  const [unsaved, setUnsaved] = useState<string | null>(null);
  useEffect(() => setUnsaved(null), [key]);

  const lock = async () => {
    setLocking(true);
    setLockError(null);
    try {
      // The keys go with the lock: a draft's last change is written before, or not at all.
      // One that cannot be written is said first, and never stops a second press.
      const failures = await savePendingDrafts();
      if (failures.length > 0 && unsaved === null) {
        setUnsaved(failures[0]!);
        return;
      }
      setUnsaved(null);
      await call('lockVault');
      // The `locked` event does the rest; this covers a shell that sends none.
      client.removeQueries({ predicate: (q) => !['vault-status', 'app-info', 'settings'].includes(String(q.queryKey[0])) });
      client.setQueryData(keys.status, { state: 'locked', vault: null });
    } catch (error) {
      setLockError(error);
    } finally {
      setLocking(false);
    }
  };

  return (
    <div className="app">
      <button
        type="button"
        className="skip-link"
        onClick={() => {
          main.current?.focus();
        }}
      >
        Skip to the content
      </button>
      <header className="topbar">
        <div className="brand">
          <span className="brand-name">Tearline</span>
          {vault ? <span className="vault-name">{vault.name}</span> : null}
        </div>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.label}>
                <a href={routeHref(item.route)} aria-current={item.match.includes(route.name) ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" className="lock-button" onClick={lock} disabled={locking}>
          {locking ? 'Locking…' : 'Lock'}
        </button>
      </header>
      {lockError ? <ErrorMessage error={lockError} title="The vault could not be locked." /> : null}
      {unsaved !== null ? (
        <ErrorMessage
          error={new Error(`${unsaved.replace(/\.?$/, '.')} Copy what you need to keep, or press Lock again to lock anyway: the unsaved change will be lost.`)}
          title="The vault is not locked yet: a draft could not be saved."
        />
      ) : null}
      <main id="main" ref={main} tabIndex={-1}>
        <Screen route={route} />
      </main>
    </div>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'cases':
      return <CaseList />;
    case 'new-case':
      return <CaseFlow caseId={null} />;
    case 'case':
      return <CasePage key={route.caseId} caseId={route.caseId} />;
    case 'case-step':
      return <CaseFlow key={`${route.caseId}-${route.step}`} caseId={route.caseId} step={route.step} />;
    case 'export':
      return <Export initialCases={route.caseIds} />;
    case 'import':
      return <Import />;
    case 'keys':
      return <Keys />;
    case 'audit':
      return <Audit />;
    case 'reports':
      return <Reports />;
    case 'settings':
      return <Settings />;
    case 'not-found':
      return (
        <section>
          <h1>Page not found</h1>
          <p>
            There is no page at “{route.path}”. <a href="#/cases">Go to the cases</a>.
          </p>
        </section>
      );
  }
}
