// Owns: GETMETADATA and SETMETADATA (RFC 5464) — the server's entries (mailbox "") and a
// folder's, /shared and /private, through the core's MailboxMetadata. Rights: any folder the session
// sees may be read and given /private entries; /shared entries of a folder need its owner or a
// delegate with `manage`; the server's /shared entries are the server's.
import { AUTHENTICATED, type CommandSpec } from './types.ts';
import { ImapError, noPermission, nonexistent } from '../errors.ts';
import type { AuthenticatedContext } from '../context.ts';
import { resolveFolder } from '../mailbox-names.ts';
import { mailboxOnWire } from '../protocol/mutf7.ts';
import { atom, literal8, type ImapValue } from '../protocol/value.ts';
import { SERVER, validEntry } from '../../core/mailbox-metadata.ts';

async function folderOf(s: AuthenticatedContext, mailbox: string): Promise<{ id: number; canShare: boolean }> {
  if (mailbox === '') return { id: SERVER, canShare: false };
  const found = await resolveFolder(s, mailbox);
  if (!found) throw nonexistent();
  return { id: found.mb.id, canShare: found.target.access === 'owner' || found.target.access === 'manage' };
}

function checkEntries(entries: string[]): void {
  for (const e of entries) if (!validEntry(e)) throw new ImapError('BAD', `Tên mục không hợp lệ / invalid entry name ${JSON.stringify(e)}`);
}

function valueOf(v: Buffer): ImapValue {
  return v.length <= 1000 && /^[\x20-\x7e]*$/.test(v.toString('latin1')) ? v.toString('latin1') : literal8(v);
}

export const getmetadata: CommandSpec<'GETMETADATA', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    checkEntries(cmd.entries);
    const folder = await folderOf(s, cmd.mailbox);
    const found = await s.metadata.get(folder.id, s.account.id, cmd.entries, cmd.depth);
    let longest = 0;
    const shown = found.filter((e) => {
      if (cmd.maxSize === null || e.value.length <= cmd.maxSize) return true;
      longest = Math.max(longest, e.value.length);
      return false;
    });
    if (shown.length) s.untagged([atom('METADATA'), cmd.mailbox === '' ? '' : mailboxOnWire(cmd.mailbox, s.enabled.has('UTF8=ACCEPT')), shown.flatMap((e) => [atom(e.entry), valueOf(e.value)])]);
    return longest ? `[METADATA LONGENTRIES ${longest}] GETMETADATA hoàn tất / completed` : undefined;
  },
};

export const setmetadata: CommandSpec<'SETMETADATA', AUTHENTICATED> = {
  states: AUTHENTICATED,
  async handle(s, cmd) {
    checkEntries(cmd.items.map((i) => i.entry));
    const folder = await folderOf(s, cmd.mailbox);
    if (cmd.items.some((i) => i.entry.toLowerCase().startsWith('/shared/')) && !folder.canShare) throw noPermission();
    const refused = await s.metadata.set(folder.id, s.account.id, cmd.items);
    if (!refused) {
      s.accountChanged(s.account.id); // NOTIFY MailboxMetadataChange / ServerMetadataChange
      return;
    }
    if (refused.kind === 'maxsize') throw new ImapError('NO', 'Giá trị quá lớn / value too large', `METADATA MAXSIZE ${refused.max}`);
    if (refused.kind === 'toomany') throw new ImapError('NO', 'Quá nhiều mục / too many entries', 'METADATA TOOMANY');
    throw noPermission();
  },
};
