// Owns: the QUOTA commands (RFC 9208): GETQUOTA root, GETQUOTAROOT mailbox,
// SETQUOTA root (resource limit …) — parsed so the server can refuse it properly.

import { readMailbox } from '../mailbox-name.ts';
import type { GetQuotaCommand, GetQuotaRootCommand, SetQuotaCommand } from '../types.ts';
import type { CommandParser } from './context.ts';

export const parseGetQuota: CommandParser = (r, { tag }): GetQuotaCommand => {
  r.sp('quota root');
  return { name: 'GETQUOTA', tag, root: r.astringText('quota root') };
};

export const parseGetQuotaRoot: CommandParser = (r, { tag }): GetQuotaRootCommand => {
  r.sp('mailbox name');
  return { name: 'GETQUOTAROOT', tag, mailbox: readMailbox(r) };
};

export const parseSetQuota: CommandParser = (r, { tag }): SetQuotaCommand => {
  r.sp('quota root');
  const root = r.astringText('quota root');
  r.sp('quota limits');
  const limits = r.list('quota resource', () => {
    const resource = r.keyword('quota resource');
    r.sp('quota limit');
    return { resource, limit: r.safeNumber('quota limit') };
  });
  return { name: 'SETQUOTA', tag, root, limits };
};
