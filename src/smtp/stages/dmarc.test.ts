// Stage `dmarc` acting on the outcome the `auth` stage left: p=reject refuses with 550 5.7.1,
// p=quarantine chooses Junk, pct= sends the share outside it to the next milder policy, and
// temperror, none or a missing `auth` stage never refuse.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { App } from '../../app.ts';
import type { DataContext, Verdict } from '../pipeline.ts';
import type { AuthOutcome } from '../../mailauth/verify.ts';
import { AUTH_SHARED_KEY } from './authenticity.ts';
import { dmarcStage } from './dmarc.ts';

const app = { log: pino({ level: 'silent' }) } as unknown as App;

function context(outcome: Partial<AuthOutcome> | null): { ctx: DataContext; mailbox: () => string | undefined } {
  let mailbox: string | undefined;
  const shared = new Map<string, unknown>();
  if (outcome) shared.set(AUTH_SHARED_KEY, { spf: 'fail', dkim: 'none', dmarc: 'fail', arc: 'none', dmarcPolicy: 'reject', dmarcPct: 100, fromDomain: 'nganhang.test', headers: [], ...outcome });
  const ctx = {
    session: { id: 's', listener: 'inbound', remoteAddress: '127.0.0.1', clientHostname: '', helo: '', secure: false, transmissionType: 'ESMTP', account: null },
    sender: 'x@evil.test',
    recipients: ['an@kontum.gov.vn'],
    queueId: 'Q',
    shared,
    setMailbox: (m: string) => void (mailbox = m),
  } as unknown as DataContext;
  return { ctx, mailbox: () => mailbox };
}

const run = (o: Partial<AuthOutcome> | null, random = 0) => {
  const c = context(o);
  const v = dmarcStage({ app }, () => random).data!(c.ctx) as Verdict; // the stage answers synchronously
  return { v, mailbox: c.mailbox() };
};

describe('stage dmarc', () => {
  it('refuses a DMARC failure under p=reject with 550 5.7.1 naming the domain', () => {
    expect(run({})).toMatchObject({ v: { kind: 'reject', code: 550, enhanced: '5.7.1', message: expect.stringMatching(/DMARC.*nganhang\.test/) } });
  });

  it('sends a failure under p=quarantine to Junk', () => {
    expect(run({ dmarcPolicy: 'quarantine' })).toEqual({ v: { kind: 'continue' }, mailbox: 'Junk' });
  });

  it('applies pct=: inside the share the policy, outside it the next milder one', () => {
    expect(run({ dmarcPct: 30 }, 0.2).v.kind).toBe('reject');
    expect(run({ dmarcPct: 30 }, 0.5)).toEqual({ v: { kind: 'continue' }, mailbox: 'Junk' });
    expect(run({ dmarcPolicy: 'quarantine', dmarcPct: 30 }, 0.5)).toEqual({ v: { kind: 'continue' }, mailbox: undefined });
  });

  it('never refuses a pass, temperror, none, p=none, or without the auth stage', () => {
    for (const o of [{ dmarc: 'pass' }, { dmarc: 'temperror' }, { dmarc: 'none', dmarcPolicy: null }, { dmarcPolicy: 'none' as const }, null]) {
      expect(run(o)).toEqual({ v: { kind: 'continue' }, mailbox: undefined });
    }
  });
});
