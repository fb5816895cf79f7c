// Owns: NAMESPACE (RFC 2342), ENABLE (RFC 5161) and the QUOTA commands (RFC 2087/9208, reporting only).
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError, nonexistent } from '../errors.ts';
import type { AuthenticatedContext } from '../context.ts';
import { HIERARCHY_SEPARATOR } from '../../core/mailboxes.ts';
import { mailboxOnWire } from '../protocol/mutf7.ts';
import { atom } from '../protocol/value.ts';
import { SHARED_PREFIX, resolveFolder, visibleName } from '../mailbox-names.ts';

export const namespace: CommandSpec<'NAMESPACE', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s) {
    // Personal folders at the top; mailboxes shared by delegation (unit mailboxes, R8) under Shared/.
    s.untagged(`NAMESPACE (("" "${HIERARCHY_SEPARATOR}")) NIL (("${SHARED_PREFIX}" "${HIERARCHY_SEPARATOR}"))`);
  },
};

const ENABLEABLE = new Set(['CONDSTORE', 'QRESYNC', 'UTF8=ACCEPT']);

export const enable: CommandSpec<'ENABLE', AUTHENTICATED> = {
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
          const enabled = s.selected.enableCondstore();
          if (enabled) s.untagged(enabled);
          if (c === 'QRESYNC') s.selected.qresync = true;
        }
      }
    }
    s.untagged(`ENABLED${now.length ? ' ' + now.join(' ') : ''}`);
  },
};

async function quotaLine(s: AuthenticatedContext, root = '', accountId = s.account.id, quotaBytes = s.account.quotaBytes) {
  const used = await s.accounts.usageBytes(accountId);
  return [atom('QUOTA'), root, [atom('STORAGE'), Math.ceil(used / 1024), Math.floor(quotaBytes / 1024)]];
}

export const getquotaroot: CommandSpec<'GETQUOTAROOT', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    const found = await resolveFolder(s, cmd.mailbox);
    if (!found) throw nonexistent();
    const { mb, target } = found;
    const name = visibleName(target.owner, mb.name);
    if (target.owner === null) {
      s.untagged([atom('QUOTAROOT'), name === 'INBOX' ? atom('INBOX') : mailboxOnWire(name, s.enabled.has('UTF8=ACCEPT')), '']);
      s.untagged(await quotaLine(s));
      return;
    }
    // A shared folder counts against its owner's quota: root "Shared/<owner>".
    const owner = await s.accounts.byId(target.ownerAccountId);
    const root = `${SHARED_PREFIX}${target.owner}`;
    s.untagged([atom('QUOTAROOT'), mailboxOnWire(name, s.enabled.has('UTF8=ACCEPT')), root]);
    s.untagged(await quotaLine(s, root, target.ownerAccountId, owner?.quotaBytes ?? 0));
  },
};

export const getquota: CommandSpec<'GETQUOTA', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    if (cmd.root !== '') throw new ImapError('NO', 'Không có gốc hạn mức này / no such quota root', 'NONEXISTENT');
    s.untagged(await quotaLine(s));
  },
};

export const setquota: CommandSpec<'SETQUOTA', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle() {
    throw new ImapError('NO', 'Hạn mức do Văn phòng UBND tỉnh quản lý / quotas are set by the administrators', 'NOPERM');
  },
};
