// Owns: NOOP and CHECK: nothing to do beyond the untagged updates the session sends after every command.
import { ANY, SELECTED, type CommandSpec } from './types.ts';

export const noop: CommandSpec<'NOOP', ANY> = { states: ANY, async handle() {} };
export const check: CommandSpec<'CHECK', SELECTED> = { states: SELECTED, async handle() {} };
