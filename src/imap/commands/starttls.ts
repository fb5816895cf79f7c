// Owns: STARTTLS (RFC 3501 6.2.1): only before TLS and before login.
import { NOT_AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError } from '../errors.ts';

export const starttls: CommandSpec<'STARTTLS', NOT_AUTHENTICATED> = {
  states: NOT_AUTHENTICATED,
  async handle(s, cmd) {
    if (s.secure) throw new ImapError('BAD', 'Đã dùng TLS / TLS already active');
    if (!s.tlsAvailable) throw new ImapError('NO', 'TLS không khả dụng / TLS not available');
    await s.startTls(cmd.tag);
    return false;
  },
};
