// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXAMPLE_CASE_ID, validateBody } from '../../shared/domain';
import { EntryForm } from '../../renderer/src/forms/EntryForm';
import { CaseRows } from '../../renderer/src/screens/CaseList';
import { toCaseRow, type CaseRow } from '../../renderer/src/lib/case-rows';
import { installFakeApi } from './helpers/fake-api';
import { CaseLog, warnedCase } from './helpers/case-log';

function wrap(children: ReactNode) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(<QueryClientProvider client={client}>{children}</QueryClientProvider>);
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function waiverForm(onSubmit: (body: Record<string, unknown>) => Promise<void>, draftKey?: string) {
  return wrap(
    <>
      <h2 id="t">Waiver</h2>
      <EntryForm kind="waiver" formId="w" labelledBy="t" fixed={{ caseId: EXAMPLE_CASE_ID }} submitLabel="Save the waiver" onSubmit={onSubmit} draftKey={draftKey} />
    </>,
  );
}

describe('an entry form', () => {
  it('refuses an incomplete waiver, naming each missing field, and writes nothing', async () => {
    installFakeApi({ listDrafts: () => [] });
    const onSubmit = vi.fn(async () => undefined);
    waiverForm(onSubmit);
    fireEvent.click(screen.getByRole('button', { name: 'Save the waiver' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('4 problems to fix');
    for (const line of ['Waiver reasons: choose at least one waiver reason', 'Justification: required', 'Requested by: required', 'Approved by: required']) {
      expect(within(alert).getByText(line)).toBeTruthy();
    }
    expect(screen.getByLabelText('Justification').getAttribute('aria-invalid')).toBe('true');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('offers the policy’s waiver reasons with their full wording, and sends a valid body', async () => {
    installFakeApi({ listDrafts: () => [] });
    const onSubmit = vi.fn(async (_body: Record<string, unknown>) => undefined);
    waiverForm(onSubmit);
    const reason = screen.getByRole('checkbox', { name: /No reasonable way to warn/ });
    expect(screen.getByText('There is no reasonable way to warn the intended victim.')).toBeTruthy();
    fireEvent.click(reason);
    fireEvent.change(screen.getByLabelText('Justification'), { target: { value: 'The victim cannot be located.' } });
    fireEvent.change(screen.getByLabelText('Requested by'), { target: { value: 'Officer A' } });
    fireEvent.change(screen.getByLabelText('Approved by'), { target: { value: 'Chief B' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save the waiver' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    const body = onSubmit.mock.calls[0]![0];
    expect(body).toEqual({
      caseId: EXAMPLE_CASE_ID,
      reasons: ['no-means'],
      justification: 'The victim cannot be located.',
      requestedBy: 'Officer A',
      approvedBy: 'Chief B',
    });
    expect(() => validateBody('waiver', body)).not.toThrow();
  });

  it('keeps the unfinished form as an encrypted draft, and restores it', async () => {
    const saved: { key: string; data: unknown }[] = [];
    installFakeApi({
      listDrafts: () => [{ key: 'test-draft', savedAt: '2025-03-10T10:00:00.000Z', data: { values: { justification: 'Half written', reasons: ['victim-aware'] } } }],
      saveDraft: (req) => {
        saved.push({ key: req.key, data: req.data });
        return { savedAt: '2025-03-10T10:05:00.000Z' };
      },
      deleteDraft: () => ({ deleted: true }),
    });
    waiverForm(async () => undefined, 'test-draft');
    await waitFor(() => expect((screen.getByLabelText('Justification') as HTMLTextAreaElement).value).toBe('Half written'));
    expect(screen.getByText(/Your unsaved draft from .* was restored/)).toBeTruthy();
    expect((screen.getByRole('checkbox', { name: /Victim already aware/ }) as HTMLInputElement).checked).toBe(true);
    fireEvent.change(screen.getByLabelText('Requested by'), { target: { value: 'Officer A' } });
    await waitFor(() => expect(saved).toHaveLength(1), { timeout: 3000 });
    expect(saved[0]!.key).toBe('test-draft');
    expect((saved[0]!.data as { values: Record<string, unknown> }).values.requestedBy).toBe('Officer A');
  });
});

describe('the case list', () => {
  it('renders only the rows on screen out of a hundred thousand', () => {
    installFakeApi({});
    // jsdom lays nothing out: give the scrolling box the size of a window.
    vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    const log = new CaseLog();
    const base = toCaseRow(log.view(warnedCase(log)));
    const rows: CaseRow[] = Array.from({ length: 100_000 }, (_, i) => ({ ...base, caseId: `case-${i}`, title: `Case number ${i}` }));
    wrap(<CaseRows rows={rows} />);
    const list = screen.getByRole('list', { name: 'Cases found' });
    const items = within(list).getAllByRole('listitem');
    expect(items.length).toBeGreaterThan(5);
    expect(items.length).toBeLessThan(40);
    expect(items[0]!.getAttribute('aria-setsize')).toBe('100000');
    expect(within(list).getByRole('link', { name: 'Case number 0' }).getAttribute('href')).toBe('#/cases/case-0');
  });
});
