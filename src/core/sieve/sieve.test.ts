// Sieve from the RFCs' own examples (RFC 5228 §2, §4, §5, §9; RFC 5229, 5230, 5231, 5232, 5173,
// 5260, 5490, 3894, 5233), over messages indexed as the core indexes them.
import { describe, it, expect } from 'vitest';
import { compile } from './validate.ts';
import { run, type SieveAction } from './interpret.ts';
import { sieveMessage } from './message.ts';
import { indexMessage } from '../mime/index.ts';
import { SieveError, tokenize } from './lexer.ts';
import { wildcard } from './match.ts';

const MSG = [
  'Date: Tue, 1 Apr 1997 09:06:31 -0800 (PST)',
  'From: coyote@desert.example.org',
  'To: roadrunner@acme.example.com',
  'Cc: "Trần Thị Bình" <binhtt+ketoan@kontum.gov.vn>',
  'Subject: =?UTF-8?Q?H=E1=BB=8Dp_giao_ban?= I have a present for you',
  'X-Caffeine: C8H10N4O2',
  'Content-Type: multipart/alternative; boundary=b',
  '',
  '--b',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Look, I=E2=80=99m sorry about the whole anvil thing. K=E1=BA=BF ho=E1=BA=A1ch.',
  '--b',
  'Content-Type: text/html; charset=utf-8',
  '',
  '<p>Look, <b>MAKE MONEY FAST</b></p>',
  '--b--',
  '',
].join('\r\n');

function exec(script: string, opts: { raw?: string; from?: string; to?: string; now?: Date; folders?: string[] } = {}): SieveAction[] {
  const raw = Buffer.from(opts.raw ?? MSG);
  const msg = sieveMessage(raw, indexMessage(raw), { from: opts.from ?? 'coyote@desert.example.org', to: opts.to ?? 'roadrunner@acme.example.com' });
  const r = run(compile(script), msg, { now: opts.now ?? new Date('2026-12-07T03:00:00Z'), mailboxExists: (m) => (opts.folders ?? ['INBOX']).includes(m) });
  if (r.error) return [{ type: 'reject', reason: `error: ${r.error}`, ereject: false }];
  return r.actions;
}

const keep: SieveAction = { type: 'keep', flags: [] };
const into = (mailbox: string, extra: Partial<Extract<SieveAction, { type: 'fileinto' }>> = {}): SieveAction => ({ type: 'fileinto', mailbox, flags: [], create: false, copy: false, ...extra });

describe('Sieve lexer and grammar (RFC 5228 §2, §8)', () => {
  it('reads comments, numbers with quantifiers, escapes and text: blocks with dot-unstuffing', () => {
    const t = tokenize('# c\r\nsize :over 1K; /* x\r\n */ "a\\"b\\\\" text:\r\nline\r\n..dot\r\n.\r\n');
    expect(t.map((x) => x.value)).toEqual(['size', 'over', 1024, ';', 'a"b\\', 'line\r\n.dot\r\n']);
    expect(t[4].line).toBe(3);
  });

  it('names the line of an error', () => {
    expect(() => compile('keep;\r\nfileinto "x";')).toThrow(/line 2: command "fileinto" needs require "fileinto"/);
    expect(() => compile('if true {\r\n keep;\r\n')).toThrow(/expected "}"/);
    expect(() => compile('require "foo";')).toThrow(/unsupported extension "foo"/);
    expect(() => compile('keep; require "fileinto";')).toThrow(/require must come before/);
    expect(() => compile('else { keep; }')).toThrow(/must follow "if"/);
    expect(() => compile('if header :is :contains "a" "b" { keep; }')).toThrow(/exclude each other/);
    expect(() => compile('if size 100 { keep; }')).toThrow(/:over or :under/);
    expect(() => compile('redirect ["a@b", "c@d"];')).toThrow(/single string/);
    expect(() => compile('if '.repeat(40) + 'true' + ' { keep; }'.repeat(40))).toThrow(SieveError);
  });
});

describe('Sieve semantics', () => {
  it('keeps implicitly, and fileinto cancels the implicit keep (RFC 5228 §2.10.2, §4.1)', () => {
    expect(exec('')).toEqual([keep]);
    expect(exec('require "fileinto"; if header :contains "subject" "present" { fileinto "Quà"; }')).toEqual([into('Quà')]);
    expect(exec('require ["fileinto", "copy"]; fileinto :copy "A";')).toEqual([into('A', { copy: true }), keep]);
  });

  it('runs the RFC 5228 §9 example: anyof, not, exists, size, elsif, else', () => {
    const script = `require "fileinto";
if header :is "Sender" "owner-ietf-mtgs@ietf.org" { fileinto "meetings"; }
elsif anyof (not exists ["From", "Date"], header :contains "from" "coyote@desert") { fileinto "deserted"; }
elsif size :over 1M { discard; }
else { keep; }`;
    expect(exec(script)).toEqual([into('deserted')]);
    expect(exec(script, { raw: 'From: x@y\r\nDate: Mon, 1 Jan 2026 00:00:00 +0000\r\n\r\nhi\r\n' })).toEqual([keep]);
  });

  it('address parts, subaddress and envelope (RFC 5228 §5.1, §5.4; RFC 5233)', () => {
    expect(exec('require "fileinto"; if address :domain :is "cc" "KONTUM.gov.vn" { fileinto "kt"; }')).toEqual([into('kt')]);
    expect(exec('require ["fileinto", "subaddress"]; if address :detail "cc" "ketoan" { fileinto "kt"; }')).toEqual([into('kt')]);
    expect(exec('require ["fileinto", "subaddress"]; if address :user "cc" "binhtt" { fileinto "u"; }')).toEqual([into('u')]);
    expect(exec('require ["fileinto", "envelope"]; if envelope :localpart "from" "coyote" { fileinto "e"; }')).toEqual([into('e')]);
    expect(exec('require ["fileinto", "envelope"]; if envelope :is "from" "" { fileinto "bounce"; }', { from: '' })).toEqual([into('bounce')]);
  });

  it('decodes encoded-words in header tests; i;unicode-casemap folds Vietnamese capitals', () => {
    expect(exec('require "fileinto"; if header :contains "subject" "Họp giao" { fileinto "H"; }')).toEqual([into('H')]);
    expect(exec('require "fileinto"; if header :contains "subject" "HỌP GIAO" { fileinto "H"; }')).toEqual([keep]); // ascii-casemap leaves Ọ alone
    expect(exec('require ["fileinto", "comparator-i;unicode-casemap"]; if header :comparator "i;unicode-casemap" :contains "subject" "HỌP GIAO" { fileinto "H"; }')).toEqual([into('H')]);
  });

  it(':matches wildcards with captures into variables (RFC 5229 §3.2)', () => {
    expect(wildcard('Kế hoạch năm 2027', 'K* năm ????', 'i;ascii-casemap')).toEqual(['Kế hoạch năm 2027', 'ế hoạch', '2', '0', '2', '7']);
    expect(wildcard('a*b', 'a\\*b', 'i;octet')).not.toBeNull();
    expect(wildcard('axb', 'a\\*b', 'i;octet')).toBeNull();
    const script = 'require ["fileinto", "variables"]; if header :matches "To" "*@*.example.com" { set :upperfirst "who" "${1}"; fileinto "to-${who}-${2}"; }';
    expect(exec(script)).toEqual([into('to-Roadrunner-acme')]);
  });

  it('relational :count and :value, i;ascii-numeric (RFC 5231)', () => {
    const s = (t: string) => exec(`require ["fileinto", "relational", "comparator-i;ascii-numeric"]; if ${t} { fileinto "y"; }`);
    expect(s('address :count "ge" :comparator "i;ascii-numeric" ["to", "cc"] ["2"]')).toEqual([into('y')]);
    expect(s('address :count "gt" :comparator "i;ascii-numeric" ["to", "cc"] ["2"]')).toEqual([keep]);
    expect(s('header :value "gt" :comparator "i;ascii-numeric" "x-priority" "3"')).toEqual([keep]);
    expect(exec('require ["fileinto", "relational"]; if header :value "lt" "subject" "z" { fileinto "y"; }')).toEqual([into('y')]);
  });

  it('body :text sees decoded text and HTML as text; :raw does not decode (RFC 5173)', () => {
    expect(exec('require ["body", "fileinto"]; if body :contains "Kế hoạch" { fileinto "b"; }')).toEqual([into('b')]);
    expect(exec('require ["body", "fileinto"]; if body :text :contains "MAKE MONEY FAST" { fileinto "spam"; }')).toEqual([into('spam')]);
    expect(exec('require ["body", "fileinto"]; if body :raw :contains "K=E1=BA=BF" { fileinto "raw"; }')).toEqual([into('raw')]);
    expect(exec('require ["body", "fileinto"]; if body :content "text/html" :contains "<b>" { fileinto "html"; }')).toEqual([into('html')]);
  });

  it('date and currentdate in zones (RFC 5260)', () => {
    expect(exec('require ["date", "fileinto"]; if date :originalzone "date" "hour" "09" { fileinto "local9"; }')).toEqual([into('local9')]);
    expect(exec('require ["date", "fileinto"]; if date :zone "+0700" "date" "date" "1997-04-02" { fileinto "vn"; }')).toEqual([into('vn')]);
    expect(exec('require ["date", "fileinto", "relational"]; if currentdate :zone "+0700" :value "ge" "date" "2026-12-07" { fileinto "now"; }')).toEqual([into('now')]);
    expect(exec('require ["date", "fileinto"]; if currentdate :zone "+0700" "weekday" "1" { fileinto "monday"; }')).toEqual([into('monday')]);
  });

  it('imap4flags: setflag/addflag/removeflag, :flags, hasflag (RFC 5232)', () => {
    expect(exec('require ["imap4flags", "fileinto"]; addflag "\\\\Flagged"; addflag ["$Work", "\\\\Seen"]; removeflag "\\\\Seen"; fileinto "A";')).toEqual([
      into('A', { flags: ['\\Flagged', '$Work'] }),
    ]);
    expect(exec('require ["imap4flags"]; setflag "\\\\Seen"; keep :flags "$X";')).toEqual([{ type: 'keep', flags: ['$X'] }]);
    expect(exec('require ["imap4flags"]; setflag "\\\\Seen";')).toEqual([{ type: 'keep', flags: ['\\Seen'] }]);
    expect(exec('require ["imap4flags", "fileinto"]; addflag "$A"; if hasflag :is "$a" { fileinto "has"; }')).toEqual([into('has', { flags: ['$A'] })]);
  });

  it('vacation with :days and :seconds bounds, :handle defaults to the reason (RFC 5230, 6131)', () => {
    const [v] = exec('require "vacation"; vacation :days 100 :subject "Nghỉ phép" :addresses ["an@kontum.gov.vn"] "Tôi đang nghỉ phép.";');
    expect(v).toEqual({
      type: 'vacation',
      reason: 'Tôi đang nghỉ phép.',
      subject: 'Nghỉ phép',
      from: null,
      addresses: ['an@kontum.gov.vn'],
      seconds: 30 * 86400,
      mime: false,
      handle: 'Tôi đang nghỉ phép.',
    });
    expect(exec('require ["vacation", "vacation-seconds"]; vacation :seconds 60 "x";')[0]).toMatchObject({ seconds: 60 });
    expect(() => compile('require "vacation"; vacation :seconds 60 "x";')).toThrow(/vacation-seconds/);
  });

  it('mailbox: mailboxexists and fileinto :create (RFC 5490)', () => {
    expect(exec('require ["mailbox", "fileinto"]; if mailboxexists "Dự án" { fileinto "Dự án"; } else { fileinto :create "Mới"; }', { folders: ['INBOX'] })).toEqual([into('Mới', { create: true })]);
  });

  it('stop ends the script, discard cancels keep, reject conflicts fall back to keep (RFC 5228 §2.10.6, RFC 5429)', () => {
    expect(exec('stop; discard;')).toEqual([keep]);
    expect(exec('discard;')).toEqual([{ type: 'discard' }]);
    expect(exec('require "reject"; reject "Không nhận";')).toEqual([{ type: 'reject', reason: 'Không nhận', ereject: false }]);
    expect(exec('require "reject"; keep; reject "x";')).toEqual([{ type: 'reject', reason: 'error: line 0: reject cannot be combined with keep, fileinto, redirect or vacation', ereject: false }]);
  });

  it('redirect checks its address and is bounded', () => {
    expect(exec('redirect "chanhvp@kontum.gov.vn";')).toEqual([{ type: 'redirect', address: 'chanhvp@kontum.gov.vn', copy: false }]);
    expect(exec('redirect "not an address";')[0]).toMatchObject({ reason: expect.stringMatching(/invalid address/) });
    expect(exec('redirect "a@b"; redirect "c@d"; redirect "e@f"; redirect "g@h"; redirect "i@j"; redirect "k@l";')[0]).toMatchObject({ reason: expect.stringMatching(/too many redirects/) });
  });
});
