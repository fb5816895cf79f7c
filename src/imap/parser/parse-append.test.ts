import { describe, expect, it } from 'vitest';
import { CommandFramer } from './framer.ts';
import { parseCommand } from './index.ts';
import { bad, ok } from './testing.ts';

// RFC 3501 6.3.11, exactly 310 octets.
const RFC_MESSAGE =
  'Date: Mon, 7 Feb 1994 21:52:25 -0800 (PST)\r\n' +
  'From: Fred Foobar <foobar@Blurdybloop.COM>\r\n' +
  'Subject: afternoon meeting\r\n' +
  'To: mooch@owatagu.siam.edu\r\n' +
  'Message-Id: <B27397-0100000@Blurdybloop.COM>\r\n' +
  'MIME-Version: 1.0\r\n' +
  'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII\r\n' +
  '\r\n' +
  'Hello Joe, do you think we can meet at 3:30 tomorrow?\r\n';

describe('APPEND', () => {
  it('parses the RFC 3501 example through the framer, keeping the literal exactly', () => {
    expect(Buffer.byteLength(RFC_MESSAGE)).toBe(310);
    const framer = new CommandFramer();
    const events = [...framer.push(Buffer.from('A003 APPEND saved-messages (\\Seen) {310}\r\n')), ...framer.push(Buffer.from(`${RFC_MESSAGE}\r\n`))];
    expect(events.map((e) => e.type)).toEqual(['continue', 'command']);
    const event = events[1];
    if (event.type !== 'command') throw new Error('unreachable');
    const result = parseCommand(event.raw);
    if (!result.ok || result.command.name !== 'APPEND') throw new Error('APPEND expected');
    expect(result.command).toMatchObject({ tag: 'A003', mailbox: 'saved-messages', flags: ['\\Seen'], date: null, binary: false });
    expect(result.command.message.toString()).toBe(RFC_MESSAGE);
  });

  it('parses flags and a date-time', () => {
    const cmd = ok('a APPEND INBOX (\\Seen \\flagged $Work) "07-Feb-1994 21:52:25 -0800" {5}\r\nhello', 'APPEND');
    expect(cmd.flags).toEqual(['\\Seen', '\\Flagged', '$Work']);
    expect(cmd.date?.toISOString()).toBe('1994-02-08T05:52:25.000Z');
    expect(cmd.message.toString()).toBe('hello');
  });

  it('accepts a space-padded day and positive zones', () => {
    expect(ok('a APPEND INBOX " 7-Feb-1994 21:52:25 +0700" {1}\r\nx', 'APPEND').date?.toISOString()).toBe('1994-02-07T14:52:25.000Z');
  });

  it('accepts a date-time without flags, and empty flags', () => {
    expect(ok('a APPEND INBOX "17-Jul-1996 02:44:25 -0700" {1}\r\nx', 'APPEND').date?.toISOString()).toBe('1996-07-17T09:44:25.000Z');
    expect(ok('a APPEND INBOX () {1}\r\nx', 'APPEND').flags).toEqual([]);
  });

  it('accepts LITERAL+ and literal8 (~{n}) with binary content', () => {
    expect(ok('a APPEND INBOX {3+}\r\nabc', 'APPEND')).toMatchObject({ binary: false });
    const cmd = ok(Buffer.concat([Buffer.from('a APPEND INBOX ~{4}\r\n'), Buffer.from([0, 1, 0xff, 10])]), 'APPEND');
    expect(cmd.binary).toBe(true);
    expect([...cmd.message]).toEqual([0, 1, 0xff, 10]);
  });

  it('decodes the mailbox name', () => {
    expect(ok('a APPEND "Th&AbA- &AREA4w- g&Hu0-i" {1}\r\nx', 'APPEND').mailbox).toBe('Thư đã gửi');
  });

  it('rejects \\Recent and unknown system flags', () => {
    expect(bad('a APPEND INBOX (\\Recent) {1}\r\nx').message).toBe('The \\Recent flag cannot be set');
    expect(bad('a APPEND INBOX (\\Bogus) {1}\r\nx').message).toBe('Unknown system flag \\Bogus');
  });

  it('rejects malformed date-times', () => {
    expect(bad('a APPEND INBOX "7-Feb-1994" {1}\r\nx').message).toBe('Invalid APPEND date-time');
    expect(bad('a APPEND INBOX "31-Feb-1994 21:52:25 -0800" {1}\r\nx').message).toBe('Invalid APPEND date-time');
    expect(bad('a APPEND INBOX "07-Foo-1994 21:52:25 -0800" {1}\r\nx').message).toBe('Invalid APPEND date-time');
    expect(bad('a APPEND INBOX "07-Feb-1994 25:52:25 -0800" {1}\r\nx').message).toBe('Invalid APPEND date-time');
    expect(bad('a APPEND INBOX "07-Feb-1994 21:52:25 0800" {1}\r\nx').message).toBe('Invalid APPEND date-time');
  });

  it('requires the message as a literal', () => {
    expect(bad('a APPEND INBOX "hello"').message).toBe('Invalid APPEND date-time');
    expect(bad('a APPEND INBOX hello').message).toBe('Expected message literal');
    expect(bad('a APPEND INBOX (\\Seen)').message).toBe('Missing message literal');
    expect(bad('a APPEND INBOX').message).toBe('Missing message literal');
    expect(bad('a APPEND INBOX {10}\r\nabc').message).toBe('Literal data incomplete in message literal');
    expect(bad('a APPEND INBOX {3}\r\nabc {3}\r\ndef').message).toBe('Unexpected extra arguments');
  });

  it('only allows literal8 where binary content is allowed', () => {
    // "~" is an atom character, so the "{3}" that follows it cannot start a literal.
    expect(bad('a LOGIN ~{3}\r\nabc pw').message).toBe('Expected space before password');
    expect(bad('a LOGIN bob ~{3}\r\nabc').message).toBe('Unexpected extra arguments');
  });
});
