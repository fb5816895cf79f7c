// Owns: CAPABILITY (RFC 5804 §2.4), NOOP with its TAG (§2.13) and LOGOUT (§2.3), in any state.
import { ANY, type CommandSpec } from './types.ts';

export const capability: CommandSpec<'CAPABILITY', ANY> = {
  states: ANY,
  async handle(s) {
    s.write(s.capabilityLines());
    s.ok('Danh sách khả năng / capability completed');
  },
};

export const noop: CommandSpec<'NOOP', ANY> = {
  states: ANY,
  async handle(s, cmd) {
    s.ok('Xong / done', cmd.tag === null ? null : { tag: cmd.tag });
  },
};

export const logout: CommandSpec<'LOGOUT', ANY> = {
  states: ANY,
  async handle(s) {
    s.ok('Tạm biệt / logout completed');
    s.logout();
  },
};
