// The submission listeners' policy (port 587-style with STARTTLS, and implicit TLS): our users
// sending mail. Core rules, not stages: AUTH (PLAIN/LOGIN) is offered and accepted only over TLS
// (`530 5.7.0 Must issue a STARTTLS command first` before it), MAIL needs an authenticated
// account (`530 5.7.0`), the envelope sender must be one of that account's addresses and not
// the null sender (`553 5.7.1`). Recipients in our domains must exist (`550 5.1.1`) and have
// room (`452 4.2.2`) and are delivered at once to their INBOX; the others go to the outbound
// queue — both in one transaction. No copy is put in Sent: clients do that with IMAP APPEND.
// Delegation (R8, sender-rights.ts): the envelope sender and From: may also be a mailbox the
// user holds send-as / send-on-behalf on (`550 5.7.1` otherwise; Sender: added for on-behalf).
// Distribution lists (list-recipients.ts) are recipients too, expanded at the end of DATA; the
// tickets address (ticket-recipient.ts) hands the message to the core's tickets at the end of DATA.
// AUTH is checked by the one sign-in service (core/sign-in.ts: throttled per account and client
// address whatever the connection): too many failures → `454 4.7.0`, a password that must be
// changed on the web first (or whose deadline passed) → `535 5.7.8` saying so.
import type { SMTPServerOptions } from 'smtp-server';
import type { App } from '../app.ts';
import { normalizeAddress } from '../core/accounts.ts';
import type { Pipeline } from './pipeline.ts';
import { receiveMessage } from './data.ts';
import { canonicalRemote, declaredSize, isLocalDomain, resolveLocalRecipient, splitAddress, acceptRecipient } from './recipients.ts';
import { REPLIES, acceptedText, replyError, verdictError } from './replies.ts';
import { authUser, paramsOf, sessionState, sessionView, type AuthUser } from './session.ts';
import { guardAddress, guardSession } from './guard.ts';
import { checkMailParams, checkRcptParams } from './params.ts';
import { enforceHeaderSender, mayUseEnvelope, senderRights } from './sender-rights.ts';
import { checkListRecipient, clearListRecipients, listCopies, listRecipients, planListCopies } from './list-recipients.ts';
import { prefixWith } from './header-fields.ts';
import { checkTicketRecipient, clearTicketRecipients, fileTicketMail, ticketRecipients } from './ticket-recipient.ts';
import { ERRORS } from '../core/errors.ts';

type Handlers = Pick<SMTPServerOptions, 'onConnect' | 'onSecure' | 'onAuth' | 'onMailFrom' | 'onRcptTo' | 'onData'>;

/** AUTH is hidden (and refused by compat.ts) until the connection is encrypted. */
const BEFORE_TLS_DISABLED = ['AUTH'];
/** smtp-server does not count AUTH attempts; after this many failures the connection is closed (421). */
export const MAX_AUTH_FAILURES = 3;

export function submissionHandlers(app: App, pipeline: Pipeline): Handlers {
  const log = app.log.child({ component: 'smtp', listener: 'submission' });
  return {
    onConnect: guardSession(log, async (session) => {
      if (!session.secure) session.disabledCommands = BEFORE_TLS_DISABLED;
      const v = await pipeline.run('connect', { session: sessionView(session, 'submission') });
      if (v.kind === 'reject' || v.kind === 'tempfail') throw verdictError(v);
    }),

    onSecure(_socket, session, callback) {
      session.disabledCommands = undefined; // back to the listener's list: AUTH offered
      callback();
    },

    onAuth(auth, session, callback) {
      const username = auth.username ?? '';
      const refuse = () => {
        const failures = ++sessionState(session).authFailures;
        log.info({ session: session.id, ip: session.remoteAddress, user: username, method: auth.method, failures }, 'authentication failed');
        const r = failures >= MAX_AUTH_FAILURES ? REPLIES.authTooManyFailures : REPLIES.authFailed;
        callback(null, { message: `${r.enhanced} ${r.text}`, responseCode: r.code });
      };
      if (!session.secure) return callback(replyError(REPLIES.startTlsFirst));
      if (auth.method !== 'PLAIN' && auth.method !== 'LOGIN') return refuse();
      // PLAIN may name an authorization identity; acting as someone else is not supported.
      if (auth.method === 'PLAIN' && auth.authzid && auth.authcid && auth.authzid.toLowerCase() !== auth.authcid.toLowerCase()) return refuse();
      const client = typeof session.hostNameAppearsAs === 'string' ? session.hostNameAppearsAs : '';
      app.signIn.signIn({ protocol: 'smtp', remote: session.remoteAddress, login: username, password: auth.password ?? '', client }).then(
        (r) => {
          if (!r.ok && r.reason === 'throttled') {
            const t = ++sessionState(session).authFailures >= MAX_AUTH_FAILURES ? REPLIES.authTooManyFailures : REPLIES.authThrottled;
            return callback(null, { message: `${t.enhanced} ${t.text}`, responseCode: t.code });
          }
          if (!r.ok && (r.reason === 'must-change' || r.reason === 'expired')) {
            ++sessionState(session).authFailures;
            const e = ERRORS[r.reason === 'must-change' ? 'PASSWORD_MUST_CHANGE' : 'PASSWORD_EXPIRED'];
            return callback(null, { message: `${REPLIES.authFailed.enhanced} ${e.vi} / ${e.en}`, responseCode: REPLIES.authFailed.code });
          }
          if (!r.ok && r.reason === 'invalid' && r.hint === 'app-password-required') {
            // The second factor is on: only app passwords open mail doors.
            ++sessionState(session).authFailures;
            const e = ERRORS.APP_PASSWORD_REQUIRED;
            return callback(null, { message: `${REPLIES.authFailed.enhanced} ${e.vi} / ${e.en}`, responseCode: REPLIES.authFailed.code });
          }
          if (!r.ok) return refuse();
          const acct = r.account;
          const user: AuthUser = { accountId: acct.id, username: acct.username, signedInAt: r.startedAt, appPasswordId: r.appPasswordId };
          log.info({ session: session.id, ip: session.remoteAddress, user: acct.username }, 'authenticated');
          callback(null, { user });
        },
        (e: unknown) => {
          log.error({ err: e, session: session.id }, 'authentication check failed');
          callback(replyError(REPLIES.tempFailure));
        },
      );
    },

    onMailFrom: guardAddress(log, async (address, session) => {
      sessionState(session).recipients.clear();
      clearListRecipients(session);
      clearTicketRecipients(session);
      if (!session.secure) throw replyError(REPLIES.startTlsFirst);
      const user = authUser(session);
      if (!user) throw replyError(REPLIES.authRequired);
      checkMailParams(address);
      if (!address.address) throw replyError(REPLIES.nullSenderRefused);
      if (!mayUseEnvelope(app, await senderRights(app, user.accountId), address.address)) {
        log.info({ session: session.id, user: user.username, from: address.address }, 'sender address not owned');
        throw replyError(REPLIES.senderNotOwned);
      }
      const v = await pipeline.run('mailFrom', { session: sessionView(session, 'submission'), sender: address.address, params: paramsOf(address) });
      if (v.kind === 'reject' || v.kind === 'tempfail') throw verdictError(v);
    }),

    onRcptTo: guardAddress(log, async (address, session) => {
      checkRcptParams(address);
      const parts = splitAddress(address.address);
      if (!parts) throw replyError(REPLIES.noSuchRecipient);
      let accountId: number | null = null;
      const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      if (isLocalDomain(app, parts.domain) && checkTicketRecipient(app, session, address.address, true)) {
        // The tickets address: handed to the core at the end of DATA, from the signed-in account.
      } else if (isLocalDomain(app, parts.domain) && from && (await checkListRecipient(app, session, address.address, from, true))) {
        // A list: its sender policy is checked against the envelope sender (the user's own or delegated address).
      } else if (isLocalDomain(app, parts.domain)) {
        accountId = await resolveLocalRecipient(app, address.address, declaredSize(session.envelope.mailFrom ? session.envelope.mailFrom.args : false));
      }
      await acceptRecipient(pipeline, session, 'submission', address, accountId);
    }),

    onData(stream, session, callback) {
      const state = sessionState(session);
      const user = authUser(session);
      const sender = session.envelope.mailFrom ? normalizeAddress(session.envelope.mailFrom.address) : '';
      receiveMessage(stream, session, {
        app,
        pipeline,
        listener: 'submission',
        async plan(content, _queueId, recipients, opts) {
          if (!user) throw replyError(REPLIES.authRequired);
          const senderField = await enforceHeaderSender(app, user, content);
          const headerPrefix = senderField ? prefixWith([senderField], opts.headerPrefix) : opts.headerPrefix;
          const lists = listRecipients(session);
          const tickets = ticketRecipients(session);
          const local = new Set<number>();
          const remote: string[] = [];
          for (const r of recipients) {
            if (lists.has(r.toLowerCase()) || tickets.has(r.toLowerCase())) continue;
            const id = state.recipients.get(r.toLowerCase());
            if (id === undefined) throw new Error(`recipient ${r} was not resolved at RCPT`);
            if (id === null) remote.push(canonicalRemote(r));
            else local.add(id);
          }
          await fileTicketMail(app, session, content, user.accountId);
          const copies = await planListCopies(app, session, content, recipients, { local, remote });
          return [
            {
              headerPrefix,
              local: [...local].map((accountId) => ({ accountId, mailbox: 'INBOX' })),
              remote: remote.length ? { sender, recipients: remote, accountId: user.accountId } : null,
            },
            ...listCopies(copies, { headerPrefix, sender, accountId: user.accountId }),
          ];
        },
      }).then(
        (queueId) => callback(null, acceptedText(queueId)),
        (e: Error) => callback(e),
      );
    },
  };
}
