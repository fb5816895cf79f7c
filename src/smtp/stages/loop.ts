// Stage `loop`: a message that already went through too many hops (more than MAX_HOPS
// `Received:` headers, ours included) is refused with `554 5.4.6`, as Postfix's hopcount_limit.
import { countReceived } from '../../core/mime/index.ts';
import { CONTINUE, reject, type Stage } from '../pipeline.ts';
import { REPLIES } from '../replies.ts';

export const MAX_HOPS = 50;

export function loopStage(): Stage {
  return {
    name: 'loop',
    async data(ctx) {
      if (countReceived(await ctx.header()) > MAX_HOPS) return reject(REPLIES.hopCount.code, REPLIES.hopCount.enhanced, REPLIES.hopCount.text);
      return CONTINUE;
    },
  };
}
