import { describe, expect, it } from 'vitest';
import { CommandFramer } from './framer.ts';
import { parseCommand } from './index.ts';
import { bad } from './testing.ts';

describe('hostile input: parser', () => {
  it('rejects unbalanced parentheses', () => {
    expect(bad('a FETCH 1 (FLAGS (UID)').message).toBe('Invalid fetch attribute');
    expect(bad('a FETCH 1 (FLAGS UID').message).toBe('Unterminated fetch attribute list');
    expect(bad('a SEARCH ((SEEN)').message).toBe('Unterminated search key list');
    expect(bad('a SEARCH (SEEN))').message).toBe('Unexpected extra arguments');
    expect(bad('a STORE 1 FLAGS ((\\Seen))').message).toBe('Invalid flag');
    expect(bad('a SELECT INBOX (QRESYNC (1 2)').message).toBe('Unterminated select parameter list');
    expect(bad('a LIST (SUBSCRIBED "" %').message).toBe('Invalid selection option');
    expect(bad('a ID ("a" "b"').message).toBe('Unterminated ID parameter list');
  });

  it('rejects unterminated quoted strings', () => {
    expect(bad('a LOGIN "bob').message).toBe('Unterminated quoted string in user name');
    expect(bad('a SEARCH SUBJECT "abc').message).toBe('Unterminated quoted string in SUBJECT string');
    expect(bad('a SELECT "INBOX').message).toBe('Unterminated quoted string in mailbox name');
    expect(bad('a APPEND INBOX "07-Feb-1994 21:52:25 -0800 {1}\r\nx').message).toBe('Unterminated quoted string in APPEND date-time');
  });

  it('rejects huge numbers', () => {
    expect(bad('a FETCH 99999999999999999999 FLAGS').message).toBe('Invalid sequence set');
    expect(bad('a FETCH 4294967296 FLAGS').message).toBe('Number too large in sequence set');
    expect(bad('a FETCH 1:4294967296 FLAGS').message).toBe('Number too large in sequence set');
    expect(bad('a FETCH 1 BODY[]<4294967296.1>').message).toBe('Number too large in partial offset');
    expect(bad('a FETCH 1 BODY[99999999999]').message).toBe('Number too large in section part');
    expect(bad(`a FETCH 1 FLAGS (CHANGEDSINCE ${'9'.repeat(400)})`).message).toBe('Number too large in CHANGEDSINCE mod-sequence');
    expect(bad('a SELECT INBOX (QRESYNC (99999999999 1))').message).toBe('Number too large in QRESYNC UIDVALIDITY');
  });

  it('rejects NUL bytes and other control characters outside literals', () => {
    expect(bad('a\u0000 NOOP')).toMatchObject({ tag: null, message: 'Invalid tag' });
    expect(bad('a NOOP\u0000')).toMatchObject({ tag: 'a', message: 'NUL byte in command' });
    expect(bad('a LOGIN bob\u0000 pw').message).toBe('NUL byte in command');
    expect(bad('a LOGIN bob "p\u0000w"').message).toBe('NUL byte in command');
    expect(bad('a SELECT \u0000').message).toBe('NUL byte in command');
    expect(bad('a NOOP\u0007').message).toBe('Invalid character in command');
    expect(bad('a NOOP\r\nb NOOP').message).toBe('Unexpected line break in command');
    expect(bad(Buffer.from('a SELECT Th\u01b0', 'utf8')).message).toBe('Invalid character in command');
  });

  it('accepts NUL bytes inside literal data, where they are data', () => {
    const r = parseCommand(Buffer.from('a LOGIN {3}\r\na\u0000b pw', 'latin1'));
    expect(r.ok).toBe(true);
  });

  it('rejects missing tags, empty lines and lone spaces', () => {
    expect(bad('')).toMatchObject({ tag: null, message: 'Empty command line' });
    expect(bad('   ')).toMatchObject({ tag: null, message: 'Missing tag' });
    expect(bad('\r\n')).toMatchObject({ tag: null, message: 'Missing tag' });
    expect(bad('(a) NOOP')).toMatchObject({ tag: null });
  });

  it('rejects a huge announced literal and a literal that never completes', () => {
    expect(bad('a LOGIN {999999999999}\r\nbob pw').message).toBe('Literal data incomplete in user name');
    expect(bad('a LOGIN {10}\r\nbob').message).toBe('Literal data incomplete in user name');
    expect(bad('a APPEND INBOX {5}').message).toBe('Literal announcement must end the line in message literal');
    expect(bad('a APPEND INBOX {5}\r\n').message).toBe('Literal data incomplete in message literal');
    expect(bad('a LOGIN {-1}\r\nbob pw').message).toBe('Invalid literal length in user name');
  });

  it('does not echo raw hostile bytes in messages', () => {
    const r = bad(Buffer.from(`a ${'X'.repeat(500)}\u0001 NOOP`, 'latin1'));
    expect(r.message.length).toBeLessThan(100);
    expect(r.message).not.toMatch(/[\x00-\x1f]/);
    const s = bad(Buffer.from('a SEARCH FOO\u0007BAR', 'latin1'));
    expect(s.message).not.toMatch(/[\x00-\x1f]/);
  });
});

describe('hostile input: framer and parser together', () => {
  it('answers each hostile line separately and keeps going', () => {
    const framer = new CommandFramer({ maxLineLength: 200, maxLiteralSize: 100 });
    const stream =
      '\r\n' +
      'a1 FETCH 1 (FLAGS\r\n' +
      'a2 LOGIN "bob\r\n' +
      `a3 SEARCH ${'X'.repeat(300)}\r\n` +
      'a4 APPEND INBOX {999999999999}\r\n' +
      'a5 APPEND INBOX {1000+}\r\n' +
      'x'.repeat(1000) +
      '\r\n' +
      'a6 NOOP\r\n';
    const outcomes = framer.push(Buffer.from(stream)).map((e) => {
      if (e.type !== 'command') return e.type === 'error' ? `error ${e.tag ?? '*'}` : e.type;
      const r = parseCommand(e.raw);
      return r.ok ? `ok ${r.command.tag}` : `bad ${r.tag ?? '*'}`;
    });
    expect(outcomes).toEqual(['bad *', 'bad a1', 'bad a2', 'error a3', 'error a4', 'error a5', 'ok a6']);
  });
});
