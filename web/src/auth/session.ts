// Owns: who is signed in (GET /api/v1/me over the session cookie), signing in and out.
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, HttpError } from '../api/http.ts';

export interface Me {
  accountId: number;
  username: string;
  roles: Array<{ role: string }>;
  person: { name?: string; title?: string; unitName?: string } | null;
  shared: unknown[];
}

export function useMe() {
  return useQuery<Me, HttpError>({ queryKey: ['me'], queryFn: () => api<Me>('GET', '/api/v1/me'), retry: false, staleTime: 60_000 });
}

export interface LoginAnswer {
  expiresAt: number;
  mustChangePassword: boolean;
}

export function signIn(username: string, password: string, code?: string): Promise<LoginAnswer> {
  return api<LoginAnswer>('POST', '/auth/web/login', { username, password, ...(code ? { code } : {}) });
}

export async function signOut(qc: QueryClient): Promise<void> {
  try {
    await api('POST', '/auth/web/logout');
  } finally {
    qc.clear();
  }
}

/** Every session of the account ends (every device, every protocol), this one too. */
export async function signOutEverywhere(qc: QueryClient): Promise<void> {
  try {
    await api('POST', '/api/v1/me/sessions/end');
  } finally {
    await signOut(qc).catch(() => undefined);
  }
}

export function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  return api<void>('POST', '/api/v1/me/password', { currentPassword, newPassword });
}
