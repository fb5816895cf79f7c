// Owns: Outlook's Autodiscover, the "plain old XML" (POX) flavour Outlook uses for IMAP/POP3
// accounts: POST (and GET) /autodiscover/autodiscover.xml and /Autodiscover/Autodiscover.xml. The
// request names <EMailAddress>; the answer follows Microsoft's Outlook response schema
// (responseschema/2006 with Response in outlook/responseschema/2006a): one Account of type email,
// action settings, a Protocol each for IMAP, POP3 and SMTP (TLS ports, the address as LoginName).
// An address outside our domains, or a request that is not one, gets the schema's Error answer —
// the same for every address in our domains, so nothing says whether a mailbox exists. Served on
// plain HTTP too (transport-guard.ts): it carries no credential and Outlook tries http:// first.
import crypto from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { clientSetupFor, type ClientSetup, type ServerEndpoint } from '../../core/client-setup.ts';
import type { RouteDeps } from './common.ts';

export const AUTODISCOVER_PATHS = ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml'];
export const RESPONSE_NS = 'http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006';
export const OUTLOOK_NS = 'http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a';
const MOBILESYNC_NS = 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/responseschema/2006';
const MAX_REQUEST = 16 * 1024;

const x = (s: string | number): string => String(s).replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface AutodiscoverRequest {
  email: string | null;
  acceptableSchema: string | null;
}

/** Read <Autodiscover><Request><EMailAddress> (any namespace prefix); null when the body is not XML. */
export function parseAutodiscoverRequest(body: string): AutodiscoverRequest | null {
  if (!body.trim() || body.length > MAX_REQUEST) return null;
  // No DOCTYPE at all: entity expansion has no place in a two-element request.
  if (/<!DOCTYPE/i.test(body)) return null;
  if (XMLValidator.validate(body) !== true) return null;
  const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, processEntities: false, parseTagValue: false, trimValues: true });
  const doc = parser.parse(body) as Record<string, unknown>;
  const root = doc.Autodiscover as Record<string, unknown> | undefined;
  const req = root && typeof root === 'object' ? (root.Request as Record<string, unknown> | undefined) : undefined;
  if (!req || typeof req !== 'object') return null;
  const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
  return { email: text(req.EMailAddress), acceptableSchema: text(req.AcceptableResponseSchema) };
}

function protocol(type: 'IMAP' | 'POP3' | 'SMTP', ep: ServerEndpoint, login: string): string[] {
  // Children in the order Microsoft's Protocol (POX) element lists them.
  return [
    '      <Protocol>',
    `        <Type>${type}</Type>`,
    `        <Server>${x(ep.host)}</Server>`,
    `        <Port>${ep.port}</Port>`,
    `        <LoginName>${x(login)}</LoginName>`,
    '        <DomainRequired>off</DomainRequired>',
    '        <SPA>off</SPA>',
    `        <SSL>${ep.socket === 'SSL' ? 'on' : 'off'}</SSL>`,
    '        <AuthRequired>on</AuthRequired>',
    ...(type === 'SMTP' ? ['        <UsePOPAuth>on</UsePOPAuth>', '        <SMTPLast>off</SMTPLast>'] : []),
    '      </Protocol>',
  ];
}

/** The settings answer for one address. */
export function autodiscoverSettingsXml(s: ClientSetup): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${RESPONSE_NS}">`,
    `  <Response xmlns="${OUTLOOK_NS}">`,
    '    <Account>',
    '      <AccountType>email</AccountType>',
    '      <Action>settings</Action>',
    ...protocol('IMAP', s.imap, s.login),
    ...protocol('POP3', s.pop3, s.login),
    ...protocol('SMTP', s.smtp, s.login),
    '    </Account>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

/**
 * The schema's error answer (Autodiscover/Response/Error with Time and Id): 500 for an address we
 * do not serve, 600 for a request that is not one, 601 for a response schema we do not provide.
 */
export function autodiscoverErrorXml(code: 500 | 600 | 601, hostname: string, now: Date, ns: string = OUTLOOK_NS): string {
  const message = {
    500: 'Không tìm thấy địa chỉ thư này / The e-mail address cannot be found',
    600: 'Yêu cầu không hợp lệ / Invalid Request',
    601: 'Không có cấu hình cho loại ứng dụng này / Provider could not be found for the requested response schema',
  }[code];
  const time = `${now.toISOString().slice(11, 19)}.${String(now.getUTCMilliseconds() * 10000).padStart(7, '0')}`;
  const id = crypto.createHash('sha256').update(hostname).digest().readUInt32BE(0);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<Autodiscover xmlns="${RESPONSE_NS}">`,
    `  <Response xmlns="${ns}">`,
    `    <Error Time="${time}" Id="${id}">`,
    `      <ErrorCode>${code}</ErrorCode>`,
    `      <Message>${x(message)}</Message>`,
    '      <DebugData />',
    '    </Error>',
    '  </Response>',
    '</Autodiscover>',
    '',
  ].join('\n');
}

export async function autodiscoverRoutes(server: FastifyInstance, { app }: RouteDeps): Promise<void> {
  // Outlook posts text/xml; some clients send no type or another one: read any body as text here
  // (this plugin's scope only), no larger than a request can be.
  server.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_REQUEST }, (_req, body, done) => done(null, body));
  const answer = async (req: FastifyRequest, reply: FastifyReply) => {
    reply.type('text/xml; charset=utf-8').header('cache-control', 'no-store');
    const now = new Date();
    const host = app.config.hostname;
    let parsed: AutodiscoverRequest | null;
    if (req.method === 'POST') {
      parsed = parseAutodiscoverRequest(typeof req.body === 'string' ? req.body : '');
    } else {
      // GET: Outlook's probe carries no body; an address may come as ?EMailAddress= (or emailaddress=).
      const q = (req.query ?? {}) as Record<string, unknown>;
      const email = [q.EMailAddress, q.emailaddress, q.email].find((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= 320) ?? null;
      parsed = email ? { email, acceptableSchema: null } : null;
    }
    if (!parsed || !parsed.email) return autodiscoverErrorXml(600, host, now);
    const schema = parsed.acceptableSchema?.replace(/^https:/i, 'http:');
    if (schema && schema !== OUTLOOK_NS) return autodiscoverErrorXml(601, host, now, schema === MOBILESYNC_NS ? MOBILESYNC_NS : OUTLOOK_NS);
    const setup = clientSetupFor(app.config, app.domains, parsed.email);
    if (!setup) return autodiscoverErrorXml(500, host, now);
    return autodiscoverSettingsXml(setup);
  };
  for (const url of AUTODISCOVER_PATHS) {
    for (const method of ['GET', 'POST'] as const) {
      server.route({
        method,
        url,
        config: { public: true },
        schema: { tags: ['meta'], summary: 'Tự cấu hình Outlook (Autodiscover POX) / Outlook Autodiscover (POX)' },
        handler: answer,
      });
    }
  }
}
