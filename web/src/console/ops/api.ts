// Owns: the console's calls to the server — GET /metrics (parsed), /api/v1/console/mail-per-day,
// /api/v1/backups/last (+ verify), /api/v1/reports/capacity, /api/v1/queue (+ retry, delete),
// /api/v1/audit (+ verify), /api/v1/security/lockouts (+ lift) — as TanStack Query hooks.
import { useQuery } from '@tanstack/react-query';
import { api, HttpError } from '../../api/http.ts';
import { parseProm, type Sample } from './prom.ts';

export function useMetrics() {
  return useQuery<Sample[], HttpError>({
    queryKey: ['ops', 'metrics'],
    queryFn: async () => {
      const res = await fetch('/metrics', { credentials: 'same-origin', headers: { accept: 'text/plain' } });
      if (!res.ok) throw new HttpError(res.status, `HTTP_${res.status}`, res.statusText);
      return parseProm(await res.text());
    },
    refetchInterval: 30_000,
  });
}

export interface MailDay {
  day: string;
  in: number;
  out: number;
}

export function useMailPerDay(days: number) {
  return useQuery<MailDay[], HttpError>({
    queryKey: ['ops', 'mail-per-day', days],
    queryFn: async () => (await api<{ days: MailDay[] }>('GET', `/api/v1/console/mail-per-day?days=${days}`)).days,
    refetchInterval: 30_000,
  });
}

export interface LastBackup {
  status: { at: string; dir: string; set?: string; storedBytes?: number; ok: boolean; error?: string } | null;
  ageHours: number | null;
  maxAgeHours: number;
  stale: boolean;
  verification: { set: string; at: string; ok: boolean; files: number; bytes: number; problems: string[] } | null;
}

export function useLastBackup() {
  return useQuery<LastBackup, HttpError>({ queryKey: ['ops', 'backup'], queryFn: () => api<LastBackup>('GET', '/api/v1/backups/last'), refetchInterval: 60_000 });
}

export function verifyLastBackup(): Promise<LastBackup> {
  return api<LastBackup>('POST', '/api/v1/backups/last/verify', {});
}

export interface CapacityRow {
  agency: string;
  name: string;
  mailboxes: number;
  bytes: number;
  receivedBytes: number;
  receivedMessages: number;
  growthPerYear: number;
  projectedBytes: number;
  diskGb: number;
  budget: number;
}
export interface CapacityReport {
  at: number;
  config: { currency: string; pricePerGb: number; pricePerMailbox: number; diskOverhead: number; growthWindowDays: number };
  rows: CapacityRow[];
  total: CapacityRow;
}

export function useCapacity(enabled = true) {
  return useQuery<CapacityReport, HttpError>({ queryKey: ['ops', 'capacity'], queryFn: () => api<CapacityReport>('GET', '/api/v1/reports/capacity'), enabled });
}

export interface QueueRecipient {
  id: number;
  recipient: string;
  state: 'queued' | 'deferred' | 'delivered' | 'bounced';
  attempts: number;
  nextAttemptAt: number;
  lastAttemptAt: number | null;
  lastError: string | null;
  status: string | null;
}
export interface QueueEntry {
  id: number;
  sender: string;
  size: number;
  state: 'active' | 'hold' | 'done';
  createdAt: number;
  recipients: QueueRecipient[];
}

export function useQueue() {
  return useQuery<QueueEntry[], HttpError>({ queryKey: ['ops', 'queue'], queryFn: async () => (await api<{ queue: QueueEntry[] }>('GET', '/api/v1/queue')).queue, refetchInterval: 15_000 });
}

export const retryQueued = (id: number) => api('POST', `/api/v1/queue/${id}/retry`);
export const deleteQueued = (id: number) => api('DELETE', `/api/v1/queue/${id}`);

export interface AuditEntry {
  id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  details: string;
  reason: string;
}
export interface AuditFilter {
  actor?: string;
  action?: string;
  from?: number;
  to?: number;
  before?: number;
}
export const AUDIT_PAGE = 50;

export function useAudit(f: AuditFilter) {
  const q = new URLSearchParams({ limit: String(AUDIT_PAGE) });
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') q.set(k, String(v));
  return useQuery<AuditEntry[], HttpError>({ queryKey: ['ops', 'audit', q.toString()], queryFn: async () => (await api<{ entries: AuditEntry[] }>('GET', `/api/v1/audit?${q}`)).entries });
}

export interface ChainResult {
  ok: boolean;
  checked: number;
  legacy: number;
  broken?: { id: number; problem: string; message: string };
}
export const verifyAudit = () => api<ChainResult>('GET', '/api/v1/audit/verify');

export interface Lockout {
  key: string;
  kind: 'account' | 'address' | 'account-address';
  subject: string;
  lockedUntil: number;
  failures: number;
}

export function useLockouts() {
  return useQuery<Lockout[], HttpError>({
    queryKey: ['ops', 'lockouts'],
    queryFn: async () => (await api<{ lockouts: Lockout[] }>('GET', '/api/v1/security/lockouts')).lockouts,
    refetchInterval: 30_000,
  });
}

/** What to lift for a lockout: an account-address pair is lifted by its login. */
export function liftTarget(l: Lockout): string {
  return l.kind === 'account-address' ? l.subject.split('|')[0] : l.subject;
}

export const liftLockout = (target: string, reason: string) => api<{ cleared: number }>('POST', '/api/v1/security/lockouts/lift', { target, reason });
