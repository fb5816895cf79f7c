// Owns: how flags are written in each format — mbox's Status / X-Status / X-Keywords fields
// (as mutt, Thunderbird and Dovecot read them) and Maildir's info letters (":2,DFRST" and the
// keyword letters a–z of dovecot-keywords).

/** The mbox fields for a set of IMAP flags. */
export function mboxFlagFields(flags: readonly string[]): { status: string; xStatus: string; keywords: string } {
  const has = (f: string) => flags.some((x) => x.toLowerCase() === f.toLowerCase());
  const status = (has('\\Seen') ? 'R' : '') + 'O';
  const xStatus = (has('\\Answered') ? 'A' : '') + (has('\\Flagged') ? 'F' : '') + (has('\\Draft') ? 'T' : '') + (has('\\Deleted') ? 'D' : '');
  const keywords = flags.filter((f) => !f.startsWith('\\')).join(' ');
  return { status, xStatus, keywords };
}

/** IMAP flags from mbox fields (X-Keywords: space or comma separated). */
export function flagsFromMbox(status: string, xStatus: string, keywords: string): string[] {
  const out: string[] = [];
  if (status.includes('R')) out.push('\\Seen');
  if (xStatus.includes('A')) out.push('\\Answered');
  if (xStatus.includes('F')) out.push('\\Flagged');
  if (xStatus.includes('T')) out.push('\\Draft');
  if (xStatus.includes('D')) out.push('\\Deleted');
  for (const k of keywords.split(/[\s,]+/)) if (k) out.push(k);
  return out;
}

const MAILDIR_LETTERS: Array<[string, string]> = [
  ['D', '\\Draft'],
  ['F', '\\Flagged'],
  ['R', '\\Answered'],
  ['S', '\\Seen'],
  ['T', '\\Deleted'],
];

/**
 * Maildir's info for a set of flags (letters in ASCII order, keywords as a–z by their index in the
 * folder's keyword list, which grows as needed); keywords past the 26th cannot be written and are named in `dropped`.
 */
export function maildirInfo(flags: readonly string[], keywordList: string[]): { info: string; dropped: string[] } {
  const letters: string[] = [];
  const dropped: string[] = [];
  for (const [l, f] of MAILDIR_LETTERS) if (flags.some((x) => x.toLowerCase() === f.toLowerCase())) letters.push(l);
  for (const k of flags) {
    if (k.startsWith('\\')) continue;
    let i = keywordList.findIndex((x) => x.toLowerCase() === k.toLowerCase());
    if (i < 0 && keywordList.length < 26) i = keywordList.push(k) - 1;
    if (i < 0) dropped.push(k);
    else letters.push(String.fromCharCode(0x61 + i));
  }
  return { info: letters.sort().join(''), dropped };
}

/** IMAP flags from a Maildir file name's info ("…:2,FRSab"); keywords from the folder's list. */
export function flagsFromMaildirName(fileName: string, keywordList: readonly string[]): string[] {
  const m = /[:;!]2,([^/]*)$/.exec(fileName);
  if (!m) return [];
  const out: string[] = [];
  for (const ch of m[1]) {
    const sys = MAILDIR_LETTERS.find(([l]) => l === ch);
    if (sys) out.push(sys[1]);
    else if (ch >= 'a' && ch <= 'z' && keywordList[ch.charCodeAt(0) - 0x61]) out.push(keywordList[ch.charCodeAt(0) - 0x61]);
  }
  return out;
}

/** dovecot-keywords: "0 $Label1" per line. */
export function parseDovecotKeywords(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\S+)/.exec(line);
    if (m && Number(m[1]) < 26) out[Number(m[1])] = m[2];
  }
  return out;
}

export function formatDovecotKeywords(list: readonly string[]): string {
  return list.map((k, i) => `${i} ${k}\n`).join('');
}
