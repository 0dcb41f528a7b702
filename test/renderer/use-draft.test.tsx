// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useDraft } from '../../renderer/src/forms/useDraft';
import { installFakeApi } from './helpers/fake-api';

afterEach(() => cleanup());

// React's act() outside a test renderer: this file drives a hook directly.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A stageDraft handler that records each stage and never answers (a core busy with a long step). */
function stages() {
  const staged: [key: string, values: unknown][] = [];
  return {
    staged,
    stageDraft: (request: { key: string; data: unknown }) => {
      staged.push([request.key, (request.data as { values: unknown }).values]);
      return new Promise<null>(() => undefined);
    },
  };
}

/** A saveDraft handler whose saves answer only when `answer` is called, with success or a failure. */
function heldSaves() {
  const answers: ((ok: boolean) => void)[] = [];
  return {
    saveDraft: () =>
      new Promise<{ savedAt: string }>((resolve, reject) => {
        answers.push((ok) => (ok ? resolve({ savedAt: '2025-03-10T10:05:00.000Z' }) : reject(new Error('E_IO: the disk is full'))));
      }),
    answer: (index: number, ok: boolean) => act(() => answers[index]!(ok)),
    get count() {
      return answers.length;
    },
  };
}

function renderDraft(key: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  return renderHook(({ draftKey }: { draftKey: string }) => useDraft<string>(draftKey, () => undefined), { wrapper, initialProps: { draftKey: key } });
}


const sleep = (ms: number) => act(() => new Promise((resolve) => setTimeout(resolve, ms)));
const saves = (api: ReturnType<typeof installFakeApi>) =>
  api.calls.filter((c) => c.name === 'saveDraft').map((c) => {
    const request = c.request as { key: string; data: { values: string } };
    return [request.key, request.data.values];
  });

/** A form's draft whose stages are recorded and never answered, and whose saves succeed. */
function stagingForm(key: string) {
  const staging = stages();
  const api = installFakeApi({ listDrafts: () => [], stageDraft: staging.stageDraft, saveDraft: () => ({ savedAt: '2025-03-10T10:05:00.000Z' }) });
  return { staging, api, hook: renderDraft(key) };
}

/** A form's draft whose saves wait for `held.answer`, with staging and discarding answered at once. */
function heldForm() {
  const held = heldSaves();
  const api = installFakeApi({ listDrafts: () => [], stageDraft: () => null, saveDraft: held.saveDraft, deleteDraft: () => ({ deleted: true }) });
  return { held, api, hook: renderDraft('new-case') };
}

/** Two changes, each saved after its delay, both saves left on their way. */
async function twoSavesOnTheirWay(form: ReturnType<typeof heldForm>): Promise<void> {
  act(() => form.hook.result.current.changed('first'));
  await waitFor(() => expect(form.held.count).toBe(1), { timeout: 2000 });
  act(() => form.hook.result.current.changed('second'));
  await waitFor(() => expect(form.held.count).toBe(2), { timeout: 2000 });
}

describe('useDraft', () => {
  it('stages a change under its own draft’s key when the key changes between two stages', async () => {
    const { staging, api, hook } = stagingForm('case.a.note');
    act(() => hook.result.current.changed('A1'));
    act(() => hook.result.current.changed('A2'));
    // The form moves to another case's draft: what waited for the first is saved under its key...
    hook.rerender({ draftKey: 'case.b.note' });
    act(() => hook.result.current.changed('B1'));
    await sleep(250);
    // ...and the next stage carries the new draft's key with its own values.
    expect(staging.staged).toEqual([
      ['case.a.note', 'A1'],
      ['case.b.note', 'B1'],
    ]);
    expect(saves(api)).toEqual([['case.a.note', 'A2']]);
  });

  it('does not stage after a save the values that the save carries', async () => {
    const { staging, api, hook } = stagingForm('new-case');
    act(() => hook.result.current.changed('Firs'));
    // Typed within the interval, then saved at once (the form closes): the save carries it,
    // and staging it after the save would have the core take an older state for the latest.
    act(() => hook.result.current.changed('First'));
    hook.unmount();
    await sleep(250);
    expect(staging.staged).toEqual([['new-case', 'Firs']]);
    expect(saves(api)).toEqual([['new-case', 'First']]);
  });

  it('stages what waits at once when the window is hidden, as timers then slow down', async () => {
    const { staging, hook } = stagingForm('new-case');
    act(() => hook.result.current.changed('typed'));
    act(() => hook.result.current.changed('typed as the lid closed'));
    expect(staging.staged).toEqual([['new-case', 'typed']]);
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    try {
      act(() => void document.dispatchEvent(new Event('visibilitychange')));
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
    expect(staging.staged).toEqual([
      ['new-case', 'typed'],
      ['new-case', 'typed as the lid closed'],
    ]);
    hook.unmount();
  });

  it('drops a change waiting to be staged when the draft is discarded', async () => {
    const staging = stages();
    const api = installFakeApi({ listDrafts: () => [], stageDraft: staging.stageDraft, deleteDraft: () => ({ deleted: true }) });
    const hook = renderDraft('new-case');
    act(() => hook.result.current.changed('typed'));
    act(() => hook.result.current.changed('typed more'));
    await act(() => hook.result.current.discard());
    await sleep(250);
    expect(staging.staged).toEqual([['new-case', 'typed']]);
    const names = api.calls.map((c) => c.name);
    expect(names).toContain('deleteDraft');
    expect(names).not.toContain('saveDraft');
  });

  it('does not try again a failed save once a later one has gone', async () => {
    const form = heldForm();
    const { held, api, hook } = form;
    await twoSavesOnTheirWay(form);
    // The older save fails after the later one has gone: trying it again (here, as the form
    // closes) would write 'first' over 'second'.
    await held.answer(0, false);
    await held.answer(1, true);
    hook.unmount();
    await sleep(50);
    expect(saves(api)).toEqual([
      ['new-case', 'first'],
      ['new-case', 'second'],
    ]);
  });

  it('does not bring back a discarded draft whose save, on its way, then fails', async () => {
    const { held, api, hook } = heldForm();
    act(() => hook.result.current.changed('typed'));
    await waitFor(() => expect(held.count).toBe(1), { timeout: 2000 });
    await act(() => hook.result.current.discard());
    await held.answer(0, false);
    hook.unmount();
    await sleep(50);
    expect(api.calls.map((c) => c.name).filter((n) => n !== 'stageDraft' && n !== 'listDrafts')).toEqual(['saveDraft', 'deleteDraft']);
  });

  it('shows the outcome of the last save, not that of an earlier one that ends after it, nor of one that ends after a discard', async () => {
    const form = heldForm();
    const { held, hook } = form;
    await twoSavesOnTheirWay(form);
    await held.answer(1, true);
    await held.answer(0, false);
    expect(hook.result.current.saveError).toBeNull();
    expect(hook.result.current.savedAt).not.toBeNull();
    hook.unmount();

    const { held: again, hook: other } = heldForm();
    act(() => other.result.current.changed('typed'));
    await waitFor(() => expect(again.count).toBe(1), { timeout: 2000 });
    await act(() => other.result.current.discard());
    await again.answer(0, true);
    expect(other.result.current.savedAt).toBeNull();
  });
});
