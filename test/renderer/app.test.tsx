// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../renderer/src/App';
import { failure, installFakeApi, VAULT_INFO } from './helpers/fake-api';

function renderApp() {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  window.location.hash = '';
});

/** The new-case form of an unlocked vault, with `handlers` for the calls a test cares about; its Summary field. */
async function openNewCase(handlers: Parameters<typeof installFakeApi>[0]) {
  window.location.hash = '#/cases/new';
  const api = installFakeApi({ vaultStatus: () => ({ state: 'unlocked', vault: VAULT_INFO }), listCases: () => ({ total: 0, items: [] }), listDrafts: () => [], ...handlers });
  renderApp();
  return { api, summary: await screen.findByLabelText('Summary') };
}

/** A saveDraft handler whose saves answer only when `finish` is called (a save on its way). */
function heldSave() {
  let answer = (): void => undefined;
  return {
    saveDraft: () => new Promise<{ savedAt: string }>((resolve) => (answer = () => resolve({ savedAt: '2025-03-10T10:05:00.000Z' }))),
    finish: () => answer(),
  };
}

describe('unlocking', () => {
  it('says plainly that the passphrase is wrong, and lets the officer try again', async () => {
    let tries = 0;
    const api = installFakeApi({
      vaultStatus: () => ({ state: 'locked', vault: null }),
      unlockVault: (req) => {
        tries++;
        return req.passphrase === 'correct horse' ? VAULT_INFO : failure('E_BAD_PASSPHRASE', 'wrong passphrase');
      },
      listCases: () => ({ total: 0, items: [] }),
      keyCard: () => failure('E_LOCKED', 'locked'),
    });
    renderApp();
    const input = await screen.findByLabelText('Passphrase');
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByText('Enter the passphrase.')).toBeTruthy();
    expect(tries).toBe(0);

    fireEvent.change(input, { target: { value: 'wrong one' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('That passphrase is not right');
    expect(alert.textContent).toContain('E_BAD_PASSPHRASE');
    expect((input as HTMLInputElement).value).toBe('');

    fireEvent.change(input, { target: { value: 'correct horse' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Cases' })).toBeTruthy();
    expect(api.calls.filter((c) => c.name === 'unlockVault')).toHaveLength(2);
  });

  it('shows the unlock progress reported for its operation', async () => {
    let release: (() => void) | undefined;
    const api = installFakeApi({
      vaultStatus: () => ({ state: 'locked', vault: null }),
      unlockVault: () => new Promise((resolve) => (release = () => resolve(failure('E_CANCELLED', 'cancelled')))),
    });
    renderApp();
    fireEvent.change(await screen.findByLabelText('Passphrase'), { target: { value: 'anything' } });
    fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    await waitFor(() => expect(api.calls.some((c) => c.name === 'unlockVault')).toBe(true));
    const operationId = (api.calls.find((c) => c.name === 'unlockVault')!.request as { operationId: string }).operationId;
    act(() => api.emit({ type: 'progress', operationId, channel: 'unlockVault', phase: 'decrypt', done: 50, total: 200 }));
    expect(await screen.findByText(/Decrypting the records — 25%/)).toBeTruthy();
    act(() => api.emit({ type: 'progress', operationId: 'someone-else', channel: 'unlockVault', phase: 'decrypt', done: 199, total: 200 }));
    expect(screen.queryByText(/100%|99%/)).toBeNull();
    await act(async () => release!());
  });
});

describe('locking', () => {
  it('returns to the unlock screen when the vault locks itself, and forgets the records', async () => {
    const api = installFakeApi({
      vaultStatus: () => ({ state: 'unlocked', vault: VAULT_INFO }),
      listCases: () => ({ total: 0, items: [] }),
    });
    renderApp();
    expect(await screen.findByRole('heading', { level: 1, name: 'Cases' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Lock' })).toBeTruthy();
    act(() => api.emit({ type: 'locked', reason: 'idle' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Unlock Tearline' })).toBeTruthy();
    expect(screen.getByText('The vault locked itself after a period without activity.')).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Cases' })).toBeNull();
  });

  it('locks from the lock button', async () => {
    const api = installFakeApi({
      vaultStatus: () => ({ state: 'unlocked', vault: VAULT_INFO }),
      listCases: () => ({ total: 0, items: [] }),
      lockVault: () => null,
    });
    renderApp();
    fireEvent.click(await screen.findByRole('button', { name: 'Lock' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Unlock Tearline' })).toBeTruthy();
    expect(api.calls.map((c) => c.name)).toContain('lockVault');
  });

  it('saves a draft typed just before Lock before the keys go', async () => {
    const saved: unknown[] = [];
    const { api, summary } = await openNewCase({
      saveDraft: (req) => {
        saved.push(req.data);
        return { savedAt: '2025-03-10T10:05:00.000Z' };
      },
      lockVault: () => null,
    });
    fireEvent.change(summary, { target: { value: 'Typed a moment before locking' } });
    // At once, well inside the draft's 800 ms delay.
    fireEvent.click(screen.getByRole('button', { name: 'Lock' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Unlock Tearline' })).toBeTruthy();
    const names = api.calls.map((c) => c.name);
    expect(names.indexOf('saveDraft')).toBeGreaterThanOrEqual(0);
    expect(names.indexOf('saveDraft')).toBeLessThan(names.indexOf('lockVault'));
    expect((saved[0] as { values: { summary?: string } }).values.summary).toBe('Typed a moment before locking');
  });
});

describe('locking with a draft that cannot be saved, or is still being saved', () => {
  it('says so instead of locking, and locks when Lock is pressed again', async () => {
    const { api, summary } = await openNewCase({
      saveDraft: () => failure('E_IO', 'the disk is full'),
      lockVault: () => null,
    });
    fireEvent.change(summary, { target: { value: 'Typed a moment before locking' } });
    fireEvent.click(screen.getByRole('button', { name: 'Lock' }));
    expect(await screen.findByText('The vault is not locked yet: a draft could not be saved.')).toBeTruthy();
    expect(api.calls.map((c) => c.name)).not.toContain('lockVault');
    expect(screen.getByLabelText('Summary')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Lock' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Unlock Tearline' })).toBeTruthy();
    expect(api.calls.map((c) => c.name)).toContain('lockVault');
  });

  it('tries again, at Lock, a draft whose own save had failed, and saves what is typed after the warning', async () => {
    const saved: string[] = [];
    let failing = 2;
    const { api, summary } = await openNewCase({
      saveDraft: (req) => {
        if (failing-- > 0) return failure('E_IO', 'the disk is full');
        saved.push((req.data as { values: { summary?: string } }).values.summary ?? '');
        return { savedAt: '2025-03-10T10:05:00.000Z' };
      },
      lockVault: () => null,
    });
    fireEvent.change(summary, { target: { value: 'First words' } });
    // Its own save, after the delay, fails; Lock then tries again, fails, and says so.
    await waitFor(() => expect(api.calls.filter((c) => c.name === 'saveDraft')).toHaveLength(1), { timeout: 3000 });
    fireEvent.click(screen.getByRole('button', { name: 'Lock' }));
    expect(await screen.findByText('The vault is not locked yet: a draft could not be saved.')).toBeTruthy();
    expect(api.calls.filter((c) => c.name === 'saveDraft')).toHaveLength(2);
    // More is typed; the second Lock saves it (the disk has room again) and locks.
    fireEvent.change(screen.getByLabelText('Summary'), { target: { value: 'First words, and more' } });
    fireEvent.click(screen.getByRole('button', { name: 'Lock' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Unlock Tearline' })).toBeTruthy();
    expect(saved).toEqual(['First words, and more']);
    const names = api.calls.map((c) => c.name);
    expect(names.lastIndexOf('saveDraft')).toBeLessThan(names.indexOf('lockVault'));
  });

  it('stages the latest change with the core at once, at most one call in 100 ms, without waiting for answers', async () => {
    // The core's lock writes what is staged: a lock the renderer cannot delay (the system
    // going to sleep) loses no more than the last 100 ms of typing. The core answers
    // nothing here (busy with a long step), and staging goes on regardless.
    const staged: string[] = [];
    const stageDraft = (request: { data: unknown }) => {
      staged.push((request.data as { values: { summary: string } }).values.summary);
      return new Promise<null>(() => undefined);
    };
    const { api, summary } = await openNewCase({ stageDraft, saveDraft: () => ({ savedAt: '2025-03-10T10:05:00.000Z' }) });
    fireEvent.change(summary, { target: { value: 'F' } });
    // At once, not after the save's delay...
    await waitFor(() => expect(staged).toEqual(['F']));
    // ...and what follows within the interval goes as one call, the latest values.
    fireEvent.change(summary, { target: { value: 'Fi' } });
    fireEvent.change(summary, { target: { value: 'Fir' } });
    expect(staged).toEqual(['F']);
    await waitFor(() => expect(staged).toEqual(['F', 'Fir']));
    expect(api.calls.map((c) => c.name)).not.toContain('saveDraft');
  });

  it('waits for a save already on its way before the keys go', async () => {
    const held = heldSave();
    const { api, summary } = await openNewCase({ saveDraft: held.saveDraft, lockVault: () => null });
    fireEvent.change(summary, { target: { value: 'Saved on its own' } });
    // The draft's own delay passes and its save starts, then Lock is pressed while it is on its way.
    await waitFor(() => expect(api.calls.map((c) => c.name)).toContain('saveDraft'), { timeout: 3000 });
    fireEvent.click(screen.getByRole('button', { name: 'Lock' }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(api.calls.map((c) => c.name)).not.toContain('lockVault');
    act(() => held.finish());
    expect(await screen.findByRole('heading', { level: 1, name: 'Unlock Tearline' })).toBeTruthy();
    const names = api.calls.map((c) => c.name);
    expect(names.filter((n) => n === 'saveDraft')).toHaveLength(1);
    expect(names.indexOf('saveDraft')).toBeLessThan(names.indexOf('lockVault'));
  });
});

describe('creating a vault', () => {
  it('refuses two different passphrases, and shows the strength as it is typed', async () => {
    const api = installFakeApi({ vaultStatus: () => ({ state: 'absent', vault: null }), createVault: () => VAULT_INFO, listCases: () => ({ total: 0, items: [] }) });
    renderApp();
    fireEvent.change(await screen.findByLabelText('Workstation name'), { target: { value: 'Ops 2' } });
    fireEvent.change(screen.getByLabelText('Passphrase'), { target: { value: 'copper lantern orbit meadow' } });
    expect(screen.getByText(/Strength: (Good|Strong)/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Type the passphrase again'), { target: { value: 'copper lantern orbit meadows' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create the vault' }));
    expect(await screen.findByText('The two passphrases are not the same.')).toBeTruthy();
    expect(api.calls.some((c) => c.name === 'createVault')).toBe(false);

    fireEvent.change(screen.getByLabelText('Type the passphrase again'), { target: { value: 'copper lantern orbit meadow' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create the vault' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Cases' })).toBeTruthy();
    const request = api.calls.find((c) => c.name === 'createVault')!.request as Record<string, unknown>;
    expect(request).toMatchObject({ name: 'Ops 2', passphrase: 'copper lantern orbit meadow', kdf: 'moderate' });
  });
});
