// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { foldCases, type CaseView } from '../../shared/domain';
import { CaseList } from '../../renderer/src/screens/CaseList';
import { installFakeApi } from './helpers/fake-api';
import { CaseLog, waivedCase, warnedCase } from './helpers/case-log';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe('the cases screen', () => {
  it('reads every page, counts at a glance, and filters from the count buttons and the search', async () => {
    vi.spyOn(Element.prototype, 'clientHeight', 'get').mockReturnValue(600);
    vi.spyOn(Element.prototype, 'clientWidth', 'get').mockReturnValue(1000);
    const log = new CaseLog();
    for (let i = 0; i < 1200; i++) {
      if (i % 3 === 0) warnedCase(log, { opened: { title: `Warned case ${i}` } });
      else if (i % 3 === 1) waivedCase(log, { title: `Waived case ${i}` });
      else log.example('case.opened', null, { title: `Open case ${i}` });
    }
    const views: CaseView[] = foldCases(log.entries);
    const api = installFakeApi({
      listCases: (req) => {
        const offset = req.offset ?? 0;
        const limit = req.limit ?? 200;
        return { total: views.length, items: views.slice(offset, offset + limit) };
      },
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <CaseList />
      </QueryClientProvider>,
    );
    expect(await screen.findByText('Showing 1,200 of 1,200 cases', {}, { timeout: 10_000 })).toBeTruthy();
    expect(api.calls.filter((c) => c.name === 'listCases').map((c) => (c.request as { offset: number }).offset)).toEqual([0, 500, 1000]);

    const warned = screen.getByRole('button', { name: /Warned/ });
    expect(within(warned).getByText('400')).toBeTruthy();
    expect(within(screen.getByRole('button', { name: /^\S+\s*Open$/ })).getByText('1,200')).toBeTruthy();
    fireEvent.click(warned);
    expect(warned.getAttribute('aria-pressed')).toBe('true');
    await waitFor(() => expect(screen.getByText('Showing 400 of 1,200 cases')).toBeTruthy());

    fireEvent.change(screen.getByLabelText('Search cases'), { target: { value: 'case 300' } });
    await waitFor(() => expect(screen.getByText('Showing 1 of 1,200 cases')).toBeTruthy());
    expect(screen.getByRole('link', { name: 'Warned case 300' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /Clear the search and 1 filter/ }));
    await waitFor(() => expect(screen.getByText('Showing 1,200 of 1,200 cases')).toBeTruthy());
  });
});
