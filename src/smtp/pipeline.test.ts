// The stage pipeline on its own: configuration of the order, and the rule that a stage which
// throws, hangs or answers nonsense yields 451 4.3.0 — never an accept.
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { App } from '../app.ts';
import { ConfigError } from '../config/config.ts';
import { ACCEPT, CONTINUE, Pipeline, StageRegistry, reject, tempfail, type ConnectContext, type Verdict } from './pipeline.ts';
import { defaultStageRegistry } from './stages/index.ts';
import { countReceived } from '../core/mime/index.ts';

const log = pino({ level: 'silent' });
const deps = { app: { config: { smtp: { maxMessageSize: 1000 } } } as unknown as App };
const ctx: ConnectContext = {
  session: { id: 's1', listener: 'inbound', remoteAddress: '127.0.0.1', clientHostname: '[127.0.0.1]', helo: '', secure: false, transmissionType: 'ESMTP', account: null },
};

function registry(stages: Record<string, (c: ConnectContext) => Verdict | Promise<Verdict>>, log_: string[] = []): StageRegistry {
  const r = new StageRegistry();
  for (const [name, connect] of Object.entries(stages)) {
    r.register(name, () => ({
      name,
      connect: (c) => {
        log_.push(name);
        return connect(c);
      },
    }));
  }
  return r;
}

const build = (names: string[], r: StageRegistry, timeoutMs = 200) => Pipeline.build(names, r, deps, { timeoutMs, log, setting: 'smtp.inboundStages' });

describe('stage pipeline', () => {
  it('refuses an unknown stage name at startup, naming the setting and the known stages', () => {
    expect(() => build(['size', 'nosuch'], defaultStageRegistry())).toThrow(ConfigError);
    expect(() => build(['size', 'nosuch'], defaultStageRegistry())).toThrow(/smtp\.inboundStages.*"nosuch".*loop, size/);
  });

  it('refuses a stage listed twice', () => {
    expect(() => build(['size', 'size'], defaultStageRegistry())).toThrow(/twice/);
  });

  it('runs stages in the configured order and stops at the first decision', async () => {
    const seen: string[] = [];
    const r = registry({ a: () => CONTINUE, b: () => reject(550, '5.7.1', 'no'), c: () => CONTINUE }, seen);
    expect(await build(['a', 'b', 'c'], r).run('connect', ctx)).toEqual(reject(550, '5.7.1', 'no'));
    expect(seen).toEqual(['a', 'b']);
    seen.length = 0;
    expect((await build(['c', 'a'], r).run('connect', ctx)).kind).toBe('continue');
    expect(seen).toEqual(['c', 'a']);
  });

  it('lets an accept skip the remaining stages of that hook', async () => {
    const seen: string[] = [];
    const r = registry({ a: () => ACCEPT, b: () => reject(550, '5.7.1', 'no') }, seen);
    expect(await build(['a', 'b'], r).run('connect', ctx)).toEqual(ACCEPT);
    expect(seen).toEqual(['a']);
  });

  it('turns a throwing stage into 451 4.3.0', async () => {
    const r = registry({
      boom: () => {
        throw new Error('kaputt');
      },
      after: () => ACCEPT,
    });
    expect(await build(['boom', 'after'], r).run('connect', ctx)).toMatchObject({ kind: 'tempfail', code: 451, enhanced: '4.3.0' });
  });

  it('turns a rejected promise into 451 4.3.0', async () => {
    const r = registry({ boom: () => Promise.reject(new Error('kaputt')) });
    expect(await build(['boom'], r).run('connect', ctx)).toMatchObject({ kind: 'tempfail', code: 451, enhanced: '4.3.0' });
  });

  it('turns a stage that never answers into 451 4.3.0 after the timeout', async () => {
    const r = registry({ hang: () => new Promise<Verdict>(() => {}), after: () => ACCEPT });
    expect(await build(['hang', 'after'], r, 100).run('connect', ctx)).toMatchObject({ kind: 'tempfail', code: 451, enhanced: '4.3.0' });
  });

  it('does not honour malformed verdicts (wrong class, missing fields, nothing at all)', async () => {
    const bad = [
      undefined,
      { kind: 'reject', code: 250, enhanced: '2.0.0', message: 'ok?' },
      { kind: 'reject', code: 550, enhanced: '4.1.1', message: 'x' },
      { kind: 'tempfail', code: 550, enhanced: '5.1.1', message: 'x' },
      { kind: 'whatever' },
    ];
    for (const v of bad) {
      const r = registry({ odd: () => v as unknown as Verdict });
      expect(await build(['odd'], r).run('connect', ctx)).toMatchObject({ kind: 'tempfail', code: 451 });
    }
    const ok = registry({ t: () => tempfail(450, '4.7.1', 'later') });
    expect(await build(['t'], ok).run('connect', ctx)).toEqual(tempfail(450, '4.7.1', 'later'));
  });

  it('counts Received headers only at the start of a header line', () => {
    expect(countReceived('Received: a\r\n\tReceived: folded\r\nX-Received: b\r\nreceived : c\r\nSubject: Received: d\r\n')).toBe(2);
  });
});
