// Owns: saving a draft (Email/set create in Drafts, the previous draft destroyed) and sending (the
// message without Bcc created in Drafts, then EmailSubmission/set with onSuccessUpdateEmail moving
// it to Sent; the draft destroyed). The Email is created as RFC 8621 §4.6 says, from its properties:
// text and HTML as bodyValues, each attachment by the blobId it was uploaded as once — so a file
// crosses the wire once, however many drafts are saved. A server that creates Emails only from an
// uploaded message (it answers invalidProperties naming blobId) gets the whole message built here
// and uploaded instead (mime.ts); that is remembered for the rest of the page's life.
import { jmap, uploadBlob } from '../api/jmap.ts';
import type { Mailbox } from '../api/types.ts';
import { buildMessage, type Outgoing } from './mime.ts';

type Created = { id: string };
type NotCreated = { type: string; description?: string; properties?: string[] };

/** Does the server create Emails from their properties? Unknown until it answers once. */
let fromProperties: boolean | undefined;

class RawOnly extends Error {}

function created(r: Record<string, unknown>, key: string): string {
  const c = (r.created as Record<string, Created> | null)?.[key];
  if (!c) {
    const nc = (r.notCreated as Record<string, NotCreated> | null)?.[key];
    if (nc?.type === 'invalidProperties' && nc.properties?.includes('blobId')) throw new RawOnly(nc.description ?? nc.type);
    throw new Error(nc ? `${nc.type}${nc.description ? `: ${nc.description}` : ''}` : 'not created');
  }
  return c.id;
}

const bare = (id: string) => id.replace(/^<|>$/g, '');

/** The Email/set create object of the message: headers as properties, bodies as bodyValues, attachments by blobId. */
export function emailProperties(m: Outgoing, withBcc: boolean): Record<string, unknown> {
  const list = (xs: Outgoing['to']) => (xs.length ? xs.map((x) => ({ name: x.name || null, email: x.email })) : null);
  return {
    from: [m.from],
    ...(m.sender ? { sender: [m.sender] } : {}),
    to: list(m.to),
    cc: list(m.cc),
    ...(withBcc ? { bcc: list(m.bcc) } : {}),
    subject: m.subject,
    sentAt: (m.date ?? new Date()).toISOString(),
    messageId: [bare(m.messageId)],
    ...(m.inReplyTo?.length ? { inReplyTo: m.inReplyTo.map(bare) } : {}),
    ...(m.references?.length ? { references: m.references.map(bare) } : {}),
    'header:User-Agent:asText': 'thutin-webmail',
    bodyValues: { t: { value: m.text }, ...(m.html !== undefined ? { h: { value: m.html } } : {}) },
    textBody: [{ partId: 't', type: 'text/plain' }],
    ...(m.html !== undefined ? { htmlBody: [{ partId: 'h', type: 'text/html' }] } : {}),
    attachments: m.attachments.map((a) => ({ blobId: a.blobId, type: a.type || 'application/octet-stream', name: a.name, disposition: 'attachment' })),
  };
}

/**
 * The create object: from properties while the server may take them and every file has its blob;
 * else the whole message uploaded.
 */
async function emailCreate(accountId: string, m: Outgoing, withBcc: boolean, tryProperties: boolean): Promise<Record<string, unknown>> {
  if (tryProperties) return emailProperties(m, withBcc);
  const up = await uploadBlob(accountId, await buildMessage({ ...m, withBcc }), 'message/rfc822');
  return { blobId: up.blobId };
}

/** Run `once` from properties first (unless known refused), then from an uploaded message if the server asks for one. */
async function either<T>(m: Outgoing, once: (tryProperties: boolean) => Promise<T>): Promise<T> {
  const may = fromProperties !== false && m.attachments.every((a) => a.blobId);
  if (!may) return once(false);
  try {
    const r = await once(true);
    fromProperties = true;
    return r;
  } catch (e) {
    if (!(e instanceof RawOnly)) throw e;
    fromProperties = false;
    return once(false);
  }
}

export async function saveDraft(accountId: string, drafts: Mailbox, m: Outgoing, previous: string | null): Promise<string> {
  return either(m, async (props) => {
    const email = await emailCreate(accountId, m, true, props);
    const r = await jmap([
      ['Email/set', { accountId, create: { d: { ...email, mailboxIds: { [drafts.id]: true }, keywords: { $draft: true, $seen: true } } }, ...(previous ? { destroy: [previous] } : {}) }, 's'],
    ]);
    return created(r.s, 'd');
  });
}

export async function send(accountId: string, identityId: string, boxes: { drafts: Mailbox; sent?: Mailbox }, m: Outgoing, draftId: string | null): Promise<void> {
  const rcpt = [...m.to, ...m.cc, ...m.bcc].map((x) => ({ email: x.email, parameters: null }));
  const onSuccess: Record<string, unknown> = { 'keywords/$draft': null };
  if (boxes.sent) {
    onSuccess[`mailboxIds/${boxes.drafts.id}`] = null;
    onSuccess[`mailboxIds/${boxes.sent.id}`] = true;
  }
  await either(m, async (props) => {
    const email = await emailCreate(accountId, m, false, props);
    const r = await jmap([
      ['Email/set', { accountId, create: { m: { ...email, mailboxIds: { [boxes.drafts.id]: true }, keywords: { $seen: true, $draft: true } } } }, 'e'],
      [
        'EmailSubmission/set',
        {
          accountId,
          create: { s: { identityId, emailId: '#m', envelope: { mailFrom: { email: (m.sender ?? m.from).email, parameters: null }, rcptTo: rcpt } } },
          onSuccessUpdateEmail: { '#s': onSuccess },
        },
        's',
      ],
    ]);
    created(r.e, 'm');
    created(r.s, 's');
  });
  if (draftId) await jmap([['Email/set', { accountId, destroy: [draftId] }, 'x']]).catch(() => undefined);
}
