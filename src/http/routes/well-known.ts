// Public discovery files mail clients and remote servers fetch without logging in:
// the MTA-STS policy (RFC 8461, /.well-known/mta-sts.txt — served here for a TLS reverse proxy
// answering as mta-sts.<domain>) and Thunderbird's autoconfig (/mail/config-v1.1.xml and
// /.well-known/autoconfig/mail/config-v1.1.xml), which name the IMAP, POP3 and submission listeners
// as the client-setup builder (core/client-setup.ts) gives them.
// Owns: the MTA-STS policy route and Thunderbird's autoconfig; Outlook's Autodiscover and Apple's
// profiles are autodiscover.ts and mobileconfig.ts.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { clientSetupFor, type ServerEndpoint } from '../../core/client-setup.ts';
import { mtaStsPolicy } from '../../mailauth/records.ts';
import type { App } from '../../app.ts';
import { zodRouter, type RouteDeps } from './common.ts';

const xmlEscape = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function autoconfigXml(app: App, email?: string): string {
  const cfg = app.config;
  // An address outside our domains (or none) is answered for the primary domain, as before.
  const setup = (email && clientSetupFor(cfg, app.domains, email)) || clientSetupFor(cfg, app.domains, `postmaster@${cfg.domains.primary}`)!;
  const provider = setup.domain;
  const server = (tag: 'incomingServer' | 'outgoingServer', type: string, ep: ServerEndpoint) => [
    `    <${tag} type="${type}">`,
    `      <hostname>${xmlEscape(ep.host)}</hostname>`,
    `      <port>${ep.port}</port>`,
    `      <socketType>${ep.socket}</socketType>`,
    '      <authentication>password-cleartext</authentication>',
    '      <username>%EMAILADDRESS%</username>',
    `    </${tag}>`,
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<clientConfig version="1.1">',
    `  <emailProvider id="${xmlEscape(provider)}">`,
    ...[provider, ...cfg.domains.local, ...Object.keys(cfg.domains.aliases)].filter((d, i, a) => a.indexOf(d) === i).map((d) => `    <domain>${xmlEscape(d)}</domain>`),
    `    <displayName>${xmlEscape(setup.displayName)}</displayName>`,
    `    <displayShortName>thutin</displayShortName>`,
    ...server('incomingServer', 'imap', setup.imap),
    ...server('incomingServer', 'pop3', setup.pop3),
    ...server('outgoingServer', 'smtp', setup.smtp),
    '  </emailProvider>',
    '</clientConfig>',
    '',
  ].join('\n');
}

export async function wellKnownRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  const r = zodRouter(server);
  r.get(
    '/.well-known/mta-sts.txt',
    {
      config: { public: true },
      schema: { tags: ['meta'], summary: 'Chính sách MTA-STS / MTA-STS policy (RFC 8461)' },
    },
    async (_req, reply) => {
      reply.type('text/plain; charset=utf-8');
      return mtaStsPolicy(app.config.hostname.replace(/\.$/, ''), app.config.mtaSts.mode);
    },
  );
  const autoconfig = async (req: { query: { emailaddress?: string } }, reply: { type(t: string): unknown }) => {
    reply.type('application/xml; charset=utf-8');
    return autoconfigXml(app, req.query.emailaddress);
  };
  const schema = {
    tags: ['meta'],
    summary: 'Tự cấu hình Thunderbird / Thunderbird autoconfig',
    querystring: z.object({ emailaddress: z.string().max(320).optional() }),
  };
  r.get('/mail/config-v1.1.xml', { config: { public: true }, schema }, autoconfig);
  r.get('/.well-known/autoconfig/mail/config-v1.1.xml', { config: { public: true }, schema }, autoconfig);
}
