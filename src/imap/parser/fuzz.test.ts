import { describe, expect, it } from 'vitest';
import { CommandFramer } from './framer.ts';
import { KNOWN_COMMANDS, parseCommand } from './index.ts';
import { rng } from '../../../test/helpers/rng.ts';

/** Deterministic PRNG (the project's mulberry32) so a failure can be replayed: a number in [0, n). */
function prng(seed: number): (n: number) => number {
  const r = rng(seed);
  return (n) => r() * n;
}

const CORPUS = [
  'a001 LOGIN mrc secret',
  'a1 LOGIN {5}\r\nalice {6+}\r\nsecret',
  'a AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=',
  'a002 SELECT INBOX (QRESYNC (67890007 90060115194045000 1:29997 (5000,7500,9000 15000,22500,27000)))',
  'A160 EXAMINE "Th&AbA- &AREA4w- g&Hu0-i" (CONDSTORE)',
  't1 CREATE MySpecial (USE (\\Drafts \\Sent))',
  'A683 RENAME blurdybloop sarasoop',
  'A03 LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" "Sent/%") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))',
  'A002 LSUB "#news." "comp.mail.*"',
  'A042 STATUS blurdybloop (UIDNEXT MESSAGES HIGHESTMODSEQ)',
  'A003 APPEND saved-messages (\\Seen $Work) " 7-Feb-1994 21:52:25 -0800" {12}\r\nhello\r\nworld',
  'a APPEND INBOX ~{4}\r\n\u0000\u0001\u0002\u0003',
  'A654 FETCH 2:4,7:* (FLAGS BODY.PEEK[1.2.HEADER.FIELDS (DATE FROM)]<0.100> BINARY[1] BINARY.SIZE[2])',
  's100 UID FETCH 300:500 (FLAGS) (CHANGEDSINCE 12345 VANISHED)',
  'a103 UID STORE 6,4,8 (UNCHANGEDSINCE 12121230045) +FLAGS.SILENT (\\Deleted)',
  'A003 STORE 2:4 -FLAGS \\Seen $Label',
  'A003 COPY 2:4 MEETING',
  'a UID MOVE 42:69 foo',
  'a UID EXPUNGE 3000:3002',
  'A282 SEARCH RETURN (MIN COUNT SAVE) CHARSET UTF-8 OR (FLAGGED SINCE 1-Feb-1994) NOT FROM "Smith" HEADER X-A {6}\r\nVi\u00e1\u00bb\u0087t',
  'a SEARCH MODSEQ "/flags/\\\\draft" all 620162338 YOUNGER 3600 UID $ 1:* LARGER 10',
  'a UID SORT RETURN (MIN MAX ALL) (REVERSE DATE SUBJECT DISPLAYFROM) UTF-8 OR SEEN TEXT {4}\r\nk\u00ea t',
  'b THREAD REFERENCES US-ASCII SINCE 1-Feb-1994 NOT DELETED',
  'B01 UID SORT RETURN (UPDATE CONTEXT PARTIAL 23:28) (REVERSE ARRIVAL) UTF-8 UNDELETED UNKEYWORD $Junk',
  'a SORT (ARRIVAL) us-ascii RETURN (PARTIAL -1:-5 COUNT) ALL',
  'A04 UID SEARCH RETURN (UPDATE PARTIAL 4:2 MIN) OR SEEN SUBJECT s22',
  'B02 CANCELUPDATE "B01" B03 {3}\r\nB04',
  'A1 NOTIFY SET STATUS (selected (MessageNew (uid body.peek[header.fields (from to subject)]) MessageExpunge)) (subtree Lists (MessageNew MessageExpunge))',
  'A2 NOTIFY SET (mailboxes ("D\u1ef1 \u00e1n" inbox) (MessageNew MessageExpunge FlagChange)) (personal (MailboxName SubscriptionChange MailboxMetadataChange))',
  'A3 NOTIFY NONE',
  'a023 ID ("name" "sodr" "version" NIL)',
  't2 ENABLE CONDSTORE QRESYNC',
  'A001 SETQUOTA "" (STORAGE 512)',
  'A001 GETQUOTAROOT INBOX',
  'A001 IDLE',
];

const INTERESTING = Buffer.from('()[]{}<>"\\ *%$:,.+-~0123456789\r\n\u0000NILnil', 'latin1');

function randomBytes(rand: (n: number) => number, max: number): Buffer {
  const len = Math.floor(rand(max));
  const out = Buffer.alloc(len);
  for (let i = 0; i < len; i++) {
    out[i] = rand(2) < 1 ? INTERESTING[Math.floor(rand(INTERESTING.length))] : Math.floor(rand(256));
  }
  return out;
}

function mutate(rand: (n: number) => number, input: Buffer): Buffer {
  let b = Buffer.from(input);
  const rounds = 1 + Math.floor(rand(4));
  for (let k = 0; k < rounds; k++) {
    const pos = Math.floor(rand(b.length + 1));
    const byte = rand(2) < 1 ? INTERESTING[Math.floor(rand(INTERESTING.length))] : Math.floor(rand(256));
    switch (Math.floor(rand(6))) {
      case 0: // delete
        b = Buffer.concat([b.subarray(0, pos), b.subarray(pos + 1)]);
        break;
      case 1: // insert
        b = Buffer.concat([b.subarray(0, pos), Buffer.from([byte]), b.subarray(pos)]);
        break;
      case 2: // replace
        if (pos < b.length) b[pos] = byte;
        break;
      case 3: // truncate
        b = b.subarray(0, pos);
        break;
      case 4: {
        // duplicate a slice
        const end = pos + Math.floor(rand(20));
        b = Buffer.concat([b.subarray(0, end), b.subarray(pos, end), b.subarray(end)]);
        break;
      }
      default: {
        // splice in a huge number
        const digits = Buffer.from('9'.repeat(1 + Math.floor(rand(40))));
        b = Buffer.concat([b.subarray(0, pos), digits, b.subarray(pos)]);
      }
    }
  }
  return b;
}

function check(raw: Buffer): void {
  let result;
  try {
    result = parseCommand(raw);
  } catch (err) {
    throw new Error(`parseCommand threw on ${JSON.stringify(raw.toString('latin1'))}: ${String(err)}`);
  }
  if (result.ok) {
    expect(KNOWN_COMMANDS).toContain(result.command.name);
    expect(typeof result.command.tag).toBe('string');
  } else {
    if (result.message.startsWith('Internal parser error')) {
      throw new Error(`internal error on ${JSON.stringify(raw.toString('latin1'))}: ${result.message}`);
    }
    expect(result.message).not.toMatch(/[\r\n\x00]/);
  }
}

describe('fuzz', () => {
  it('the corpus itself parses', () => {
    for (const c of CORPUS) {
      const r = parseCommand(Buffer.from(c, 'latin1'));
      expect(r.ok, `${c}: ${r.ok ? '' : r.message}`).toBe(true);
    }
  });

  it('random bytes never make the parser throw', () => {
    const rand = prng(1);
    for (let i = 0; i < 3000; i++) check(randomBytes(rand, 120));
  });

  it('random mutations of valid commands never make the parser throw', () => {
    const rand = prng(2);
    for (let i = 0; i < 20000; i++) {
      const base = Buffer.from(CORPUS[Math.floor(rand(CORPUS.length))], 'latin1');
      check(mutate(rand, base));
    }
  });

  it('random streams never make the framer throw and keep its buffer bounded', () => {
    const rand = prng(3);
    const opts = { maxLineLength: 256, maxLiteralSize: 64, maxCommandSize: 512 };
    for (let round = 0; round < 200; round++) {
      const framer = new CommandFramer(opts);
      const parts: Buffer[] = [];
      for (let k = 0; k < 20; k++) {
        const pick = rand(3);
        if (pick < 1) parts.push(randomBytes(rand, 300));
        else parts.push(mutate(rand, Buffer.from(CORPUS[Math.floor(rand(CORPUS.length))], 'latin1')), Buffer.from('\r\n'));
      }
      const stream = Buffer.concat(parts);
      for (let i = 0; i < stream.length;) {
        const n = 1 + Math.floor(rand(64));
        for (const e of framer.push(stream.subarray(i, i + n))) {
          if (e.type === 'command') check(e.raw);
          if (e.type === 'error') expect(e.message.length).toBeGreaterThan(0);
        }
        expect(framer.bufferedBytes).toBeLessThanOrEqual(opts.maxCommandSize + opts.maxLineLength + 64);
        i += n;
      }
    }
  });
});
