// `thutin doctor` as an administrator runs it (bin/thutin.js): it says whether the configured DNS
// servers answer (a loopback DNS server, answering and then silent), and it checks the store
// through the App without writing anything into the mail store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDnsServer, type TestDnsServer } from '../../test/helpers/dns-server.ts';

const BIN = path.resolve(import.meta.dirname, '../../bin/thutin.js');

function thutin(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, '--data', dir, ...args], { timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin!.end();
  });
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('thutin doctor', { timeout: 120000 }, () => {
  let dir: string;
  let dns: TestDnsServer;
  beforeAll(async () => {
    dns = await startDnsServer({ 'kontum.gov.vn': { MX: [{ exchange: 'mail.kontum.gov.vn', priority: 10 }] } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-doctor-'));
    // Free ports only matter for the port lines; the DNS line is what this test reads.
    fs.writeFileSync(path.join(dir, 'thutin.json'), JSON.stringify({ hostname: 'mail.kontum.gov.vn', dns: { servers: [dns.address] } }));
    expect((await thutin(dir, ['init'])).code).toBe(0);
  });
  afterAll(async () => {
    await dns.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('says the DNS servers answer, and checks the store without writing into it', async () => {
    const before = filesUnder(path.join(dir, 'blobs'));
    const r = await thutin(dir, ['doctor']);
    expect(r.stdout).toMatch(/^✓ store: sqlite, cơ sở dữ liệu trả lời \/ database answers$/m);
    expect(r.stdout).toMatch(new RegExp(`^✓ dns: 127\\.0\\.0\\.1:${dns.port} trả lời / answers: MX kontum\\.gov\\.vn → mail\\.kontum\\.gov\\.vn`, 'm'));
    expect(dns.queries).toContain('MX kontum.gov.vn');
    expect(filesUnder(path.join(dir, 'blobs'))).toEqual(before);
  });

  it('reports DNS servers that do not answer, and fails', async () => {
    dns.setFailure('drop');
    try {
      const r = await thutin(dir, ['doctor']);
      expect(r.stdout).toMatch(/^✗ dns: .* không trả lời \/ does not answer \(MX kontum\.gov\.vn: ETIMEOUT/m);
      expect(r.code).not.toBe(0);
    } finally {
      dns.setFailure(null);
    }
  });
});
