// The spam stage's pure parts: rspamd's /checkv2 answer parsed (symbols highest first, a broken
// answer is "unavailable"), greylisting treated as no action, and the X-Spam-* fields: scores with
// two decimals, symbols capped and folded under 78 columns, X-Spam: yes only for Junk.
import { describe, it, expect } from 'vitest';
import { effectiveAction, spamFields } from './spam.ts';
import { parseCheck, RspamdUnavailable } from '../../hygiene/rspamd.ts';

const answer = (action: string, symbols: Record<string, { score: number; options?: string[] }>, score = 7.5) =>
  JSON.stringify({
    is_skipped: false,
    score,
    required_score: 15,
    action,
    symbols: Object.fromEntries(Object.entries(symbols).map(([k, v]) => [k, { name: k, ...v }])),
    messages: { smtp_message: 'x' },
  });

describe('spam stage', () => {
  it('parses /checkv2, highest score first, and refuses what is not an answer', () => {
    const r = parseCheck(answer('add header', { MISSING_MID: { score: 2.5 }, RDNS_NONE: { score: 1 }, BAYES_SPAM: { score: 4, options: ['99%'] } }));
    expect(r).toMatchObject({ action: 'add header', score: 7.5, requiredScore: 15, skipped: false, smtpMessage: 'x' });
    expect(r.symbols.map((s) => s.name)).toEqual(['BAYES_SPAM', 'MISSING_MID', 'RDNS_NONE']);
    expect(() => parseCheck('<html>')).toThrow(RspamdUnavailable);
    expect(() => parseCheck(JSON.stringify({ action: 'discard' }))).toThrow(RspamdUnavailable);
  });

  it('treats greylisting as no action, and any other soft reject as one', () => {
    expect(effectiveAction(parseCheck(answer('greylist', {})))).toBe('no action');
    expect(effectiveAction(parseCheck(answer('soft reject', { GREYLIST: { score: 0, options: ['greylisted', 'Mon'] } })))).toBe('no action');
    expect(effectiveAction(parseCheck(answer('soft reject', { RATELIMIT: { score: 0 } })))).toBe('soft reject');
    expect(effectiveAction(parseCheck(answer('reject', {})))).toBe('reject');
  });

  it('writes X-Spam-* fields, the symbols capped and folded', () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`SYMBOL_NUMBER_${String(i).padStart(2, '0')}`, { score: 40 - i }]));
    const f = spamFields(parseCheck(answer('add header', many, 12.345)), true, 30);
    expect(f[0]).toBe('X-Spam-Score: 12.35');
    expect(f[1]).toBe('X-Spam-Status: Yes, score=12.35 required=15.00 action=add_header');
    expect(f[2].startsWith('X-Spam-Symbols: SYMBOL_NUMBER_00(40.00), SYMBOL_NUMBER_01(39.00),')).toBe(true);
    expect(f[2]).toContain('SYMBOL_NUMBER_29(11.00), …+10');
    expect(f[2]).not.toContain('SYMBOL_NUMBER_30');
    expect(f[2].split('\r\n').every((l, i) => l.length <= 78 && (i === 0 || l.startsWith(' ')))).toBe(true);
    expect(f[3]).toBe('X-Spam: yes');
    const clean = spamFields(parseCheck(answer('no action', { MIME_GOOD: { score: -0.1 } }, -0.1)), false, 30);
    expect(clean).toEqual(['X-Spam-Score: -0.10', 'X-Spam-Status: No, score=-0.10 required=15.00 action=no_action', 'X-Spam-Symbols: MIME_GOOD(-0.10)']);
  });
});
