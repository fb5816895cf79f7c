// Owns: the contract every POP3 command fulfils: the states it is allowed in (RFC 1939's
// AUTHORIZATION and TRANSACTION; UPDATE is what QUIT does, never a command's state) and its
// handler, and running a handler with the context its states promise (dispatch). A handler writes
// its own +OK answer; a -ERR is a thrown Pop3Error.
import type { Pop3Command, Pop3CommandName } from '../parser.ts';
import type { CommandContext, Pop3State, TransactionContext } from '../context.ts';

/** The command shapes whose name may be N (LIST and UIDL share one, as do RETR and DELE). */
export type CommandFor<N extends Pop3CommandName> = Pop3Command extends infer C ? (C extends { name: infer M } ? (N extends M ? C : never) : never) : never;

export const ANY = ['authorization', 'transaction'] as const;
export const AUTHORIZATION = ['authorization'] as const;
export const TRANSACTION = ['transaction'] as const;
export type ANY = typeof ANY;
export type AUTHORIZATION = typeof AUTHORIZATION;
export type TRANSACTION = typeof TRANSACTION;
export type States = ANY | AUTHORIZATION | TRANSACTION;

export type ContextFor<S extends States> = S extends TRANSACTION ? TransactionContext : CommandContext;

export interface CommandSpec<N extends Pop3CommandName = Pop3CommandName, S extends States = States> {
  states: S;
  handle(ctx: ContextFor<S>, cmd: CommandFor<N>): Promise<void>;
}

export const NOT_ALLOWED = Symbol('not allowed in this state');

/** Run a handler with the context its states promise, or NOT_ALLOWED in another state. */
export function dispatch(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table holds every command's spec
  spec: CommandSpec<any, States>,
  ctx: CommandContext,
  cmd: Pop3Command,
): Promise<void> | typeof NOT_ALLOWED {
  const states: readonly Pop3State[] = spec.states;
  if (!states.includes(ctx.state)) return NOT_ALLOWED;
  if (states.includes('authorization')) return (spec as CommandSpec<Pop3CommandName, ANY | AUTHORIZATION>).handle(ctx, cmd as never);
  if (!ctx.account || !ctx.maildrop) return NOT_ALLOWED;
  return (spec as CommandSpec<Pop3CommandName, TRANSACTION>).handle(ctx as TransactionContext, cmd as never);
}
