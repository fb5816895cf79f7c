// Owns: the contract every IMAP command file fulfils (WildDuck's imap-core model): the states the
// command is allowed in and its handler, and running a handler with the context its states
// promise (dispatch). A handler returns the text of the tagged OK, nothing for the default text,
// or false when it wrote the tagged response itself.
//
// The states carry the context type: a command declared `states: SELECTED` gets a SelectedContext
// (`ctx.selected` is never null), `AUTHENTICATED` an AuthenticatedContext (`ctx.account` is never
// null), `ANY` and `NOT_AUTHENTICATED` a CommandContext. dispatch() checks it at run time.
import type { Command, CommandName } from '../parser/types.ts';
import type { AuthenticatedContext, CommandContext, SelectedContext, SessionState } from '../context.ts';

/** The command shapes whose name may be N (some shapes serve several names, e.g. DELETE/SUBSCRIBE). */
export type CommandFor<N extends CommandName> = Command extends infer C ? (C extends { name: infer M } ? (N extends M ? C : never) : never) : never;

export const ANY = ['not-authenticated', 'authenticated', 'selected'] as const;
export const NOT_AUTHENTICATED = ['not-authenticated'] as const;
export const AUTHENTICATED = ['authenticated', 'selected'] as const;
export const SELECTED = ['selected'] as const;
export type ANY = typeof ANY;
export type NOT_AUTHENTICATED = typeof NOT_AUTHENTICATED;
export type AUTHENTICATED = typeof AUTHENTICATED;
export type SELECTED = typeof SELECTED;

/** The state sets a command may declare. */
export type States = ANY | NOT_AUTHENTICATED | AUTHENTICATED | SELECTED;

/** The context a handler allowed in states S receives. */
export type ContextFor<S extends States> = S extends SELECTED ? SelectedContext : S extends AUTHENTICATED ? AuthenticatedContext : CommandContext;

export type HandlerResult = string | void | false;

export interface CommandSpec<N extends CommandName = CommandName, S extends States = States> {
  states: S;
  handle(ctx: ContextFor<S>, cmd: CommandFor<N>): Promise<HandlerResult>;
}

/** Marks a command not allowed in the session's state: the session answers BAD. */
export const NOT_ALLOWED = Symbol('not allowed in this state');

/**
 * Run a command's handler with the context its states promise, or NOT_ALLOWED when the session is
 * in another state (or, defensively, lacks the account or mailbox that state implies).
 */
export function dispatch(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table holds every command's spec
  spec: CommandSpec<any, States>,
  ctx: CommandContext,
  cmd: Command,
): Promise<HandlerResult> | typeof NOT_ALLOWED {
  const states: readonly SessionState[] = spec.states;
  if (!states.includes(ctx.state)) return NOT_ALLOWED;
  if (states.includes('not-authenticated')) return (spec as CommandSpec<CommandName, ANY | NOT_AUTHENTICATED>).handle(ctx, cmd as never);
  // The context is passed as it is (no copy per command): the checks below are what the narrower types promise.
  if (!ctx.account) return NOT_ALLOWED;
  if (states.includes('authenticated')) return (spec as CommandSpec<CommandName, AUTHENTICATED>).handle(ctx as AuthenticatedContext, cmd as never);
  if (!ctx.selected) return NOT_ALLOWED;
  return (spec as CommandSpec<CommandName, SELECTED>).handle(ctx as SelectedContext, cmd as never);
}
