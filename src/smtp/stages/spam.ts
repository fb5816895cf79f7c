// Stage `spam` (R5.5): asks rspamd (hygiene/rspamd.ts, `/checkv2`) about the stored message —
// envelope, client address, HELO, the authenticated user, queue id; the body streamed from the blob
// — and maps its action to a verdict:
//   reject                         → 550 5.7.1 (Vietnamese / English), unless a recipient allows the sender
//   soft reject                    → 451 4.7.1, same exception; a greylisting soft reject (rspamd's
//                                    greylist module: GREYLIST "greylisted") is NO action: we do not
//                                    greylist, the sender's retry would only be delayed mail
//   greylist                       → no action (as above)
//   add header / rewrite subject   → delivered to the recipients' Junk (we never rewrite the subject)
// Each recipient's lists (core/spam-lists.ts) then apply: `allow` — that recipient never gets Junk
// and the message is never refused while one allows it, unless its From: domain fails DMARC (the
// `auth` stage's result: a forged allowed sender is no allowed sender); `block` — Junk whatever
// rspamd says.
// The result is written as X-Spam-Score, X-Spam-Status and X-Spam-Symbols (capped at
// hygiene.spam.maxSymbols, highest score first) and X-Spam: yes when it goes to Junk; such
// fields arriving from outside are dropped first (a sender cannot mark its own mail clean).
// rspamd unreachable (refused, past hygiene.spam.timeoutMs, a broken answer): hygiene.spam.unreachable
// — 'accept' (default) with `X-Spam: unchecked`, or 'tempfail' (451 4.3.0) — block lists still apply.
import { CONTINUE, reject, tempfail, type DataContext, type Stage, type StageDeps } from '../pipeline.ts';
import { RspamdUnavailable, type RspamdResult } from '../../hygiene/rspamd.ts';
import type { SpamListKind } from '../../core/spam-lists.ts';
import { authOutcome } from './authenticity.ts';

export const SPAM_REJECT = { code: 550, enhanced: '5.7.1', text: 'Thư bị từ chối vì là thư rác / Message refused as spam' } as const;
export const SPAM_SOFT_REJECT = { code: 451, enhanced: '4.7.1', text: 'Thư bị nghi là thư rác, vui lòng thử lại sau / Message looks like spam, try again later' } as const;
export const SPAM_UNREACHABLE = { code: 451, enhanced: '4.3.0', text: 'Bộ lọc thư rác tạm thời không trả lời, vui lòng thử lại sau / The spam filter is not answering, try again later' } as const;

/** Fields a sender may not bring: ours alone say what the spam check found. */
const OUR_FIELDS = [
  'x-spam',
  'x-spam-score',
  'x-spam-status',
  'x-spam-symbols',
  'x-spam-flag',
  'x-spam-level',
  'x-spam-report',
  'x-spam-checker-version',
  'x-spamd-result',
  'x-spamd-bar',
  'x-rspamd-score',
  'x-rspamd-action',
];

/** Longest X-Spam-Symbols value (folded over lines), whatever maxSymbols says. */
const SYMBOLS_MAX_CHARS = 2000;

/** rspamd's greylist module turns a mid score into "soft reject" + GREYLIST(greylisted): not ours to apply. */
export function effectiveAction(r: RspamdResult): RspamdResult['action'] {
  if (r.action === 'greylist') return 'no action';
  if (r.action === 'soft reject' && r.symbols.some((s) => s.name === 'GREYLIST' && (s.options ?? []).includes('greylisted'))) return 'no action';
  return r.action;
}

/** X-Spam-* header fields for a result (folded at 78 columns, symbols capped). */
export function spamFields(r: RspamdResult, junk: boolean, maxSymbols: number): string[] {
  const action = effectiveAction(r);
  const spam = action !== 'no action';
  const fields = [
    `X-Spam-Score: ${r.score.toFixed(2)}`,
    `X-Spam-Status: ${spam ? 'Yes' : 'No'}, score=${r.score.toFixed(2)} required=${r.requiredScore.toFixed(2)} action=${r.action.replace(/ /g, '_')}`,
  ];
  const syms: string[] = [];
  let chars = 0;
  for (const s of r.symbols.slice(0, maxSymbols)) {
    const t = `${s.name.replace(/[^\w.-]/g, '')}(${s.score.toFixed(2)})`;
    if (chars + t.length > SYMBOLS_MAX_CHARS) break;
    syms.push(t);
    chars += t.length + 2;
  }
  if (r.symbols.length > syms.length) syms.push(`…+${r.symbols.length - syms.length}`);
  if (syms.length) fields.push(fold('X-Spam-Symbols', syms));
  if (junk) fields.push('X-Spam: yes');
  return fields;
}

function fold(name: string, items: string[]): string {
  const lines: string[] = [];
  let line = `${name}:`;
  for (const [i, it] of items.entries()) {
    const piece = ` ${it}${i < items.length - 1 ? ',' : ''}`;
    if (line.length + piece.length > 78 && line.length > name.length + 1) {
      lines.push(line);
      line = ` ${it}${i < items.length - 1 ? ',' : ''}`;
    } else line += piece;
  }
  lines.push(line);
  return lines.join('\r\n');
}

/** The senders a list entry may name: the envelope sender and the From: addresses. */
function sendersOf(ctx: DataContext): string[] {
  const out = new Set<string>();
  if (ctx.sender) out.add(ctx.sender.toLowerCase());
  for (const a of ctx.content.index.envelope?.from ?? []) if (a.mailbox && a.host) out.add(`${a.mailbox}@${a.host}`.toLowerCase());
  return [...out];
}

export function spamStage({ app }: StageDeps): Stage {
  const log = app.log.child({ component: 'smtp', stage: 'spam' });
  const cfg = app.config.hygiene.spam;
  return {
    name: 'spam',
    async data(ctx) {
      const client = app.rspamd;
      if (!client) return CONTINUE;
      for (const name of OUR_FIELDS) ctx.dropHeader(name);

      // Local recipients and what their lists say of this sender.
      const accountOf = new Map<string, number>();
      for (const r of ctx.recipients) {
        const a = await app.accounts.resolveRecipient(app.domains.canonical(r.toLowerCase()));
        if (a) accountOf.set(r, a.id);
      }
      const lists: Map<number, SpamListKind> = accountOf.size ? await app.spamLists.verdicts([...accountOf.values()], sendersOf(ctx)) : new Map();
      // An allow entry trusts a sender: not one whose From: domain fails DMARC (a forged sender);
      // block entries apply whatever the authentication says.
      const forged = authOutcome(ctx)?.dmarc === 'fail';
      const listOf = (r: string): SpamListKind | undefined => {
        const id = accountOf.get(r);
        const v = id === undefined ? undefined : lists.get(id);
        return v === 'allow' && forged ? undefined : v;
      };
      const allowed = ctx.recipients.filter((r) => listOf(r) === 'allow');
      const blocked = ctx.recipients.filter((r) => listOf(r) === 'block');

      let result: RspamdResult;
      try {
        result = await client.check(ctx.open(), ctx.content.size, {
          from: ctx.sender,
          rcpt: ctx.recipients,
          ip: ctx.session.remoteAddress,
          helo: ctx.session.helo,
          user: ctx.session.account?.username ?? null,
          queueId: ctx.queueId,
          hostname: app.config.hostname,
        });
      } catch (e) {
        if (!(e instanceof RspamdUnavailable)) throw e;
        log.warn({ err: e.message, queueId: ctx.queueId }, 'rspamd unreachable');
        if (cfg.unreachable === 'tempfail') return tempfail(SPAM_UNREACHABLE.code, SPAM_UNREACHABLE.enhanced, SPAM_UNREACHABLE.text);
        ctx.addHeader('X-Spam: unchecked');
        for (const r of blocked) ctx.setMailbox('Junk', r);
        return CONTINUE;
      }

      const action = effectiveAction(result);
      const info = { queueId: ctx.queueId, action: result.action, score: result.score, allowed: allowed.length, blocked: blocked.length };
      let spam = false;
      if (action === 'reject' || action === 'soft reject') {
        if (!allowed.length) {
          log.info(info, action === 'reject' ? 'spam refused' : 'spam deferred');
          return action === 'reject'
            ? reject(SPAM_REJECT.code, SPAM_REJECT.enhanced, `${SPAM_REJECT.text} (${result.score.toFixed(2)})`)
            : tempfail(SPAM_SOFT_REJECT.code, SPAM_SOFT_REJECT.enhanced, SPAM_SOFT_REJECT.text);
        }
        spam = true; // a recipient allows the sender: delivered, to Junk for the others
      } else if (action === 'add header' || action === 'rewrite subject') spam = true;

      const junk = ctx.recipients.filter((r) => listOf(r) !== 'allow' && (spam || listOf(r) === 'block'));
      if (junk.length) {
        // With no allowing recipient every copy (list copies too) goes to Junk; otherwise per recipient.
        if (spam && !allowed.length) ctx.setMailbox('Junk');
        else for (const r of junk) ctx.setMailbox('Junk', r);
        log.info(info, 'spam delivered to Junk');
      }
      for (const f of spamFields(result, junk.length > 0, cfg.maxSymbols)) ctx.addHeader(f);
      return CONTINUE;
    },
  };
}
