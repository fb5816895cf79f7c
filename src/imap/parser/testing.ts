// Owns: small helpers shared by the parser's tests (not used at run time):
// parse a string as a command and assert success or failure with typed results.

import { expect } from 'vitest';
import { parseCommand } from './index.ts';
import type { Command, CommandName, CommandOf, ParseOptions, ParseResult } from './types.ts';

export function parse(input: string | Buffer, options?: ParseOptions): ParseResult {
  return parseCommand(typeof input === 'string' ? Buffer.from(input, 'utf8') : input, options);
}

/** Parse and assert success; optionally assert the command name and narrow the type. */
export function ok<N extends CommandName>(input: string | Buffer, name: N, options?: ParseOptions): CommandOf<N>;
export function ok(input: string | Buffer): Command;
export function ok(input: string | Buffer, name?: CommandName, options?: ParseOptions): Command {
  const result = parse(input, options);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(String(input))} to parse, got: ${result.message}`);
  if (name !== undefined) expect(result.command.name).toBe(name);
  return result.command;
}

/** Parse and assert failure; returns the failure for further checks. */
export function bad(input: string | Buffer, options?: ParseOptions): Extract<ParseResult, { ok: false }> {
  const result = parse(input, options);
  if (result.ok) throw new Error(`expected ${JSON.stringify(String(input))} to fail, got ${result.command.name}`);
  return result;
}
