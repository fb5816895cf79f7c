// Owns: the app's HTTP calls to its own server: the CSRF header on every non-GET (the readable
// `thutin_csrf` cookie, http/web-session.ts), JSON in and out, errors with the server's stable code.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageEn: string = message,
  ) {
    super(message);
  }
}

export function csrfToken(): string {
  const m = /(?:^|;\s*)thutin_csrf=([^;]*)/.exec(document.cookie);
  return m ? m[1] : '';
}

function headersFor(method: string, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json', ...extra };
  if (method !== 'GET' && method !== 'HEAD') h['x-csrf-token'] = csrfToken();
  return h;
}

async function errorOf(res: Response): Promise<HttpError> {
  let body: { code?: string; message?: string; messageEn?: string; detail?: string; type?: string } = {};
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const code = body.code ?? (res.status === 401 ? 'UNAUTHENTICATED' : `HTTP_${res.status}`);
  return new HttpError(res.status, code, body.message ?? body.detail ?? res.statusText, body.messageEn ?? body.detail ?? res.statusText);
}

/** A JSON call; 204 gives undefined. */
export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: headersFor(method, body === undefined ? {} : { 'content-type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A raw body with upload progress (XMLHttpRequest: fetch has no upload progress). */
export function upload<T>(url: string, body: Blob, type: string, onProgress?: (loaded: number, total: number) => void, signal?: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.withCredentials = true;
    xhr.setRequestHeader('content-type', type || 'application/octet-stream');
    xhr.setRequestHeader('x-csrf-token', csrfToken());
    xhr.responseType = 'json';
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : body.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve(xhr.response as T);
      else {
        const b = (xhr.response ?? {}) as { detail?: string };
        reject(new HttpError(xhr.status, `HTTP_${xhr.status}`, b.detail ?? xhr.statusText));
      }
    };
    xhr.onerror = () => reject(new HttpError(0, 'NETWORK', 'network error'));
    xhr.onabort = () => reject(new HttpError(0, 'ABORTED', 'aborted'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}

export async function fetchBlob(url: string): Promise<Blob> {
  const res = await fetch(url, { credentials: 'same-origin' });
  if (!res.ok) throw await errorOf(res);
  return res.blob();
}
