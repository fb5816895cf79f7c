// Owns: the mapping file of `thutin migrate imap --map users.csv` — one line per mailbox: the
// login on the old server, its password (empty when administrator credentials are given and the
// old server allows SASL PLAIN proxy-auth, e.g. Dovecot master users), and the thutin account.
// A header line is optional (source,password,target or old_login,old_password,account); '#' lines are comments.
import { parse } from 'csv-parse/sync';

export interface MailboxMapping {
  /** The login on the old server (the SASL authorization identity under proxy-auth). */
  source: string;
  password: string;
  /** The thutin account (address). */
  target: string;
  line: number;
}

const HEADER = /^(source|old_login|login|user)$/i;

export function parseUsersCsv(text: string, opts: { proxyAuth: boolean }): MailboxMapping[] {
  // '#' starts a comment only at the start of a line (a password may hold one).
  const body = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((l) => (l.trimStart().startsWith('#') ? '' : l))
    .join('\n');
  const rows = parse(body, { relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  const out: MailboxMapping[] = [];
  const seen = new Set<string>();
  rows.forEach((r, i) => {
    if (i === 0 && HEADER.test(r[0] ?? '')) return;
    const line = i + 1;
    const [source, password = '', target = ''] = r;
    const to = (r.length === 2 && opts.proxyAuth ? password : target).trim();
    const pw = r.length === 2 && opts.proxyAuth ? '' : password;
    if (!source || !to) throw new Error(`users.csv dòng / line ${line}: cần "tài khoản cũ,mật khẩu,tài khoản thutin" / needs "old login,password,thutin account"`);
    if (!pw && !opts.proxyAuth) throw new Error(`users.csv dòng / line ${line}: thiếu mật khẩu (hoặc dùng --admin-user) / no password (or use --admin-user)`);
    if (!/^[^\s@]+@[^\s@]+$/.test(to)) throw new Error(`users.csv dòng / line ${line}: "${to}" không phải địa chỉ thư / is not a mail address`);
    const key = `${source}\u0000${to.toLowerCase()}`;
    if (seen.has(key)) throw new Error(`users.csv dòng / line ${line}: lặp / repeated: ${source} → ${to}`);
    seen.add(key);
    out.push({ source, password: pw, target: to.toLowerCase(), line });
  });
  if (!out.length) throw new Error('users.csv: không có dòng nào / no lines');
  return out;
}
