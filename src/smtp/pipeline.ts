// The SMTP stage pipeline (the model of Haraka's plugins and smtp-server's hooks): a stage is a
// named unit with optional hooks at CONNECT, MAIL FROM, RCPT TO and end of DATA, each returning
// a Verdict. Stages are registered by name in a StageRegistry; which run, and in what order, is
// configuration (config.smtp.inboundStages / submissionStages). This module owns the types, the
// registry and the runner. The runner's rule: a stage that throws, times out
// (config.smtp.stageTimeoutMs) or answers with something that is not a valid verdict yields
// `451 4.3.0` — never a silent accept. At end of DATA stages may also add header fields to the
// stored message and choose the folder (see DataContext).
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { App } from '../app.ts';
import { ConfigError } from '../config/config.ts';
import type { StoredContent } from '../core/mailstore.ts';

export type Verdict =
  { kind: 'continue' } | { kind: 'accept' } | { kind: 'reject'; code: number; enhanced: string; message: string } | { kind: 'tempfail'; code: number; enhanced: string; message: string };

export const CONTINUE: Verdict = Object.freeze({ kind: 'continue' });
export const ACCEPT: Verdict = Object.freeze({ kind: 'accept' });
export function reject(code: number, enhanced: string, message: string): Verdict {
  return { kind: 'reject', code, enhanced, message };
}
export function tempfail(code: number, enhanced: string, message: string): Verdict {
  return { kind: 'tempfail', code, enhanced, message };
}

/** What a stage may know about the connection. */
export interface SessionView {
  id: string;
  listener: 'inbound' | 'submission';
  remoteAddress: string;
  clientHostname: string;
  helo: string;
  secure: boolean;
  transmissionType: string;
  /** The authenticated account (submission only), or null. */
  account: { id: number; username: string } | null;
}

export type Params = Record<string, string | true>;

export interface ConnectContext {
  session: SessionView;
}
export interface MailFromContext {
  session: SessionView;
  /** Envelope sender, '' for the null sender. */
  sender: string;
  params: Params;
}
export interface RcptToContext {
  session: SessionView;
  sender: string;
  recipient: string;
  params: Params;
  /** The local account this recipient delivers to, null for a remote recipient. */
  localAccountId: number | null;
}
export interface DataContext {
  session: SessionView;
  sender: string;
  recipients: string[];
  queueId: string;
  /** The stored blob and its index (ingested, not yet delivered: nothing is visible yet). */
  content: StoredContent;
  /** Bytes the client sent, without the Received header we prepended. */
  messageSize: number;
  /** The header section of the stored message (our Received first), read lazily, capped. */
  header(): Promise<string>;
  /** The whole stored message (our Received first) as a stream; each call opens a new one. */
  open(): Readable;
  /**
   * Add a header field (e.g. `Authentication-Results: …`, folded with CRLF + space, no final
   * CRLF needed) to the message as stored and delivered, just below our Received header. When
   * any stage adds one, the message is copied, streamed, into a new blob after the run.
   */
  addHeader(field: string): void;
  /**
   * Remove header fields named `name` (case-insensitive) whose value passes `test` from the
   * message as delivered (e.g. a forged `Authentication-Results:` carrying our authserv-id).
   * Applies only together with addHeader (the copy is made then).
   */
  dropHeader(name: string, test?: (value: string) => boolean): void;
  /**
   * Deliver to this folder of each local recipient instead of INBOX (e.g. 'Junk'); the last call
   * wins. With `recipient` (an envelope recipient, as in `recipients`): for that recipient alone,
   * ahead of the message-wide choice (the spam stage's per-recipient lists).
   */
  setMailbox(mailbox: string, recipient?: string): void;
  /** Results one stage leaves for a later one (e.g. `auth` → `dmarc`), by stage name. */
  readonly shared: Map<string, unknown>;
}

export interface HookContexts {
  connect: ConnectContext;
  mailFrom: MailFromContext;
  rcptTo: RcptToContext;
  data: DataContext;
}
export type Hook = keyof HookContexts;

export type StageHooks = { [H in Hook]?: (ctx: HookContexts[H]) => Verdict | Promise<Verdict> };
export interface Stage extends StageHooks {
  readonly name: string;
}

export interface StageDeps {
  app: App;
}
export type StageFactory = (deps: StageDeps) => Stage;

/** Stages by name. Injectable: startSmtp takes one, so a test (or a later issue) can add stages. */
export class StageRegistry {
  private readonly factories = new Map<string, StageFactory>();

  register(name: string, factory: StageFactory): this {
    this.factories.set(name, factory);
    return this;
  }

  has(name: string): boolean {
    return this.factories.has(name);
  }

  names(): string[] {
    return [...this.factories.keys()].sort();
  }

  create(name: string, deps: StageDeps): Stage {
    const f = this.factories.get(name);
    if (!f) throw new ConfigError(`Bước SMTP không xác định "${name}" / unknown SMTP stage "${name}"; known: ${this.names().join(', ')}`);
    return f(deps);
  }
}

const TEMPFAIL_TEXT = 'Lỗi tạm thời khi kiểm tra thư, vui lòng thử lại sau / Temporary failure while checking the message, try again later';
export const STAGE_FAILED: Verdict = Object.freeze(tempfail(451, '4.3.0', TEMPFAIL_TEXT));

class StageTimeout extends Error {
  constructor(ms: number) {
    super(`stage timed out after ${ms} ms`);
    this.name = 'StageTimeout';
  }
}

/** A verdict is only honoured when well formed; a reject must be 5xx/5.x.x, a tempfail 4xx/4.x.x. */
export function isValidVerdict(v: unknown): v is Verdict {
  if (!v || typeof v !== 'object') return false;
  const k = (v as { kind?: unknown }).kind;
  if (k === 'continue' || k === 'accept') return true;
  if (k !== 'reject' && k !== 'tempfail') return false;
  const { code, enhanced, message } = v as { code?: unknown; enhanced?: unknown; message?: unknown };
  if (typeof code !== 'number' || !Number.isInteger(code) || typeof enhanced !== 'string' || typeof message !== 'string') return false;
  const cls = k === 'reject' ? 5 : 4;
  return Math.floor(code / 100) === cls && new RegExp(`^${cls}\\.\\d{1,3}\\.\\d{1,3}$`).test(enhanced);
}

export class Pipeline {
  constructor(
    readonly stages: readonly Stage[],
    private readonly timeoutMs: number,
    private readonly log: Logger,
  ) {}

  /**
   * Build from configured names. `setting` names the configuration key in the error, e.g.
   * "smtp.inboundStages". Unknown or repeated names are a startup error.
   */
  static build(names: readonly string[], registry: StageRegistry, deps: StageDeps, opts: { timeoutMs: number; log: Logger; setting: string }): Pipeline {
    const seen = new Set<string>();
    const stages: Stage[] = [];
    for (const name of names) {
      if (!registry.has(name)) {
        throw new ConfigError(`${opts.setting}: bước SMTP không xác định "${name}" / unknown SMTP stage "${name}" (có/known: ${registry.names().join(', ')})`);
      }
      if (seen.has(name)) throw new ConfigError(`${opts.setting}: bước "${name}" lặp lại / stage "${name}" is listed twice`);
      seen.add(name);
      stages.push(registry.create(name, deps));
    }
    return new Pipeline(stages, opts.timeoutMs, opts.log);
  }

  /**
   * Run one hook of every stage in order. The first reject/tempfail/accept ends the run;
   * 'continue' from all (or no stage with this hook) yields 'continue'.
   */
  async run<H extends Hook>(hook: H, ctx: HookContexts[H]): Promise<Verdict> {
    for (const stage of this.stages) {
      const fn = stage[hook] as ((c: HookContexts[H]) => Verdict | Promise<Verdict>) | undefined;
      if (typeof fn !== 'function') continue;
      let v: unknown;
      try {
        v = await this.withTimeout(() => fn.call(stage, ctx));
      } catch (e) {
        this.log.error({ err: e, stage: stage.name, hook, session: ctx.session.id }, 'SMTP stage failed');
        return STAGE_FAILED;
      }
      if (!isValidVerdict(v)) {
        this.log.error({ stage: stage.name, hook, session: ctx.session.id, verdict: v }, 'SMTP stage returned an invalid verdict');
        return STAGE_FAILED;
      }
      if (v.kind !== 'continue') {
        if (v.kind !== 'accept') this.log.info({ stage: stage.name, hook, session: ctx.session.id, code: v.code, enhanced: v.enhanced }, 'SMTP stage refused');
        return v;
      }
    }
    return CONTINUE;
  }

  private withTimeout<T>(fn: () => T | Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new StageTimeout(this.timeoutMs)), this.timeoutMs);
      let p: Promise<T>;
      try {
        p = Promise.resolve(fn());
      } catch (e) {
        clearTimeout(timer);
        reject(e);
        return;
      }
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      );
    });
  }
}
