// The leaver's automatic reply is a Sieve script the interpreter runs: it compiles, answers with
// the Vietnamese-then-English text naming whom to write to, and passes a copy to a successor only
// when asked.
import { describe, it, expect } from 'vitest';
import { leaverScript } from './leaver-reply.ts';
import { compile } from './sieve/validate.ts';
import { run } from './sieve/interpret.ts';
import { sieveMessage } from './sieve/message.ts';
import { indexMessage } from './mime/index.ts';

const raw = Buffer.from('From: dan@example.org\r\nTo: nghihv@kontum.gov.vn\r\nSubject: Hỏi việc\r\n\r\nx\r\n');
const info = { accountId: 1, address: 'nghihv@kontum.gov.vn', fullName: 'Hồ Văn "Nghỉ"', contact: 'snvvp@kontum.gov.vn', forwardTo: null, since: new Date('2026-12-06T20:00:00Z') };

describe('leaverScript', () => {
  it('compiles into a vacation naming the contact, the day in Vietnam, in both languages', () => {
    const msg = sieveMessage(raw, indexMessage(raw), { from: 'dan@example.org', to: info.address });
    const r = run(compile(leaverScript(info)), msg, { now: new Date(), mailboxExists: () => true });
    expect(r.error).toBeNull();
    const v = r.actions.find((a) => a.type === 'vacation');
    expect(v).toMatchObject({ type: 'vacation', addresses: ['nghihv@kontum.gov.vn'], seconds: 86400 });
    const reason = (v as { reason: string }).reason;
    expect(reason).toContain('Đồng chí Hồ Văn "Nghỉ" không còn làm việc tại cơ quan từ ngày 07/12/2026');
    expect(reason).toContain('Please write to snvvp@kontum.gov.vn.');
    expect(r.actions.some((a) => a.type === 'redirect')).toBe(false);
    expect(r.actions.some((a) => a.type === 'keep')).toBe(true); // the retained mailbox keeps it
  });

  it('passes a copy to the successor when asked', () => {
    const msg = sieveMessage(raw, indexMessage(raw), { from: 'dan@example.org', to: info.address });
    const r = run(compile(leaverScript({ ...info, forwardTo: 'moinv@kontum.gov.vn' })), msg, { now: new Date(), mailboxExists: () => true });
    expect(r.actions).toContainEqual({ type: 'redirect', address: 'moinv@kontum.gov.vn', copy: true });
  });
});
