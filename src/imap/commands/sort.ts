// Owns: SORT and UID SORT (RFC 5256, RFC 5957 DISPLAYFROM/DISPLAYTO, RFC 5267 ESORT return
// options and CONTEXT=SORT: PARTIAL, UPDATE, CONTEXT) and THREAD / UID THREAD (ORDEREDSUBJECT,
// REFERENCES): the messages SEARCH finds, put in order by src/imap/sort/ (search-results.ts).
import { SELECTED, type CommandSpec } from './types.ts';
import { ImapError } from '../errors.ts';
import { esearchHead } from '../search-contexts.ts';
import { hitsWithIndexes, orderedSet, partialData, partialSlice, sentDate, sortedHits } from '../search-results.ts';
import { formatThreads, orderedSubject, references, type ThreadItem } from '../sort/thread.ts';

export const sort: CommandSpec<'SORT', SELECTED> = {
  states: SELECTED,
  async handle(s, cmd) {
    const sel = s.selected;
    const update = cmd.returnOptions?.includes('UPDATE') ?? false;
    if (update && sel.contexts.has(cmd.tag)) throw new ImapError('BAD', 'Thẻ đã có kết quả đang cập nhật / duplicate search update tag');
    const hits = await sortedHits(s.store, sel, cmd.query, cmd.criteria);
    const nums = hits.map((h) => (cmd.uid ? h.m.uid : h.seq));
    if (cmd.returnOptions === null) {
      s.untagged(`SORT${nums.length ? ' ' + nums.join(' ') : ''}`);
      return;
    }
    if (update && !sel.contexts.add({ tag: cmd.tag, uid: cmd.uid, query: cmd.query, criteria: cmd.criteria, result: hits.map((h) => h.m.uid) }))
      s.untagged(`NO [NOUPDATE "${cmd.tag.replace(/["\\]/g, '')}"] Quá nhiều kết quả đang cập nhật / too many live searches`);
    // ESORT (RFC 5267): MIN and MAX are the first and last in sort order; ALL is implied when
    // nothing but the CONTEXT hint was asked.
    const opts = cmd.returnOptions.some((o) => o !== 'CONTEXT') ? cmd.returnOptions : ['ALL'];
    const parts: string[] = [esearchHead(cmd.tag, cmd.uid)];
    if (nums.length) {
      if (opts.includes('MIN')) parts.push(`MIN ${nums[0]}`);
      if (opts.includes('MAX')) parts.push(`MAX ${nums[nums.length - 1]}`);
      if (opts.includes('ALL')) parts.push(`ALL ${orderedSet(nums)}`);
    }
    if (cmd.partial) parts.push(partialData(cmd.partial, partialSlice(nums, cmd.partial)));
    if (opts.includes('COUNT')) parts.push(`COUNT ${nums.length}`);
    s.untagged(parts.join(' '));
  },
};

export const thread: CommandSpec<'THREAD', SELECTED> = {
  states: SELECTED,
  async handle(s, cmd) {
    const hits = await hitsWithIndexes(s.store, s.selected, cmd.query);
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
