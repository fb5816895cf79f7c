// POP3 end to end with Python's poplib, on SQLite and PostgreSQL: before STLS only STLS is offered
// and USER is refused [AUTH] (loopback included); after STLS and on the TLS port USER/PASS and AUTH
// PLAIN work; STAT/LIST/UIDL/TOP/RETR answer INBOX as it was at sign-in, RETR byte for byte what
// IMAP's BODY[] gives (dot-stuffing undone by the client, a 300 KB message streamed); UIDL is
// UID + UIDVALIDITY in hex and stable; DELE then QUIT expunges — a selected imapflow session is
// told EXPUNGE — and marks retrieved messages \Seen; a dropped connection (no QUIT) changes nothing;
// a second session of the same account gets [IN-USE] until the first ends.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { startTestServers, imapClient, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { backends } from '../helpers/harness.ts';
import type { ImapFlow } from 'imapflow';

/** Run a Python script (given on stdin) with arguments; its stdout parsed as JSON. */
function python(script: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-', ...args], { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as Record<string, unknown>);
    });
    child.stdin!.end(script);
  });
}

const PRELUDE = `
import poplib, ssl, sys, json, base64, socket
host, port, tlsport, user, pw = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
out = {}
def err(f):
    try:
        return 'ok ' + str(f())
    except poplib.error_proto as e:
        return e.args[0].decode()
def body(lines):
    return base64.b64encode(b'\\r\\n'.join(lines) + b'\\r\\n').decode()
`;

const SESSION = `${PRELUDE}
p = poplib.POP3(host, port, timeout=20)
out['greeting'] = p.getwelcome().decode()
out['capa_plain'] = sorted(p.capa().keys())
out['user_plain'] = err(lambda: p.user(user))
p.stls(context=ctx)
out['capa_tls'] = sorted(p.capa().keys())
out['user'] = p.user(user).decode()
out['pass'] = p.pass_(pw).decode()
out['capa_signed_in'] = sorted(p.capa().keys())
out['stat'] = list(p.stat())
out['list'] = [l.decode() for l in p.list()[1]]
out['uidl'] = [l.decode() for l in p.uidl()[1]]
out['uidl_2'] = p.uidl(2).decode()
out['top_1_0'] = body(p.top(1, 0)[1])
out['top_3_2'] = body(p.top(3, 2)[1])
out['retr'] = [body(p.retr(i)[1]) for i in (1, 2, 3)]
out['dele'] = p.dele(1).decode()
out['retr_deleted'] = err(lambda: p.retr(1))
out['list_deleted'] = err(lambda: p.list(1))
out['stat_after_dele'] = list(p.stat())
out['retr_none'] = err(lambda: p.retr(9))
out['noop'] = p.noop().decode()
out['quit'] = p.quit().decode()
print(json.dumps(out))
`;

const DROPPED = `${PRELUDE}
p = poplib.POP3_SSL(host, tlsport, context=ctx, timeout=20)
p.user(user); p.pass_(pw)
out['dele'] = [p.dele(i).decode() for i in range(1, p.stat()[0] + 1)]
p.sock.shutdown(socket.SHUT_RDWR); p.sock.close()  # no QUIT
print(json.dumps(out))
`;

const IN_USE = `${PRELUDE}
a = poplib.POP3_SSL(host, tlsport, context=ctx, timeout=20)
plain = base64.b64encode(b'\\0' + user.encode() + b'\\0' + pw.encode()).decode()
out['auth_a'] = a._shortcmd('AUTH PLAIN ' + plain).decode()
b = poplib.POP3_SSL(host, tlsport, context=ctx, timeout=20)
b.user(user)
out['pass_b'] = err(lambda: b.pass_(pw))
out['auth_b'] = err(lambda: b._shortcmd('AUTH PLAIN ' + plain))
out['quit_a'] = a.quit().decode()
b.user(user)
out['pass_b_after'] = b.pass_(pw).decode()
b.quit()
c = poplib.POP3_SSL(host, tlsport, context=ctx, timeout=20)
out['wrong'] = err(lambda: (c.user(user), c.pass_('sai-mat-khau'))[1])
out['auth_list'] = c._longcmd('AUTH')[1][0].decode() if True else ''
c.quit()
print(json.dumps(out))
`;

function message(i: number, body: string): Buffer {
  return Buffer.from(
    [
      `From: Trần Thị Hương <huongdt@kontum.gov.vn>`,
      `To: annv@kontum.gov.vn`,
      `Subject: Thư số ${i}`,
      `Message-ID: <m${i}@kontum.gov.vn>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      body,
    ].join('\r\n'),
  );
}

for (const backend of backends()) {
  describe(`POP3 with Python poplib (${backend})`, { timeout: 120_000 }, () => {
    let r: Running;
    let an: string;
    let imap: ImapFlow;
    const sent: Buffer[] = [];
    let uidvalidity = 0;
    beforeAll(async () => {
      r = await startTestServers({ backend });
      an = await r.user('annv');
      const big = Array.from({ length: 5000 }, (_, i) => `${i % 7 === 0 ? '.' : ''}Dòng ${i} của báo cáo tổng hợp năm 2026 — Sở Nội vụ tỉnh Kon Tum`).join('\r\n');
      sent.push(message(1, '.Dòng đầu bắt đầu bằng dấu chấm\r\n..hai chấm\r\n.\r\nHết.\r\n'));
      sent.push(message(2, 'Kính gửi đồng chí,\r\nĐề nghị gửi báo cáo trước ngày 30/11.\r\n'));
      sent.push(message(3, `${big}\r\n`));
      imap = imapClient(r, an);
      await imap.connect();
      for (const m of sent) await imap.append('INBOX', m);
      const mb = await imap.mailboxOpen('INBOX');
      uidvalidity = Number(mb.uidValidity);
    });
    afterAll(async () => {
      await imap?.logout().catch(() => {});
      await r?.stop();
    });

    const args = () => ['127.0.0.1', String(r.servers.ports.pop3), String(r.servers.ports.pop3s), an, TEST_PASSWORD];
    const b64 = (s: unknown) => Buffer.from(s as string, 'base64');

    it('a second session gets [IN-USE] until the first QUITs; AUTH PLAIN; a wrong password is [AUTH]', async () => {
      const out = await python(IN_USE, args());
      expect(out.auth_a).toMatch(/^\+OK .*3 messages/);
      expect(out.pass_b).toMatch(/^-ERR \[IN-USE\] .* \/ maildrop already locked/);
      expect(out.auth_b).toMatch(/^-ERR \[IN-USE\]/);
      expect(out.quit_a).toMatch(/^\+OK/);
      expect(out.pass_b_after).toMatch(/^\+OK/);
      expect(out.wrong).toBe('-ERR [AUTH] Sai tên đăng nhập hoặc mật khẩu / authentication failed');
      expect(out.auth_list).toBe('PLAIN');
    });

    it('a dropped connection (no QUIT) deletes nothing and frees the maildrop', async () => {
      const out = await python(DROPPED, args());
      expect(out.dele).toHaveLength(3);
      // The lock goes with the connection: the next session signs in at once.
      const again = await python(
        `${PRELUDE}\np = poplib.POP3_SSL(host, tlsport, context=ctx, timeout=20)\np.user(user); p.pass_(pw)\nout['stat'] = list(p.stat()); p.quit()\nprint(json.dumps(out))\n`,
        args(),
      );
      expect((again.stat as number[])[0]).toBe(3);
      const st = await imap.status('INBOX', { messages: true });
      expect(st && st.messages).toBe(3);
    });

    it('STLS, then a whole session: listings, TOP, RETR byte-exact, DELE + QUIT seen by IMAP as EXPUNGE, RETR marks \\Seen', async () => {
      const expunged: number[] = [];
      imap.on('expunge', (e: { seq: number }) => expunged.push(e.seq));
      await imap.mailboxOpen('INBOX');
      const viaImap: Buffer[] = []; // what IMAP serves as BODY[] (read before the POP3 session expunges)
      for await (const m of imap.fetch('1:*', { source: true })) viaImap.push(m.source!);
      expect(viaImap).toHaveLength(3);
      const out = await python(SESSION, args());
      expect(out.greeting).toMatch(/^\+OK thutin POP3/);
      expect(out.capa_plain).toEqual(expect.arrayContaining(['STLS', 'TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'IMPLEMENTATION']));
      expect(out.capa_plain).not.toContain('USER');
      expect(out.capa_plain).not.toContain('SASL');
      expect(out.user_plain).toMatch(/^-ERR \[AUTH\] .*STLS/);
      expect(out.capa_tls).toEqual(expect.arrayContaining(['USER', 'SASL', 'TOP', 'UIDL']));
      expect(out.capa_tls).not.toContain('STLS');
      expect(out.capa_signed_in).not.toContain('USER');
      expect(out.pass).toMatch(/^\+OK .*maildrop has 3 messages/);
      const sizes = sent.map((m) => m.length);
      expect(out.stat).toEqual([3, sizes[0] + sizes[1] + sizes[2]]);
      expect(out.list).toEqual(sizes.map((s, i) => `${i + 1} ${s}`));
      const hex8 = (n: number) => n.toString(16).toUpperCase().padStart(8, '0');
      expect(out.uidl).toEqual([1, 2, 3].map((uid) => `${uid} ${hex8(uid)}${hex8(uidvalidity)}`));
      expect(out.uidl_2).toBe(`+OK 2 ${hex8(2)}${hex8(uidvalidity)}`);
      const header = (m: Buffer) => m.subarray(0, m.indexOf('\r\n\r\n') + 4);
      expect(b64(out.top_1_0).toString()).toBe(header(sent[0]).toString());
      const lines3 = sent[2].toString().split('\r\n\r\n')[1].split('\r\n');
      expect(b64(out.top_3_2).toString()).toBe(`${header(sent[2])}${lines3[0]}\r\n${lines3[1]}\r\n`);
      // RETR byte for byte what IMAP serves as BODY[].
      for (let i = 0; i < 3; i++) {
        expect(b64((out.retr as string[])[i]).toString('latin1')).toBe(viaImap[i].toString('latin1'));
        expect(b64((out.retr as string[])[i]).equals(sent[i])).toBe(true);
      }
      expect(out.dele).toMatch(/^\+OK/);
      expect(out.retr_deleted).toMatch(/^-ERR .*already deleted/);
      expect(out.list_deleted).toMatch(/^-ERR .*already deleted/);
      expect(out.stat_after_dele).toEqual([2, sizes[1] + sizes[2]]);
      expect(out.retr_none).toMatch(/^-ERR .*no such message/);
      expect(out.quit).toMatch(/^\+OK .*2 messages left/);
      await imap.noop();
      expect(expunged).toEqual([1]);
      const left = [];
      for await (const m of imap.fetch('1:*', { uid: true, flags: true })) left.push({ uid: m.uid, seen: m.flags?.has('\\Seen') });
      expect(left).toEqual([
        { uid: 2, seen: true },
        { uid: 3, seen: true },
      ]);
    });
  });
}
