// Stage `auth`: at end of DATA, checks SPF (client IP, HELO, envelope sender), DKIM, DMARC and
// ARC of a message received on the inbound listener (src/mailauth/verify.ts, through the
// configured resolver) and adds `Received-SPF:` and `Authentication-Results:` (authserv-id = our
// hostname) to the stored message, removing any such field with our authserv-id the message
// already carried (a forgery, RFC 8601 §5). It never refuses: DNS trouble gives `temperror`. The
// outcome is left in ctx.shared for the `dmarc` stage. Mail from our own authenticated users
// (submission) is not checked.
import { CONTINUE, type DataContext, type Stage, type StageDeps } from '../pipeline.ts';
import { lookupWithDeadline, verifyMessage, type AuthOutcome } from '../../mailauth/verify.ts';
import { createResolver } from '../../net/resolver.ts';

export const AUTH_SHARED_KEY = 'auth';

/** The outcome of the `auth` stage for this message, if it ran. */
export function authOutcome(ctx: DataContext): AuthOutcome | undefined {
  return ctx.shared.get(AUTH_SHARED_KEY) as AuthOutcome | undefined;
}

export function authenticityStage({ app }: StageDeps): Stage {
  const resolver = createResolver(app.config);
  // All lookups of a message share 60% of the stage's time (so a silent DNS server yields
  // temperror results, not the stage timeout's 451); one lookup gets at most 5 s of it.
  const totalMs = Math.floor(app.config.smtp.stageTimeoutMs * 0.6);
  const perLookupMs = Math.min(5000, totalMs);
  const log = app.log.child({ component: 'smtp', stage: 'auth' });
  return {
    name: 'auth',
    async data(ctx) {
      if (ctx.session.listener !== 'inbound' || ctx.session.account) return CONTINUE;
      const outcome = await verifyMessage(ctx.open(), {
        ip: ctx.session.remoteAddress,
        helo: ctx.session.helo,
        sender: ctx.sender,
        hostname: app.config.hostname,
        lookup: lookupWithDeadline(resolver, { perLookupMs, totalMs }),
      });
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
