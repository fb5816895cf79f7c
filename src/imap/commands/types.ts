// The contract every IMAP command file fulfils (WildDuck's imap-core model): the states the
// command is allowed in and its handler. A handler returns the text of the tagged OK, nothing
// for the default text, or false when it wrote the tagged response itself.
import type { Command, CommandName } from '../parser/types.ts';
import type { ImapSession, SessionState } from '../session.ts';

/** The command shapes whose name may be N (some shapes serve several names, e.g. DELETE/SUBSCRIBE). */
export type CommandFor<N extends CommandName> = Command extends infer C ? (C extends { name: infer M } ? (N extends M ? C : never) : never) : never;

export interface CommandSpec<N extends CommandName = CommandName> {
  states: readonly SessionState[];
  handle(session: ImapSession, cmd: CommandFor<N>): Promise<string | void | false>;
}

export const ANY: readonly SessionState[] = ['not-authenticated', 'authenticated', 'selected'];
export const NOT_AUTHENTICATED: readonly SessionState[] = ['not-authenticated'];
export const AUTHENTICATED: readonly SessionState[] = ['authenticated', 'selected'];
export const SELECTED: readonly SessionState[] = ['selected'];
