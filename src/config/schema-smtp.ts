// Owns: the `smtp` section of the configuration's schema (listeners, limits, the stage lists, the
// greeting pause, the inbound processes, the auth stage's verdict memo); schema.ts puts it in place.
import { z } from 'zod';
import { port, positiveInt } from './schema-parts.ts';

export const smtpSchema = z
  .object({
    host: z.string().default('0.0.0.0'),
    inboundPort: port.default(2525),
    submissionPort: port.default(2587),
    submissionTlsPort: port.default(2465),
    maxMessageSize: positiveInt(25 * 1024 * 1024),
    // A header section larger than this is refused with 552 5.3.4 (Exchange's default: 256 KB).
    maxHeaderBytes: positiveInt(256 * 1024),
    maxRecipients: positiveInt(1000),
    maxConnectionsPerIp: positiveInt(50), // on each listener, from one address (IPv6 /64)
    stageTimeoutMs: positiveInt(15000),
    // Stage auth: outcomes of unsigned messages kept (mailauth/verdict-memo.ts), so an identical
    // verification (same client IP, HELO, sender and From:) is not redone while the DNS answers
    // it used are cached; the least recently used go first. 0: every message is verified.
    authVerdictCacheEntries: z.number().int().min(0).default(10000),
    // How long a new client waits for the greeting; one that talks first is refused (421, an
    // early talker: postscreen's greet wait). 0, Postfix smtpd's behaviour, greets at once
    // (smtp-server's own fixed 100 ms pause capped one-message connections at 10/s each).
    greetPauseMs: z.number().int().min(0).max(30000).default(0),
    // Processes beside the main one that run MX sessions (smtp/inbound-processes.ts), sharing the
    // store: receiving can then use more than one CPU. Each costs its own memory and, on SQLite,
    // writers in several processes (docs/BENCHMARKS.md: no gain on 2 CPUs). 0: none.
    inboundProcesses: z.number().int().min(0).max(16).default(0),
    // auth: SPF/DKIM/DMARC/ARC → Authentication-Results; impersonation: the outside-mail warning
    // (hygiene.impersonation); dmarc: p=reject refused, quarantine → Junk.
    // spam: rspamd's verdict (hygiene.spam): reject, soft reject, Junk; X-Spam-* fields.
    inboundStages: z.array(z.string()).default(['size', 'loop', 'virus', 'auth', 'impersonation', 'dmarc', 'spam']),
    submissionStages: z.array(z.string()).default(['size', 'loop', 'virus']),
    socketTimeoutMs: positiveInt(5 * 60 * 1000),
  })
  .prefault({});
