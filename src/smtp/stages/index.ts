// The built-in stages by name. A new stage is one file in this folder and one line here; which
// stages run, and their order, is configuration (config.smtp.inboundStages / submissionStages).
import { StageRegistry } from '../pipeline.ts';
import { sizeStage } from './size.ts';
import { loopStage } from './loop.ts';
import { authenticityStage } from './authenticity.ts';
import { dmarcStage } from './dmarc.ts';
import { spamStage } from './spam.ts';
import { virusStage } from './virus.ts';
import { impersonationStage } from './impersonation.ts';

/** A fresh registry with the built-in stages; callers may register more on it. */
export function defaultStageRegistry(): StageRegistry {
  return new StageRegistry()
    .register('size', sizeStage)
    .register('loop', loopStage)
    .register('virus', virusStage)
    .register('auth', authenticityStage)
    .register('dmarc', (deps) => dmarcStage(deps))
    .register('spam', spamStage)
    .register('impersonation', impersonationStage);
}
