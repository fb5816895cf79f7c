// Spam at SMTP with a real rspamd (Debian's package, started by this file on loopback ports with
// its own config, and a private redis-server for Bayes). GTUBE is refused at SMTP (swaks) with
// 550 5.7.1; rspamd's add-header test pattern is delivered to Junk with X-Spam-* scores (a forged
// X-Spam-Status from the sender dropped); plain mail reaches INBOX marked No. A recipient's allow
// list keeps mail out of Junk and unrefused (not for a sender failing DMARC); a block list sends
// clean mail to Junk. Moving a
// message into Junk and back with imapflow makes rspamd learn spam, then ham (its /stat), audited
// `spam.learn`, and so does a JMAP Email/set that moves one into Junk; a move while rspamd is away is learnt once it is back (the durable queue). With
// rspamd stopped the configured policy applies — accepted with `X-Spam: unchecked`, or 451 — and
// `thutin doctor` says so; the CLI edits the lists.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';
import { loopbackEnv, thutin } from '../helpers/cli.ts';
import { startRspamd, GTUBE, GTUBE_ADD_HEADER, type Rspamd } from '../helpers/rspamd.ts';
import { RspamdClient } from '../../src/hygiene/rspamd.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';

const skip = missingTool('/usr/bin/rspamd', 'spam at SMTP (rspamd)') || missingTool('redis-server', 'spam learning (redis)') || missingTool('swaks', 'spam at SMTP (swaks)');

function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });
}

let n = 0;
/** A plain-text message with enough words for Bayes (rspamd learns nothing from fewer than 11 tokens). */
function mail(from: string, to: string, subject: string, body: string, extra: string[] = []): Buffer {
  n++;
  return Buffer.from(
    [
      `From: <${from}>`,
      `To: <${to}>`,
      `Subject: ${subject}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <spam-test-${n}-${Date.now()}@gialai.example>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      ...extra,
      '',
      body,
      'Cuộc họp giao ban tuần này bàn về kế hoạch chuyển đổi số, ngân sách quý bốn, lịch trực tết',
      'và việc cập nhật danh bạ các phòng ban của sở theo quyết định mới nhất của uỷ ban nhân dân tỉnh.',
      '',
    ].join('\r\n'),
  );
}

describe.skipIf(skip).each(backends())('spam at SMTP with rspamd (%s)', { timeout: 180_000 }, (backend) => {
  let rspamd: Rspamd;
  let r: Running;
  let an: string;
  let binh: string;
  let chi: string;
  let tmp: string;
  let stats: RspamdClient;

  let dns: TestDnsServer;

  beforeAll(async () => {
    // thutin's own DNS (the auth stage): one sender domain whose mail from here fails SPF and DMARC.
    dns = await startDnsServer({ 'bocongan.example': { TXT: ['v=spf1 -all'] }, '_dmarc.bocongan.example': { TXT: ['v=DMARC1; p=none'] } });
    rspamd = await startRspamd();
    stats = new RspamdClient({ url: rspamd.url, controllerUrl: rspamd.controllerUrl, timeoutMs: 5000 });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-spam-'));
    r = await startTestServers({
      backend,
      config: {
        dns: { servers: [dns.address] },
        smtp: { inboundStages: ['size', 'loop', 'auth', 'dmarc', 'spam'] },
        hygiene: { spam: { enabled: true, url: rspamd.url, controllerUrl: rspamd.controllerUrl, timeoutMs: 5000, learnRetryMs: 1000 } },
      },
    });
    an = await r.user('annv');
    binh = await r.user('binhlt');
    chi = await r.user('chitt');
  }, 240_000); // rspamd's first start on a loaded machine compiles Hyperscan's cache
  afterAll(async () => {
    await r?.stop();
    await rspamd?.close();
    await dns?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function swaks(to: string[], message: Buffer, from = 'vanthu@gialai.example'): Promise<{ code: number; out: string }> {
    const file = path.join(tmp, `m${Math.random().toString(36).slice(2)}.eml`);
    fs.writeFileSync(file, message);
    return run('swaks', ['--server', `127.0.0.1:${r.servers.ports.smtp}`, '--from', from, '--to', to.join(','), '--data', `@${file}`]);
  }

  async function folder(address: string, name: string): Promise<string[]> {
    const acct = await r.app.accounts.resolveRecipient(address);
    const mb = await r.app.store.getMailbox(acct!.id, name);
    if (!mb) return [];
    const out: string[] = [];
    for (const m of await r.app.store.listMessages(mb.id)) out.push((await r.app.store.readMessage(m)).toString('utf8'));
    return out;
  }

  const field = (m: string, name: string) => m.match(new RegExp(`^${name}:.*(\\r\\n[ \\t].*)*`, 'gim'));

  it('refuses GTUBE at SMTP with 550 5.7.1 in Vietnamese and English; nothing is stored', async () => {
    const o = await swaks([an], mail('vanthu@gialai.example', an, 'GTUBE', `Thư thử: ${GTUBE}`));
    expect(o.out).toMatch(/<\*\* 550 5\.7\.1 Thư bị từ chối vì là thư rác \/ Message refused as spam/);
    expect(await folder(an, 'INBOX')).toEqual([]);
    expect(await folder(an, 'Junk')).toEqual([]);
  });

  it('delivers a spammy but not refused message to Junk with X-Spam-* scores; a forged X-Spam-Status is dropped', async () => {
    const o = await swaks([an], mail('quangcao@spam.example', an, 'Khuyen mai', `Ưu đãi: ${GTUBE_ADD_HEADER}`, ['X-Spam-Status: No, score=-100 (forged by the sender)']));
    expect(o.out).toMatch(/<- {2}250 /);
    expect(await folder(an, 'INBOX')).toEqual([]);
    const [m] = await folder(an, 'Junk');
    expect(field(m, 'X-Spam-Status')).toEqual([expect.stringMatching(/^X-Spam-Status: Yes, score=\d+\.\d\d required=\d+\.\d\d action=add_header$/)]);
    expect(field(m, 'X-Spam-Score')).toEqual([expect.stringMatching(/^X-Spam-Score: \d+\.\d\d$/)]);
    expect(field(m, 'X-Spam-Symbols')![0]).toContain('GTUBE(');
    expect(field(m, 'X-Spam')).toEqual(['X-Spam: yes']);
    expect(m).not.toContain('forged by the sender');
  });

  it('delivers plain mail to INBOX marked X-Spam-Status: No with its symbols', async () => {
    const o = await swaks([binh], mail('vanthu@gialai.example', binh, 'Giao ban', 'Kính gửi anh Bình, gửi lịch họp tuần sau.'));
    expect(o.out).toMatch(/<- {2}250 /);
    const [m] = await folder(binh, 'INBOX');
    expect(field(m, 'X-Spam-Status')![0]).toMatch(/^X-Spam-Status: No, score=-?\d+\.\d\d required=\d+\.\d\d action=no_action$/);
    expect(field(m, 'X-Spam-Symbols')![0]).toMatch(/^X-Spam-Symbols: [A-Z_]+\(-?\d+\.\d\d\)/);
    expect(field(m, 'X-Spam')).toBeNull();
  });

  it("applies each recipient's lists: allow keeps spam out of Junk and unrefused, block sends clean mail to Junk", async () => {
    const ctx = { actor: 'test' };
    const binhId = (await r.app.accounts.resolveRecipient(binh))!.id;
    const chiId = (await r.app.accounts.resolveRecipient(chi))!.id;
    await r.app.spamLists.set(binhId, binh, 'allow', 'gialai.example', ctx);
    await r.app.spamLists.set(chiId, chi, 'block', 'phien@gialai.example', ctx);

    // Spammy, to binh (allows the domain) and chi: binh's copy in INBOX, chi's in Junk.
    expect((await swaks([binh, chi], mail('vanthu@gialai.example', binh, 'Cho phep', `Nội dung: ${GTUBE_ADD_HEADER}`))).out).toMatch(/<- {2}250 /);
    expect((await folder(binh, 'INBOX')).filter((m) => m.includes('Subject: Cho phep'))).toHaveLength(1);
    expect((await folder(chi, 'Junk')).filter((m) => m.includes('Subject: Cho phep'))).toHaveLength(1);
    // GTUBE to binh alone: not refused, delivered to INBOX.
    expect((await swaks([binh], mail('vanthu@gialai.example', binh, 'Cho phep GTUBE', `Nội dung: ${GTUBE}`))).out).toMatch(/<- {2}250 /);
    expect((await folder(binh, 'INBOX')).filter((m) => m.includes('Subject: Cho phep GTUBE'))).toHaveLength(1);
    // Clean mail from a blocked address: Junk for chi (the From: field counts as well as the envelope).
    expect((await swaks([chi], mail('phien@gialai.example', chi, 'Bi chan', 'Xin chào chị Chi, đây là thư bình thường.'), 'bounce@gialai.example')).out).toMatch(/<- {2}250 /);
    expect((await folder(chi, 'Junk')).filter((m) => m.includes('Subject: Bi chan'))).toHaveLength(1);
    expect((await folder(chi, 'INBOX')).filter((m) => m.includes('Subject: Bi chan'))).toHaveLength(0);
    // An allowed domain whose From: fails DMARC (forged): the allow entry does not apply.
    await r.app.spamLists.set(binhId, binh, 'allow', 'bocongan.example', ctx);
    expect((await swaks([binh], mail('lanhdao@bocongan.example', binh, 'Gia mao', `Nội dung: ${GTUBE_ADD_HEADER}`), 'lanhdao@bocongan.example')).out).toMatch(/<- {2}250 /);
    expect((await folder(binh, 'Junk')).filter((m) => m.includes('Subject: Gia mao'))).toHaveLength(1);
    expect((await folder(binh, 'Junk')).find((m) => m.includes('Subject: Gia mao'))).toMatch(/dmarc=fail/);
    // Removing the block: the next one reaches INBOX.
    await r.app.spamLists.remove(chiId, chi, 'phien@gialai.example', ctx);
    expect((await swaks([chi], mail('phien@gialai.example', chi, 'Het chan', 'Xin chào chị Chi, thư thứ hai.'))).out).toMatch(/<- {2}250 /);
    expect((await folder(chi, 'INBOX')).filter((m) => m.includes('Subject: Het chan'))).toHaveLength(1);
    const audit = (await r.app.audit.list(50)).filter((e) => e.action.startsWith('spam.list.'));
    expect(audit.map((e) => `${e.action} ${e.target}`)).toEqual(expect.arrayContaining([`spam.list.set ${binh}`, `spam.list.set ${chi}`, `spam.list.remove ${chi}`]));
  });

  /** Learns in all, from rspamd's controller (/stat): which class each was is the audit's to say. */
  async function learned(): Promise<number> {
    return (await stats.stat()).learned;
  }

  async function until(check: () => Promise<boolean>, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it('learns spam when a message is moved into Junk over IMAP (imapflow), and ham when moved back; audited', async () => {
    expect((await swaks([an], mail('doitac@gialai.example', an, 'Hoc thu rac', 'Thư này người dùng sẽ đánh dấu là thư rác.'))).out).toMatch(/<- {2}250 /);
    const before = await learned();
    const client = new ImapFlow({ host: '127.0.0.1', port: r.servers.ports.imap, secure: false, auth: { user: an, pass: TEST_PASSWORD }, logger: false, tls: { rejectUnauthorized: false } });
    await client.connect();
    try {
      await client.mailboxOpen('INBOX');
      const uids = await client.search({ subject: 'Hoc thu rac' }, { uid: true });
      expect(uids).toHaveLength(1);
      const moved = await client.messageMove(uids as number[], 'Junk', { uid: true });
      expect(moved).toBeTruthy();
      await until(async () => (await learned()) === before + 1, 'rspamd to learn spam');
      await client.mailboxOpen('Junk');
      const back = await client.search({ subject: 'Hoc thu rac' }, { uid: true });
      await client.messageMove(back as number[], 'INBOX', { uid: true });
      await until(async () => (await learned()) === before + 2, 'rspamd to learn ham');
    } finally {
      await client.logout();
    }
    await until(async () => (await r.app.spamLearner.pending()) === 0, 'the learn queue to empty');
    const learnt = (await r.app.audit.list(50, { action: 'spam.learn', target: an })).map((e) => JSON.parse(e.details) as { kind: string; result: string });
    expect(learnt.map((d) => d.kind).sort()).toEqual(['ham', 'spam']);
    expect(learnt.every((d) => ['learned', 'already'].includes(d.result))).toBe(true);
  });

  it('learns spam when JMAP moves a message into Junk (Email/set mailboxIds), audited', async () => {
    expect((await swaks([an], mail('doitac@gialai.example', an, 'Hoc qua JMAP', 'Thư này người dùng đánh dấu thư rác trên webmail.'))).out).toMatch(/<- {2}250 /);
    const before = await learned();
    const audited = (await r.app.audit.list(100, { action: 'spam.learn', target: an })).length;
    const anId = (await r.app.accounts.resolveRecipient(an))!.id;
    const token = (await r.app.tokens.login(an, TEST_PASSWORD, '127.0.0.1')).token;
    const jmap = async (...methodCalls: unknown[][]) => {
      const res = await fetch(`http://127.0.0.1:${r.servers.ports.http}/jmap/api`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ using: ['urn:ietf:params:jmap:core', 'urn:ietf:params:jmap:mail'], methodCalls }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { methodResponses: Array<[string, Record<string, unknown>, string]> }).methodResponses;
    };
    const accountId = `A${anId}`;
    const [[, boxes], [, found]] = await jmap(['Mailbox/get', { accountId }, 'm'], ['Email/query', { accountId, filter: { subject: 'Hoc qua JMAP' } }, 'q']);
    const junk = (boxes.list as Array<{ id: string; role: string | null }>).find((b) => b.role === 'junk')!;
    const [id] = found.ids as string[];
    const [[name, set]] = await jmap(['Email/set', { accountId, update: { [id]: { mailboxIds: { [junk.id]: true } } } }, 's']);
    expect([name, Object.keys((set.updated as object) ?? {})]).toEqual(['Email/set', [id]]);
    await until(async () => (await learned()) === before + 1, 'rspamd to learn spam from the JMAP move');
    await until(async () => (await r.app.audit.list(100, { action: 'spam.learn', target: an })).length === audited + 1, 'the audit');
    const [last] = await r.app.audit.list(1, { action: 'spam.learn', target: an });
    expect(JSON.parse(last.details)).toMatchObject({ kind: 'spam', result: 'learned' });
  });

  it('reports rspamd in `thutin doctor` while it answers', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'doctor-'));
    fs.writeFileSync(path.join(dir, 'thutin.json'), '{}');
    const d = await thutin(dir, ['doctor'], { env: loopbackEnv({ THUTIN_RSPAMD_URL: rspamd.url }) });
    expect(d.stdout).toMatch(new RegExp(`^✓ rspamd: trả lời tại / answers at ${rspamd.url.replace(/[.]/g, '\\.')}; .*mail is checked for spam`, 'm'));
  });

  it('with rspamd stopped: accepts with X-Spam: unchecked, or tempfails, as configured; a move waits and is learnt when it is back; doctor says so', async () => {
    await rspamd.stop();
    try {
      const o = await swaks([chi], mail('vanthu@gialai.example', chi, 'Khong kiem tra', 'Thư khi bộ lọc vắng mặt.'));
      expect(o.out).toMatch(/<- {2}250 /);
      const [m] = (await folder(chi, 'INBOX')).filter((x) => x.includes('Subject: Khong kiem tra'));
      expect(field(m, 'X-Spam')).toEqual(['X-Spam: unchecked']);
      expect(field(m, 'X-Spam-Status')).toBeNull();

      r.app.config.hygiene.spam.unreachable = 'tempfail';
      const t = await swaks([chi], mail('vanthu@gialai.example', chi, 'Tam hoan', 'Thư bị hoãn.'));
      expect(t.out).toMatch(/<\*\* 451 4\.3\.0 .*The spam filter is not answering/);
      expect((await folder(chi, 'INBOX')).filter((x) => x.includes('Subject: Tam hoan'))).toHaveLength(0);

      // A move into Junk while rspamd is away: kept in the queue.
      const chiId = (await r.app.accounts.resolveRecipient(chi))!.id;
      const inbox = await r.app.store.getMailbox(chiId, 'INBOX');
      const junk = await r.app.store.getMailbox(chiId, 'Junk');
      const msgs = await r.app.store.listMessages(inbox!.id);
      await r.app.store.move(inbox!.id, [msgs[msgs.length - 1].uid], junk!.id);
      expect(await r.app.spamLearner.pending()).toBe(1);

      // doctor on this server's own data directory: it also counts the move waiting to be learnt.
      const dir = r.dataDir;
      fs.writeFileSync(path.join(dir, 'thutin.json'), JSON.stringify(backend === 'postgres' ? { database: r.app.config.database } : {}));
      const env = loopbackEnv({ THUTIN_RSPAMD_URL: rspamd.url });
      const accept = await thutin(dir, ['doctor'], { env });
      expect(accept.stdout).toMatch(
        /^✓ rspamd: không trả lời \/ not answering at .*mail is accepted UNCHECKED for spam \(X-Spam: unchecked\); 1 thư chờ dạy rspamd \/ messages waiting to be learnt$/m,
      );
      const temp = await thutin(dir, ['doctor'], { env: { ...env, THUTIN_RSPAMD_UNREACHABLE: 'tempfail' } });
      expect(temp.stdout).toMatch(/^✗ rspamd: không trả lời \/ not answering .*mail is deferred \(451\)/m);
      expect(temp.code).toBe(1);
    } finally {
      r.app.config.hygiene.spam.unreachable = 'accept';
      await rspamd.start();
    }
    await until(async () => (await r.app.spamLearner.pending()) === 0, 'the waiting move to be learnt');
    const learnt = (await r.app.audit.list(10, { action: 'spam.learn', target: chi })).map((e) => JSON.parse(e.details) as { kind: string; result: string });
    expect(learnt).toEqual([{ kind: 'spam', mailboxId: expect.any(Number), uid: expect.any(Number), result: 'learned' }]);
  });

  it('edits the lists with `thutin spam allow|block|list|remove`', async () => {
    const dir = r.dataDir;
    fs.writeFileSync(path.join(dir, 'thutin.json'), JSON.stringify(backend === 'postgres' ? { database: r.app.config.database } : {}));
    const env = loopbackEnv();
    expect((await thutin(dir, ['spam', 'allow', an, 'Doitac.Example'], { env })).stdout).toContain('doitac.example');
    expect((await thutin(dir, ['spam', 'block', an, 'rac@quangcao.example'], { env })).code).toBe(0);
    const list = JSON.parse((await thutin(dir, ['spam', 'list', an, '--json'], { env })).stdout) as Array<{ kind: string; entry: string }>;
    expect(list.map((e) => `${e.kind} ${e.entry}`)).toEqual(['allow doitac.example', 'block rac@quangcao.example']);
    expect((await thutin(dir, ['spam', 'remove', an, 'doitac.example'], { env })).code).toBe(0);
    const bad = await thutin(dir, ['spam', 'allow', an, 'not an entry'], { env });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('mail address or a domain');
    const anId = (await r.app.accounts.resolveRecipient(an))!.id;
    expect((await r.app.spamLists.list(anId)).map((e) => e.entry)).toEqual(['rac@quangcao.example']);
  });
});
