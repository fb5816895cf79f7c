// Owns: the web app's calls to the requests API of issue 11 (src/http/routes/requests.ts,
// request-documents.ts): list, read, file, add the document (scanned PDF as base64), the life-cycle
// steps, the one-time credential and its letter, the handover record; and the units for the forms.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, csrfToken, HttpError } from '../api/http.ts';

export const ITEM_KINDS = ['joiner', 'mover', 'leaver', 'update', 'password-reset', 'handover', 'unit-create', 'unit-rename', 'unit-dissolve'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export type RequestKind = ItemKind | 'batch';
export const STATES = ['draft', 'awaiting-signoff', 'submitted', 'scheduled', 'executing', 'executed', 'failed', 'notified', 'rejected', 'withdrawn'] as const;
export type RequestState = (typeof STATES)[number];
/** Kinds that must carry the official document before they are submitted (src/requests/types.ts). */
export const DOCUMENT_REQUIRED: readonly ItemKind[] = ['joiner', 'leaver', 'handover', 'unit-create', 'unit-rename', 'unit-dissolve'];

export interface RequestView {
  id: number;
  kind: RequestKind;
  kindLabel: string;
  state: RequestState;
  stateLabel: string;
  unitCode: string | null;
  requester: string;
  summary: string;
  note: string;
  effectiveAt: number | null;
  dueAt: number | null;
  overdue: boolean;
  rejectReason: string | null;
  error: string | null;
  createdAt: number;
  submittedAt: number | null;
  decidedAt: number | null;
  executedAt: number | null;
  notifiedAt: number | null;
  progress: { done: number; total: number };
}

export interface RequestDetail extends RequestView {
  items: Array<{
    line: number;
    kind: ItemKind;
    state: string;
    payload: Record<string, unknown>;
    result: Record<string, unknown> | null;
    error: string | null;
    credential: { issued: boolean; redeemed: boolean; expiresAt: number | null } | null;
  }>;
  events: Array<{ id: number; at: number; actor: string; event: string; fromState: string | null; toState: string | null; note: string }>;
  documents: Array<{ id: number; number: string; issuedOn: string; signer: string; filename: string | null; size: number | null; addedBy: string; createdAt: number }>;
  changes: Array<{ entity: string; entityId: number; at: number }>;
}

export interface DocumentRef {
  number: string;
  date: string;
  signer: string;
}

export interface Unit {
  id: number;
  code: string;
  name: string;
  parentId: number | null;
}

export interface ListFilter {
  state?: string;
  kind?: string;
  overdue?: boolean;
  mine?: boolean;
}

export function useRequests(f: ListFilter) {
  return useQuery<RequestView[]>({
    queryKey: ['requests', f],
    queryFn: async () => {
      const q = new URLSearchParams();
      if (f.state) q.set('state', f.state);
      if (f.kind) q.set('kind', f.kind);
      if (f.overdue) q.set('overdue', 'true');
      if (f.mine) q.set('mine', 'true');
      return (await api<{ requests: RequestView[] }>('GET', `/api/v1/requests?${q}`)).requests;
    },
  });
}

export function useRequest(id: number) {
  return useQuery<RequestDetail, HttpError>({ queryKey: ['request', id], queryFn: () => api<RequestDetail>('GET', `/api/v1/requests/${id}`), retry: false });
}

export function useUnits() {
  return useQuery<Unit[]>({ queryKey: ['units'], queryFn: async () => (await api<{ units: Unit[] }>('GET', '/api/v1/units')).units, staleTime: 60_000 });
}

/** The units under any of `roots` (ids), roots included; every unit when roots is null. */
export function subtree(units: Unit[], roots: number[] | null): Unit[] {
  if (roots === null) return units;
  const keep = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const u of units)
      if (!keep.has(u.id) && u.parentId !== null && keep.has(u.parentId)) {
        keep.add(u.id);
        grew = true;
      }
  }
  return units.filter((u) => keep.has(u.id));
}

export interface FileBody {
  kind: RequestKind;
  payload?: Record<string, unknown>;
  items?: Array<{ kind: ItemKind; payload: Record<string, unknown>; line?: number }>;
  csv?: string;
  document?: DocumentRef;
  effectiveDate?: string;
  note?: string;
}

export function fileRequest(body: FileBody): Promise<RequestView> {
  return api<RequestView>('POST', '/api/v1/requests', body);
}

async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export async function addDocument(id: number, ref: DocumentRef, file?: File | null): Promise<unknown> {
  return api('POST', `/api/v1/requests/${id}/documents`, { ...ref, ...(file ? { filename: file.name, contentBase64: await base64Of(file) } : {}) });
}

export type Step = 'submit' | 'approve' | 'reject' | 'withdraw' | 'execute';

export function step(id: number, s: Step, body: Record<string, string> = {}): Promise<RequestView> {
  return api<RequestView>('POST', `/api/v1/requests/${id}/${s}`, body);
}

export function takeCredential(id: number, line = 1): Promise<{ token: string; expiresAt: number; address: string | null; redeemPath: string }> {
  return api('POST', `/api/v1/requests/${id}/credential`, { line });
}

export function redeemCredential(token: string): Promise<{ address: string; password: string; mustChangePassword: true }> {
  return api('POST', `/api/v1/requests/credential/${encodeURIComponent(token)}`);
}

/** A PDF the API answers to a POST (the credential letter): fetched and opened as a download. */
export async function downloadPost(url: string, body: unknown, filename: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken() },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    const b = (await res.json().catch(() => ({}))) as { code?: string; message?: string; messageEn?: string };
    throw new HttpError(res.status, b.code ?? `HTTP_${res.status}`, b.message ?? res.statusText, b.messageEn);
  }
  const url2 = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url2;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url2), 60_000);
}

export interface HandoverRecord {
  record: { unit: { code: string; name: string }; outgoing?: { address?: string; name?: string } | null; incoming?: { address?: string; name?: string } | null; [k: string]: unknown };
  acknowledgements: Array<{ role: string; address: string; at: number }>;
}

export function useHandover(id: number, enabled: boolean) {
  return useQuery<HandoverRecord | null>({
    queryKey: ['handover', id],
    enabled,
    queryFn: async () => {
      try {
        return await api<HandoverRecord>('GET', `/api/v1/requests/${id}/handover`);
      } catch {
        return null;
      }
    },
  });
}

export function acknowledgeHandover(id: number): Promise<unknown> {
  return api('POST', `/api/v1/requests/${id}/handover/acknowledge`, {});
}

export function useInvalidateRequests() {
  const qc = useQueryClient();
  return (id?: number) => {
    void qc.invalidateQueries({ queryKey: ['requests'] });
    if (id !== undefined) {
      void qc.invalidateQueries({ queryKey: ['request', id] });
      void qc.invalidateQueries({ queryKey: ['handover', id] });
    }
  };
}

/** An API error in the user's language (the server sends a stable code, a Vietnamese message and an English one). */
export function errorText(e: unknown, lang: string): string {
  if (e instanceof HttpError) return `${lang === 'en' ? e.messageEn : e.message} (${e.code})`;
  return String(e);
}
