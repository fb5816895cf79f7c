// Owns: the compose screen — new, reply, reply all, forward; From among the identities (unit
// mailboxes where delegated); recipients completed from the directory; drafts saved as you type;
// attachments by picker or drag and drop; the body in the formatted-text editor (sent as
// multipart/alternative when it has formatting, as text/plain when not); sending with EmailSubmission.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQueryClient } from '@tanstack/react-query';
import type { EmailAddress } from '../api/types.ts';
import { CORE, downloadUrl, MAIL } from '../api/jmap.ts';
import { fetchBlob } from '../api/http.ts';
import { roleBox, useEmail, useJmapSession, useMailboxes } from '../mail/data.ts';
import { size } from '../mail/format.ts';
import { toast } from '../layout/Toasts.tsx';
import { RecipientInput } from './RecipientInput.tsx';
import { AttachmentPicker, DropZone } from './AttachmentPicker.tsx';
import { useAttachments } from './attachments.ts';
import { useIdentities } from './identities.ts';
import { newMessageId, type Outgoing } from './mime.ts';
import { RichEditor } from './RichEditor.tsx';
import { htmlDocument, htmlToText, isFormatted, signatureHtml } from './html.ts';
import { saveDraft, send } from './send.ts';
import { rememberCorrespondents } from './recent.ts';
import { startFrom, type Mode } from './useOriginal.ts';
import { useMe } from '../auth/session.ts';

/** A line to write on, the identity's signature, then what is quoted, an empty line between each. */
function signed(body: string, identity: { htmlSignature?: string; textSignature?: string }): string {
  const sig = signatureHtml(identity);
  return `<div><br></div><div><br></div>${sig}${sig && body ? '<div><br></div>' : ''}${body}`;
}

/** The text/plain body, and the text/html one when there is formatting. */
function bodies(html: string): { text: string; html?: string } {
  return { text: htmlToText(html), ...(isFormatted(html) ? { html: htmlDocument(html) } : {}) };
}

const DRAFT_DELAY_MS = 1500;

export function ComposePage() {
  const { t, i18n } = useTranslation();
  const nav = useNavigate();
  const qc = useQueryClient();
  const [params] = useSearchParams();
  const mode = (params.get('mode') ?? 'new') as Mode;
  const session = useJmapSession();
  const primary = session.data?.primaryAccounts[MAIL];
  const origAccount = params.get('account') ?? primary;
  const original = useEmail(mode === 'new' ? undefined : (origAccount ?? undefined), params.get('id') ?? undefined);
  const identities = useIdentities();
  const [fromKey, setFromKey] = useState('');
  const [to, setTo] = useState<EmailAddress[]>([]);
  const [cc, setCc] = useState<EmailAddress[]>([]);
  const [bcc, setBcc] = useState<EmailAddress[]>([]);
  const [subject, setSubject] = useState('');
  // The editor's HTML as typed; what it starts from (a new editor each time that is set).
  const [html, setHtml] = useState('');
  const [initial, setInitial] = useState<{ html: string; n: number }>({ html: '', n: 0 });
  const start = (h: string) => {
    setHtml(h);
    setInitial((x) => ({ html: h, n: x.n + 1 }));
  };
  const [started, setStarted] = useState(false);
  const me = useMe();
  const [dirty, setDirty] = useState(false);
  const [draftId, setDraftIdState] = useState<string | null>(null);
  // The latest draft's id also in a ref: a send that waited for a save in flight must destroy the draft that save made.
  const draftRef = useRef<string | null>(null);
  const setDraftId = (id: string | null) => {
    draftRef.current = id;
    setDraftIdState(id);
  };
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const messageId = useRef<string>('');

  const choice = identities.data?.find((x) => `${x.accountId}/${x.identity.id}` === fromKey) ?? identities.data?.find((x) => x.isPersonal) ?? identities.data?.[0];
  // The message lives in the identity's account when it may be written to, else in the user's own.
  const writable = choice && session.data && !session.data.accounts[choice.accountId]?.isReadOnly ? choice.accountId : primary;
  const boxes = useMailboxes(writable);
  const drafts = roleBox(boxes.data, 'drafts');
  const limit = Number(session.data?.capabilities[CORE]?.maxSizeUpload ?? 25 * 1024 * 1024);
  const att = useAttachments(writable ?? '', limit, (name) => setError(t('compose.tooBig', { name, size: size(limit) })));

  useEffect(() => {
    if (started || !identities.data || !choice) return;
    if (mode === 'new') {
      start(signed('', choice.identity));
      setStarted(true);
      return;
    }
    if (!original.data) return;
    const s = startFrom(
      mode,
      original.data,
      identities.data.map((x) => x.identity.email),
      t,
      i18n.language,
    );
    setTo(s.to);
    setCc(s.cc);
    if (s.bcc) setBcc(s.bcc);
    setSubject(s.subject);
    start(mode === 'draft' ? s.html : signed(s.html, choice.identity));
    // Going on with a draft replaces it when saved or sent.
    if (mode === 'draft' && origAccount === writable) setDraftId(original.data.id);
    // A forward and a draft carry their attachments along.
    if ((mode === 'forward' || mode === 'draft') && origAccount) {
      const parts = (original.data.attachments ?? []).filter((p) => p.blobId);
      void Promise.all(parts.map(async (p) => new File([await fetchBlob(downloadUrl(origAccount, p.blobId!, p.name ?? 'tep', p.type))], p.name ?? 'tep', { type: p.type })))
        // Their blobs are the original's parts: referred to where the message is written to the same account.
        .then((files) => files.length && att.add(files, 0, origAccount === writable ? parts.map((p) => p.blobId!) : undefined))
        .catch(() => setError(t('app.error')));
    }
    setStarted(true);
  }, [started, original.data, identities.data, choice, mode, t, i18n.language]);

  const outgoing = useMemo((): Outgoing | null => {
    if (!choice) return null;
    if (!messageId.current) messageId.current = newMessageId(choice.identity.email);
    const self = identities.data?.find((x) => x.isPersonal)?.identity;
    const onBehalf = !choice.isPersonal && self && self.email !== choice.identity.email;
    const s = mode !== 'new' && mode !== 'forward' && original.data ? startFrom(mode, original.data, [], t, i18n.language) : null;
    return {
      from: { name: choice.identity.name || (choice.isPersonal ? me.data?.person?.name : choice.accountName) || null, email: choice.identity.email },
      ...(onBehalf ? { sender: { name: self.name || me.data?.person?.name || null, email: self.email } } : {}),
      to,
      cc,
      bcc,
      subject,
      text: '',
      inReplyTo: s?.inReplyTo,
      references: s?.references,
      attachments: att.items.filter((a) => !a.error).map((a) => ({ name: a.file.name, type: a.file.type || 'application/octet-stream', blobId: a.blobId, file: a.file })),
      withBcc: true,
      messageId: messageId.current,
    };
  }, [choice, identities.data, me.data, to, cc, bcc, subject, mode, original.data, t, i18n.language, att.items]);

  /** The message with its bodies made from the editor's HTML (at saving and sending, not at each key). */
  const withBodies = (m: Outgoing): Outgoing => ({ ...m, ...bodies(html) });

  // Drafts saved as you type (after a pause), replacing the previous draft; what is typed just
  // before leaving the screen is saved on the way out.
  const saving = useRef<Promise<void> | null>(null);
  const pendingSave = useRef<(() => void) | null>(null);
  const sentRef = useRef(false);
  useEffect(() => {
    pendingSave.current = null;
    if (!dirty || !outgoing || !drafts || !writable || busy || sentRef.current) return;
    const run = async () => {
      try {
        const id = await saveDraft(writable, drafts, withBodies(outgoing), draftId);
        setDraftId(id);
        setSavedAt(new Date());
        setDirty(false);
        void qc.invalidateQueries({ queryKey: ['mailboxes', writable] });
      } catch {
        /* the next change tries again */
      }
    };
    pendingSave.current = () => void run();
    const timer = window.setTimeout(() => {
      pendingSave.current = null;
      saving.current = run();
    }, DRAFT_DELAY_MS);
    return () => window.clearTimeout(timer);
  }, [dirty, outgoing, html, drafts, writable, draftId, busy]);
  useEffect(() => () => (sentRef.current ? undefined : pendingSave.current?.()), []);

  const touch =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      setDirty(true);
    };

  function addFiles(f: FileList) {
    att.add(f, html.length * 2);
    setDirty(true);
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!outgoing || !choice || !drafts || !writable) return;
    if (to.length + cc.length + bcc.length === 0) return setError(t('compose.noRecipients'));
    setBusy(true);
    setError(null);
    try {
      await saving.current;
      const sent = roleBox(boxes.data, 'sent');
      await send(writable, choice.identity.id, { drafts, sent }, withBodies(outgoing), draftRef.current);
      sentRef.current = true;
      rememberCorrespondents([...to, ...cc, ...bcc]);
      toast(t('compose.sent'));
      await qc.invalidateQueries({ queryKey: ['mailboxes'] });
      await qc.invalidateQueries({ queryKey: ['emails'] });
      nav(-1);
    } catch (err) {
      setError(`${t('compose.failed')}: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <DropZone onFiles={addFiles}>
      <form className="compose" onSubmit={submit} aria-labelledby="compose-title">
        <h1 id="compose-title">{t('compose.title')}</h1>
        <label>
          {t('compose.from')}
          <select name="from" value={choice ? `${choice.accountId}/${choice.identity.id}` : ''} onChange={(e) => touch(setFromKey)(e.target.value)}>
            {identities.data?.map((x) => (
              <option key={`${x.accountId}/${x.identity.id}`} value={`${x.accountId}/${x.identity.id}`}>
                {x.identity.name ? `${x.identity.name} <${x.identity.email}>` : x.identity.email}
                {x.isPersonal ? '' : ` — ${x.accountName}`}
              </option>
            ))}
          </select>
        </label>
        <RecipientInput label={t('compose.to')} name="to" value={to} onChange={touch(setTo)} />
        <RecipientInput label={t('compose.cc')} name="cc" value={cc} onChange={touch(setCc)} />
        <RecipientInput label={t('compose.bcc')} name="bcc" value={bcc} onChange={touch(setBcc)} />
        <label>
          {t('compose.subject')}
          <input name="subject" value={subject} onChange={(e) => touch(setSubject)(e.target.value)} />
        </label>
        <div className="body-field">
          <span id="compose-body-label">{t('compose.body')}</span>
          <RichEditor key={initial.n} id="compose-body" labelId="compose-body-label" describedBy="compose-body-help" initialHtml={initial.html} onChange={touch(setHtml)} onFiles={addFiles} />
          <small id="compose-body-help" className="editor-help">
            {t('editor.help')}
          </small>
        </div>
        <AttachmentPicker items={att.items} limit={limit} onFiles={addFiles} onRemove={(k) => (att.remove(k), setDirty(true))} />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="compose-actions">
          <button type="submit" className="primary" disabled={busy || !att.ready || !choice}>
            {busy ? t('compose.sending') : t('compose.send')}
          </button>
          <span className="draft-state" role="status">
            {savedAt ? t('compose.saved', { time: savedAt.toLocaleTimeString(i18n.language === 'en' ? 'en-GB' : 'vi-VN') }) : ''}
          </span>
        </div>
      </form>
    </DropZone>
  );
}
