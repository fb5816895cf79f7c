// Owns: the test that a client's own message stored over JMAP is not mail received. A person of a
// journaled unit saves a draft (Email/set create from an upload, as the webmail does) and imports a
// message (Email/import): neither is in the unit's journal nor counted by /metrics'
// thutin_mail_messages_total{direction="in"} nor by thutin_messages_imported_total; a delivery to
// the same person is both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import JamClient from 'jmap-jam';
import { backends } from '../helpers/harness.ts';
import { startTestServers, vietnameseMessage, type Running } from '../helpers/servers.ts';

const ctx = { actor: 'test', reason: 'QĐ 12/QĐ-UBND' };
const audit = { actor: 'auditor', reason: 'Thanh tra CV 45' };
const PASSWORD = 'Matkhau#2026';

describe.each(backends())('JMAP drafts and imports are not mail received (%s)', (backend) => {
  let r: Running;
  let an: { id: number; address: string };
  let jam: JamClient;
  let accountId: string;
  let token: string;

  async function call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/api`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'], methodCalls: [[name, args, 'c']] }),
    });
    const [[n, out]] = ((await res.json()) as { methodResponses: Array<[string, Record<string, unknown>, string]> }).methodResponses;
    expect(n, JSON.stringify(out)).toBe(name);
    return out;
  }

  async function counter(name: string, labels: Record<string, string>): Promise<number> {
    const m = await r.app.metrics.registry.getSingleMetric(name)!.get();
    return m.values.filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((n, v) => n + v.value, 0);
  }

  const journaled = async () => (await r.app.journal.search({ unit: 'SNV' }, audit)).length;

  beforeAll(async () => {
    r = await startTestServers({ backend });
    const d = r.app.directory;
    await d.createUnit({ code: 'KT', name: 'Ủy ban nhân dân tỉnh Kon Tum', abbreviation: 'ubnd', kind: 'province' }, ctx);
    await d.createUnit({ code: 'SNV', name: 'Sở Nội vụ', kind: 'agency', parentCode: 'KT' }, ctx);
    const p = await d.createPerson({ fullName: 'Nguyễn Văn An', unitCode: 'SNV', password: PASSWORD }, ctx);
    an = { id: (await r.app.accounts.byAddress(p.address))!.id, address: p.address };
    await r.app.journal.setUnit('SNV', { keepYears: 5 }, ctx);
    token = (await r.app.tokens.login(an.address, PASSWORD, '127.0.0.1')).token;
    jam = new JamClient({ sessionUrl: `http://127.0.0.1:${r.servers.ports.http}/.well-known/jmap`, bearerToken: token });
    accountId = await jam.getPrimaryAccount();
  }, 60_000);
  afterAll(async () => {
    await r?.stop();
  });

  it('a draft saved and a message imported are neither journaled nor counted; a delivery is both', async () => {
    const boxes = (await call('Mailbox/get', { accountId })).list as Array<{ id: string; role: string | null }>;
    const drafts = boxes.find((b) => b.role === 'drafts')!.id;
    const inbox = boxes.find((b) => b.role === 'inbox')!.id;
    const draft = vietnameseMessage({ from: an.address, to: 'binh@gialai.gov.vn', subject: 'Dự thảo công văn' });
    const up = await jam.uploadBlob(accountId, new Blob([new Uint8Array(draft)], { type: 'message/rfc822' }));
    const created = await call('Email/set', { accountId, create: { d1: { blobId: up.blobId, mailboxIds: { [drafts]: true }, keywords: { $draft: true, $seen: true } } } });
    expect(Object.keys((created.created as object | null) ?? {}), JSON.stringify(created.notCreated)).toEqual(['d1']);
    const old = vietnameseMessage({ from: 'binh@gialai.gov.vn', to: an.address, subject: 'Thư cũ từ máy khác' });
    const up2 = await jam.uploadBlob(accountId, new Blob([new Uint8Array(old)], { type: 'message/rfc822' }));
    const imported = await call('Email/import', { accountId, emails: { i1: { blobId: up2.blobId, mailboxIds: { [inbox]: true }, keywords: {} } } });
    expect(Object.keys((imported.created as object | null) ?? {}), JSON.stringify(imported.notCreated)).toEqual(['i1']);
    expect(await r.app.store.listMessages((await r.app.store.getMailbox(an.id, 'Drafts'))!.id)).toHaveLength(1);
    expect(await journaled()).toBe(0);
    expect(await counter('thutin_mail_messages_total', { direction: 'in' })).toBe(0);
    expect(await counter('thutin_messages_imported_total', {})).toBe(0);

    const c = await r.app.store.ingest([vietnameseMessage({ from: 'binh@gialai.gov.vn', to: an.address, subject: 'Giấy mời họp' })]);
    await r.app.store.deliver(c, [{ accountId: an.id }]).finally(() => r.app.store.release(c));
    expect(await journaled()).toBe(1);
    expect(await counter('thutin_mail_messages_total', { direction: 'in' })).toBe(1);
  }, 60_000);
});
