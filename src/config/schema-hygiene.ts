// Owns: the schema of the configuration's `hygiene` section (issue 12): rspamd (spam), clamd
// (virus), the impersonation stage, Article 9's free-mail rules and the sending limits — each key,
// its type and its default. The whole configuration is schema.ts's; this is one of its parts.
import { z } from 'zod';
import { domain, port, positiveInt } from './schema-parts.ts';

// Issue 12, mail hygiene. impersonation: the `impersonation` inbound stage (smtp/stages/impersonation.ts);
// freeMail: Article 9's free-mail domains (core/free-mail.ts), no forwarding to them, submitted
// attachments to them warned about / held / allowed, and the per-unit report; sendLimits: per hour,
// counted at submission, an account past them is flagged and its outbound mail held (core/send-limits.ts).
export const hygieneSchema = z
  .object({
    impersonation: z
      .object({
        // A From domain this close (edits, after folding and confusable skeletons) to a local domain imitates it.
        maxDistance: z.number().int().min(0).max(3).default(2),
        // Words (folded: no diacritics, đ → d) that make a free-mail display name claim a provincial body.
        claimWords: z.array(z.string()).default(['ubnd', 'uy ban nhan dan', 'hdnd', 'hoi dong nhan dan', 'tinh uy', 'huyen uy', 'so', 'kon tum']),
        // Prefix added to the Subject of a flagged message ('' = header fields only).
        subjectPrefix: z.string().default('[Cảnh báo: thư bên ngoài]'),
      })
      .prefault({}),
    freeMail: z
      .object({
        domains: z
          .array(domain)
          .default([
            'gmail.com',
            'googlemail.com',
            'yahoo.com',
            'yahoo.com.vn',
            'ymail.com',
            'hotmail.com',
            'outlook.com',
            'live.com',
            'msn.com',
            'icloud.com',
            'me.com',
            'aol.com',
            'mail.ru',
            'yandex.ru',
            'yandex.com',
            'gmx.com',
            'gmx.net',
            'proton.me',
            'protonmail.com',
            'zoho.com',
            'qq.com',
            '163.com',
            'tutanota.com',
          ]),
        // Mail an official submits with attachments to a free-mail address: notice to the sender, hold for the unit head, or nothing.
        attachments: z.enum(['warn', 'hold', 'allow']).default('warn'),
      })
      .prefault({}),
    // Viruses (smtp/stages/virus.ts, hygiene/clamd.ts): ClamAV's clamd over INSTREAM. The unix socket
    // is tried first (when `socket` is not ''), then host:port. An unreachable clamd (or one past
    // timeoutMs): 'accept' with `X-Virus-Scan: unchecked`, or 'tempfail' (451). quarantine: an
    // infected message is kept for administrators (core/quarantine.ts) as well as refused.
    virus: z
      .object({
        enabled: z.boolean().default(true), // false: the stage passes every message unscanned and unmarked (the test harness)
        socket: z.string().default('/var/run/clamav/clamd.ctl'),
        host: z.string().default('127.0.0.1'),
        port: port.default(3310),
        timeoutMs: positiveInt(10_000),
        unreachable: z.enum(['accept', 'tempfail']).default('accept'),
        quarantine: z.boolean().default(true),
        quarantineDays: z.number().int().min(0).default(30), // kept messages older than this are deleted by maintenance; 0 = until deleted
      })
      .prefault({}),
    // Spam (smtp/stages/spam.ts, hygiene/rspamd.ts): rspamd's normal worker (/checkv2) at `url`,
    // its controller (/learnspam, /learnham, /stat) at `controllerUrl` (`password` when it asks
    // for one). An unreachable rspamd (or one past timeoutMs): 'accept' with `X-Spam: unchecked`,
    // or 'tempfail' (451). maxSymbols: the symbols named in X-Spam-Symbols, highest score first.
    spam: z
      .object({
        enabled: z.boolean().default(true),
        url: z.string().url().default('http://127.0.0.1:11333'),
        controllerUrl: z.string().url().default('http://127.0.0.1:11334'),
        password: z.string().default(''),
        timeoutMs: positiveInt(10_000),
        unreachable: z.enum(['accept', 'tempfail']).default('accept'),
        maxSymbols: z.number().int().min(0).max(200).default(30),
        // Moves into / out of Junk teach rspamd; the learn queue is retried this often while rspamd is away.
        learnRetryMs: positiveInt(60_000),
      })
      .prefault({}),
    sendLimits: z
      .object({
        account: z.object({ messagesPerHour: positiveInt(200), recipientsPerHour: positiveInt(1000) }).prefault({}),
        unitMailbox: z.object({ messagesPerHour: positiveInt(500), recipientsPerHour: positiveInt(3000) }).prefault({}),
      })
      .prefault({}),
  })
  .prefault({});
