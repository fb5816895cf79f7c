// Owns: the pure POP3 command parser (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS, RFC 5034 AUTH): one
// line (without its CRLF) → a typed command, or a bilingual reason it is not one; and the SASL
// client response lines of AUTH (base64 or "*"). No sockets, no storage.
// Keywords are case-insensitive; arguments are separated by spaces. RFC 2449 limits a keyword and
// each argument to 40 octets; PASS takes the rest of the line (a password may hold spaces), and an
// AUTH initial response may be longer (RFC 5034 §4).

export type Pop3CommandName = 'USER' | 'PASS' | 'AUTH' | 'STLS' | 'CAPA' | 'STAT' | 'LIST' | 'UIDL' | 'RETR' | 'DELE' | 'TOP' | 'RSET' | 'NOOP' | 'QUIT';

export type Pop3Command =
  | { name: 'USER'; user: string }
  | { name: 'PASS'; password: string }
  /** No mechanism: list them (what fetchmail and Outlook ask). `initial` is still base64 here ('=' = empty). */
  | { name: 'AUTH'; mechanism: string | null; initial: string | null }
  | { name: 'STLS' | 'CAPA' | 'STAT' | 'RSET' | 'NOOP' | 'QUIT' }
  /** LIST and UIDL: one message, or all when `msg` is null. */
  | { name: 'LIST' | 'UIDL'; msg: number | null }
  | { name: 'RETR' | 'DELE'; msg: number }
  | { name: 'TOP'; msg: number; lines: number };

export type ParseResult = { ok: true; command: Pop3Command } | { ok: false; unknown: boolean; message: string };

/** RFC 2449 §4: a keyword or an argument is at most 40 octets. */
export const MAX_ARG = 40;
/** The largest message number or line count we read (POP3 numbers are small; this keeps them exact). */
const MAX_NUMBER = 2 ** 31 - 1;

const NO_ARGS = new Set(['STLS', 'CAPA', 'STAT', 'RSET', 'NOOP', 'QUIT']);

function fail(message: string, unknown = false): ParseResult {
  return { ok: false, unknown, message };
}

const BAD_ARGS = 'Tham số không hợp lệ / invalid arguments';

function number(s: string | undefined, min: number): number | null {
  if (s === undefined || !/^\d{1,10}$/.test(s)) return null;
  const n = Number(s);
  return n >= min && n <= MAX_NUMBER ? n : null;
}

/** Parse one command line (the bytes before CRLF). */
export function parseCommand(line: Buffer | string): ParseResult {
  const text = typeof line === 'string' ? line : line.toString('utf8');
  // Control characters (NUL, CR alone, escape sequences) are never part of a command.
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(text)) return fail('Ký tự điều khiển trong lệnh / control character in command');
  const sp = text.indexOf(' ');
  const keyword = (sp < 0 ? text : text.slice(0, sp)).toUpperCase();
  const rest = sp < 0 ? '' : text.slice(sp + 1);
  if (!/^[A-Z]{3,4}$/.test(keyword)) return fail('Lệnh không hợp lệ / invalid command', true);
  if (keyword === 'PASS') {
    // The whole rest of the line: passwords with spaces work (as Dovecot and most servers do).
    if (sp < 0 || rest.length === 0) return fail('Thiếu mật khẩu / password missing');
    return { ok: true, command: { name: 'PASS', password: rest } };
  }
  const args = rest.split(' ').filter((a) => a.length > 0);
  if (rest.length && args.length === 0) return fail(BAD_ARGS);
  if (keyword === 'AUTH') {
    if (args.length > 2) return fail(BAD_ARGS);
    const mechanism = args[0] ?? null;
    if (mechanism !== null && (mechanism.length > MAX_ARG || !/^[A-Za-z0-9_-]+$/.test(mechanism))) return fail(BAD_ARGS);
    const initial = args[1] ?? null;
    if (initial !== null && initial !== '=' && !/^[A-Za-z0-9+/]*={0,2}$/.test(initial)) return fail('Dữ liệu base64 không hợp lệ / invalid base64');
    return { ok: true, command: { name: 'AUTH', mechanism: mechanism?.toUpperCase() ?? null, initial } };
  }
  if (args.some((a) => a.length > MAX_ARG)) return fail('Tham số quá dài / argument too long');
  if (NO_ARGS.has(keyword)) {
    if (args.length) return fail(BAD_ARGS);
    return { ok: true, command: { name: keyword as 'STLS' } };
  }
  switch (keyword) {
    case 'USER':
      if (args.length !== 1) return fail(BAD_ARGS);
      return { ok: true, command: { name: 'USER', user: args[0] } };
    case 'LIST':
    case 'UIDL': {
      if (args.length > 1) return fail(BAD_ARGS);
      if (!args.length) return { ok: true, command: { name: keyword, msg: null } };
      const msg = number(args[0], 1);
      if (msg === null) return fail('Số thư không hợp lệ / invalid message number');
      return { ok: true, command: { name: keyword, msg } };
    }
    case 'RETR':
    case 'DELE': {
      const msg = args.length === 1 ? number(args[0], 1) : null;
      if (msg === null) return fail('Số thư không hợp lệ / invalid message number');
      return { ok: true, command: { name: keyword, msg } };
    }
    case 'TOP': {
      const msg = args.length === 2 ? number(args[0], 1) : null;
      const lines = args.length === 2 ? number(args[1], 0) : null;
      if (msg === null || lines === null) return fail(BAD_ARGS);
      return { ok: true, command: { name: 'TOP', msg, lines } };
    }
    default:
      return fail('Lệnh không được hỗ trợ / unknown command', true);
  }
}

export type SaslLine = { type: 'cancel' } | { type: 'data'; data: Buffer } | { type: 'invalid' };

/** A SASL client response: "*" cancels, "=" (or nothing) is empty, else strict base64. */
export function parseSaslLine(line: Buffer | string): SaslLine {
  const s = (typeof line === 'string' ? line : line.toString('latin1')).trim();
  if (s === '*') return { type: 'cancel' };
  if (s === '' || s === '=') return { type: 'data', data: Buffer.alloc(0) };
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return { type: 'invalid' };
  return { type: 'data', data: Buffer.from(s, 'base64') };
}

/** The PLAIN message (RFC 4616): authzid NUL authcid NUL passwd. */
export function parsePlain(data: Buffer): { authz: string; user: string; password: string } | null {
  const parts = data.toString('utf8').split('\0');
  if (parts.length !== 3 || !parts[1] || !parts[2]) return null;
  return { authz: parts[0], user: parts[1], password: parts[2] };
}
