// Stage `auth`: at end of DATA, checks SPF (client IP, HELO, envelope sender), DKIM, DMARC and
// ARC of a message received on the inbound listener (src/mailauth/verify.ts, through the
// configured resolver) and adds `Received-SPF:` and `Authentication-Results:` (authserv-id = our
// hostname) to the stored message, removing any such field with our authserv-id the message
// already carried (a forgery, RFC 8601 §5). It never refuses: DNS trouble gives `temperror`. The
// outcome is left in ctx.shared for the `dmarc` stage. Mail from our own authenticated users
// (submission) is not checked. A message without DKIM-Signature or ARC fields is verified from its
// header section alone (kept in memory since the ingest): SPF and DMARC read only the envelope and
// From:, and with no signature there is no body to hash, so the stored body is not read again.
// Such a verification's outcome is memoised (mailauth/verdict-memo.ts: same envelope, hostname and
// From/ARC-Authentication-Results fields, while the DNS answers it used are cached, never with a
// temporary failure; `smtp.authVerdictCacheEntries`), so alike messages skip mailauth.
import type { Readable } from 'node:stream';
import { CONTINUE, type DataContext, type Stage, type StageDeps } from '../pipeline.ts';
import { LookupLedger, lookupWithDeadline, verifyMessage, type AuthOutcome } from '../../mailauth/verify.ts';
import { VerdictMemo } from '../../mailauth/verdict-memo.ts';
import { createResolver } from '../../net/resolver.ts';

export const AUTH_SHARED_KEY = 'auth';

/** The outcome of the `auth` stage for this message, if it ran. */
export function authOutcome(ctx: DataContext): AuthOutcome | undefined {
  return ctx.shared.get(AUTH_SHARED_KEY) as AuthOutcome | undefined;
}

/**
 * Header fields that make mailauth read the body: a DKIM signature, an ARC set. mailauth names a
 * field by the text before its colon trimmed of any white space (a no-break space too), so this
 * matches at least every field it takes for one (verdict-memo.ts fieldsAsMailauthReads).
 */
const SIGNATURE_FIELD = /(?:^|\n)\s*(?:dkim-signature|arc-seal|arc-message-signature)\s*(?::|$)/im;

/**
 * What mailauth verifies: the header section alone when it holds no signature (the results are
 * the same: no body hash to compute), otherwise the whole stored message.
 */
export function verificationInput(ctx: Pick<DataContext, 'content' | 'open'>): Readable | Buffer {
  const header = ctx.content.header;
  if (header && !ctx.content.index.headerTooLarge && !SIGNATURE_FIELD.test(header.toString('latin1'))) return header;
  return ctx.open();
}

export function authenticityStage({ app }: StageDeps): Stage {
  const resolver = createResolver(app.config);
  // All lookups of a message share 60% of the stage's time (so a silent DNS server yields
  // temperror results, not the stage timeout's 451); one lookup gets at most 5 s of it.
  const totalMs = Math.floor(app.config.smtp.stageTimeoutMs * 0.6);
  const perLookupMs = Math.min(5000, totalMs);
  const log = app.log.child({ component: 'smtp', stage: 'auth' });
  const memo = new VerdictMemo({ maxEntries: app.config.smtp.authVerdictCacheEntries, now: resolver.cache.now });
  return {
    name: 'auth',
    async data(ctx) {
      if (ctx.session.listener !== 'inbound' || ctx.session.account) return CONTINUE;
      const input = verificationInput(ctx);
      const env = { ip: ctx.session.remoteAddress, helo: ctx.session.helo, sender: ctx.sender, hostname: app.config.hostname };
      const key = memo.key(input, env);
      let outcome = key === null ? undefined : memo.get(key);
      if (!outcome) {
        const ledger = key === null ? undefined : new LookupLedger();
        outcome = await verifyMessage(input, { ...env, lookup: lookupWithDeadline(resolver, { perLookupMs, totalMs, ledger }) });
        if (key !== null && ledger) memo.remember(key, outcome, ledger.until);
      }
      for (const h of outcome.headers) ctx.addHeader(h);
      // RFC 8601 §5: a field claiming to come from us that we did not write is a forgery.
      const ours = app.config.hostname.toLowerCase();
      ctx.dropHeader(
        'Authentication-Results',
        (v) =>
          v
            .split(';')[0]
            .replace(/\([^)]*\)/g, '')
            .trim()
            .toLowerCase() === ours,
      );
      ctx.shared.set(AUTH_SHARED_KEY, outcome);
      log.info({ session: ctx.session.id, queueId: ctx.queueId, spf: outcome.spf, dkim: outcome.dkim, dmarc: outcome.dmarc, arc: outcome.arc, from: outcome.fromDomain }, 'message authentication');
      return CONTINUE;
    },
  };
}
