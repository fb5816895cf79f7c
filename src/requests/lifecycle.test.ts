import { describe, expect, it } from 'vitest';
import { transition, type Standing } from './lifecycle.ts';

const nobody: Standing = { head: false, clerk: false, approver: false, requester: false, executor: false };
const head: Standing = { ...nobody, head: true };
const clerk: Standing = { ...nobody, clerk: true, requester: true };
const office: Standing = { ...nobody, approver: true, head: true };
const executor: Standing = { ...nobody, executor: true };

describe('the life cycle of a request', () => {
  it('a head submits straight to the Provincial Office; a clerk waits for the head', () => {
    expect(transition('draft', 'submit', head)).toEqual({ ok: true, to: 'submitted' });
    expect(transition('draft', 'submit', clerk)).toEqual({ ok: true, to: 'awaiting-signoff' });
    expect(transition('awaiting-signoff', 'signoff', head)).toEqual({ ok: true, to: 'submitted' });
    expect(transition('awaiting-signoff', 'signoff', clerk)).toEqual({ ok: false, why: 'actor' });
  });

  it('only the Provincial Office approves or rejects, and only what was submitted', () => {
    expect(transition('submitted', 'approve', office)).toEqual({ ok: true, to: 'scheduled' });
    expect(transition('submitted', 'approve', head)).toEqual({ ok: false, why: 'actor' });
    expect(transition('draft', 'approve', office)).toEqual({ ok: false, why: 'state' });
    expect(transition('submitted', 'reject', office)).toEqual({ ok: true, to: 'rejected' });
    expect(transition('submitted', 'reject', head)).toEqual({ ok: false, why: 'actor' });
    expect(transition('scheduled', 'reject', office)).toEqual({ ok: false, why: 'state' });
  });

  it('the requester withdraws before approval, never after', () => {
    for (const s of ['draft', 'awaiting-signoff', 'submitted'] as const) expect(transition(s, 'withdraw', clerk)).toEqual({ ok: true, to: 'withdrawn' });
    expect(transition('scheduled', 'withdraw', clerk)).toEqual({ ok: false, why: 'state' });
    expect(transition('submitted', 'withdraw', nobody)).toEqual({ ok: false, why: 'actor' });
  });

  it('execution: scheduled or failed → executing → executed or failed → notified; only the executor', () => {
    expect(transition('scheduled', 'start', executor)).toEqual({ ok: true, to: 'executing' });
    expect(transition('failed', 'start', executor)).toEqual({ ok: true, to: 'executing' });
    expect(transition('executing', 'finish', executor)).toEqual({ ok: true, to: 'executed' });
    expect(transition('executing', 'fail', executor)).toEqual({ ok: true, to: 'failed' });
    expect(transition('executed', 'notify', executor)).toEqual({ ok: true, to: 'notified' });
    expect(transition('scheduled', 'start', office)).toEqual({ ok: false, why: 'actor' });
    expect(transition('submitted', 'start', executor)).toEqual({ ok: false, why: 'state' });
    expect(transition('executed', 'start', executor)).toEqual({ ok: false, why: 'state' });
    // a crashed executor's request is taken again (the executor checks that its claim lapsed)
    expect(transition('executing', 'start', executor)).toEqual({ ok: true, to: 'executing' });
  });

  it('final states take no event', () => {
    const all: Standing = { head: true, clerk: true, approver: true, requester: true, executor: true };
    for (const s of ['rejected', 'withdrawn', 'notified'] as const) {
      for (const e of ['submit', 'signoff', 'approve', 'reject', 'withdraw', 'start', 'finish', 'fail'] as const) expect(transition(s, e, all).ok).toBe(false);
    }
  });
});
