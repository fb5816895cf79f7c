// Owns: LOGOUT (RFC 3501 6.1.3): BYE, then the session answers OK and closes.
import { ANY, type CommandSpec } from './types.ts';

export const logout: CommandSpec<'LOGOUT', ANY> = {
  states: ANY,
  async handle(s) {
    s.untagged('BYE thutin IMAP tạm biệt / logging out');
    s.logout();
  },
};
