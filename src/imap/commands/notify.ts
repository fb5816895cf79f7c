// Owns: NOTIFY (RFC 5465): SET [STATUS] event groups, or NONE. The session keeps the state
// (notify.ts) and speaks between commands from then on; the arguments are checked by the parser
// (parser/commands/notify.ts: BAD for broken rules, NO [BADEVENT] for an unknown event).
import { AUTHENTICATED, type CommandSpec } from './types.ts';

export const notify: CommandSpec<'NOTIFY', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    await s.setNotify(cmd);
    return cmd.groups ? 'NOTIFY hoàn tất / completed' : 'NOTIFY NONE hoàn tất / completed';
  },
};
