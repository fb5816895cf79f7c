// Owns: building a CATENATE message (RFC 4469): each TEXT part as sent, each URL part the bytes
// it names (a whole message, a section, a partial range) of a message this session may read; an
// URL that does not parse, names another user, a mailbox without read rights, a stale
// UIDVALIDITY or a missing message is answered NO [BADURL url]; a result past the size limit
// NO [TOOBIG].
import type { CatenatePart } from './parser/types.ts';
import { parseImapUrl } from './parser/imap-url.ts';
import type { AuthenticatedContext } from './context.ts';
import { ImapError } from './errors.ts';
import { resolveFolder } from './mailbox-names.ts';
import { filterHeaderFields, partialRange, resolveSection } from './protocol/section.ts';

function badUrl(url: string): ImapError {
  return new ImapError('NO', `URL không dùng được / unusable URL ${JSON.stringify(url)}`, `BADURL ${url.replace(/[\r\n\]]/g, '')}`);
}

async function urlBytes(s: AuthenticatedContext, url: string): Promise<Buffer> {
  const u = parseImapUrl(url);
  if (!u) throw badUrl(url);
  const me = s.account.username.toLowerCase();
  if (u.user !== null && u.user.toLowerCase() !== me && u.user.toLowerCase() !== me.split('@')[0]) throw badUrl(url);
  let mailboxId: number;
  let uidvalidity: number;
  if (u.mailbox === null) {
    if (!s.selected) throw badUrl(url);
    mailboxId = s.selected.info.id;
    uidvalidity = s.selected.info.uidvalidity;
  } else {
    const found = await resolveFolder(s, u.mailbox);
    if (!found) throw badUrl(url);
    mailboxId = found.mb.id;
    uidvalidity = found.mb.uidvalidity;
  }
  if (u.uidvalidity !== null && u.uidvalidity !== uidvalidity) throw badUrl(url);
  const [m] = await s.store.getMessages(mailboxId, [u.uid]);
  if (!m) throw badUrl(url);
  let bytes: Buffer;
  if (!u.section) bytes = await s.store.readMessage(m, 0, m.size);
  else {
    const index = (await s.store.indexesOf([m])).get(m);
    if (!index) throw badUrl(url);
    const r = resolveSection(index, { path: u.section.part, part: u.section.specifier, fields: u.section.fields ?? undefined });
    if ('empty' in r) bytes = Buffer.alloc(0);
    else if ('filterHeaders' in r) bytes = filterHeaderFields(await s.store.readMessage(m, r.filterHeaders.start, r.filterHeaders.end), r.filterHeaders.fields, r.filterHeaders.not);
    else bytes = await s.store.readMessage(m, r.start, r.end);
  }
  if (u.partial) {
    const p = partialRange({ start: 0, end: bytes.length }, u.partial.offset, u.partial.length ?? undefined);
    bytes = bytes.subarray(p.start, Math.max(p.start, p.end));
  }
  return bytes;
}

/** The message CATENATE makes of its parts. */
export async function catenate(s: AuthenticatedContext, parts: CatenatePart[], maxSize: number): Promise<Buffer> {
  const out: Buffer[] = [];
  let size = 0;
  for (const p of parts) {
    const b = p.type === 'text' ? p.data : await urlBytes(s, p.url);
    size += b.length;
    if (size > maxSize) throw new ImapError('NO', 'Thư quá lớn / message too big', 'TOOBIG');
    out.push(b);
  }
  return Buffer.concat(out);
}
