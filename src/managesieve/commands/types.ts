// Owns: the contract every ManageSieve command fulfils: the states it is allowed in (RFC 5804:
// before sign-in AUTHENTICATE, STARTTLS, CAPABILITY, NOOP, LOGOUT; after it the script commands,
// UNAUTHENTICATE, CAPABILITY, NOOP, LOGOUT) and its handler, and running a handler with the
// context its states promise (dispatch). A handler writes its own OK; a NO is a thrown SieveNo.
import type { SieveCommand, SieveCommandName } from '../parser.ts';
import type { AuthenticatedContext, CommandContext, SieveState } from '../context.ts';

/** The command shapes whose name may be N. */
export type CommandFor<N extends SieveCommandName> = SieveCommand extends infer C ? (C extends { name: infer M } ? (N extends M ? C : never) : never) : never;

export const ANY = ['unauthenticated', 'authenticated'] as const;
export const UNAUTHENTICATED = ['unauthenticated'] as const;
export const AUTHENTICATED = ['authenticated'] as const;
export type ANY = typeof ANY;
export type UNAUTHENTICATED = typeof UNAUTHENTICATED;
export type AUTHENTICATED = typeof AUTHENTICATED;
export type States = ANY | UNAUTHENTICATED | AUTHENTICATED;

export type ContextFor<S extends States> = S extends AUTHENTICATED ? AuthenticatedContext : CommandContext;

export interface CommandSpec<N extends SieveCommandName = SieveCommandName, S extends States = States> {
  states: S;
  handle(ctx: ContextFor<S>, cmd: CommandFor<N>): Promise<void>;
}

export const NOT_ALLOWED = Symbol('not allowed in this state');

/** Run a handler with the context its states promise, or NOT_ALLOWED in another state. */
export function dispatch(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the table holds every command's spec
  spec: CommandSpec<any, States>,
  ctx: CommandContext,
  cmd: SieveCommand,
): Promise<void> | typeof NOT_ALLOWED {
  const states: readonly SieveState[] = spec.states;
  if (!states.includes(ctx.state)) return NOT_ALLOWED;
  if (states.includes('unauthenticated')) return (spec as CommandSpec<SieveCommandName, ANY | UNAUTHENTICATED>).handle(ctx, cmd as never);
  if (!ctx.account) return NOT_ALLOWED;
  return (spec as CommandSpec<SieveCommandName, AUTHENTICATED>).handle(ctx as AuthenticatedContext, cmd as never);
}
