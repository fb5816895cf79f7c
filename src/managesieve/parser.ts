// Owns: the pure ManageSieve command parser (RFC 5804 §2, §4): a command's tokens (framer.ts) → a
// typed command, or a bilingual reason it is not one; the SASL client responses of AUTHENTICATE
// (a string of base64, or "*" to cancel) and the PLAIN message (RFC 4616); and the server's side
// of the grammar: strings (quoted when short and single-line, else a literal `{n}`) and response
// lines `OK|NO|BYE [(code)] [text]`. No sockets, no storage.
import type { Token } from './framer.ts';

export type SieveCommandName =
  | 'AUTHENTICATE'
  | 'STARTTLS'
  | 'LOGOUT'
  | 'CAPABILITY'
  | 'HAVESPACE'
  | 'PUTSCRIPT'
  | 'LISTSCRIPTS'
  | 'SETACTIVE'
  | 'GETSCRIPT'
  | 'DELETESCRIPT'
  | 'RENAMESCRIPT'
  | 'CHECKSCRIPT'
  | 'NOOP'
  | 'UNAUTHENTICATE';

export type SieveCommand =
  /** `initial`: the base64 initial response as sent ('' = an empty one). */
  | { name: 'AUTHENTICATE'; mechanism: string; initial: string | null }
  | { name: 'STARTTLS' | 'LOGOUT' | 'CAPABILITY' | 'LISTSCRIPTS' | 'UNAUTHENTICATE' }
  | { name: 'HAVESPACE'; script: string; size: number }
  /** `content`: the script's octets exactly as sent (valid UTF-8, a BOM kept). */
  | { name: 'PUTSCRIPT'; script: string; content: string }
  | { name: 'CHECKSCRIPT'; content: string }
  | { name: 'SETACTIVE' | 'GETSCRIPT' | 'DELETESCRIPT'; script: string }
  | { name: 'RENAMESCRIPT'; from: string; to: string }
  | { name: 'NOOP'; tag: string | null };

export type ParseResult = { ok: true; command: SieveCommand } | { ok: false; unknown: boolean; message: string };

const NO_ARGS = new Set(['STARTTLS', 'LOGOUT', 'CAPABILITY', 'LISTSCRIPTS', 'UNAUTHENTICATE']);
const ONE_NAME = new Set(['SETACTIVE', 'GETSCRIPT', 'DELETESCRIPT']);
const KNOWN = new Set([...NO_ARGS, ...ONE_NAME, 'AUTHENTICATE', 'HAVESPACE', 'PUTSCRIPT', 'RENAMESCRIPT', 'CHECKSCRIPT', 'NOOP']);

const BAD_ARGS = 'Tham số không hợp lệ / invalid arguments';
const NOT_UTF8 = 'Chuỗi không phải UTF-8 / string is not UTF-8';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function fail(message: string, unknown = false): ParseResult {
  return { ok: false, unknown, message };
}

/** A string token as text (strict UTF-8), or null when it is not a string or not UTF-8. */
export function text(t: Token | undefined): string | null {
  if (!t || t.type !== 'string') return null;
  try {
    return utf8.decode(t.value);
  } catch {
    return null;
  }
}

/** Parse one command's tokens. */
export function parseCommand(tokens: Token[]): ParseResult {
  const head = tokens[0];
  if (!head) return fail('Dòng trống / empty command');
  // RFC 5804 §4: command names are atoms, case-insensitive; a quoted command name is tolerated (some clients quote everything).
  const name = head.type === 'atom' ? head.value.toUpperCase() : head.type === 'string' && !head.literal ? head.value.toString('latin1').toUpperCase() : '';
  if (!KNOWN.has(name)) return fail('Lệnh không được hỗ trợ / unknown command', true);
  const args = tokens.slice(1);
  const strings = args.map((a) => (a.type === 'string' ? a : null));
  if (NO_ARGS.has(name)) return args.length ? fail(BAD_ARGS) : { ok: true, command: { name: name as 'STARTTLS' } };
  for (const a of strings) if (a && text(a) === null) return fail(NOT_UTF8);
  switch (name) {
    case 'AUTHENTICATE': {
      if (args.length < 1 || args.length > 2 || strings.some((s) => !s)) return fail(BAD_ARGS);
      const mechanism = text(args[0])!;
      if (!/^[A-Za-z0-9_-]{1,20}$/.test(mechanism)) return fail(BAD_ARGS);
      const initial = args.length === 2 ? text(args[1])!.trim() : null;
      return { ok: true, command: { name, mechanism: mechanism.toUpperCase(), initial } };
    }
    case 'HAVESPACE': {
      const script = text(args[0]);
      const size = args[1]?.type === 'number' ? args[1].value : null;
      if (args.length !== 2 || script === null || size === null) return fail(BAD_ARGS);
      return { ok: true, command: { name, script, size } };
    }
    case 'PUTSCRIPT': {
      const script = text(args[0]);
      const content = text(args[1]);
      if (args.length !== 2 || script === null || content === null) return fail(BAD_ARGS);
      return { ok: true, command: { name, script, content } };
    }
    case 'CHECKSCRIPT': {
      const content = text(args[0]);
      if (args.length !== 1 || content === null) return fail(BAD_ARGS);
      return { ok: true, command: { name, content } };
    }
    case 'RENAMESCRIPT': {
      const from = text(args[0]);
      const to = text(args[1]);
      if (args.length !== 2 || from === null || to === null) return fail(BAD_ARGS);
      return { ok: true, command: { name, from, to } };
    }
    case 'NOOP': {
      if (args.length > 1) return fail(BAD_ARGS);
      if (!args.length) return { ok: true, command: { name, tag: null } };
      const tag = text(args[0]);
      if (tag === null) return fail(BAD_ARGS);
      return { ok: true, command: { name, tag } };
    }
    default: {
      const script = text(args[0]);
      if (args.length !== 1 || script === null) return fail(BAD_ARGS);
      return { ok: true, command: { name: name as 'SETACTIVE', script } };
    }
  }
}

export type SaslResponse = { type: 'cancel' } | { type: 'data'; data: Buffer } | { type: 'invalid' };

/** A SASL client response (RFC 5804 §2.1): one string of base64; "*" cancels. */
export function parseSaslResponse(tokens: Token[]): SaslResponse {
  if (tokens.length !== 1) return { type: 'invalid' };
  const t = tokens[0];
  if (t.type === 'atom' && t.value === '*') return { type: 'cancel' };
  const s = text(t)?.trim();
  if (s === undefined || s === null) return { type: 'invalid' };
  return decodeBase64(s);
}

/** Strict base64 ('' is empty data). */
export function decodeBase64(s: string): SaslResponse {
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

/** RFC 5804 §4: a quoted string holds at most 1024 octets and no CR, LF or NUL. */
const QUOTED_MAX = 1024;

/** A server string: quoted when it can be, else a literal `{n}` CRLF octets. */
export function serverString(s: string | Buffer): string | Buffer {
  const buf = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  if (buf.length <= QUOTED_MAX && !buf.includes(0x0d) && !buf.includes(0x0a) && !buf.includes(0x00)) {
    return `"${buf.toString('utf8').replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  return Buffer.concat([Buffer.from(`{${buf.length}}\r\n`), buf]);
}

/** The response codes thutin gives (RFC 5804 §1.3). */
export type ResponseCode =
  'ENCRYPT-NEEDED' | 'AUTH-TOO-WEAK' | 'QUOTA' | 'QUOTA/MAXSCRIPTS' | 'QUOTA/MAXSIZE' | 'NONEXISTENT' | 'ACTIVE' | 'ALREADYEXISTS' | 'WARNINGS' | 'TRYLATER' | { tag: string } | { sasl: string };

function codeText(code: ResponseCode): string {
  if (typeof code === 'string') return code;
  const [name, value] = 'tag' in code ? ['TAG', code.tag] : ['SASL', code.sasl];
  const v = serverString(value);
  return `${name} ${typeof v === 'string' ? v : v.toString('utf8')}`;
}

/** `OK|NO|BYE [(code)] [text]` CRLF. */
export function responseLine(kind: 'OK' | 'NO' | 'BYE', code: ResponseCode | null, textValue: string | null): Buffer {
  const parts: Array<string | Buffer> = [kind];
  if (code !== null) parts.push(` (${codeText(code)})`);
  if (textValue !== null && textValue !== '') parts.push(' ', serverString(textValue));
  parts.push('\r\n');
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p)));
}
