// Owns: commands that take no arguments — CAPABILITY, NOOP, LOGOUT, STARTTLS,
// CHECK, CLOSE, UNSELECT, IDLE (RFC 2177), NAMESPACE (RFC 2342).

import type { NoArgCommand } from '../types.ts';
import type { CommandParser } from './context.ts';

export const NO_ARG_COMMANDS = ['CAPABILITY', 'NOOP', 'LOGOUT', 'STARTTLS', 'CHECK', 'CLOSE', 'UNSELECT', 'IDLE', 'NAMESPACE'] as const satisfies readonly NoArgCommand['name'][];

/** Extra arguments are rejected by parseCommand's end-of-command check. */
export function noArgs(name: NoArgCommand['name']): CommandParser {
  return (_r, { tag }) => ({ name, tag });
}
