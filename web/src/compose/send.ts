// Owns: saving a draft (upload the message, Email/set create in Drafts, the previous draft
// destroyed) and sending (the message without Bcc, created in Drafts, then EmailSubmission/set
// with onSuccessUpdateEmail moving it to Sent; the draft destroyed).
import { jmap, uploadBlob } from '../api/jmap.ts';
import type { Mailbox } from '../api/types.ts';
import { buildMessage, type Outgoing } from './mime.ts';

function created(r: Record<string, unknown>, key: string): string {
  const c = (r.created as Record<string, { id: string }> | null)?.[key];
  if (!c) {
    const nc = (r.notCreated as Record<string, { type: string; description?: string }> | null)?.[key];
    throw new Error(nc ? `${nc.type}${nc.description ? `: ${nc.description}` : ''}` : 'not created');
  }
  return c.id;
}

export async function saveDraft(accountId: string, drafts: Mailbox, m: Outgoing, previous: string | null): Promise<string> {
  const up = await uploadBlob(accountId, buildMessage({ ...m, withBcc: true }), 'message/rfc822');
  const r = await jmap([
    ['Email/set', { accountId, create: { d: { blobId: up.blobId, mailboxIds: { [drafts.id]: true }, keywords: { $draft: true, $seen: true } } }, ...(previous ? { destroy: [previous] } : {}) }, 's'],
  ]);
  return created(r.s, 'd');
}

export async function send(accountId: string, identityId: string, boxes: { drafts: Mailbox; sent?: Mailbox }, m: Outgoing, draftId: string | null): Promise<void> {
  const up = await uploadBlob(accountId, buildMessage({ ...m, withBcc: false }), 'message/rfc822');
  const rcpt = [...m.to, ...m.cc, ...m.bcc].map((x) => ({ email: x.email, parameters: null }));
  const onSuccess: Record<string, unknown> = { 'keywords/$draft': null };
  if (boxes.sent) {
    onSuccess[`mailboxIds/${boxes.drafts.id}`] = null;
    onSuccess[`mailboxIds/${boxes.sent.id}`] = true;
  }
  const r = await jmap([
    ['Email/set', { accountId, create: { m: { blobId: up.blobId, mailboxIds: { [boxes.drafts.id]: true }, keywords: { $seen: true, $draft: true } } } }, 'e'],
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
  if (draftId) await jmap([['Email/set', { accountId, destroy: [draftId] }, 'x']]).catch(() => undefined);
}
