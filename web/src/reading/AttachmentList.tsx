// Owns: a message's attachments: download links, and a preview of images and PDFs (fetched as a
// blob, shown from a blob: URL — the app's CSP allows blob: frames and images, nothing else).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { downloadUrl } from '../api/jmap.ts';
import { fetchBlob } from '../api/http.ts';
import type { BodyPart } from '../api/types.ts';
import { size } from '../mail/format.ts';

function previewable(p: BodyPart): 'image' | 'pdf' | null {
  if (/^image\/(png|jpe?g|gif|webp|bmp)$/i.test(p.type)) return 'image';
  if (/^application\/pdf$/i.test(p.type)) return 'pdf';
  return null;
}

function Preview({ url, kind, name, onClose }: { url: string; kind: 'image' | 'pdf'; name: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let u: string | null = null;
    let live = true;
    void fetchBlob(url).then((b) => {
      if (!live) return;
      u = URL.createObjectURL(new Blob([b], { type: kind === 'pdf' ? 'application/pdf' : b.type }));
      setSrc(u);
    });
    return () => {
      live = false;
      if (u) URL.revokeObjectURL(u);
    };
  }, [url, kind]);
  return (
    <div className="preview" role="region" aria-label={`${t('read.preview')}: ${name}`}>
      <button type="button" onClick={onClose}>
        {t('app.close')}
      </button>
      {!src ? <p role="status">{t('app.loading')}</p> : kind === 'image' ? <img src={src} alt={name} /> : <iframe src={src} title={name} className="pdf-frame" />}
    </div>
  );
}

export function AttachmentList({ accountId, parts }: { accountId: string; parts: BodyPart[] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<string | null>(null);
  if (parts.length === 0) return null;
  return (
    <section className="attachments" aria-label={t('read.attachments')}>
      <h2 className="sr-only">{t('read.attachments')}</h2>
      <ul>
        {parts.map((p, i) => {
          const name = p.name || `tep-${i + 1}`;
          const url = downloadUrl(accountId, p.blobId ?? '', name, p.type);
          const kind = previewable(p);
          return (
            <li key={p.partId ?? i}>
              <span className="att-name">{name}</span> <span className="att-size">{size(p.size)}</span>{' '}
              <a href={url} download={name} className="button">
                {t('read.download')}
                <span className="sr-only"> {name}</span>
              </a>
              {kind && (
                <button type="button" onClick={() => setOpen(open === p.partId ? null : (p.partId ?? String(i)))} aria-expanded={open === (p.partId ?? String(i))}>
                  {t('read.preview')}
                  <span className="sr-only"> {name}</span>
                </button>
              )}
              {kind && open === (p.partId ?? String(i)) && <Preview url={url} kind={kind} name={name} onClose={() => setOpen(null)} />}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
