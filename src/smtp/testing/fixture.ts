// Test support: a whole app (harness) with the SMTP listeners started and a few accounts.
import type { ConfigInput } from '../../config/config.ts';
import { createTestApp, TEST_PASSWORD, type Backend, type TestApp } from '../../../test/helpers/harness.ts';
import { startSmtp, type SmtpServers } from '../server.ts';
import type { StageRegistry } from '../pipeline.ts';

export const DOMAIN = 'kontum.gov.vn';
export const ALICE = `alice@${DOMAIN}`;
export const BOB = `bob@${DOMAIN}`;
export const CAROL = `carol@${DOMAIN}`;
export const PASSWORD = TEST_PASSWORD;

export interface SmtpFixture {
  t: TestApp;
  smtp: SmtpServers;
  ports: { inbound: number; submission: number; submissionTls: number };
  close(): Promise<void>;
}

export async function startFixture(backend: Backend, opts: { config?: ConfigInput; stages?: StageRegistry; accounts?: string[] } = {}): Promise<SmtpFixture> {
  const t = await createTestApp({ backend, config: opts.config });
  try {
    for (const a of opts.accounts ?? [ALICE, BOB, CAROL]) await t.app.accounts.create(a, PASSWORD, 'test');
    const smtp = await startSmtp(t.app, t.tls, { stages: opts.stages });
    return {
      t,
      smtp,
      ports: { inbound: smtp.inbound.port, submission: smtp.submission.port, submissionTls: smtp.submissionTls.port },
      close: async () => {
        await smtp.close();
        await t.cleanup();
      },
    };
  } catch (e) {
    await t.cleanup();
    throw e;
  }
}
