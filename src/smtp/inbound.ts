// The inbound (MX) listener's policy: mail from anyone, for our local addresses only. No AUTH
// here. Core rules (not stages, so configuration cannot remove them): a recipient outside our
// domains is relaying and refused (`554 5.7.1`, from loopback too), an unknown local one gets
// `550 5.1.1`, a full mailbox `452 4.2.2`. Each hook then runs the configured stages. At end of
// DATA the message goes to the INBOX (or a stage's folder) of every distinct recipient account,
// list members included, in one transaction.
// A distribution list address is accepted if its sender policy allows the envelope sender, and
// expanded at the end of DATA (list-recipients.ts). The tickets address is refused here
// (`550 5.7.1`, ticket-recipient.ts): reports come from our own accounts over submission.
import type { SMTPServerOptions } from 'smtp-server';
import type { App } from '../app.ts';
import type { Pipeline } from './pipeline.ts';
import { receiveMessage } from './data.ts';
import { declaredSize, isLocalDomain, resolveLocalRecipient, splitAddress, acceptRecipient } from './recipients.ts';
import { REPLIES, acceptedText, replyError, verdictError } from './replies.ts';
import { paramsOf, sessionState, sessionView } from './session.ts';
import { guardAddress, guardSession } from './guard.ts';
import { checkMailParams, checkRcptParams } from './params.ts';
import { checkListRecipient, clearListRecipients, listCopies, listRecipients, planListCopies } from './list-recipients.ts';
import { checkTicketRecipient } from './ticket-recipient.ts';

type Handlers = Pick<SMTPServerOptions, 'onConnect' | 'onMailFrom' | 'onRcptTo' | 'onData'>;

export function inboundHandlers(app: App, pipeline: Pipeline): Handlers {
  const log = app.log.child({ component: 'smtp', listener: 'inbound' });
  return {
    onConnect: guardSession(log, async (session) => {
      const v = await pipeline.run('connect', { session: sessionView(session, 'inbound') });
      if (v.kind === 'reject' || v.kind === 'tempfail') throw verdictError(v);
    }),

    onMailFrom: guardAddress(log, async (address, session) => {
      sessionState(session).recipients.clear();
      clearListRecipients(session);
      checkMailParams(address);
      const v = await pipeline.run('mailFrom', { session: sessionView(session, 'inbound'), sender: address.address, params: paramsOf(address) });
      if (v.kind === 'reject' || v.kind === 'tempfail') throw verdictError(v);
    }),

    onRcptTo: guardAddress(log, async (address, session) => {
      checkRcptParams(address);
      const parts = splitAddress(address.address);
      if (!parts || !isLocalDomain(app, parts.domain)) {
        log.info({ session: session.id, ip: session.remoteAddress, rcpt: address.address }, 'relay attempt refused');
        throw replyError(REPLIES.relayDenied);
      }
      // The tickets address takes mail from our own accounts over submission only (ticket-recipient.ts): 550 5.7.1 here.
      checkTicketRecipient(app, session, address.address, false);
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      if (await checkListRecipient(app, session, address.address, from, false)) {
        await acceptRecipient(pipeline, session, 'inbound', address, null);
        return;
      }
      const size = declaredSize(session.envelope.mailFrom ? session.envelope.mailFrom.args : false);
      const accountId = await resolveLocalRecipient(app, address.address, size);
      await acceptRecipient(pipeline, session, 'inbound', address, accountId);
    }),

    onData(stream, session, callback) {
      const state = sessionState(session);
      receiveMessage(stream, session, {
        app,
        pipeline,
        listener: 'inbound',
        async plan(content, _queueId, recipients, opts) {
          const accounts = new Set<number>();
          // A stage may choose a folder (Junk for DMARC quarantine, spam), for the message or per
          // recipient (a recipient's spam lists); a recipient without that folder gets INBOX.
          const mailbox = opts.mailbox ?? 'INBOX';
          const folderOf = new Map<number, string>();
          const lists = listRecipients(session);
          for (const r of recipients) {
            if (lists.has(r.toLowerCase())) continue;
            const id = state.recipients.get(r.toLowerCase());
            if (typeof id !== 'number') throw new Error(`recipient ${r} was not resolved at RCPT`);
            accounts.add(id);
            const own = opts.mailboxes?.get(r.toLowerCase());
            if (own && !folderOf.has(id)) folderOf.set(id, own);
          }
          const copies = await planListCopies(app, session, content, recipients, { local: accounts, remote: [] });
          const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          return [
            { headerPrefix: opts.headerPrefix, local: [...accounts].map((accountId) => ({ accountId, mailbox: folderOf.get(accountId) ?? mailbox, orInbox: true })) },
            ...listCopies(copies, { headerPrefix: opts.headerPrefix, sender, accountId: null, mailbox }),
          ];
        },
      }).then(
        (queueId) => callback(null, acceptedText(queueId)),
        (e: Error) => callback(e),
      );
    },
  };
}
