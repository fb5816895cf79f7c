// Owns: STAT, LIST, UIDL (RFC 1939 §5, §7), DELE, RSET and NOOP: answers from the maildrop as it
// was at sign-in, messages marked deleted left out (and refused when named).
import { TRANSACTION, type CommandSpec } from './types.ts';
import type { TransactionContext } from '../context.ts';
import type { MessageMeta } from '../../core/mailstore.ts';

/** A multi-line answer of one line per live message, written in batches of about 64 KB. */
function listAll(s: TransactionContext, head: string, line: (n: number, m: MessageMeta) => string): void {
  s.ok(head);
  let batch = '';
  for (const { n, meta } of s.maildrop.live()) {
    batch += `${line(n, meta)}\r\n`;
    if (batch.length > 65536) {
      s.write(Buffer.from(batch, 'latin1'));
      batch = '';
    }
  }
  s.write(Buffer.from(`${batch}.\r\n`, 'latin1'));
}

export const stat: CommandSpec<'STAT', TRANSACTION> = {
  states: TRANSACTION,
  async handle(s) {
    const { count, octets } = s.maildrop.stat();
    s.ok(`${count} ${octets}`);
  },
};

export const list: CommandSpec<'LIST', TRANSACTION> = {
  states: TRANSACTION,
  async handle(s, cmd) {
    if (cmd.msg !== null) {
      s.ok(`${cmd.msg} ${s.maildrop.get(cmd.msg).size}`);
      return;
    }
    const { count, octets } = s.maildrop.stat();
    listAll(s, `${count} thư (${octets} byte) / ${count} messages (${octets} octets)`, (n, m) => `${n} ${m.size}`);
  },
};

export const uidl: CommandSpec<'UIDL', TRANSACTION> = {
  states: TRANSACTION,
  async handle(s, cmd) {
    if (cmd.msg !== null) {
      s.ok(`${cmd.msg} ${s.maildrop.uidl(s.maildrop.get(cmd.msg))}`);
      return;
    }
    listAll(s, 'Danh sách mã thư / unique-id listing follows', (n, m) => `${n} ${s.maildrop.uidl(m)}`);
  },
};

export const dele: CommandSpec<'DELE', TRANSACTION> = {
  states: TRANSACTION,
  async handle(s, cmd) {
    s.maildrop.dele(cmd.msg);
    s.ok(`Đã đánh dấu xoá thư ${cmd.msg} / message ${cmd.msg} deleted`);
  },
};

export const rset: CommandSpec<'RSET', TRANSACTION> = {
  states: TRANSACTION,
  async handle(s) {
    s.maildrop.reset();
    const { count, octets } = s.maildrop.stat();
    s.ok(`Hộp thư có ${count} thư (${octets} byte) / maildrop has ${count} messages (${octets} octets)`);
  },
};

export const noop: CommandSpec<'NOOP', TRANSACTION> = {
  states: TRANSACTION,
  async handle(s) {
    s.ok('');
  },
};
