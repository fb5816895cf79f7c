// Owns: SORT and UID SORT (RFC 5256, RFC 5957 DISPLAYFROM/DISPLAYTO, RFC 5267 ESORT return
// options) and THREAD / UID THREAD (ORDEREDSUBJECT, REFERENCES): the messages SEARCH finds, put
// in order by src/imap/sort/.
import { SELECTED, type CommandSpec } from './types.ts';
import type { SelectedContext } from '../context.ts';
import { runSearch } from '../search.ts';
import type { SearchKey } from '../parser/types.ts';
import type { MessageMeta } from '../../core/mailstore.ts';
import type { MessageIndex } from '../../core/mime/types.ts';
import { sortItems, type SortItem } from '../sort/sort.ts';
import { formatThreads, orderedSubject, references, type ThreadItem } from '../sort/thread.ts';

/** The messages the query finds, with their indexes (envelope, sent date). */
async function found(s: SelectedContext, query: SearchKey): Promise<Array<{ m: MessageMeta; idx: MessageIndex | undefined; seq: number }>> {
  const sel = s.selected;
  const all = await s.store.listMessages(sel.info.id);
  const hits = await runSearch(s.store, sel, query, all);
  const indexes = await s.store.indexesOf(hits);
  return hits.map((m) => ({ m, idx: indexes.get(m), seq: sel.seqOf(m.uid) }));
}

function sentDate(idx: MessageIndex | undefined, m: MessageMeta): number {
  const t = idx?.sentDate ? Date.parse(idx.sentDate) : NaN;
  return Number.isFinite(t) ? t : m.internalDate;
}

/** A sequence-set in the given order: runs of consecutive ascending numbers become ranges (RFC 5267 §3.2). */
function orderedSet(nums: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < nums.length;) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
    out.push(j > i ? `${nums[i]}:${nums[j]}` : String(nums[i]));
    i = j + 1;
  }
  return out.join(',');
}

export const sort: CommandSpec<'SORT', SELECTED> = {
  states: SELECTED,
  async handle(s, cmd) {
    const items: SortItem[] = (await found(s, cmd.query)).map(({ m, idx, seq }) => ({
      n: cmd.uid ? m.uid : seq,
      seq,
      size: m.size,
      arrival: m.internalDate,
      date: sentDate(idx, m),
      envelope: idx?.envelope ?? null,
    }));
    const nums = sortItems(items, cmd.criteria).map((it) => it.n);
    if (cmd.returnOptions === null) {
      s.untagged(`SORT${nums.length ? ' ' + nums.join(' ') : ''}`);
      return;
    }
    // ESORT (RFC 5267): MIN and MAX are the first and last in sort order.
    const opts = cmd.returnOptions.length ? cmd.returnOptions : ['ALL'];
    const parts: string[] = [`(TAG "${cmd.tag.replace(/["\\]/g, '')}")`];
    if (cmd.uid) parts.push('UID');
    if (nums.length) {
      if (opts.includes('MIN')) parts.push(`MIN ${nums[0]}`);
      if (opts.includes('MAX')) parts.push(`MAX ${nums[nums.length - 1]}`);
      if (opts.includes('ALL')) parts.push(`ALL ${orderedSet(nums)}`);
    }
    if (opts.includes('COUNT')) parts.push(`COUNT ${nums.length}`);
    s.untagged(`ESEARCH ${parts.join(' ')}`);
  },
};

export const thread: CommandSpec<'THREAD', SELECTED> = {
  states: SELECTED,
  async handle(s, cmd) {
    const hits = await found(s, cmd.query);
    const refs = cmd.algorithm === 'REFERENCES' ? await s.store.referenceFields(s.selected.info.id) : null;
    const items: ThreadItem[] = hits.map(({ m, idx, seq }) => ({
      n: cmd.uid ? m.uid : seq,
      seq,
      date: sentDate(idx, m),
      subject: idx?.envelope.subject ?? null,
      messageId: idx?.envelope.messageId ?? null,
      inReplyTo: idx?.envelope.inReplyTo ?? null,
      references: refs?.get(m.uid) ?? null,
    }));
    const threads = cmd.algorithm === 'REFERENCES' ? references(items) : orderedSubject(items);
    const list = formatThreads(threads);
    s.untagged(`THREAD${list ? ' ' + list : ''}`);
  },
};
