// Owns: Apple configuration profiles (.mobileconfig) for iPhone, iPad and macOS —
// GET /.well-known/thutin/profile.mobileconfig?address=<addr>: a property list with a Mail payload
// (com.apple.mail.managed: IMAP over TLS, SMTP submission over TLS, the address as user name, no
// password) and an LDAP payload (com.apple.ldap.account: the address book over LDAPS, the base DN
// the LDAP server publishes), PayloadUUIDs stable per address (UUID v5), identifiers from the host
// name reversed. Signed (CMS SignedData, DER, content attached) with the server's certificate and
// key by `openssl smime` when they are there; when signing fails the profile is served unsigned and
// a warning is logged. Any address in our domains gets a profile; others are refused (404).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { clientSetupFor, uuidV5, type ClientSetup } from '../../core/client-setup.ts';
import { tlsPaths } from '../../config/tls.ts';
import { zodRouter, type RouteDeps } from './common.ts';

export const PROFILE_PATH = '/.well-known/thutin/profile.mobileconfig';
export const PROFILE_TYPE = 'application/x-apple-aspen-config';

type Plist = string | number | boolean | Plist[] | { [key: string]: Plist };

const esc = (s: string): string => s.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));

function plistValue(v: Plist, indent: string): string[] {
  if (typeof v === 'string') return [`${indent}<string>${esc(v)}</string>`];
  if (typeof v === 'number') return [`${indent}<integer>${Math.trunc(v)}</integer>`];
  if (typeof v === 'boolean') return [`${indent}<${v}/>`];
  if (Array.isArray(v)) return [`${indent}<array>`, ...v.flatMap((e) => plistValue(e, `${indent}\t`)), `${indent}</array>`];
  return [`${indent}<dict>`, ...Object.entries(v).flatMap(([k, e]) => [`${indent}\t<key>${esc(k)}</key>`, ...plistValue(e, `${indent}\t`)]), `${indent}</dict>`];
}

/** An XML property list (Apple's DTD, version 1.0). */
export function plistXml(root: Plist): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    ...plistValue(root, ''),
    '</plist>',
    '',
  ].join('\n');
}

/** The profile for one address, as an XML property list (unsigned). */
export function mobileconfigPlist(s: ClientSetup): string {
  const id = `${s.reverseHost}.thutin.${uuidV5(`thutin:profile:${s.host}:${s.address}`).toLowerCase()}`;
  const uuid = (part: string) => uuidV5(`thutin:${part}:${s.host}:${s.address}`);
  // Apple's LDAP payload has no port key: a port other than LDAPS's own (636) goes after the host.
  const ldapHost = s.ldap.port === 636 ? s.ldap.host : `${s.ldap.host}:${s.ldap.port}`;
  const mail: Plist = {
    PayloadType: 'com.apple.mail.managed',
    PayloadVersion: 1,
    PayloadIdentifier: `${id}.mail`,
    PayloadUUID: uuid('mail'),
    PayloadDisplayName: `Thư ${s.address} / Mail`,
    PayloadDescription: `Tài khoản thư ${s.address} (IMAP, SMTP qua TLS) / Mail account ${s.address} (IMAP, SMTP over TLS)`,
    EmailAccountDescription: s.address,
    EmailAccountType: 'EmailTypeIMAP',
    EmailAddress: s.address,
    IncomingMailServerAuthentication: 'EmailAuthPassword',
    IncomingMailServerHostName: s.imap.host,
    IncomingMailServerPortNumber: s.imap.port,
    IncomingMailServerUseSSL: s.imap.socket === 'SSL',
    IncomingMailServerUsername: s.login,
    OutgoingMailServerAuthentication: 'EmailAuthPassword',
    OutgoingMailServerHostName: s.smtp.host,
    OutgoingMailServerPortNumber: s.smtp.port,
    OutgoingMailServerUseSSL: s.smtp.socket === 'SSL',
    OutgoingMailServerUsername: s.login,
    OutgoingPasswordSameAsIncomingPassword: true,
  };
  const ldap: Plist = {
    PayloadType: 'com.apple.ldap.account',
    PayloadVersion: 1,
    PayloadIdentifier: `${id}.ldap`,
    PayloadUUID: uuid('ldap'),
    PayloadDisplayName: 'Danh bạ của tỉnh / Provincial directory',
    PayloadDescription: `Sổ địa chỉ LDAP (${s.ldap.baseDn}) / LDAP address book`,
    LDAPAccountDescription: `Danh bạ ${s.domain} / Directory`,
    LDAPAccountHostName: ldapHost,
    LDAPAccountUseSSL: s.ldap.socket === 'SSL',
    LDAPAccountUserName: s.login,
    LDAPSearchSettings: [
      {
        LDAPSearchSettingDescription: 'Danh bạ của tỉnh / Provincial directory',
        LDAPSearchSettingScope: 'LDAPSearchSettingScopeSubtree',
        LDAPSearchSettingSearchBase: s.ldap.baseDn,
      },
    ],
  };
  return plistXml({
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: id,
    PayloadUUID: uuid('profile'),
    PayloadDisplayName: `Thư điện tử ${s.address} / Mail setup`,
    PayloadDescription: `Cài đặt thư và danh bạ cho ${s.address}; mật khẩu được hỏi khi cài. / Sets up mail and the address book for ${s.address}; the password is asked when installing.`,
    PayloadOrganization: s.domain,
    PayloadRemovalDisallowed: false,
    PayloadContent: [mail, ldap],
  });
}

/** Run openssl with `input` on stdin; its stdout, or an error with its stderr. */
function openssl(args: string[], input: Buffer, timeoutMs = 10_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const p = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.stderr.on('data', (c: Buffer) => err.push(c));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`openssl ${args[0]}: exit ${code}: ${Buffer.concat(err).toString().trim().slice(0, 300)}`))));
    p.stdin.on('error', () => {}); // openssl that exits early: the close handler reports it
    p.stdin.end(input);
  });
}

/** At most this many signers at once: the route is public, each signing is a process. */
const MAX_SIGNERS = 2;
let signing = 0;
const waiting: Array<() => void> = [];

async function limited<T>(fn: () => Promise<T>): Promise<T> {
  // A finishing signer hands its slot straight to the first waiting one, so the count never overshoots.
  if (signing >= MAX_SIGNERS) await new Promise<void>((r) => waiting.push(r));
  else signing++;
  try {
    return await fn();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else signing--;
  }
}

/**
 * Sign a profile (CMS SignedData, DER, content attached — what iOS and macOS verify) with the
 * certificate file's first certificate and the key; the file's further certificates (the chain) go
 * along. -binary: the plist's bytes are signed as they are, not as canonical MIME text.
 */
export async function signProfile(content: Buffer, certFile: string, keyFile: string): Promise<Buffer> {
  const pem = fs.readFileSync(certFile, 'utf8');
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certs.length === 0) throw new Error(`no certificate in ${certFile}`);
  let chainDir: string | null = null;
  const args = ['smime', '-sign', '-binary', '-nodetach', '-outform', 'der', '-signer', certFile, '-inkey', keyFile];
  try {
    if (certs.length > 1) {
      chainDir = fs.mkdtempSync(path.join(os.tmpdir(), 'thutin-chain-'));
      const chain = path.join(chainDir, 'chain.pem');
      fs.writeFileSync(chain, `${certs.slice(1).join('\n')}\n`);
      args.push('-certfile', chain);
    }
    return await limited(() => openssl(args, content));
  } finally {
    if (chainDir) fs.rmSync(chainDir, { recursive: true, force: true });
  }
}

/** The profile's bytes: signed when the certificate and key are there and signing works, else the plist. */
export async function profileBytes(plist: string, tls: { cert: string; key: string }, log: Pick<Logger, 'warn'>): Promise<{ body: Buffer; signed: boolean }> {
  const content = Buffer.from(plist, 'utf8');
  if (!fs.existsSync(tls.cert) || !fs.existsSync(tls.key)) {
    log.warn({ cert: tls.cert }, 'mobileconfig: no certificate configured, profile served unsigned');
    return { body: content, signed: false };
  }
  try {
    return { body: await signProfile(content, tls.cert, tls.key), signed: true };
  } catch (e) {
    log.warn({ err: (e as Error).message }, 'mobileconfig: signing failed, profile served unsigned');
    return { body: content, signed: false };
  }
}

export async function mobileconfigRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  r.get(
    PROFILE_PATH,
    {
      config: { public: true },
      schema: {
        tags: ['meta'],
        summary: 'Hồ sơ cấu hình Apple (iPhone, iPad, macOS) / Apple configuration profile',
        querystring: z.object({ address: z.string().min(3).max(320) }),
      },
    },
    async (req, reply) => {
      const setup = clientSetupFor(app.config, app.domains, req.query.address);
      if (!setup) {
        return reply.code(404).send({
          code: 'ADDRESS_NOT_SERVED',
          message: 'Địa chỉ này không thuộc các tên miền của hệ thống',
          messageEn: 'This address is not in one of our domains',
        });
      }
      const { body, signed } = await profileBytes(mobileconfigPlist(setup), tlsPaths(app.config), app.log);
      const file = `${setup.address.replace(/[^A-Za-z0-9.-]/g, '-')}.mobileconfig`;
      return reply
        .type(PROFILE_TYPE)
        .header('content-disposition', `attachment; filename="${file}"`)
        .header('cache-control', 'no-store')
        .header('x-thutin-profile-signed', signed ? 'yes' : 'no')
        .send(body);
    },
  );
}
