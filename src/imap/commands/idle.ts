// Owns: IDLE (RFC 2177): "+ idling", then push EXISTS/EXPUNGE/FETCH as other sessions change the
// selected mailbox, until the client sends DONE.
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError } from '../errors.ts';
import { isIdleDone } from '../parser/continuation.ts';

export const idle: CommandSpec<'IDLE', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s) {
    s.continuation('idling');
    const line = s.nextLine();
    let done = false;
    let answer: Buffer | null = null;
    void line.then((l) => {
      done = true;
      answer = l;
      s.cancelUpdateWait();
    });
    await s.flushUpdates();
    while (!done && !s.isClosed()) {
      await s.waitForUpdate();
      if (!done) await s.flushUpdates();
    }
    if (answer === null) return false;
    if (!isIdleDone(answer)) throw new ImapError('BAD', 'Cần DONE để kết thúc IDLE / expected DONE');
  },
};
