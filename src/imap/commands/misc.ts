// NAMESPACE (RFC 2342), ENABLE (RFC 5161) and the QUOTA commands (RFC 2087/9208, reporting only).
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError } from '../session.ts';
import { HIERARCHY_SEPARATOR } from '../../core/mailboxes.ts';
import { atom } from '../protocol/value.ts';

export const namespace: CommandSpec<'NAMESPACE'> = {
  states: AUTHENTICATED,
  async handle(s) {
    s.untagged(`NAMESPACE (("" "${HIERARCHY_SEPARATOR}")) NIL NIL`);
  },
};

const ENABLEABLE = new Set(['CONDSTORE', 'QRESYNC']);

export const enable: CommandSpec<'ENABLE'> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const now: string[] = [];
    for (const c of cmd.capabilities) {
      if (ENABLEABLE.has(c) && !s.enabled.has(c)) {
        s.enabled.add(c);
        now.push(c);
        // QRESYNC implies CONDSTORE (RFC 7162 3.2.3).
        if (c === 'QRESYNC' && !s.enabled.has('CONDSTORE')) {
          s.enabled.add('CONDSTORE');
          now.push('CONDSTORE');
        }
        if (s.selected) {
          s.selected.condstore = true;
          if (c === 'QRESYNC') s.selected.qresync = true;
        }
      }
    }
    s.untagged(`ENABLED${now.length ? ' ' + now.join(' ') : ''}`);
  },
};

async function quotaLine(s: Parameters<CommandSpec['handle']>[0]) {
  const used = await s.app.accounts.usageBytes(s.account!.id);
  return [atom('QUOTA'), '', [atom('STORAGE'), Math.ceil(used / 1024), Math.floor(s.account!.quotaBytes / 1024)]];
}

export const getquotaroot: CommandSpec<'GETQUOTAROOT'> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const mb = await s.app.store.getMailbox(s.account!.id, cmd.mailbox);
    if (!mb) throw new ImapError('NO', 'Không tìm thấy thư mục / mailbox does not exist', 'NONEXISTENT');
    s.untagged(`QUOTAROOT ${mb.name === 'INBOX' ? 'INBOX' : JSON.stringify(mb.name)} ""`);
    s.untagged(await quotaLine(s));
  },
};

export const getquota: CommandSpec<'GETQUOTA'> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    if (cmd.root !== '') throw new ImapError('NO', 'Không có gốc hạn mức này / no such quota root', 'NONEXISTENT');
    s.untagged(await quotaLine(s));
  },
};

export const setquota: CommandSpec<'SETQUOTA'> = {
  states: AUTHENTICATED,
  async handle() {
    throw new ImapError('NO', 'Hạn mức do Văn phòng UBND tỉnh quản lý / quotas are set by the administrators', 'NOPERM');
  },
};
