// Owns: the ManageSieve command table: every command name of parser.ts → its spec (states and handler).
import type { SieveCommandName } from '../parser.ts';
import type { CommandSpec, States } from './types.ts';
import { authenticate, starttls, unauthenticate } from './sign-in.ts';
import { capability, logout, noop } from './session.ts';
import { checkscript, deletescript, getscript, havespace, listscripts, putscript, renamescript, setactive } from './scripts.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry is checked against its own command shape
export const COMMANDS: Record<SieveCommandName, CommandSpec<any, States>> = {
  AUTHENTICATE: authenticate,
  STARTTLS: starttls,
  LOGOUT: logout,
  CAPABILITY: capability,
  HAVESPACE: havespace,
  PUTSCRIPT: putscript,
  LISTSCRIPTS: listscripts,
  SETACTIVE: setactive,
  GETSCRIPT: getscript,
  DELETESCRIPT: deletescript,
  RENAMESCRIPT: renamescript,
  CHECKSCRIPT: checkscript,
  NOOP: noop,
  UNAUTHENTICATE: unauthenticate,
};
