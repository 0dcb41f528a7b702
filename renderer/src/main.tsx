import './zod-config';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App } from './App';
import { ApiError } from './api/client';
import './styles/base.css';
import './styles/layout.css';
import './styles/forms.css';
import './styles/print.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Local, in-process data: no network, nothing to refetch on focus.
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      // A locked vault or a missing record does not get better by asking again.
      retry: (count, error) => !(error instanceof ApiError) && count < 1,
      staleTime: 30_000,
    },
    mutations: { retry: false },
  },
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </StrictMode>,
  );
}
