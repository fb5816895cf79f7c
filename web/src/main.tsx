// Owns: the app's start: languages, the query client (a 401 anywhere leads back to the sign-in), the router.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { HttpError } from './api/http.ts';
import './i18n/index.ts';
import './styles.css';
import { routes } from './routes.tsx';

const router = createBrowserRouter(routes);

/** The session ended (signed out everywhere, password changed elsewhere, account disabled): back to the sign-in. */
function onError(e: unknown): void {
  const path = window.location.pathname;
  if (e instanceof HttpError && e.status === 401 && path !== '/login') {
    queryClient.clear();
    void router.navigate(`/login?next=${encodeURIComponent(path + window.location.search)}`, { replace: true });
  }
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: { queries: { staleTime: 10_000, refetchOnWindowFocus: true, retry: (n, e) => !(e instanceof HttpError && e.status === 401) && n < 1 } },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
