// The two doors agree (issue 10: states tied to MODSEQ), with clients we did not write — imapflow and
// jmap-jam — on each store backend: an IMAP STORE and an IMAP MOVE show in Email/changes, the moved
// message keeping its Email id (RFC 8621 §4.1.1: an id never changes) with its new mailboxIds; a JMAP
// move keeps the id too and IMAP finds the message in the new folder, where an IMAP flag change and
// expunge show in JMAP under the same id; a JMAP keyword change shows in IMAP FETCH FLAGS.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import JamClient from 'jmap-jam';
import type { ImapFlow } from 'imapflow';
import { backends } from '../helpers/harness.ts';
import { startTestServers, imapClient, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';

describe.each(backends())('IMAP and JMAP see each other (%s)', (backend) => {
  let r: Running;
  let an: string;
  let jam: JamClient;
  let accountId: string;
  let inbox: string;
  let archive: string;

  async function imap<T>(folder: string, work: (c: ImapFlow) => Promise<T>): Promise<T> {
    const c = imapClient(r, an);
    await c.connect();
    const lock = await c.getMailboxLock(folder);
    try {
      return await work(c);
    } finally {
      lock.release();
      await c.logout();
    }
  }
  const subjectsIn = (folder: string) =>
    imap(folder, async (c) => {
      const out: Array<{ uid: number; subject: string; flags: string[] }> = [];
      for await (const m of c.fetch('1:*', { envelope: true, flags: true, uid: true }))
        out.push({ uid: m.uid, subject: m.envelope?.subject ?? '', flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort() });
      return out;
    });

  beforeAll(async () => {
    r = await startTestServers({ backend });
    an = await r.user('annv');
    const binh = await r.user('binhlt');
    const id = (await r.app.accounts.byAddress(an))!.id;
    for (const subject of ['Tờ trình số 1', 'Tờ trình số 2', 'Tờ trình số 3']) {
      const c = await r.app.store.ingest([vietnameseMessage({ from: binh, to: an, subject })]);
      await r.app.store.deliver(c, [{ accountId: id }]);
      await r.app.store.release(c);
    }
    const { token } = await r.app.tokens.login(an, TEST_PASSWORD, '127.0.0.1');
    jam = new JamClient({ sessionUrl: `http://127.0.0.1:${r.servers.ports.http}/.well-known/jmap`, bearerToken: token });
    accountId = await jam.getPrimaryAccount();
    const [boxes] = await jam.api.Mailbox.get({ accountId });
    inbox = boxes.list.find((m) => m.role === 'inbox')!.id;
    archive = boxes.list.find((m) => m.role === 'archive')!.id;
  });
  afterAll(async () => {
    await r?.stop();
  });

  const idOf = async (subject: string) => {
    const [q] = await jam.api.Email.query({ accountId, filter: { subject } });
    expect(q.ids).toHaveLength(1);
    return q.ids[0];
  };

  it('an IMAP STORE and MOVE show in Email/changes; the moved message keeps its id', async () => {
    const one = await idOf('Tờ trình số 1');
    const two = await idOf('Tờ trình số 2');
    const [before] = await jam.api.Email.get({ accountId, ids: [], properties: ['id'] });
    const uidOf = async (subject: string) => (await subjectsIn('INBOX')).find((m) => m.subject === subject)!.uid;
    const u1 = await uidOf('Tờ trình số 1');
    const u2 = await uidOf('Tờ trình số 2');
    await imap('INBOX', async (c) => {
      await c.messageFlagsAdd(String(u1), ['\\Flagged'], { uid: true });
      await c.messageMove(String(u2), 'Archive', { uid: true });
    });
    const [ch] = await jam.api.Email.changes({ accountId, sinceState: before.state });
    expect(ch.created).toEqual([]);
    expect([...ch.updated].sort()).toEqual([one, two].sort());
    expect(ch.destroyed).toEqual([]);
    const [got] = await jam.api.Email.get({ accountId, ids: [one, two], properties: ['id', 'subject', 'mailboxIds', 'keywords'] });
    expect(got.notFound).toEqual([]);
    expect(got.list.find((e) => e.id === two)).toMatchObject({ subject: 'Tờ trình số 2', mailboxIds: { [archive]: true } });
    expect(got.list.find((e) => e.id === one)?.keywords).toEqual({ $flagged: true });
    const [q] = await jam.api.Email.query({ accountId, filter: { inMailbox: archive } });
    expect(q.ids).toEqual([two]);
  });

  it('a JMAP move keeps the id; IMAP finds it there, and its IMAP flag change and expunge show in JMAP under that id', async () => {
    const three = await idOf('Tờ trình số 3');
    const [mv] = await jam.api.Email.set({ accountId, update: { [three]: { [`mailboxIds/${inbox}`]: null, [`mailboxIds/${archive}`]: true, 'keywords/$seen': true } } });
    expect(mv.updated).toHaveProperty(three);
    const inArchive = await subjectsIn('Archive');
    const moved = inArchive.find((m) => m.subject === 'Tờ trình số 3')!;
    expect(moved.flags).toEqual(['\\Seen']);
    expect((await subjectsIn('INBOX')).map((m) => m.subject)).not.toContain('Tờ trình số 3');
    const [before] = await jam.api.Email.get({ accountId, ids: [], properties: ['id'] });
    await imap('Archive', (c) => c.messageFlagsAdd(String(moved.uid), ['\\Answered'], { uid: true }));
    const [ch] = await jam.api.Email.changes({ accountId, sinceState: before.state });
    expect(ch).toMatchObject({ created: [], updated: [three], destroyed: [] });
    const [kw] = await jam.api.Email.get({ accountId, ids: [three], properties: ['keywords', 'threadId'] });
    expect(kw.list[0].keywords).toEqual({ $seen: true, $answered: true });
    // expunged over IMAP: destroyed under the id it always had
    await imap('Archive', (c) => c.messageDelete(String(moved.uid), { uid: true }));
    const [ch2] = await jam.api.Email.changes({ accountId, sinceState: ch.newState });
    expect(ch2).toMatchObject({ created: [], updated: [], destroyed: [three] });
    const [gone] = await jam.api.Email.get({ accountId, ids: [three], properties: ['id'] });
    expect(gone.notFound).toEqual([three]);
  });

  it('a JMAP keyword change shows in IMAP FETCH FLAGS of the moved message', async () => {
    const two = await idOf('Tờ trình số 2'); // moved to Archive over IMAP above
    const [set] = await jam.api.Email.set({ accountId, update: { [two]: { 'keywords/$flagged': true } } });
    expect(set.updated).toHaveProperty(two);
    expect((await subjectsIn('Archive')).find((m) => m.subject === 'Tờ trình số 2')?.flags).toEqual(['\\Flagged']);
  });
});
