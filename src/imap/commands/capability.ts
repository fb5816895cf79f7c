// Owns: CAPABILITY (RFC 3501 6.1.1).
import { ANY, type CommandSpec } from './types.ts';

export const capability: CommandSpec<'CAPABILITY', ANY> = {
  states: ANY,
  async handle(s) {
    s.untagged(`CAPABILITY ${s.capabilities().join(' ')}`);
  },
};
