// Owns: the compose form's attachments: the size limit told before upload (the session's
// maxSizeUpload, the whole message counting base64), each file uploaded with its progress.
import { useState } from 'react';
import { uploadBlob } from '../api/jmap.ts';

export interface PendingAttachment {
  key: string;
  file: File;
  loaded: number;
  done: boolean;
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

  /** `uploaded`: files that are already the server's (a forwarded message's, a draft's): nothing to send ahead. */
  function add(files: FileList | File[], textSize: number, uploaded = false) {
    let used = textSize + items.reduce((n, x) => n + encodedSize(x.file.size), 0);
    for (const file of Array.from(files)) {
      if (used + encodedSize(file.size) > limit) {
        onRefused(file.name);
        continue;
      }
      used += encodedSize(file.size);
      const key = `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
      if (uploaded) {
        setItems((xs) => [...xs, { key, file, loaded: file.size, done: true }]);
        continue;
      }
      setItems((xs) => [...xs, { key, file, loaded: 0, done: false }]);
      // The upload checks the file is accepted (size, account) and shows progress; the message itself carries the bytes.
      uploadBlob(accountId, file, file.type || 'application/octet-stream', (loaded) => update(key, { loaded }))
        .then(() => update(key, { loaded: file.size, done: true }))
        .catch((e: Error) => update(key, { error: e.message }));
    }
  }

  return { items, add, remove: (key: string) => setItems((xs) => xs.filter((x) => x.key !== key)), ready: items.every((x) => x.done || x.error) };
}
