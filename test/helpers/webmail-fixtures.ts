// Owns: what the webmail tests put in mailboxes: an HTML message with a remote tracking image and
// attachments (a PNG, a PDF), built as raw RFC 5322 and appended over IMAP (imapflow).
import { imapClient, TEST_PASSWORD, type Running } from './servers.ts';

/** A 1×1 red PNG. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
export const PDF = Buffer.from(
  '%PDF-1.1\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
/** A host that must never be asked for anything until the reader allows remote images (TEST-NET-2). */
export const TRACKER = 'http://198.51.100.7/pixel.gif';

const b64 = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s) : s).toString('base64');
const word = (s: string) => `=?UTF-8?B?${b64(s)}?=`;

export function htmlMessage(opts: {
  from: string;
  fromName: string;
  to: string;
  subject: string;
  html: string;
  attachments?: Array<{ name: string; type: string; data: Buffer }>;
  date?: string;
}): Buffer {
  const boundary = 'b_thutin_test';
  const parts = [
    `--${boundary}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64(opts.html),
    ...(opts.attachments ?? []).flatMap((a) => [
      `--${boundary}`,
      `Content-Type: ${a.type}; name="${a.name}"`,
      `Content-Disposition: attachment; filename="${a.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      b64(a.data),
    ]),
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(
    [
      `From: ${word(opts.fromName)} <${opts.from}>`,
      `To: <${opts.to}>`,
      `Subject: ${word(opts.subject)}`,
      `Date: ${opts.date ?? 'Mon, 07 Dec 2026 08:30:00 +0700'}`,
      `Message-ID: <${Math.random().toString(36).slice(2)}@kontum.gov.vn>`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      ...parts,
    ].join('\r\n'),
  );
}

export async function appendTo(r: Running, user: string, messages: Buffer[], folder = 'INBOX'): Promise<void> {
  const c = imapClient(r, user, TEST_PASSWORD);
  await c.connect();
  try {
    for (const m of messages) await c.append(folder, m);
  } finally {
    await c.logout();
  }
}
