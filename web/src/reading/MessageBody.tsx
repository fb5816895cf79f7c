// Owns: a message's body: HTML (sanitised, in the sandboxed frame, remote images behind a bar) or plain text.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Email } from '../api/types.ts';
import { downloadUrl } from '../api/jmap.ts';
import { fetchBlob } from '../api/http.ts';
import { sanitizeMail } from './sanitize.ts';
import { SafeHtmlFrame } from './SafeHtmlFrame.tsx';
import { allowSender, senderAllowed } from './remoteImages.ts';

function useInlineParts(accountId: string, email: Email): Map<string, string> | undefined {
  const parts = useMemo(() => [...(email.attachments ?? []), ...(email.htmlBody ?? [])].filter((p) => p.cid && p.blobId && /^image\//i.test(p.type)), [email]);
  const [map, setMap] = useState<Map<string, string> | undefined>(parts.length ? undefined : new Map());
  useEffect(() => {
    if (!parts.length) return;
    let live = true;
    void Promise.all(
      parts.map(async (p) => {
        const b = await fetchBlob(downloadUrl(accountId, p.blobId!, p.name ?? 'inline', p.type));
        const data = await new Promise<string>((res) => {
          const r = new FileReader();
          r.onload = () => res(String(r.result).replace(/^data:[^;,]*/, `data:${p.type}`));
          r.readAsDataURL(b);
        });
        return [p.cid!.replace(/^<|>$/g, ''), data] as const;
      }),
    )
      .then((entries) => live && setMap(new Map(entries)))
      .catch(() => live && setMap(new Map()));
    return () => {
      live = false;
    };
  }, [accountId, parts]);
  return map;
}

export function MessageBody({ accountId, email }: { accountId: string; email: Email }) {
  const { t, i18n } = useTranslation();
  const sender = email.from?.[0]?.email;
  const [allowed, setAllowed] = useState(() => senderAllowed(sender));
  const inline = useInlineParts(accountId, email);
  const htmlPart = email.htmlBody?.find((p) => p.type === 'text/html');
  const html = htmlPart?.partId ? email.bodyValues?.[htmlPart.partId]?.value : undefined;
  const text = (email.textBody ?? [])
    .map((p) => (p.partId ? email.bodyValues?.[p.partId]?.value : ''))
    .filter(Boolean)
    .join('\n\n');
  const safe = useMemo(() => (html !== undefined && inline ? sanitizeMail(html, { allowRemote: allowed, inline }) : null), [html, allowed, inline]);

  if (html === undefined) return <pre className="plain-body">{text}</pre>;
  if (!safe) return <p role="status">{t('app.loading')}</p>;
  return (
    <>
      {safe.remote > 0 && !allowed && (
        <div className="images-bar" role="note">
          <span>{t('read.imagesBlocked', { count: safe.remote })}</span>
          <button type="button" onClick={() => setAllowed(true)}>
            {t('read.showImages')}
          </button>
          {sender && (
            <button
              type="button"
              onClick={() => {
                allowSender(sender);
                setAllowed(true);
              }}
            >
              {t('read.alwaysSender')}
            </button>
          )}
        </div>
      )}
      <SafeHtmlFrame html={safe.html} allowRemote={allowed} title={t('read.frame')} lang={i18n.language} />
    </>
  );
}
