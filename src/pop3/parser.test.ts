// The POP3 command parser (RFC 1939 §5–7, RFC 2449 §4, RFC 5034): commands, their arguments and
// the reasons a line is refused.
import { describe, expect, it } from 'vitest';
import { parseCommand, parsePlain, parseSaslLine } from './parser.ts';

const ok = (line: string) => {
  const r = parseCommand(line);
  if (!r.ok) throw new Error(`${line}: ${r.message}`);
  return r.command;
};
const bad = (line: string) => {
  const r = parseCommand(line);
  expect(r.ok, line).toBe(false);
  return r as { ok: false; unknown: boolean; message: string };
};

describe('POP3 parser', () => {
  it('reads every command of RFC 1939 and its extensions, keywords in any case', () => {
    expect(ok('USER annv@kontum.gov.vn')).toEqual({ name: 'USER', user: 'annv@kontum.gov.vn' });
    expect(ok('user annv')).toEqual({ name: 'USER', user: 'annv' });
    expect(ok('STAT')).toEqual({ name: 'STAT' });
    expect(ok('list')).toEqual({ name: 'LIST', msg: null });
    expect(ok('LIST 2')).toEqual({ name: 'LIST', msg: 2 });
    expect(ok('UIDL')).toEqual({ name: 'UIDL', msg: null });
    expect(ok('UIDL 17')).toEqual({ name: 'UIDL', msg: 17 });
    expect(ok('RETR 1')).toEqual({ name: 'RETR', msg: 1 });
    expect(ok('DELE 3')).toEqual({ name: 'DELE', msg: 3 });
    expect(ok('TOP 1 10')).toEqual({ name: 'TOP', msg: 1, lines: 10 });
    expect(ok('TOP 1 0')).toEqual({ name: 'TOP', msg: 1, lines: 0 });
    for (const k of ['RSET', 'NOOP', 'QUIT', 'CAPA', 'STLS']) expect(ok(k.toLowerCase())).toEqual({ name: k });
  });

  it('PASS takes the rest of the line: a password may hold spaces and Vietnamese letters', () => {
    expect(ok('PASS Mật khẩu  có dấu cách ')).toEqual({ name: 'PASS', password: 'Mật khẩu  có dấu cách ' });
    expect(bad('PASS').message).toMatch(/password missing/);
    expect(bad('PASS ').message).toMatch(/password missing/);
  });

  it('AUTH: no mechanism lists them; the initial response is base64 or "="', () => {
    expect(ok('AUTH')).toEqual({ name: 'AUTH', mechanism: null, initial: null });
    expect(ok('auth plain')).toEqual({ name: 'AUTH', mechanism: 'PLAIN', initial: null });
    expect(ok('AUTH PLAIN AGFubnYAc2VjcmV0')).toEqual({ name: 'AUTH', mechanism: 'PLAIN', initial: 'AGFubnYAc2VjcmV0' });
    expect(ok('AUTH PLAIN =')).toEqual({ name: 'AUTH', mechanism: 'PLAIN', initial: '=' });
    expect(bad('AUTH PLAIN not*base64').message).toMatch(/base64/);
    expect(bad('AUTH PLAIN a b').ok).toBe(false);
  });

  it('message numbers start at 1; TOP lines at 0; no signs, no letters, no huge numbers', () => {
    for (const l of ['RETR 0', 'RETR -1', 'RETR +1', 'RETR 1a', 'RETR', 'RETR 1 2', 'DELE 99999999999', 'LIST 0', 'TOP 1', 'TOP 1 -1', 'TOP x 1', 'UIDL 1 2']) bad(l);
  });

  it('commands without arguments refuse them; unknown commands are marked unknown', () => {
    expect(bad('STAT 1').unknown).toBe(false);
    expect(bad('QUIT now').unknown).toBe(false);
    expect(bad('APOP annv c4c9334bac560ecc979e58001b3e22fb').unknown).toBe(true);
    expect(bad('XYZZY').unknown).toBe(true);
    expect(bad('').unknown).toBe(true);
    expect(bad('RETRIEVE 1').unknown).toBe(true);
  });

  it('RFC 2449: an argument over 40 octets is refused; control characters too', () => {
    expect(bad(`USER ${'a'.repeat(41)}`).message).toMatch(/too long/);
    expect(ok(`USER ${'a'.repeat(40)}`)).toEqual({ name: 'USER', user: 'a'.repeat(40) });
    expect(bad('USER an\x00v').message).toMatch(/control/);
    expect(bad('NOOP\x1b[2J').ok).toBe(false);
  });

  it('SASL lines: "*" cancels, "=" is empty, strict base64 otherwise; PLAIN has three parts', () => {
    expect(parseSaslLine('*')).toEqual({ type: 'cancel' });
    expect(parseSaslLine('=')).toEqual({ type: 'data', data: Buffer.alloc(0) });
    expect(parseSaslLine('abc')).toEqual({ type: 'invalid' });
    expect(parseSaslLine('a!==')).toEqual({ type: 'invalid' });
    const r = parseSaslLine(Buffer.from('\0annv@kontum.gov.vn\0Mật khẩu').toString('base64'));
    expect(r.type).toBe('data');
    expect(parsePlain((r as { data: Buffer }).data)).toEqual({ authz: '', user: 'annv@kontum.gov.vn', password: 'Mật khẩu' });
    expect(parsePlain(Buffer.from('annv\0secret'))).toBeNull();
    expect(parsePlain(Buffer.from('\0\0secret'))).toBeNull();
  });
});
