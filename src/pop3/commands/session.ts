// Owns: CAPA (RFC 2449 §5, any state) and QUIT (RFC 1939 §6): in AUTHORIZATION it only says
// goodbye; in TRANSACTION it enters UPDATE — the messages marked deleted are expunged through the
// mail store (IMAP sessions, the change log and QRESYNC see them; \Deleted is set, then exactly
// those UIDs are expunged), the retrieved ones kept are marked \Seen (pop3.markSeen, Dovecot's
// default) — and the session ends, its maildrop lock released. A connection that ends without
// QUIT changes nothing.
import { ANY, type CommandSpec } from './types.ts';
import { Pop3Error } from '../errors.ts';
import { DELETED, SEEN } from '../../core/flags.ts';

export const capa: CommandSpec<'CAPA', ANY> = {
  states: ANY,
  async handle(s) {
    s.ok('Danh sách khả năng / capability list follows');
    s.write(Buffer.from(`${s.capabilities().join('\r\n')}\r\n.\r\n`));
  },
};

export const quit: CommandSpec<'QUIT', ANY> = {
  states: ANY,
  async handle(s) {
    const drop = s.maildrop;
    if (s.state !== 'transaction' || !drop) {
      await s.quit();
      s.ok('Tạm biệt / goodbye');
      return;
    }
    // UPDATE: whatever happens below, the session ends after the answer, its lock released before it.
    const { expunge, seen } = drop.changes(SEEN);
    try {
      if (seen.length && s.limits.markSeen) await s.store.storeFlags(drop.mailboxId, seen, 'add', { mask: SEEN, keywords: [] });
      if (expunge.length) {
        await s.store.storeFlags(drop.mailboxId, expunge, 'add', { mask: DELETED, keywords: [] });
        await s.store.expunge(drop.mailboxId, expunge);
      }
    } catch (e) {
      s.log.error({ err: (e as Error).stack }, 'pop3: update failed');
      throw new Pop3Error('Một số thư đã đánh dấu xoá chưa được xoá / some deleted messages not removed', 'SYS/TEMP');
    } finally {
      await s.quit();
    }
    const { count } = drop.stat();
    s.ok(`Tạm biệt, còn ${count} thư / goodbye, ${count} messages left`);
  },
};
