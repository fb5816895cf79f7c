// Stage `dmarc`: acts on the DMARC result the `auth` stage left (it must run after `auth`): a
// message failing DMARC for a domain with `p=reject` is refused with `550 5.7.1`; with
// `p=quarantine` it is delivered to the recipients' Junk folder. `pct=` below 100 applies the
// policy to that share of failing mail (the rest gets the next milder policy, RFC 7489 §6.6.4).
// temperror/none never refuse. Removing this stage from smtp.inboundStages keeps the results in
// the headers but delivers everything.
import { CONTINUE, reject, type Stage, type StageDeps } from '../pipeline.ts';
import { authOutcome } from './authenticity.ts';

export const DMARC_REJECT = {
  code: 550,
  enhanced: '5.7.1',
  text: 'Thư không qua kiểm tra DMARC và tên miền người gửi yêu cầu từ chối / Message failed DMARC and the sender domain asks for rejection',
} as const;

export function dmarcStage({ app }: StageDeps, random: () => number = Math.random): Stage {
  const log = app.log.child({ component: 'smtp', stage: 'dmarc' });
  let warned = false;
  return {
    name: 'dmarc',
    data(ctx) {
      const o = authOutcome(ctx);
      if (!o) {
        if (!warned && ctx.session.listener === 'inbound' && !ctx.session.account) {
          warned = true;
          log.warn('stage dmarc runs without the auth stage before it: nothing to act on (put "auth" before "dmarc" in smtp.inboundStages)');
        }
        return CONTINUE;
      }
      if (o.dmarc !== 'fail' || !o.dmarcPolicy || o.dmarcPolicy === 'none') return CONTINUE;
      let policy: 'reject' | 'quarantine' | 'none' = o.dmarcPolicy;
      if (o.dmarcPct < 100 && random() * 100 >= o.dmarcPct) policy = policy === 'reject' ? 'quarantine' : 'none';
      if (policy === 'reject') {
        log.info({ session: ctx.session.id, queueId: ctx.queueId, from: o.fromDomain }, 'DMARC p=reject: message refused');
        return reject(DMARC_REJECT.code, DMARC_REJECT.enhanced, `${DMARC_REJECT.text} (${o.fromDomain ?? '?'})`);
      }
      if (policy === 'quarantine') {
        log.info({ session: ctx.session.id, queueId: ctx.queueId, from: o.fromDomain }, 'DMARC p=quarantine: delivered to Junk');
        ctx.setMailbox('Junk');
      }
      return CONTINUE;
    },
  };
}
