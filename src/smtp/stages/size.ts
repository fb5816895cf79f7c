// Stage `size`: refuses a message announced (MAIL FROM SIZE=, RFC 1870) or found (end of DATA)
// to be over config.smtp.maxMessageSize with `552 5.3.4`. smtp-server checks SIZE= and the
// blob store stops storing past the limit too; this stage keeps the rule in the pipeline, where
// a later issue may refine it (per-account limits).
import { CONTINUE, reject, type Stage, type StageDeps } from '../pipeline.ts';
import { REPLIES } from '../replies.ts';

export function sizeStage({ app }: StageDeps): Stage {
  const limit = app.config.smtp.maxMessageSize;
  const tooBig = reject(REPLIES.tooBig.code, REPLIES.tooBig.enhanced, REPLIES.tooBig.text);
  return {
    name: 'size',
    mailFrom(ctx) {
      const declared = ctx.params.SIZE;
      if (typeof declared === 'string' && /^\d+$/.test(declared) && Number(declared) > limit) return tooBig;
      return CONTINUE;
    },
    data(ctx) {
      return ctx.messageSize > limit ? tooBig : CONTINUE;
    },
  };
}
