// The pure ManageSieve layer (RFC 5804 §4): the framer cuts commands with quoted strings, `{n+}` and
// `{n}` literals (no continuation needed for either), binary-safe, however the bytes are chunked;
// it refuses over-long lines and over-large literals once, in sync with the next command; the
// parser types each command, refuses malformed arguments and non-UTF-8 strings, keeps a script's
// octets (a BOM too); SASL responses and PLAIN; server strings quoted or literal, response lines
// with their codes.
import { describe, expect, it } from 'vitest';
import { SieveFramer, tokenizeSegment, type Framed, type Token } from './framer.ts';
import { parseCommand, parsePlain, parseSaslResponse, responseLine, serverString } from './parser.ts';
import { capabilityLines } from './capabilities.ts';

const LIMITS = { maxLine: 200, maxLiteral: 1000 };

function frame(input: string | Buffer, limits = LIMITS): Framed[] {
  return new SieveFramer(limits).push(typeof input === 'string' ? Buffer.from(input, 'utf8') : input);
}

function tokens(input: string): Token[] {
  const f = frame(input);
  expect(f).toHaveLength(1);
  if (f[0].type !== 'command') throw new Error(JSON.stringify(f[0]));
  return f[0].tokens;
}

describe('ManageSieve framer', () => {
  it('tokenises atoms, numbers and quoted strings with escapes', () => {
    expect(tokens('HAVESPACE "lọc \\"thư\\"" 1024\r\n')).toEqual([
      { type: 'atom', value: 'HAVESPACE' },
      { type: 'string', value: Buffer.from('lọc "thư"'), literal: false },
      { type: 'number', value: 1024 },
    ]);
  });

  it('reads {n+} and {n} literals the same way, and continues the line after them', () => {
    const script = 'require "fileinto";\r\nfileinto "Công văn";\r\n';
    const n = Buffer.byteLength(script);
    for (const marker of [`{${n}+}`, `{${n}}`]) {
      // the name a literal too (5 octets: ọ is 3), the line going on after it with the script's literal
      const t = tokens(`PUTSCRIPT {5+}\r\nlọc ${marker}\r\n${script}\r\n`);
      expect(t[0]).toEqual({ type: 'atom', value: 'PUTSCRIPT' });
      expect(t[1]).toEqual({ type: 'string', value: Buffer.from('lọc'), literal: true });
      expect(t[2]).toEqual({ type: 'string', value: Buffer.from(script), literal: true });
    }
  });

  it('gives the same commands however the bytes are chunked', () => {
    const input = Buffer.from('NOOP "a"\r\nPUTSCRIPT "x" {12+}\r\nkeep;\r\nstop;\r\nLISTSCRIPTS\r\nCHECKSCRIPT {0+}\r\n\r\n', 'utf8');
    const whole = frame(input);
    expect(whole.map((f) => f.type)).toEqual(['command', 'command', 'command', 'command']);
    for (let size = 1; size < 9; size++) {
      const f = new SieveFramer(LIMITS);
      const out: Framed[] = [];
      for (let i = 0; i < input.length; i += size) out.push(...f.push(input.subarray(i, i + size)));
      expect(out).toEqual(whole);
    }
  });

  it('reports an over-long line once and stays in sync', () => {
    const out = frame(`NOOP "${'x'.repeat(300)}"\r\nLOGOUT\r\n`);
    expect(out.map((f) => f.type)).toEqual(['too-long', 'command']);
  });

  it('throws away an over-large literal without holding it, then reads the next command', () => {
    const f = new SieveFramer(LIMITS);
    const out = [...f.push(Buffer.from('PUTSCRIPT "big" {5000+}\r\n')), ...f.push(Buffer.alloc(5000, 0x61))];
    expect(f.pending).toBeLessThan(300);
    out.push(...f.push(Buffer.from('\r\nLISTSCRIPTS\r\n')));
    expect(out).toEqual([{ type: 'too-big' }, { type: 'command', tokens: [{ type: 'atom', value: 'LISTSCRIPTS' }] }]);
  });

  it('refuses a literal marker that does not end the line, and bad escapes', () => {
    expect(tokenizeSegment(Buffer.from('PUTSCRIPT {3+} "x"')).ok).toBe(false);
    expect(tokenizeSegment(Buffer.from('NOOP "a\\b"')).ok).toBe(false);
    expect(tokenizeSegment(Buffer.from('NOOP "open')).ok).toBe(false);
    expect(frame('NOOP "open\r\nLOGOUT\r\n').map((f) => f.type)).toEqual(['invalid', 'command']);
  });
});

describe('ManageSieve parser', () => {
  it('types every command', () => {
    const p = (s: string) => parseCommand(tokens(s));
    expect(p('authenticate "PLAIN" "AGEAYg=="\r\n')).toEqual({ ok: true, command: { name: 'AUTHENTICATE', mechanism: 'PLAIN', initial: 'AGEAYg==' } });
    expect(p('AUTHENTICATE "plain"\r\n')).toEqual({ ok: true, command: { name: 'AUTHENTICATE', mechanism: 'PLAIN', initial: null } });
    expect(p('STARTTLS\r\n')).toEqual({ ok: true, command: { name: 'STARTTLS' } });
    expect(p('HAVESPACE "a" 10\r\n')).toEqual({ ok: true, command: { name: 'HAVESPACE', script: 'a', size: 10 } });
    expect(p('PUTSCRIPT "a" "keep;"\r\n')).toEqual({ ok: true, command: { name: 'PUTSCRIPT', script: 'a', content: 'keep;' } });
    expect(p('SETACTIVE ""\r\n')).toEqual({ ok: true, command: { name: 'SETACTIVE', script: '' } });
    expect(p('RENAMESCRIPT "a" "b"\r\n')).toEqual({ ok: true, command: { name: 'RENAMESCRIPT', from: 'a', to: 'b' } });
    expect(p('NOOP "STARTTLS-RESYNC-CAPA"\r\n')).toEqual({ ok: true, command: { name: 'NOOP', tag: 'STARTTLS-RESYNC-CAPA' } });
    expect(p('NOOP\r\n')).toEqual({ ok: true, command: { name: 'NOOP', tag: null } });
    expect(p('"LISTSCRIPTS"\r\n')).toEqual({ ok: true, command: { name: 'LISTSCRIPTS' } });
  });

  it('refuses unknown commands and malformed arguments', () => {
    const p = (s: string) => parseCommand(tokens(s));
    expect(p('FOO\r\n')).toMatchObject({ ok: false, unknown: true });
    expect(p('HAVESPACE "a" "10"\r\n')).toMatchObject({ ok: false, unknown: false });
    expect(p('GETSCRIPT\r\n')).toMatchObject({ ok: false });
    expect(p('LOGOUT "now"\r\n')).toMatchObject({ ok: false });
    expect(p('PUTSCRIPT a "keep;"\r\n')).toMatchObject({ ok: false });
    expect(parseCommand([])).toMatchObject({ ok: false });
  });

  it('refuses a script that is not UTF-8 and keeps a BOM', () => {
    const bad = Buffer.concat([Buffer.from('PUTSCRIPT "a" {2+}\r\n'), Buffer.from([0xc3, 0x28]), Buffer.from('\r\n')]);
    const f = frame(bad);
    expect(parseCommand((f[0] as { tokens: Token[] }).tokens)).toMatchObject({ ok: false, message: expect.stringContaining('UTF-8') });
    const bom = Buffer.concat([Buffer.from('PUTSCRIPT "a" {8+}\r\n'), Buffer.from('\ufeffkeep;', 'utf8'), Buffer.from('\r\n')]);
    const r = parseCommand((frame(bom)[0] as { tokens: Token[] }).tokens);
    expect(r.ok && r.command.name === 'PUTSCRIPT' && Buffer.from(r.command.content, 'utf8')).toEqual(Buffer.from('\ufeffkeep;', 'utf8'));
  });

  it('reads SASL responses and the PLAIN message', () => {
    expect(parseSaslResponse(tokens('"AGEAYg=="\r\n'))).toEqual({ type: 'data', data: Buffer.from('\0a\0b') });
    expect(parseSaslResponse(tokens('{8+}\r\nAGEAYg==\r\n'))).toEqual({ type: 'data', data: Buffer.from('\0a\0b') });
    expect(parseSaslResponse(tokens('"*"\r\n'))).toEqual({ type: 'cancel' });
    expect(parseSaslResponse(tokens('*\r\n'))).toEqual({ type: 'cancel' });
    expect(parseSaslResponse(tokens('"not base64!"\r\n'))).toEqual({ type: 'invalid' });
    expect(parsePlain(Buffer.from('\0annv@kontum.gov.vn\0Mật khẩu'))).toEqual({ authz: '', user: 'annv@kontum.gov.vn', password: 'Mật khẩu' });
    expect(parsePlain(Buffer.from('annv\0secret'))).toBeNull();
  });

  it('writes strings quoted when it can, as literals when it must, and response lines with codes', () => {
    expect(serverString('lọc "thư" \\')).toBe('"lọc \\"thư\\" \\\\"');
    expect(serverString('a\r\nb')).toEqual(Buffer.from('{4}\r\na\r\nb'));
    expect(responseLine('NO', 'QUOTA/MAXSIZE', 'quá lớn / too large').toString()).toBe('NO (QUOTA/MAXSIZE) "quá lớn / too large"\r\n');
    expect(responseLine('OK', { tag: 'x"y' }, 'Done').toString()).toBe('OK (TAG "x\\"y") "Done"\r\n');
    expect(responseLine('OK', null, null).toString()).toBe('OK\r\n');
  });

  it('announces SASL PLAIN only over TLS, STARTTLS only before it, OWNER once signed in', () => {
    const plain = capabilityLines({ secure: false, tlsAvailable: true, owner: null, maxRedirects: 5 }).toString();
    expect(plain).toContain('"SASL" ""\r\n');
    expect(plain).toContain('"STARTTLS"\r\n');
    expect(plain).toMatch(/^"SIEVE" "fileinto reject .*vacation.*"\r\n/m);
    expect(plain).toContain('"VERSION" "1.0"\r\n');
    expect(plain).toContain('"MAXREDIRECTS" "5"\r\n');
    const secure = capabilityLines({ secure: true, tlsAvailable: true, owner: 'annv@kontum.gov.vn', maxRedirects: 5 }).toString();
    expect(secure).toContain('"SASL" "PLAIN"\r\n');
    expect(secure).not.toContain('STARTTLS');
    expect(secure).toContain('"OWNER" "annv@kontum.gov.vn"\r\n');
  });
});
