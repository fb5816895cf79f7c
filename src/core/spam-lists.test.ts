// Spam allow / block lists: entries are normalised (address or domain) and refused otherwise; the
// most specific entry wins (address over domain over parent domain), block over allow at equal
// weight, each recipient alone; the envelope sender and From: both count; changes are audited.
// The learner's rule: into Junk is spam, out of Junk is ham, to Trash nothing; a move writes the
// queue row in its own transaction, and a copy between ordinary folders writes none.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, createTestApp, TEST_PASSWORD, type TestApp } from '../../test/helpers/harness.ts';
import { candidates, normalizeEntry } from './spam-lists.ts';
import { learnKind } from './spam-learning.ts';
import { isThutinError } from './errors.ts';

describe('spam list entries', () => {
  it('normalises addresses and domains, refuses anything else', () => {
    expect(normalizeEntry(' Van.Thu@GiaLai.Example ')).toBe('van.thu@gialai.example');
    expect(normalizeEntry('@gialai.example')).toBe('gialai.example');
    expect(normalizeEntry('*.gialai.example.')).toBe('gialai.example');
    expect(normalizeEntry('xn--kntum-6qa.vn')).toBe('xn--kntum-6qa.vn');
    for (const bad of ['', 'com', 'not an entry', 'a@b', '@', 'x@-bad-.example', 'a b@c.example']) {
      let code = '';
      try {
        normalizeEntry(bad);
      } catch (e) {
        code = isThutinError(e) ? e.code : String(e);
      }
      expect(code, bad).toBe('SPAM_ENTRY_INVALID');
    }
  });

  it('matches a sender by address, domain and parent domains, never the bare top-level domain', () => {
    expect(candidates('A@Mail.So-TN.Example.VN')).toEqual(['a@mail.so-tn.example.vn', 'mail.so-tn.example.vn', 'so-tn.example.vn', 'example.vn']);
    expect(candidates('')).toEqual([]);
  });

  it('learns spam into Junk, ham out of it (not to Trash), nothing between other folders', () => {
    const f = (name: string, specialUse: string | null = null) => ({ name, specialUse });
    expect(learnKind(f('INBOX'), f('Junk', '\\Junk'))).toBe('spam');
    expect(learnKind(f('Lưu trữ'), f('Junk'))).toBe('spam');
    expect(learnKind(f('Junk', '\\Junk'), f('INBOX'))).toBe('ham');
    expect(learnKind(f('Junk', '\\Junk'), f('Trash', '\\Trash'))).toBeNull();
    expect(learnKind(f('Junk', '\\Junk'), f('Junk', '\\Junk'))).toBeNull();
    expect(learnKind(f('INBOX'), f('Archive', '\\Archive'))).toBeNull();
  });
});

describe.each(backends())('spam lists (%s)', (backend) => {
  let t: TestApp;
  let an: number;
  let binh: number;
  const ctx = { actor: 'api:annv@kontum.gov.vn' };
  beforeAll(async () => {
    t = await createTestApp({ backend, config: { hygiene: { spam: { enabled: true, url: 'http://127.0.0.1:1', controllerUrl: 'http://127.0.0.1:1' } } } });
    an = (await t.app.accounts.create('annv@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
    binh = (await t.app.accounts.create('binhlt@kontum.gov.vn', TEST_PASSWORD, 'test')).id;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('decides per recipient: the most specific entry wins, block over allow at equal weight', async () => {
    await t.app.spamLists.set(an, 'annv@kontum.gov.vn', 'block', 'example.vn', ctx);
    await t.app.spamLists.set(an, 'annv@kontum.gov.vn', 'allow', 'so-tn.example.vn', ctx);
    await t.app.spamLists.set(an, 'annv@kontum.gov.vn', 'block', 'rac@so-tn.example.vn', ctx);
    await t.app.spamLists.set(binh, 'binhlt@kontum.gov.vn', 'allow', 'example.vn', ctx);
    const v = (senders: string[]) => t.app.spamLists.verdicts([an, binh], senders).then((m) => [m.get(an) ?? null, m.get(binh) ?? null]);
    expect(await v(['vanthu@mail.so-tn.example.vn'])).toEqual(['allow', 'allow']);
    expect(await v(['rac@so-tn.example.vn'])).toEqual(['block', 'allow']);
    expect(await v(['x@other.example.vn'])).toEqual(['block', 'allow']);
    expect(await v(['x@gialai.example'])).toEqual([null, null]);
    // Envelope and From: both count; the more specific of the two decides.
    expect(await v(['bounce@gialai.example', 'rac@so-tn.example.vn'])).toEqual(['block', 'allow']);
    // An entry is on one list at a time: setting it again moves it.
    await t.app.spamLists.set(an, 'annv@kontum.gov.vn', 'allow', 'RAC@so-tn.example.vn', ctx);
    expect(await v(['rac@so-tn.example.vn'])).toEqual(['allow', 'allow']);
    // Same weight, both kinds (an address allowed, the From: address blocked): block.
    await t.app.spamLists.set(binh, 'binhlt@kontum.gov.vn', 'block', 'xau@gialai.example', ctx);
    await t.app.spamLists.set(binh, 'binhlt@kontum.gov.vn', 'allow', 'tot@gialai.example', ctx);
    expect((await t.app.spamLists.verdicts([binh], ['tot@gialai.example', 'xau@gialai.example'])).get(binh)).toBe('block');
    expect((await t.app.spamLists.list(an)).map((e) => `${e.kind} ${e.entry}`)).toEqual(['allow rac@so-tn.example.vn', 'allow so-tn.example.vn', 'block example.vn']);
  });

  it('removes entries, refuses unknown ones, and audits each change', async () => {
    await t.app.spamLists.remove(an, 'annv@kontum.gov.vn', 'Example.VN', ctx);
    await expect(t.app.spamLists.remove(an, 'annv@kontum.gov.vn', 'example.vn', ctx)).rejects.toMatchObject({ code: 'SPAM_ENTRY_NOT_FOUND' });
    const log = await t.app.audit.list(20, { target: 'annv@kontum.gov.vn' });
    expect(log.map((e) => e.action)).toContain('spam.list.remove');
    expect(JSON.parse(log.find((e) => e.action === 'spam.list.remove')!.details)).toEqual({ kind: 'block', entry: 'example.vn' });
    expect(log.filter((e) => e.action.startsWith('spam.')).every((e) => e.actor === ctx.actor)).toBe(true);
    expect((await t.app.audit.verify()).ok).toBe(true);
  });

  it('queues a learn in the move itself: into Junk spam, back ham, an ordinary copy nothing', async () => {
    const inbox = (await t.app.store.getMailbox(an, 'INBOX'))!;
    const junk = (await t.app.store.getMailbox(an, 'Junk'))!;
    const trash = (await t.app.store.getMailbox(an, 'Trash'))!;
    const content = await t.app.store.ingest([Buffer.from('From: a@gialai.example\r\nSubject: x\r\n\r\nbody\r\n')]);
    const [d] = await t.app.store.deliver(content, [{ accountId: an }]);
    await t.app.store.release(content);
    const before = await t.app.spamLearner.pending();
    const m = await t.app.store.move(inbox.id, [d.uid], junk.id);
    expect(await t.app.spamLearner.pending()).toBe(before + 1);
    const back = await t.app.store.move(junk.id, [m.pairs[0][1]], inbox.id);
    expect(await t.app.spamLearner.pending()).toBe(before + 2);
    await t.app.store.copy(inbox.id, [back.pairs[0][1]], trash.id);
    expect(await t.app.spamLearner.pending()).toBe(before + 2);
    // One pass: the Junk copy is gone (moved back) — nothing to teach, audited 'gone'; rspamd is
    // not there (a closed port) for the ham: kept for the retry.
    const pass = await t.app.spamLearner.drain();
    expect(pass).toEqual({ learned: 0, waiting: 1, dropped: 1 });
    expect(await t.app.spamLearner.pending()).toBe(before + 1);
    const [gone] = await t.app.audit.list(1, { action: 'spam.learn' });
    expect(JSON.parse(gone.details)).toMatchObject({ kind: 'spam', result: 'gone' });
  });
});
