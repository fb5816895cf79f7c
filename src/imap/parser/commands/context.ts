// Owns: the signature shared by the per-command argument parsers. Each parser
// gets the Reader positioned right after the command name (before the SP of
// the first argument) and returns the typed Command; index.ts checks the end.

import type { Reader } from '../tokenizer.ts';
import type { Command } from '../types.ts';

export interface CommandContext {
  tag: string;
  /** The command came with the UID prefix. */
  uid: boolean;
}

export type CommandParser = (r: Reader, ctx: CommandContext) => Command;
