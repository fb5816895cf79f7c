// Stage `virus` (issue 12, R5.6, R7.5): the stored message, our Received first, is streamed to
// ClamAV's clamd (INSTREAM, src/hygiene/clamd.ts) at the end of DATA, on both listeners. A virus
// is refused with `554 5.7.1` naming it — inbound mail, and submitted mail too, so the sender's
// own client tells them why their message did not leave (a user's infected file never leaves the
// province). With hygiene.virus.quarantine the refused message is also kept for administrators
// (core/quarantine.ts), never in a user's folder. An unreachable clamd (or one past timeoutMs)
// follows hygiene.virus.unreachable: 'accept' adds `X-Virus-Scan: unchecked` (and logs a warning
// at most once a minute), 'tempfail' answers 451 4.7.1. A message past clamd's StreamMaxLength
// is accepted with `X-Virus-Scan: unchecked (too large)`: raise StreamMaxLength to
// smtp.maxMessageSize to scan everything. A clean message gets `X-Virus-Scan: clean`. Any
// X-Virus-Scan field the client sent is dropped: only ours is served. hygiene.virus.enabled:
// false turns the stage into a no-op (no scan, no field).
import { ClamdUnavailable, type ScanResult } from '../../hygiene/clamd.ts';
import { CONTINUE, reject, tempfail, type DataContext, type Stage, type StageDeps } from '../pipeline.ts';

export const VIRUS_FIELD = 'X-Virus-Scan';

export function virusReject(virus: string, kept = false) {
  const name = virus.replace(/[^\x21-\x7e ]/g, '?').slice(0, 100); // the reply stays under SMTP's 512 octets
  const vi = kept ? ', thư đã bị từ chối và được cách ly để quản trị viên xem xét' : ', thư đã bị từ chối';
  const en = kept ? ' and was refused; it is kept in quarantine for the administrators' : ' and was refused';
  return reject(554, '5.7.1', `Thư có chứa vi-rút ${name}${vi} / Message contains a virus (${name})${en}`);
}

export const VIRUS_UNCHECKED_TEMPFAIL = tempfail(451, '4.7.1', 'Chưa quét được vi-rút, vui lòng thử lại sau / Virus scanner unavailable, try again later');

const WARN_EVERY_MS = 60_000;

export function virusStage({ app }: StageDeps): Stage {
  const cfg = app.config.hygiene.virus;
  const log = app.log.child({ component: 'smtp', stage: 'virus' });
  let lastWarn = 0;
  const mark = async (ctx: DataContext, value: string) => {
    if (/^x-virus-scan[ \t]*:/im.test(await ctx.header())) ctx.dropHeader(VIRUS_FIELD);
    ctx.addHeader(`${VIRUS_FIELD}: ${value}`);
  };
  return {
    name: 'virus',
    async data(ctx) {
      if (!cfg.enabled) return CONTINUE;
      let result: ScanResult;
      try {
        result = await app.clamd.scan(() => ctx.open());
      } catch (e) {
        const now = Date.now();
        if (now - lastWarn >= WARN_EVERY_MS) {
          lastWarn = now;
          log.warn({ err: e instanceof ClamdUnavailable ? e.message : e, policy: cfg.unreachable, endpoints: app.clamd.endpoints() }, 'clamd unreachable: mail is not scanned for viruses');
        }
        if (cfg.unreachable === 'tempfail') return VIRUS_UNCHECKED_TEMPFAIL;
        await mark(ctx, 'unchecked');
        return CONTINUE;
      }
      if (result.kind === 'clean') {
        await mark(ctx, 'clean');
        return CONTINUE;
      }
      if (result.kind === 'too-large') {
        log.warn({ session: ctx.session.id, queueId: ctx.queueId, size: ctx.messageSize }, "message past clamd's StreamMaxLength: not scanned");
        await mark(ctx, 'unchecked (too large)');
        return CONTINUE;
      }
      const s = ctx.session;
      let kept: number | null = null;
      if (cfg.quarantine) {
        kept = await app.quarantine.keep(ctx.content, {
          listener: s.listener,
          sender: ctx.sender,
          recipients: ctx.recipients,
          accountId: s.account?.id ?? null,
          virus: result.virus,
          remoteAddress: s.remoteAddress,
          helo: s.helo,
          smtpQueueId: ctx.queueId,
        });
      }
      log.warn({ session: s.id, queueId: ctx.queueId, listener: s.listener, user: s.account?.username, from: ctx.sender, virus: result.virus, quarantine: kept }, 'virus found: message refused');
      return virusReject(result.virus, kept !== null);
    },
  };
}
