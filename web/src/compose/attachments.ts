// Owns: the compose form's attachments: the size limit told before upload (the session's
// maxSizeUpload, the whole message counting base64), each file uploaded once with its progress;
// its blobId is what the message refers to (send.ts). A forwarded message's or a draft's files are
// the server's already: their part's blobId is taken, nothing is uploaded.
import { useState } from 'react';
import { uploadBlob } from '../api/jmap.ts';

export interface PendingAttachment {
  key: string;
  file: File;
  loaded: number;
  done: boolean;
  /** The server's blob: the upload's, or the original message part's. */
  blobId?: string;
  error?: string;
}

/** The bytes a file takes in the message (base64 with line breaks). */
export function encodedSize(n: number): number {
  return Math.ceil(n / 3) * 4 * (78 / 76) + 200;
}

export function useAttachments(accountId: string, limit: number, onRefused: (name: string) => void) {
  const [items, setItems] = useState<PendingAttachment[]>([]);

  function update(key: string, patch: Partial<PendingAttachment>) {
    setItems((xs) => xs.map((x) => (x.key === key ? { ...x, ...patch } : x)));
  }

  /** `blobIds`: files that are already the server's (a forwarded message's, a draft's), their blobs: nothing to upload. */
  function add(files: FileList | File[], textSize: number, blobIds?: string[]) {
    let used = textSize + items.reduce((n, x) => n + encodedSize(x.file.size), 0);
    for (const [i, file] of Array.from(files).entries()) {
      if (used + encodedSize(file.size) > limit) {
        onRefused(file.name);
        continue;
      }
      used += encodedSize(file.size);
      const key = `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
      if (blobIds) {
        setItems((xs) => [...xs, { key, file, loaded: file.size, done: true, blobId: blobIds[i] }]);
        continue;
      }
      setItems((xs) => [...xs, { key, file, loaded: 0, done: false }]);
      uploadBlob(accountId, file, file.type || 'application/octet-stream', (loaded) => update(key, { loaded }))
        .then((up) => update(key, { loaded: file.size, done: true, blobId: up.blobId }))
        .catch((e: Error) => update(key, { error: e.message }));
    }
  }

  return { items, add, remove: (key: string) => setItems((xs) => xs.filter((x) => x.key !== key)), ready: items.every((x) => x.done || x.error) };
}
