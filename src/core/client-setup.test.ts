// Owns: the proof of the client-setup builder (issue 13): which addresses get an answer, the ports
// and TLS each client is told, the login on an alias domain, the LDAP base DN being the one the
// LDAP server publishes, and name-based UUIDs (RFC 9562 version 5, checked against Python's uuid).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { baseDnOf } from '../ldap/directory-tree.ts';
import { missingTool } from '../../test/helpers/tools.ts';
import { DomainMap } from './domains.ts';
import { addressBookBaseDn, clientSetupFor, parseAddress, uuidV5 } from './client-setup.ts';

describe('client setup', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-client-setup-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cfg = loadConfig(
    dir,
    {
      hostname: 'mail.kontum.gov.vn.',
      domains: { primary: 'kontum.gov.vn', local: ['snv.kontum.gov.vn'], aliases: { 'kontum.vn': 'kontum.gov.vn' } },
      imap: { port: 143, tlsPort: 993 },
      pop3: { port: 110, tlsPort: 995 },
      smtp: { submissionPort: 587, submissionTlsPort: 465 },
      ldap: { tlsPort: 636 },
    },
    {},
  );
  const domains = DomainMap.fromConfig(cfg);

  it('tells the TLS listeners, the host without its dot, the login and the address book', () => {
    const s = clientSetupFor(cfg, domains, 'AnNV@KonTum.gov.vn')!;
    expect(s).toMatchObject({
      address: 'AnNV@kontum.gov.vn',
      login: 'AnNV@kontum.gov.vn',
      domain: 'kontum.gov.vn',
      host: 'mail.kontum.gov.vn',
      reverseHost: 'vn.gov.kontum.mail',
      imap: { host: 'mail.kontum.gov.vn', port: 993, socket: 'SSL' },
      imapStartTls: { port: 143, socket: 'STARTTLS' },
      pop3: { port: 995, socket: 'SSL' },
      pop3StartTls: { port: 110, socket: 'STARTTLS' },
      smtp: { port: 465, socket: 'SSL' },
      smtpStartTls: { port: 587, socket: 'STARTTLS' },
      ldap: { port: 636, socket: 'SSL', baseDn: 'dc=kontum,dc=gov,dc=vn' },
    });
  });

  it("tells the standard ports (forwarded to the listeners) when clientSetup.ports is 'standard'", () => {
    const std = loadConfig(dir, { hostname: 'mail.kontum.gov.vn', domains: { primary: 'kontum.gov.vn' }, clientSetup: { ports: 'standard' } }, {});
    expect(std.imap.tlsPort).toBe(2993); // the listener stays where it is
    expect(clientSetupFor(std, DomainMap.fromConfig(std), 'annv@kontum.gov.vn')).toMatchObject({
      imap: { port: 993 },
      imapStartTls: { port: 143 },
      pop3: { port: 995 },
      pop3StartTls: { port: 110 },
      smtp: { port: 465 },
      smtpStartTls: { port: 587 },
      ldap: { port: 636 },
    });
    const dflt = loadConfig(dir, { hostname: 'mail.kontum.gov.vn', domains: { primary: 'kontum.gov.vn' } }, {});
    expect(clientSetupFor(dflt, DomainMap.fromConfig(dflt), 'annv@kontum.gov.vn')).toMatchObject({ imap: { port: 2993 }, smtp: { port: 2465 }, ldap: { port: 2636 } });
  });

  it('signs an alias domain in on its target domain, and answers local domains too', () => {
    expect(clientSetupFor(cfg, domains, 'annv@kontum.vn')).toMatchObject({ address: 'annv@kontum.vn', login: 'annv@kontum.gov.vn', domain: 'kontum.vn' });
    expect(clientSetupFor(cfg, domains, 'vanthu@snv.kontum.gov.vn')).toMatchObject({ login: 'vanthu@snv.kontum.gov.vn', ldap: { baseDn: 'dc=kontum,dc=gov,dc=vn' } });
  });

  it('answers nothing for other domains and for what is not an address', () => {
    for (const a of [
      'annv@gmail.com',
      'annv@kontum.gov.vn.evil.com',
      'annv',
      '@kontum.gov.vn',
      'a b@kontum.gov.vn',
      'x"><y@kontum.gov.vn',
      'a@b@kontum.gov.vn',
      `${'a'.repeat(65)}@kontum.gov.vn`,
      'a\u0000@kontum.gov.vn',
    ]) {
      expect(clientSetupFor(cfg, domains, a), a).toBeNull();
    }
    expect(parseAddress('nguyễn.an@kontum.gov.vn')).toEqual({ localPart: 'nguyễn.an', domain: 'kontum.gov.vn' });
  });

  it("builds the LDAP base DN exactly as the LDAP server's tree does", () => {
    for (const d of ['kontum.gov.vn', 'QuangNgai.Gov.VN', 'a-b.vn']) expect(addressBookBaseDn(d)).toBe(baseDnOf(d));
  });

  it.skipIf(missingTool('python3', 'UUID v5 against Python'))('makes RFC 9562 version 5 UUIDs, the same as Python uuid.uuid5 (NAMESPACE_URL)', () => {
    const name = 'thutin:mail:mail.kontum.gov.vn:annv@kontum.gov.vn';
    const py = execFileSync('python3', ['-c', 'import sys, uuid; print(str(uuid.uuid5(uuid.NAMESPACE_URL, sys.argv[1])).upper())', name]).toString().trim();
    expect(uuidV5(name)).toBe(py);
    expect(uuidV5(name)).toBe(uuidV5(name));
    expect(uuidV5(`${name}x`)).not.toBe(uuidV5(name));
  });
});
