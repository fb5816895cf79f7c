// Viruses at SMTP with a real clamd (Debian's clamav-daemon started by this file with its own
// signature database: EICAR and a signature of our own). EICAR in a zip attachment is refused
// from outside (swaks) and on submission (Python's smtplib with STARTTLS + AUTH) with 554 5.7.1
// naming the virus, and kept in the quarantine, never in a folder or the outbound queue; our own
// signature is caught too; a clean message is delivered marked `X-Virus-Scan: clean` (a forged
// field from the client dropped). With clamd stopped the configured policy applies — accepted
// with `X-Virus-Scan: unchecked`, or 451 4.7.1 — and `thutin doctor` says so.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/harness.ts';
import { startTestServers, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { missingTool } from '../helpers/tools.ts';
import { loopbackEnv, thutin } from '../helpers/cli.ts';
import { startClamd, removeClamdDir, mailWithAttachment, zipOf, EICAR, EICAR_NAME, OWN_PAYLOAD, OWN_NAME, type Clamd } from '../helpers/clamd.ts';

const skip = missingTool('/usr/sbin/clamd', 'viruses at SMTP (clamd)') || missingTool('swaks', 'viruses at SMTP (swaks)') || missingTool('python3', 'viruses at SMTP (smtplib)');

/** Run a command; its output whatever its exit code. */
function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }));
  });
}

describe.skipIf(skip).each(backends())('viruses at SMTP with clamd (%s)', { timeout: 120_000 }, (backend) => {
  let clamd: Clamd;
  let r: Running;
  let an: string;
  let binh: string;
  let tmp: string;

  beforeAll(async () => {
    clamd = await startClamd();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-virus-'));
    r = await startTestServers({ backend, config: { hygiene: { virus: { enabled: true, socket: '', host: '127.0.0.1', port: clamd.port, quarantine: true } } } });
    an = await r.user('annv');
    binh = await r.user('binhlt');
  });
  afterAll(async () => {
    await r?.stop();
    await clamd?.stop();
    if (clamd) removeClamdDir(clamd);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** swaks to the MX with a whole message from a file. */
  async function swaksInbound(to: string, message: Buffer): Promise<{ code: number; out: string }> {
    const file = path.join(tmp, `m${Math.random().toString(36).slice(2)}.eml`);
    fs.writeFileSync(file, message);
    return run('swaks', ['--server', `127.0.0.1:${r.servers.ports.smtp}`, '--from', 'vanthu@gialai.example', '--to', to, '--data', `@${file}`]);
  }

  /** Python's smtplib on submission (STARTTLS, AUTH PLAIN): "250" or the refusal's code and text. */
  async function smtplibSubmit(from: string, to: string[], message: Buffer): Promise<string> {
    const file = path.join(tmp, `s${Math.random().toString(36).slice(2)}.eml`);
    fs.writeFileSync(file, message);
    const py = [
      'import smtplib, ssl, sys',
      'ctx = ssl._create_unverified_context()',
      `s = smtplib.SMTP("127.0.0.1", ${r.servers.ports.submission}, timeout=20)`,
      's.starttls(context=ctx)',
      `s.login(${JSON.stringify(from)}, ${JSON.stringify(TEST_PASSWORD)})`,
      `data = open(${JSON.stringify(file)}, "rb").read()`,
      'try:',
      `    s.sendmail(${JSON.stringify(from)}, ${JSON.stringify(to)}, data)`,
      '    print("250")',
      'except smtplib.SMTPDataError as e:',
      '    print(e.smtp_code, e.smtp_error.decode())',
      's.quit()',
    ].join('\n');
    const o = await run('python3', ['-c', py]);
    return o.out.trim();
  }

  async function inbox(address: string): Promise<string[]> {
    const acct = await r.app.accounts.resolveRecipient(address);
    const mb = await r.app.store.getMailbox(acct!.id, 'INBOX');
    const out: string[] = [];
    for (const m of await r.app.store.listMessages(mb!.id)) out.push((await r.app.store.readMessage(m)).toString('utf8'));
    return out;
  }

  const eicarMail = (from: string, to: string, subject: string) => mailWithAttachment({ from, to, subject, filename: 'baocao.zip', type: 'application/zip', data: zipOf('baocao.com', EICAR) });

  it('refuses EICAR in a zip attachment from outside with 554 5.7.1 naming the virus, and keeps it in the quarantine only', async () => {
    const before = (await r.app.quarantine.list()).length;
    const o = await swaksInbound(an, eicarMail('vanthu@gialai.example', an, 'Bao cao co tep zip'));
    expect(o.out).toMatch(new RegExp(`<\\*\\* 554 5\\.7\\.1 .*vi-rút ${EICAR_NAME}.*Message contains a virus \\(${EICAR_NAME}.*kept in quarantine for the administrators`));
    expect(await inbox(an)).toEqual([]);
    const kept = await r.app.quarantine.list();
    expect(kept.length).toBe(before + 1);
    expect(kept[0]).toMatchObject({ listener: 'inbound', sender: 'vanthu@gialai.example', recipients: [an], virus: `${EICAR_NAME}.UNOFFICIAL`, subject: 'Bao cao co tep zip', accountId: null });
    expect(await r.app.blobs.exists(kept[0].sha256)).toBe(true);
  });

  it('catches our own signature (an .hdb hash) in an attachment', async () => {
    const m = mailWithAttachment({ from: 'x@gialai.example', to: an, subject: 'Tep rieng', filename: 'tep.bin', type: 'application/octet-stream', data: OWN_PAYLOAD });
    const o = await swaksInbound(an, m);
    expect(o.out).toMatch(new RegExp(`<\\*\\* 554 5\\.7\\.1 .*${OWN_NAME.replace(/\./g, '\\.')}`));
    expect(await inbox(an)).toEqual([]);
  });

  it('refuses EICAR on submission (smtplib with AUTH): the sender is told, nothing is queued or delivered', async () => {
    const answer = await smtplibSubmit(binh, ['someone@remote.example', an], eicarMail(binh, 'someone@remote.example', 'Gui ra ngoai'));
    expect(answer).toMatch(new RegExp(`^554 5\\.7\\.1 .*${EICAR_NAME}.*Message contains a virus`));
    expect(await r.app.queue.list()).toEqual([]);
    expect(await inbox(an)).toEqual([]);
    const [kept] = await r.app.quarantine.list();
    const binhId = (await r.app.accounts.resolveRecipient(binh))!.id;
    expect(kept).toMatchObject({ listener: 'submission', sender: binh, recipients: ['someone@remote.example', an], accountId: binhId });
  });

  it('delivers a clean message marked X-Virus-Scan: clean, inbound and submitted; a forged field is dropped', async () => {
    const clean = mailWithAttachment({
      from: 'x@gialai.example',
      to: an,
      subject: 'Sach se',
      filename: 'baocao.zip',
      type: 'application/zip',
      data: zipOf('baocao.txt', Buffer.from('Báo cáo tháng 11\n')),
      extraHeaders: ['X-Virus-Scan: clean (forged by the sender)'],
    });
    const o = await swaksInbound(an, clean);
    expect(o.out).toMatch(/<- {2}250 /);
    expect(await smtplibSubmit(binh, [an], mailWithAttachment({ from: binh, to: an, subject: 'Noi bo sach', filename: 'a.txt', type: 'text/plain', data: Buffer.from('ok') }))).toBe('250');
    const got = await inbox(an);
    expect(got.length).toBe(2);
    for (const m of got) {
      expect(m.match(/^X-Virus-Scan:.*$/gim)).toEqual(['X-Virus-Scan: clean']);
    }
  });

  it('reports clamd in `thutin doctor` while it answers', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'doctor-'));
    fs.writeFileSync(path.join(dir, 'thutin.json'), '{}');
    const env = loopbackEnv({ THUTIN_CLAMD_SOCKET: path.join(dir, 'none.sock'), THUTIN_CLAMD_HOST: '127.0.0.1', THUTIN_CLAMD_PORT: String(clamd.port) });
    const d = await thutin(dir, ['doctor'], { env });
    expect(d.stdout).toMatch(new RegExp(`^✓ clamd: ClamAV \\d+\\.\\d+.* answers at tcp:127\\.0\\.0\\.1:${clamd.port}; .*mail is scanned`, 'm'));
  });

  it('with clamd stopped: accepts with X-Virus-Scan: unchecked, or tempfails, as configured; doctor says so', async () => {
    await clamd.stop();
    try {
      const o = await swaksInbound(binh, mailWithAttachment({ from: 'x@gialai.example', to: binh, subject: 'Khong quet', filename: 'a.txt', type: 'text/plain', data: Buffer.from('ok') }));
      expect(o.out).toMatch(/<- {2}250 /);
      const [m] = await inbox(binh);
      expect(m.match(/^X-Virus-Scan:.*$/gim)).toEqual(['X-Virus-Scan: unchecked']);

      r.app.config.hygiene.virus.unreachable = 'tempfail';
      const t = await swaksInbound(binh, eicarMail('x@gialai.example', binh, 'Tam hoan'));
      expect(t.out).toMatch(/<\*\* 451 4\.7\.1 .*Virus scanner unavailable/);
      expect(await inbox(binh)).toHaveLength(1);

      const dir = fs.mkdtempSync(path.join(tmp, 'doctor-'));
      fs.writeFileSync(path.join(dir, 'thutin.json'), '{}');
      const env = loopbackEnv({ THUTIN_CLAMD_SOCKET: path.join(dir, 'none.sock'), THUTIN_CLAMD_HOST: '127.0.0.1', THUTIN_CLAMD_PORT: String(clamd.port) });
      const accept = await thutin(dir, ['doctor'], { env });
      expect(accept.stdout).toMatch(/^✓ clamd: không trả lời \/ not answering at unix:.*none\.sock, tcp:127\.0\.0\.1:\d+ .*mail is accepted UNSCANNED/m);
      fs.writeFileSync(path.join(dir, 'thutin.json'), JSON.stringify({ hygiene: { virus: { unreachable: 'tempfail' } } }));
      const temp = await thutin(dir, ['doctor'], { env });
      expect(temp.stdout).toMatch(/^✗ clamd: không trả lời \/ not answering .*mail is deferred \(451\)/m);
      expect(temp.code).toBe(1);
    } finally {
      r.app.config.hygiene.virus.unreachable = 'accept';
      await clamd.start();
    }
  });
});

describe.skipIf(missingTool('swaks', 'virus stage deadline (swaks)'))('virus stage: a clamd that never answers', { timeout: 60_000 }, () => {
  let r: Running;
  let mute: net.Server;
  const held: net.Socket[] = [];
  let tmp: string;
  beforeAll(async () => {
    mute = net.createServer((sock) => {
      held.push(sock); // accepts, reads, never answers
      sock.on('error', () => {});
    });
    await new Promise<void>((res) => mute.listen(0, '127.0.0.1', res));
    const port = (mute.address() as net.AddressInfo).port;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-virus-mute-'));
    // hygiene.virus.timeoutMs far past the stage's own deadline: clamd's is cut to 80 % of it.
    r = await startTestServers({ config: { smtp: { stageTimeoutMs: 1500 }, hygiene: { virus: { enabled: true, socket: '', host: '127.0.0.1', port, timeoutMs: 60_000 } } } });
  });
  afterAll(async () => {
    await r?.stop();
    for (const s of held) s.destroy();
    await new Promise((res) => mute?.close(res));
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('meets the unreachable policy (accepted, X-Virus-Scan: unchecked) before the stage deadline, not the generic 451', async () => {
    const an = await r.user('annv');
    const file = path.join(tmp, 'm.eml');
    fs.writeFileSync(file, mailWithAttachment({ from: 'x@gialai.example', to: an, subject: 'Cham', filename: 'a.txt', type: 'text/plain', data: Buffer.from('ok') }));
    const o = await run('swaks', ['--server', `127.0.0.1:${r.servers.ports.smtp}`, '--from', 'x@gialai.example', '--to', an, '--data', `@${file}`]);
    expect(o.out).toMatch(/<- {2}250 /);
    const acct = await r.app.accounts.resolveRecipient(an);
    const mb = await r.app.store.getMailbox(acct!.id, 'INBOX');
    const [m] = await r.app.store.listMessages(mb!.id);
    expect((await r.app.store.readMessage(m)).toString('utf8')).toMatch(/^X-Virus-Scan: unchecked\r\n/);
  });
});
