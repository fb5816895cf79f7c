// Owns: the table of POP3 commands — name → its spec (states and handler).
import type { Pop3CommandName } from '../parser.ts';
import type { CommandSpec, States } from './types.ts';
import { auth, pass, stls, user } from './sign-in.ts';
import { dele, list, noop, rset, stat, uidl } from './listing.ts';
import { retr, top } from './retrieve.ts';
import { capa, quit } from './session.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry is typed by its own spec
export const COMMANDS: Record<Pop3CommandName, CommandSpec<any, States>> = {
  USER: user,
  PASS: pass,
  AUTH: auth,
  STLS: stls,
  CAPA: capa,
  QUIT: quit,
  STAT: stat,
  LIST: list,
  UIDL: uidl,
  RETR: retr,
  TOP: top,
  DELE: dele,
  RSET: rset,
  NOOP: noop,
};
