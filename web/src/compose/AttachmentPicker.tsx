// Owns: attaching files by the picker or by dropping them on the form; one progress bar per file.
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { size } from '../mail/format.ts';
import type { PendingAttachment } from './attachments.ts';

export function DropZone({ onFiles, children }: { onFiles: (f: FileList) => void; children: ReactNode }) {
  const { t } = useTranslation();
  const [over, setOver] = useState(false);
  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setOver(true);
        }
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        if (e.dataTransfer.files.length) onFiles(e.dataTransfer.files);
      }}
    >
      {children}
      {over && <div className="drop-hint">{t('compose.dropHere')}</div>}
    </div>
  );
}

export function AttachmentPicker({ items, limit, onFiles, onRemove }: { items: PendingAttachment[]; limit: number; onFiles: (f: FileList) => void; onRemove: (key: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <div className="attach">
      <label htmlFor={id} className="button">
        {t('compose.attach')}
      </label>
      <input
        id={id}
        type="file"
        multiple
        className="sr-only"
        onChange={(e) => {
          if (e.target.files?.length) onFiles(e.target.files);
          e.target.value = '';
        }}
      />
      <small className="limit">{t('compose.limit', { size: size(limit) })}</small>
      <ul className="pending">
        {items.map((a) => (
          <li key={a.key}>
            <span>
              {a.file.name} ({size(a.file.size)})
            </span>
            <progress max={a.file.size || 1} value={a.done ? a.file.size || 1 : a.loaded} aria-label={t('compose.uploading', { name: a.file.name })} />
            {a.error && <span className="error">{a.error}</span>}
            <button type="button" onClick={() => onRemove(a.key)} aria-label={t('compose.remove', { name: a.file.name })}>
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
