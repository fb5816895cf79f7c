// Each recipient's own spam allow and block lists (R5.5, R7.7): an entry is a sender address
// (`ban@so-tn.example`) or a domain (`example.com`, which covers its subdomains too). At the end of
// DATA the `spam` stage asks, for the message's senders (envelope and From:), what each local
// recipient's lists say: `allow` — never Junk, never refused for that recipient; `block` — Junk
// whatever rspamd says. The most specific entry wins (an address over its domain, a subdomain over
// its parent); between an allow and a block of the same weight, block. Every change is audited
// (`spam.list.set`, `spam.list.remove`), whoever makes it (the user themself, an administrator).
// Owns: the entry's form and the matching rule; rows through storage/repositories/spam.ts.
import type { Reader } from '../storage/tx.ts';
import { transactor, type Transactor } from '../storage/tx.ts';
import * as repo from '../storage/repositories/spam.ts';
import type { AuditLog, ChangeContext } from './audit.ts';
import { ThutinError } from './errors.ts';

export type SpamListKind = 'allow' | 'block';
export type SpamListEntry = repo.SpamListRow;

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function isDomain(d: string): boolean {
  const labels = d.split('.');
  return d.length <= 253 && labels.length >= 2 && labels.every((l) => LABEL.test(l) || /^xn--[a-z0-9-]+$/.test(l));
}

/** An entry as stored: lower case, an address `local@domain` or a domain (a leading `@` or `*.` is dropped). Throws SPAM_ENTRY_INVALID. */
export function normalizeEntry(raw: string): string {
  const s = raw
    .trim()
    .toLowerCase()
    .replace(/^(\*\.|@)/, '')
    .replace(/\.$/, '');
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    const local = s.slice(0, at);
    const domain = s.slice(at + 1);
    if (!local || local.length > 64 || /[\s<>()[\],;:"]/.test(local) || !isDomain(domain)) throw new ThutinError('SPAM_ENTRY_INVALID', raw);
    return `${local}@${domain}`;
  }
  if (!isDomain(s)) throw new ThutinError('SPAM_ENTRY_INVALID', raw);
  return s;
}

/** What may match a sender, most specific first: the address, its domain, each parent domain (not the bare TLD). */
export function candidates(sender: string): string[] {
  const s = sender.trim().toLowerCase();
  const at = s.lastIndexOf('@');
  if (at <= 0) return [];
  const out = [s];
  const labels = s.slice(at + 1).split('.');
  for (let i = 0; i < labels.length - 1; i++) out.push(labels.slice(i).join('.'));
  return out;
}

export class SpamLists {
  private readonly tx: Transactor;
  private readonly now: () => number;

  constructor(
    private readonly db: Reader,
    private readonly audit: AuditLog,
    opts: { now?: () => number } = {},
  ) {
    this.tx = transactor(db);
    this.now = opts.now ?? Date.now;
  }

  list(accountId: number): Promise<SpamListEntry[]> {
    return repo.listEntries(this.db, accountId);
  }

  /** Put `entry` on the account's `kind` list (moving it off the other one). `target`: the account's name, for the audit. */
  async set(accountId: number, target: string, kind: SpamListKind, entry: string, ctx: ChangeContext): Promise<SpamListEntry> {
    const e = normalizeEntry(entry);
    return this.tx.transaction(async (tx) => {
      const row = await repo.upsertEntry(tx, { accountId, kind, entry: e, createdAt: this.now(), createdBy: ctx.actor });
      await this.audit.record({ actor: ctx.actor, action: 'spam.list.set', target, details: { kind, entry: e }, reason: ctx.reason ?? '' }, tx);
      return row;
    });
  }

  async remove(accountId: number, target: string, entry: string, ctx: ChangeContext): Promise<void> {
    const e = normalizeEntry(entry);
    await this.tx.transaction(async (tx) => {
      const row = await repo.deleteEntry(tx, accountId, e);
      if (!row) throw new ThutinError('SPAM_ENTRY_NOT_FOUND', e);
      await this.audit.record({ actor: ctx.actor, action: 'spam.list.remove', target, details: { kind: row.kind, entry: e }, reason: ctx.reason ?? '' }, tx);
    });
  }

  /**
   * For each account, what its lists say of a message from `senders` (envelope sender, From:
   * addresses): 'allow', 'block', or nothing (absent from the map). One query for all recipients.
   */
  async verdicts(accountIds: number[], senders: string[]): Promise<Map<number, SpamListKind>> {
    const weights = new Map<string, number>();
    for (const s of senders) {
      // An address outweighs any domain; a domain weighs its number of labels.
      for (const x of candidates(s)) weights.set(x, x.includes('@') ? 1000 : x.split('.').length);
    }
    const rows = await repo.matchingEntries(this.db, [...new Set(accountIds)], [...weights.keys()]);
    const best = new Map<number, { weight: number; kind: SpamListKind }>();
    for (const r of rows) {
      const w = weights.get(r.entry) ?? 0;
      const b = best.get(r.accountId);
      if (!b || w > b.weight || (w === b.weight && r.kind === 'block')) best.set(r.accountId, { weight: w, kind: r.kind });
    }
    return new Map([...best].map(([id, b]) => [id, b.kind]));
  }
}
