// Starts the real front ends of a test app on loopback ports and gives clients what they need.
import { startServers, type RunningServers } from '../../src/server.ts';
import { createTestApp, TEST_PASSWORD, type Backend, type TestApp } from './harness.ts';
import type { ConfigInput } from '../../src/config/config.ts';
import { ImapFlow } from 'imapflow';

export interface Running extends TestApp {
  servers: RunningServers;
  /** Create an account and return its address. */
  user(local: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startTestServers(opts: { backend?: Backend; config?: ConfigInput } = {}): Promise<Running> {
  const t = await createTestApp(opts);
  const servers = await startServers(t.app, t.tls);
  return {
    ...t,
    servers,
    async user(local: string) {
      const addr = `${local}@kontum.gov.vn`;
      await t.app.accounts.create(addr, TEST_PASSWORD, 'test');
      return addr;
    },
    async stop() {
      await servers.close();
      await t.cleanup();
    },
  };
}

/** A small RFC 5322 message in Vietnamese (UTF-8, quoted-printable body). */
export function vietnameseMessage(opts: { from: string; to: string; subject?: string; body?: string; messageId?: string }): Buffer {
  const subject = opts.subject ?? 'Báo cáo tháng 11 của Sở Nội vụ';
  const body = opts.body ?? 'Kính gửi đồng chí Nguyễn Văn An,\r\nĐề nghị Đặng Thị Hương gửi báo cáo trước ngày 30/11.\r\n';
  const encSubject = `=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`;
  return Buffer.from(
    [
      `From: =?UTF-8?B?${Buffer.from('Trần Thị Thu Hương').toString('base64')}?= <${opts.from}>`,
      `To: <${opts.to}>`,
      `Subject: ${encSubject}`,
      `Date: Sat, 28 Nov 2026 09:15:00 +0700`,
      `Message-ID: ${opts.messageId ?? `<${Math.random().toString(36).slice(2)}@kontum.gov.vn>`}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      body,
    ].join('\r\n'),
  );
}

export { TEST_PASSWORD };

/** An imapflow client for a test server, over implicit TLS (the certificate is self-signed). */
export function imapClient(r: Running, user: string, pass = TEST_PASSWORD): ImapFlow {
  return new ImapFlow({ host: '127.0.0.1', port: r.servers.ports.imaps, secure: true, tls: { rejectUnauthorized: false }, auth: { user, pass }, logger: false });
}
