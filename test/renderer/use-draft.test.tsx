// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { useDraft } from '../../renderer/src/forms/useDraft';
import { installFakeApi } from './helpers/fake-api';

afterEach(() => cleanup());

/** A stageDraft handler whose calls answer only when `answer` is called (a stage on its way). */
function heldStage() {
  const staged: [key: string, values: unknown][] = [];
  let answer = (): void => undefined;
  return {
    staged,
    stageDraft: (request: { key: string; data: unknown }) => {
      staged.push([request.key, (request.data as { values: unknown }).values]);
      return new Promise<null>((resolve) => (answer = () => resolve(null)));
    },
    answer: () => act(() => answer()),
  };
}

function renderDraft(key: string) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  return renderHook(({ draftKey }: { draftKey: string }) => useDraft<string>(draftKey, () => undefined), { wrapper, initialProps: { draftKey: key } });
}

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 30)));

describe('useDraft', () => {
  it('stages a change under its own draft’s key when the key changes while a stage is on its way', async () => {
    const held = heldStage();
    const api = installFakeApi({ listDrafts: () => [], stageDraft: held.stageDraft, saveDraft: () => ({ savedAt: '2025-03-10T10:05:00.000Z' }) });
    const hook = renderDraft('case.a.note');
    act(() => hook.result.current.changed('A1'));
    act(() => hook.result.current.changed('A2'));
    // The form moves to another case's draft: what waited for the first is saved under its key...
    hook.rerender({ draftKey: 'case.b.note' });
    act(() => hook.result.current.changed('B1'));
    await held.answer();
    await waitFor(() => expect(held.staged).toHaveLength(2));
    // ...and the next stage carries the new draft's key with its own values.
    expect(held.staged).toEqual([
      ['case.a.note', 'A1'],
      ['case.b.note', 'B1'],
    ]);
    const saves = api.calls.filter((c) => c.name === 'saveDraft').map((c) => c.request as { key: string; data: { values: string } });
    expect(saves.map((s) => [s.key, s.data.values])).toEqual([['case.a.note', 'A2']]);
  });

  it('drops a change waiting to be staged when the draft is discarded', async () => {
    const held = heldStage();
    const api = installFakeApi({ listDrafts: () => [], stageDraft: held.stageDraft, deleteDraft: () => ({ deleted: true }) });
    const hook = renderDraft('new-case');
    act(() => hook.result.current.changed('typed'));
    act(() => hook.result.current.changed('typed more'));
    await act(() => hook.result.current.discard());
    await held.answer();
    await settle();
    expect(held.staged).toEqual([['new-case', 'typed']]);
    const names = api.calls.map((c) => c.name);
    expect(names).toContain('deleteDraft');
    expect(names).not.toContain('saveDraft');
  });
});
