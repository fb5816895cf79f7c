// Adapts our async handlers to smtp-server's callbacks. An SMTP reply error (one with a
// responseCode) goes to the client as it is; anything else is a fault of ours: it is logged and
// the client gets `451 4.3.0` — a failure is never turned into an accept, nor left unanswered.
import type { Logger } from 'pino';
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import { REPLIES, replyError, type SmtpReplyError } from './replies.ts';

type Callback = (err?: Error | null) => void;

function toReply(log: Logger, e: unknown, session: SMTPServerSession): Error {
  if (e instanceof Error && typeof (e as SmtpReplyError).responseCode === 'number') return e;
  log.error({ err: e, session: session.id }, 'SMTP handler failed');
  return replyError(REPLIES.tempFailure);
}

export function guardSession(log: Logger, fn: (session: SMTPServerSession) => Promise<void>): (session: SMTPServerSession, cb: Callback) => void {
  return (session, cb) => {
    fn(session).then(
      () => cb(),
      (e: unknown) => cb(toReply(log, e, session)),
    );
  };
}

export function guardAddress(
  log: Logger,
  fn: (address: SMTPServerAddress, session: SMTPServerSession) => Promise<void>,
): (address: SMTPServerAddress, session: SMTPServerSession, cb: Callback) => void {
  return (address, session, cb) => {
    fn(address, session).then(
      () => cb(),
      (e: unknown) => cb(toReply(log, e, session)),
    );
  };
}
