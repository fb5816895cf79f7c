// IMAP end to end with mbsync (isync): a full two-way sync of every folder into a local
// Maildir over implicit TLS, then a flag set locally pushed back to the server.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import path from 'node:path';
import { startTestServers, vietnameseMessage, TEST_PASSWORD, type Running } from '../helpers/servers.ts';
import { tlsPaths } from '../../src/config/tls.ts';
import { SEEN, FLAGGED } from '../../src/core/flags.ts';
import { missingTool } from '../helpers/tools.ts';

const run = promisify(execFile);

describe.skipIf(missingTool('mbsync', 'IMAP with mbsync'))('IMAP with mbsync', () => {
  let r: Running;
  let an: string;
  beforeAll(async () => {
    r = await startTestServers();
    an = await r.user('annv');
  });
  afterAll(async () => {
    await r?.stop();
  });

  it('syncs every folder to a Maildir and pushes local flag changes back', async () => {
    const acct = (await r.app.accounts.byAddress(an))!;
    for (let i = 0; i < 5; i++) {
      const c = await r.app.store.ingest([vietnameseMessage({ from: 'binhlt@kontum.gov.vn', to: an, subject: `Công văn số ${i}` })]);
      await r.app.store.deliver(c, [{ accountId: acct.id, mailbox: i < 3 ? 'INBOX' : 'Archive' }]);
    }
    const dir = path.join(r.dataDir, 'maildir');
    fs.mkdirSync(dir);
    const rc = path.join(r.dataDir, 'mbsyncrc');
    fs.writeFileSync(
      rc,
      [
        'IMAPAccount thutin',
        'Host 127.0.0.1',
        `Port ${r.servers.ports.imaps}`,
        `User ${an}`,
        `Pass "${TEST_PASSWORD}"`,
        'SSLType IMAPS',
        `CertificateFile ${tlsPaths(r.app.config).cert}`,
        '',
        'IMAPStore remote',
        'Account thutin',
        '',
        'MaildirStore local',
        `Path ${dir}/`,
        `Inbox ${dir}/INBOX`,
        'SubFolders Verbatim',
        '',
        'Channel all',
        'Far :remote:',
        'Near :local:',
        'Patterns *',
        'Create Both',
        'SyncState *',
        'Sync All',
        '',
      ].join('\n'),
    );
    await run('mbsync', ['-c', rc, '-a'], { timeout: 30000 });
    const count = (box: string) => fs.readdirSync(path.join(dir, box, 'cur')).length + fs.readdirSync(path.join(dir, box, 'new')).length;
    expect(count('INBOX')).toBe(3);
    expect(count('Archive')).toBe(2);
    expect(fs.existsSync(path.join(dir, 'Trash'))).toBe(true);
    // Mark one INBOX message seen and flagged locally (Maildir info ":2,FS"), sync back.
    const curDir = path.join(dir, 'INBOX', 'cur');
    const newDir = path.join(dir, 'INBOX', 'new');
    const files = [...fs.readdirSync(newDir).map((f) => path.join(newDir, f)), ...fs.readdirSync(curDir).map((f) => path.join(curDir, f))].sort();
    const first = files[0];
    const base = path.basename(first).split(':2,')[0];
    fs.renameSync(first, path.join(curDir, `${base}:2,FS`));
    await run('mbsync', ['-c', rc, '-a'], { timeout: 30000 });
    const inbox = (await r.app.store.getMailbox(acct.id, 'INBOX'))!;
    const msgs = await r.app.store.listMessages(inbox.id);
    expect(msgs.filter((m) => m.flags & SEEN && m.flags & FLAGGED)).toHaveLength(1);
  });
});
