// What the front end keeps per SMTP connection beyond smtp-server's session: the account of an
// authenticated submission client, and for the current mail transaction how each accepted
// recipient resolved (local account or remote). Also the read-only view stages get.
import type { SMTPServerAddress, SMTPServerSession } from 'smtp-server';
import type { Params, SessionView } from './pipeline.ts';

export type Listener = SessionView['listener'];

/** What onAuth stores in session.user. */
export interface AuthUser {
  accountId: number;
  username: string;
  /** When the sign-in was checked, and the app password it used (null: the account password): what a session end concerns. */
  signedInAt: number;
  appPasswordId: number | null;
}

interface SessionState {
  /** Lower-cased recipient → local account id, or null for a remote recipient. */
  recipients: Map<string, number | null>;
  /** Failed AUTH attempts on this connection. */
  authFailures: number;
}

const states = new WeakMap<SMTPServerSession, SessionState>();

export function sessionState(session: SMTPServerSession): SessionState {
  let s = states.get(session);
  if (!s) {
    s = { recipients: new Map(), authFailures: 0 };
    states.set(session, s);
  }
  return s;
}

export function authUser(session: SMTPServerSession): AuthUser | null {
  const u = session.user as AuthUser | undefined | false;
  return u && typeof u === 'object' && typeof u.accountId === 'number' ? u : null;
}

export function sessionView(session: SMTPServerSession, listener: Listener): SessionView {
  const u = authUser(session);
  return {
    id: session.id,
    listener,
    remoteAddress: session.remoteAddress,
    clientHostname: session.clientHostname,
    helo: session.hostNameAppearsAs || '',
    secure: session.secure,
    transmissionType: session.transmissionType,
    account: u ? { id: u.accountId, username: u.username } : null,
  };
}

export function paramsOf(address: SMTPServerAddress): Params {
  return address.args ? { ...address.args } : {};
}
