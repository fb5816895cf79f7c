// Owns: ID (RFC 2971): say who we are; the client's own ID is logged, never trusted.
import { ANY, type CommandSpec } from './types.ts';
import { SERVER_ID } from '../capabilities.ts';
import { atom } from '../protocol/value.ts';

export const id: CommandSpec<'ID', ANY> = {
  states: ANY,
  async handle(s, cmd) {
    if (cmd.params) s.log.debug({ client: Object.fromEntries(cmd.params.slice(0, 30).map((p) => [p.key.slice(0, 30), (p.value ?? '').slice(0, 100)])) }, 'client id');
    s.untagged([atom('ID'), Object.entries(SERVER_ID).flat()]);
  },
};
