// Owns: the app's JMAP client (RFC 8620 over the session cookie): the session resource, batched
// method calls, uploads with progress, download URLs. Method errors become JmapError.
import { api, upload, HttpError } from './http.ts';
import type { JmapSession } from './types.ts';

export const CORE = 'urn:ietf:params:jmap:core';
export const MAIL = 'urn:ietf:params:jmap:mail';
export const SUBMISSION = 'urn:ietf:params:jmap:submission';
export const VACATION = 'urn:ietf:params:jmap:vacationresponse';

export type Invocation = [string, Record<string, unknown>, string];

export class JmapError extends Error {
  constructor(
    readonly type: string,
    readonly method: string,
    readonly description?: string,
  ) {
    super(`${method}: ${type}${description ? ` (${description})` : ''}`);
  }
}

export function getSession(): Promise<JmapSession> {
  return api<JmapSession>('GET', '/jmap/session');
}

/** Run method calls in one request; every answer by its call id. A method error throws. */
export async function jmap(calls: Invocation[], using: string[] = [CORE, MAIL, SUBMISSION]): Promise<Record<string, Record<string, unknown>>> {
  const res = await api<{ methodResponses: Invocation[] }>('POST', '/jmap/api', { using, methodCalls: calls });
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, args, id] of res.methodResponses) {
    if (name === 'error') throw new JmapError(String(args.type), calls.find((c) => c[2] === id)?.[0] ?? id, args.description as string | undefined);
    // An implicit response (onSuccessUpdateEmail's Email/set) shares its call's id: the call's own answer comes first.
    if (!(id in out)) out[id] = args;
  }
  return out;
}

/** One method call. */
export async function call<T = Record<string, unknown>>(method: string, args: Record<string, unknown>, using?: string[]): Promise<T> {
  const r = await jmap([[method, args, '0']], using);
  return r['0'] as T;
}

export interface UploadResult {
  accountId: string;
  blobId: string;
  type: string;
  size: number;
}

export function uploadBlob(accountId: string, body: Blob, type: string, onProgress?: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<UploadResult> {
  return upload<UploadResult>(`/jmap/upload/${encodeURIComponent(accountId)}`, body, type, onProgress, signal);
}

export function downloadUrl(accountId: string, blobId: string, name: string, type: string): string {
  return `/jmap/download/${encodeURIComponent(accountId)}/${encodeURIComponent(blobId)}/${encodeURIComponent(name || 'tep')}?type=${encodeURIComponent(type || 'application/octet-stream')}`;
}

export { HttpError };
