// The outbound queue's state machine on each store backend: claims take a lease that a second
// worker cannot take until it ends (a crashed worker's recipients come back), results are kept
// per recipient, held messages are not claimed, and every administrative action is audited.
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { backends, createTestApp, type TestApp } from '../../test/helpers/harness.ts';
import { isThutinError } from './errors.ts';

describe.each(backends())('outbound queue state (%s)', (backend) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ backend });
  });
  afterEach(async () => {
    await t.cleanup();
  });

  async function enqueue(to: string[], sender = 'an@kontum.gov.vn'): Promise<number> {
    const content = await t.app.store.ingest([Buffer.from(`From: <${sender}>\r\nSubject: Thử\r\n\r\nNội dung\r\n`)]);
    let id = 0;
    id = (await t.app.store.commit(content, { copies: [{ remote: { sender: sender, recipients: to, accountId: null } }] })).queued[0];
    return id;
  }

  it('gives each due recipient to one claimant until its lease ends', async () => {
    const id = await enqueue(['a@x.test', 'b@x.test']);
    const now = Date.now() + 10;
    const first = await t.app.queue.claim(now, now + 60_000, 100);
    expect(first.map((c) => c.recipient).sort()).toEqual(['a@x.test', 'b@x.test']);
    expect(first.every((c) => c.queueId === id)).toBe(true);
    // A second worker at the same moment finds nothing.
    expect(await t.app.queue.claim(now, now + 60_000, 100)).toEqual([]);
    // The first worker died without recording anything: after the lease they are due again.
    const later = await t.app.queue.claim(now + 60_001, now + 120_000, 100);
    expect(later.map((c) => c.recipient).sort()).toEqual(['a@x.test', 'b@x.test']);
    // A live worker renews its lease; then nobody else gets them at the old end.
    await t.app.queue.renew(
      later.map((c) => c.id),
      now + 500_000,
    );
    expect(await t.app.queue.claim(now + 120_001, now + 180_000, 100)).toEqual([]);
  });

  it('keeps a state, a reason and a next attempt per recipient; a message with every recipient final is done', async () => {
    const id = await enqueue(['a@x.test', 'b@x.test', 'c@x.test']);
    const [a, b, c] = (await t.app.queue.claim(Date.now() + 10, Date.now() + 60_000, 10)).sort((p, q) => p.id - q.id);
    const next = Date.now() + 300_000;
    await t.app.queue.record([
      { id: a.id, state: 'delivered', error: null, status: '2.0.0', remoteMta: 'mx.x.test [127.0.0.1]', nextAttemptAt: 0 },
      { id: b.id, state: 'deferred', error: '450 4.2.1 busy', status: '4.2.1', remoteMta: 'mx.x.test [127.0.0.1]', nextAttemptAt: next },
      { id: c.id, state: 'bounced', error: '550 5.1.1 unknown', status: '5.1.1', remoteMta: 'mx.x.test [127.0.0.1]', nextAttemptAt: 0 },
    ]);
    const e = (await t.app.queue.get(id))!;
    const by = Object.fromEntries(e.recipients.map((r) => [r.recipient, r]));
    expect(by['a@x.test']).toMatchObject({ state: 'delivered', attempts: 1, lastError: null, status: '2.0.0' });
    expect(by['b@x.test']).toMatchObject({ state: 'deferred', attempts: 1, lastError: '450 4.2.1 busy', nextAttemptAt: next, remoteMta: 'mx.x.test [127.0.0.1]' });
    expect(by['c@x.test']).toMatchObject({ state: 'bounced', notified: false });
    expect(await t.app.queue.nextDue()).toBe(next);
    expect(await t.app.queue.needingNotice(0)).toEqual([id]);
    expect(await t.app.queue.finishIfDone(id)).toBe(false);
    // Only the deferred recipient is claimed again.
    expect(await t.app.queue.claim(next, next + 1000, 10)).toEqual([expect.objectContaining({ recipient: 'b@x.test', attempts: 1 })]);
    await t.app.queue.record([{ id: b.id, state: 'delivered', error: null, status: '2.0.0', remoteMta: null, nextAttemptAt: 0 }]);
    expect(await t.app.queue.finishIfDone(id)).toBe(false); // the bounce is not yet told
    await t.app.queue.markNotified(id, [c.id], false);
    expect(await t.app.queue.finishIfDone(id)).toBe(true);
    expect((await t.app.queue.get(id))!.state).toBe('done');
    expect(await t.app.queue.list()).toEqual([]);
  });

  it('holds, releases, retries and deletes, each audited; a held message is not claimed', async () => {
    const id = await enqueue(['a@x.test']);
    const actor = 'cli:root@test';
    expect((await t.app.queue.hold(id, actor)).state).toBe('hold');
    expect(await t.app.queue.claim(Date.now() + 10, Date.now() + 60_000, 10)).toEqual([]);
    expect(await t.app.queue.nextDue()).toBeNull();
    expect((await t.app.queue.release(id, actor)).state).toBe('active');
    const [c] = await t.app.queue.claim(Date.now() + 10, Date.now() + 60_000, 10);
    await t.app.queue.record([{ id: c.id, state: 'deferred', error: '421 try later', status: '4.0.0', remoteMta: null, nextAttemptAt: Date.now() + 3_600_000 }]);
    expect(await t.app.queue.claim(Date.now() + 10, Date.now() + 60_000, 10)).toEqual([]);
    const retried = await t.app.queue.retry(id, actor);
    expect(retried.recipients[0].nextAttemptAt).toBeLessThanOrEqual(Date.now());
    expect(await t.app.queue.claim(Date.now() + 10, Date.now() + 60_000, 10)).toHaveLength(1);
    const shown = await t.app.queue.show(id);
    expect(shown.headers).toBe('From: <an@kontum.gov.vn>\r\nSubject: Thử\r\n\r\n');
    expect(shown.recipients[0].lastError).toBe('421 try later');
    await t.app.queue.delete(id, actor);
    expect(await t.app.queue.get(id)).toBeNull();
    await expect(t.app.queue.show(id)).rejects.toSatisfy((e) => isThutinError(e, 'QUEUE_NOT_FOUND'));
    await expect(t.app.queue.retry(id, actor)).rejects.toSatisfy((e) => isThutinError(e, 'QUEUE_NOT_FOUND'));
    const audit = (await t.app.audit.list(20)).filter((a) => a.action.startsWith('queue.')).reverse();
    expect(audit.map((a) => [a.action, a.actor, a.target])).toEqual([
      ['queue.hold', actor, `#${id}`],
      ['queue.release', actor, `#${id}`],
      ['queue.retry', actor, `#${id}`],
      ['queue.delete', actor, `#${id}`],
    ]);
    expect(JSON.parse(audit[3].details)).toEqual({ sender: 'an@kontum.gov.vn', recipients: ['a@x.test'] });
  });
});
